// Defaults the apiserver fills in on create and update, as Kubernetes' defaulting functions and
// default admission plugins do (SetDefaults_*, DefaultTolerationSeconds, ServiceAccount).
import type { ResourceInfo } from './resources.js';
import { applySchemaDefaults } from './structural.js';
import type { MatchResources, RuleWithOperations, Webhook } from './types.js';
import { byKind, type Container, type JobSpec, type KubeObject, type PerKind, type PodSpec, type PodTemplateSpec } from './types.js';

/** The default imagePullPolicy: Always for `:latest` or untagged images, else IfNotPresent. */
export function defaultPullPolicy(image: string | undefined): string {
  if (!image) return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const tagAt = image.lastIndexOf(':');
  if (tagAt <= lastSlash) return 'Always';
  return image.slice(tagAt + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Container): void {
  c.imagePullPolicy ??= defaultPullPolicy(c.image);
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
    if (!probe) continue;
    probe.timeoutSeconds ??= 1;
    probe.periodSeconds ??= 10;
    probe.successThreshold ??= 1;
    probe.failureThreshold ??= 3;
    const http = probe.httpGet as { scheme?: string; path?: string } | undefined;
    if (http) http.scheme ??= 'HTTP';
  }
  for (const e of c.env ?? []) {
    const f = e.valueFrom?.fieldRef;
    if (f) f.apiVersion ??= 'v1';
  }
}

/** Pod spec defaults shared by pods and pod templates (SetDefaults_PodSpec and friends). */
export function defaultPodSpec(spec: PodSpec): void {
  if (!spec || typeof spec !== 'object') return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) {
    if (v.configMap) (v.configMap as { defaultMode?: number }).defaultMode ??= 0o644;
    if (v.secret) (v.secret as { defaultMode?: number }).defaultMode ??= 0o644;
    if (v.hostPath) v.hostPath.type ??= '';
  }
}

/**
 * Pod-only defaults: enableServiceLinks, a container's requests from its limits (SetDefaults_Pod:
 * a limit without a request requests as much), and the default tolerations (service account,
 * priority and LimitRange defaults: admission plugins).
 */
function admitPod(spec: PodSpec): void {
  spec.enableServiceLinks ??= true;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const limits = c?.resources?.limits;
    if (!limits || typeof limits !== 'object') continue;
    for (const [name, q] of Object.entries(limits)) (c.resources!.requests ??= {})[name] ??= q;
  }
  const tol = (spec.tolerations ??= []);
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tol.some((t) => (t.key === key || (t.operator === 'Exists' && !t.key)) && (t.effect === 'NoExecute' || !t.effect))) {
      tol.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
}

function defaultTemplate(t: PodTemplateSpec | undefined): void {
  if (t && typeof t === 'object') {
    t.metadata ??= {};
    t.metadata.creationTimestamp ??= null;
    if (t.spec && typeof t.spec === 'object') defaultPodSpec(t.spec);
  }
}

const PER_KIND: PerKind<void> = {
  Pod(o) {
    if (!o.spec || typeof o.spec !== 'object') return;
    defaultPodSpec(o.spec);
    admitPod(o.spec);
  },
  Deployment(o) {
    const s = o.spec;
    if (!s || typeof s !== 'object') return;
    s.replicas ??= 1;
    s.strategy ??= {};
    s.strategy.type ??= 'RollingUpdate';
    if (s.strategy.type === 'RollingUpdate') {
      s.strategy.rollingUpdate ??= {};
      s.strategy.rollingUpdate.maxUnavailable ??= '25%';
      s.strategy.rollingUpdate.maxSurge ??= '25%';
    }
    s.revisionHistoryLimit ??= 10;
    s.progressDeadlineSeconds ??= 600;
    defaultTemplate(s.template);
  },
  ReplicaSet(o) {
    if (!o.spec || typeof o.spec !== 'object') return;
    o.spec.replicas ??= 1;
    defaultTemplate(o.spec.template);
  },
  ReplicationController(o) {
    const s = o.spec;
    if (!s || typeof s !== 'object') return;
    s.replicas ??= 1;
    const labels = s.template?.metadata?.labels;
    if (labels && (!s.selector || Object.keys(s.selector).length === 0)) s.selector = { ...labels };
    if (labels && (!o.metadata.labels || Object.keys(o.metadata.labels).length === 0)) o.metadata.labels = { ...labels };
    defaultTemplate(s.template);
  },
  DaemonSet(o) {
    const s = o.spec;
    if (!s || typeof s !== 'object') return;
    s.updateStrategy ??= {};
    s.updateStrategy.type ??= 'RollingUpdate';
    if (s.updateStrategy.type === 'RollingUpdate') {
      s.updateStrategy.rollingUpdate ??= {};
      s.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
      s.updateStrategy.rollingUpdate.maxSurge ??= 0;
    }
    s.revisionHistoryLimit ??= 10;
    defaultTemplate(s.template);
  },
  StatefulSet(o) {
    const s = o.spec;
    if (!s || typeof s !== 'object') return;
    s.replicas ??= 1;
    s.podManagementPolicy ??= 'OrderedReady';
    s.updateStrategy ??= {};
    s.updateStrategy.type ??= 'RollingUpdate';
    if (s.updateStrategy.type === 'RollingUpdate') {
      s.updateStrategy.rollingUpdate ??= {};
      s.updateStrategy.rollingUpdate.partition ??= 0;
    }
    s.revisionHistoryLimit ??= 10;
    s.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
    for (const t of s.volumeClaimTemplates ?? []) {
      t.apiVersion ??= 'v1';
      t.kind ??= 'PersistentVolumeClaim';
      t.spec.volumeMode ??= 'Filesystem';
      // A claim template is a PersistentVolumeClaim and is defaulted as one: its phase is Pending.
      t.status ??= {};
      t.status.phase ??= 'Pending';
    }
    defaultTemplate(s.template);
  },
  Job(o) {
    const s = o.spec;
    if (!s || typeof s !== 'object') return;
    defaultJobSpec(s, o.metadata.uid, o.metadata.name);
    defaultTemplate(s.template);
  },
  CronJob(o) {
    const s = o.spec;
    if (!s || typeof s !== 'object') return;
    s.concurrencyPolicy ??= 'Allow';
    s.suspend ??= false;
    s.successfulJobsHistoryLimit ??= 3;
    s.failedJobsHistoryLimit ??= 1;
    const jt = s.jobTemplate;
    if (jt?.spec && typeof jt.spec === 'object') {
      jt.metadata ??= {};
      jt.metadata.creationTimestamp ??= null;
      defaultJobSpec(jt.spec, undefined, undefined);
      if (jt.spec.template?.spec) {
        jt.spec.template.metadata ??= {};
        jt.spec.template.metadata.creationTimestamp ??= null;
        defaultPodSpec(jt.spec.template.spec);
      }
    }
  },
  Service(o) {
    const s = o.spec;
    if (!s || typeof s !== 'object') return;
    s.type ??= 'ClusterIP';
    if (s.type !== 'ExternalName') {
      s.sessionAffinity ??= 'None';
      s.internalTrafficPolicy ??= 'Cluster';
      s.ipFamilyPolicy ??= 'SingleStack';
      s.ipFamilies ??= ['IPv4'];
    } else {
      s.sessionAffinity ??= 'None';
    }
    if (s.sessionAffinity === 'ClientIP') {
      s.sessionAffinityConfig ??= {};
      s.sessionAffinityConfig.clientIP ??= {};
      s.sessionAffinityConfig.clientIP.timeoutSeconds ??= 10800;
    }
    if (s.type === 'NodePort' || s.type === 'LoadBalancer') s.externalTrafficPolicy ??= 'Cluster';
    if (s.type === 'LoadBalancer') s.allocateLoadBalancerNodePorts ??= true;
    for (const p of s.ports ?? []) {
      if (!p || typeof p !== 'object') continue;
      p.protocol ??= 'TCP';
      p.targetPort ??= p.port;
    }
  },
  Secret(o) {
    o.type ??= 'Opaque';
  },
  Namespace(o) {
    o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name ?? '' };
    o.spec ??= {};
    o.spec.finalizers ??= ['kubernetes'];
  },
  HorizontalPodAutoscaler(o) {
    const s = o.spec;
    if (!s || typeof s !== 'object') return;
    s.minReplicas ??= 1;
  },
  Ingress(o) {
    for (const r of o.spec?.rules ?? []) for (const p of r?.http?.paths ?? []) if (p && typeof p === 'object') p.pathType ??= 'ImplementationSpecific';
  },
  PersistentVolumeClaim(o) {
    if (o.spec && typeof o.spec === 'object') o.spec.volumeMode ??= 'Filesystem';
  },
  PriorityClass(o) {
    o.preemptionPolicy ??= 'PreemptLowerPriority';
  },
  PersistentVolume(o) {
    if (o.spec && typeof o.spec === 'object') {
      o.spec.persistentVolumeReclaimPolicy ??= 'Retain';
      o.spec.volumeMode ??= 'Filesystem';
    }
  },
  CustomResourceDefinition: (o) => {
    const spec = o.spec;
    if (!spec || typeof spec !== 'object') return;
    if (spec.names && typeof spec.names === 'object' && spec.names.kind) {
      spec.names.singular ||= spec.names.kind.toLowerCase();
      spec.names.listKind ||= `${spec.names.kind}List`;
    }
    spec.conversion ??= { strategy: 'None' };
  },
  ValidatingWebhookConfiguration: (o) => defaultWebhooks(o.webhooks, false),
  MutatingWebhookConfiguration: (o) => defaultWebhooks(o.webhooks, true),
  ValidatingAdmissionPolicy: (o) => {
    if (!o.spec || typeof o.spec !== 'object') return;
    o.spec.failurePolicy ??= 'Fail';
    defaultMatch(o.spec.matchConstraints);
  },
  ValidatingAdmissionPolicyBinding: (o) => {
    if (!o.spec || typeof o.spec !== 'object') return;
    defaultMatch(o.spec.matchResources);
  },
};

/** A rule's scope defaults to every scope. */
function defaultRules(rules: RuleWithOperations[] | undefined): void {
  for (const r of rules ?? []) if (r && typeof r === 'object') r.scope ??= '*';
}

/** Match criteria: equivalent versions match, empty selectors select everything. */
function defaultMatch(m: MatchResources | undefined): void {
  if (!m || typeof m !== 'object') return;
  m.matchPolicy ??= 'Equivalent';
  m.namespaceSelector ??= {};
  m.objectSelector ??= {};
  defaultRules(m.resourceRules);
  defaultRules(m.excludeResourceRules);
}

/** A webhook's defaults, as admissionregistration/v1 sets them. */
function defaultWebhooks(webhooks: Webhook[] | undefined, mutating: boolean): void {
  for (const w of Array.isArray(webhooks) ? webhooks : []) {
    if (!w || typeof w !== 'object') continue;
    w.failurePolicy ??= 'Fail';
    w.matchPolicy ??= 'Equivalent';
    w.namespaceSelector ??= {};
    w.objectSelector ??= {};
    w.timeoutSeconds ??= 10;
    if (mutating) w.reinvocationPolicy ??= 'Never';
    defaultRules(w.rules);
  }
}

function defaultJobSpec(s: JobSpec, uid: string | undefined, name: string | undefined): void {
  if (s.completions == null && s.parallelism == null) {
    s.completions = 1;
    s.parallelism = 1;
  }
  s.parallelism ??= 1;
  // With a per-index limit the Job-wide one is off unless given (MaxInt32).
  s.backoffLimit ??= s.backoffLimitPerIndex != null ? 2147483647 : 6;
  s.completionMode ??= 'NonIndexed';
  s.suspend ??= false;
  // A pod failure policy judges a pod once it has finished: replacements wait for that.
  s.podReplacementPolicy ??= s.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  for (const r of s.podFailurePolicy?.rules ?? []) for (const c of r?.onPodConditions ?? []) if (c) c.status ??= 'True';
  // The job controller's selector: generated from the Job's uid unless manualSelector is set.
  if (uid && !s.manualSelector && s.template && typeof s.template === 'object') {
    s.selector ??= { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
    s.template.metadata ??= {};
    s.template.metadata.labels = {
      ...(s.template.metadata.labels ?? {}),
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': name ?? '',
      'controller-uid': uid,
      'job-name': name ?? '',
    };
  }
}

/** Fills in the defaults of an object of the given kind, in place. */
export function applyDefaults(kind: string, o: KubeObject): void {
  byKind(PER_KIND, kind, o);
}

/** Fills in the defaults of an object of a resource: its kind's, or its CRD schema's for a custom resource. */
export function defaultObject(r: ResourceInfo, o: KubeObject): void {
  if (r.custom) applySchemaDefaults(r.custom.schema, o);
  else byKind(PER_KIND, r.kind, o);
}
