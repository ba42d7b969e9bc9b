// What running the manifests showed: the cluster's state once it settled (or the horizon passed),
// read as findings about the objects of the set. Pods and the objects controllers made are
// traced to the manifest object that owns them, so a finding points at what the user wrote.
// Messages are the components' own (kube-scheduler's, the kubelet's, the controllers'), without
// generated pod names, so two runs print the same.
import { controllerOf } from '../api/pods.js';
import { type ObjectTypes, resourceNamed } from '../api/resources.js';
import type { Condition, Event, KubeObject } from '../api/types.js';
import type { Registry } from '../apiserver/registry.js';
import type { CheckKind, Finding, Severity } from './findings.js';
import type { SetObject } from './references.js';


/** Waiting reasons that mean a container cannot start or keeps failing. */
const BAD_WAITING = new Set(['CrashLoopBackOff', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError', 'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName']);

const cond = (o: { status?: { conditions?: Condition[] } }, type: string) => (Array.isArray(o.status?.conditions) ? o.status.conditions.find((c) => c.type === type) : undefined);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Reads the settled cluster into findings about the set's objects. */
export function outcomes(reg: Registry, set: SetObject[], simulatedMs: number): Finding[] {
  const x = new Reading(reg, set, simulatedMs);
  // In this order: findings print in the order they are first found.
  for (const read of [podOutcomes, deploymentOutcomes, statefulSetOutcomes, daemonSetOutcomes, jobOutcomes, claimOutcomes, failedCreateOutcomes, serviceOutcomes, autoscalerOutcomes]) read(x);
  return x.findings();
}

/** What the readers share: the set, the cluster's objects, and the findings grouped as they come. */
class Reading {
  private inSet = new Map<string, SetObject>();
  private byUid = new Map<string, KubeObject>();
  /** The objects that own pods or jobs. */
  readonly owners: KubeObject[];
  readonly events: Event[];
  // One finding per object and message: three replicas failing alike are one finding, counted.
  private grouped = new Map<string, { s: SetObject; severity: Severity; check: CheckKind; text: (n: number) => string; n: number }>();

  constructor(
    private reg: Registry,
    set: SetObject[],
    readonly simulatedMs: number,
  ) {
    for (const s of set) this.inSet.set(`${s.object.kind}/${s.object.metadata.namespace ? s.namespace : ''}/${s.object.metadata.name}`, s);
    this.owners = (['deployments', 'replicasets', 'replicationcontrollers', 'daemonsets', 'statefulsets', 'jobs', 'cronjobs'] as const).flatMap((p) => this.all(p));
    for (const o of this.owners) if (o.metadata.uid) this.byUid.set(o.metadata.uid, o);
    this.events = this.all('events');
  }

  all<P extends keyof ObjectTypes>(p: P): ObjectTypes[P][] {
    return this.reg.list(resourceNamed(p), undefined).items;
  }

  /** The manifest object written as this object, if any. */
  setEntry(o: KubeObject): SetObject | undefined {
    return this.inSet.get(`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
  }

  /** The manifest object an object comes from: itself, or the nearest controller up its owner chain. */
  root(o: KubeObject): SetObject | undefined {
    for (let cur: KubeObject | undefined = o, hops = 0; cur && hops < 5; hops++) {
      const s = this.setEntry(cur);
      if (s) return s;
      const ref = controllerOf(cur);
      cur = ref ? this.byUid.get(ref.uid) : undefined;
    }
    return undefined;
  }

  add(s: SetObject | undefined, severity: Severity, check: CheckKind, key: string, text: (n: number) => string): void {
    if (!s) return;
    const k = `${s.source}:${s.line}:${s.object.kind}/${s.object.metadata.name}:${key}`;
    const g = this.grouped.get(k);
    if (g) g.n++;
    else this.grouped.set(k, { s, severity, check, text, n: 1 });
  }

  findings(): Finding[] {
    return [...this.grouped.values()].map((g) => ({
      severity: g.severity,
      check: g.check,
      message: g.text(g.n),
      source: g.s.source,
      line: g.s.line,
      object: { apiVersion: g.s.object.apiVersion, kind: g.s.object.kind!, ...(g.s.object.metadata.namespace ? { namespace: g.s.namespace } : {}), name: g.s.object.metadata.name ?? '' },
    }));
  }
}

/** Pods that cannot be scheduled, containers that cannot start, fail or never become ready. */
function podOutcomes(x: Reading): void {
  for (const pod of x.all('pods')) {
    const s = x.root(pod);
    if (!s || pod.metadata.deletionTimestamp) continue;
    const scheduled = cond(pod, 'PodScheduled');
    // Gated on purpose (a queueing controller removes the gates): worth a warning, not an error.
    if (!pod.spec?.nodeName && scheduled?.reason === 'SchedulingGated') {
      const gates = (pod.spec?.schedulingGates ?? []).map((g) => g.name).join(', ');
      x.add(s, 'warning', 'scheduling', `gated:${gates}`, (n) => `${plural(n, 'pod')} ${n === 1 ? 'waits' : 'wait'} for scheduling gates to be removed: ${gates}`);
      continue;
    }
    if (!pod.spec?.nodeName && scheduled?.status === 'False') {
      x.add(s, 'error', 'scheduling', `unschedulable:${scheduled.message}`, (n) => `${plural(n, 'pod')} cannot be scheduled: ${scheduled.message ?? scheduled.reason}`);
      continue;
    }
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const c of statuses) {
      const waiting = c.state?.waiting;
      const last = c.lastState?.terminated ?? c.state?.terminated;
      if (waiting?.reason && BAD_WAITING.has(waiting.reason)) {
        const detail = waiting.reason === 'CrashLoopBackOff' && last ? `last exit: ${last.reason ?? 'Error'}, exit code ${last.exitCode}` : waiting.message;
        x.add(s, 'error', 'container', `waiting:${c.name}:${waiting.reason}:${detail}`, (n) => `container "${c.name}" ${n > 1 ? `of ${n} pods ` : ''}is waiting: ${waiting.reason}${detail ? `: ${detail}` : ''}`);
      } else if (pod.status?.phase === 'Failed' && c.state?.terminated && c.state.terminated.exitCode !== 0) {
        const t = c.state.terminated;
        x.add(s, 'error', 'container', `failed:${c.name}:${t.reason}:${t.exitCode}`, (n) => `container "${c.name}" ${n > 1 ? `of ${n} pods ` : ''}failed: ${t.reason ?? 'Error'}, exit code ${t.exitCode}`);
      } else if (c.state?.running && c.ready === false && pod.status?.phase === 'Running' && (pod.spec?.containers ?? []).some((k) => k.name === c.name)) {
        x.add(s, 'warning', 'container', `unready:${c.name}`, (n) => `container "${c.name}" ${n > 1 ? `of ${n} pods ` : ''}is running but never became ready`);
      }
    }
  }
}

/** Deployments whose rollout did not complete, or exceeded its progress deadline. */
function deploymentOutcomes(x: Reading): void {
  for (const o of x.all('deployments')) {
    const s = x.setEntry(o);
    if (!s || o.spec?.paused) continue;
    const want = o.spec?.replicas ?? 1;
    const st: Partial<NonNullable<typeof o.status>> = o.status ?? {};
    const done = (st.observedGeneration ?? 0) >= (o.metadata.generation ?? 1) && (st.updatedReplicas ?? 0) === want && (st.replicas ?? 0) === want && (st.availableReplicas ?? 0) === want;
    if (done) continue;
    const progressing = cond(o, 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded') x.add(s, 'error', 'rollout', 'deadline', () => `deployment "${o.metadata.name}" exceeded its progress deadline`);
    else x.add(s, 'error', 'rollout', 'incomplete', () => `deployment "${o.metadata.name}" rollout did not complete: ${st.availableReplicas ?? 0} of ${want} updated replicas are available`);
  }
}

/** StatefulSets whose pods are not all ready. */
function statefulSetOutcomes(x: Reading): void {
  for (const o of x.all('statefulsets')) {
    const s = x.setEntry(o);
    const want = o.spec?.replicas ?? 1;
    if (s && (o.status?.readyReplicas ?? 0) < want) x.add(s, 'error', 'rollout', 'incomplete', () => `statefulset "${o.metadata.name}" rollout did not complete: ${o.status?.readyReplicas ?? 0} of ${want} pods are ready`);
  }
}

/** DaemonSets whose pods are not available on every node they should run on. */
function daemonSetOutcomes(x: Reading): void {
  for (const o of x.all('daemonsets')) {
    const s = x.setEntry(o);
    const want = o.status?.desiredNumberScheduled ?? 0;
    if (s && (o.status?.numberAvailable ?? 0) < want)
      x.add(s, 'error', 'rollout', 'incomplete', () => `daemonset "${o.metadata.name}" rollout did not complete: ${o.status?.numberAvailable ?? 0} of ${want} updated pods are available`);
  }
}

/** Jobs that failed, or (written as Jobs) did not complete in the simulated time. */
function jobOutcomes(x: Reading): void {
  for (const o of x.all('jobs')) {
    const s = x.root(o);
    if (!s) continue;
    const failed = cond(o, 'Failed');
    if (failed?.status === 'True') x.add(s, 'error', 'job', `failed:${failed.reason}`, (n) => `${n > 1 ? `${n} jobs` : `job "${o.metadata.name}"`} failed: ${failed.reason}: ${failed.message}`);
    else if (s.object.kind === 'Job' && cond(o, 'Complete')?.status !== 'True' && !o.spec?.suspend)
      x.add(s, 'warning', 'job', 'unfinished', () => `job "${o.metadata.name}" did not complete within the ${Math.round(x.simulatedMs / 1000)} simulated seconds`);
  }
}

/** Claims still Pending, with the last warning about them. */
function claimOutcomes(x: Reading): void {
  const events = x.events;
  const lastWarning = (kind: string, ns: string, name: string) =>
    events.filter((e) => e.type === 'Warning' && e.involvedObject?.kind === kind && e.involvedObject?.namespace === ns && e.involvedObject?.name === name).pop();
  for (const o of x.all('persistentvolumeclaims')) {
    const s = x.setEntry(o);
    if (!s || o.status?.phase !== 'Pending') continue;
    const why = lastWarning('PersistentVolumeClaim', o.metadata.namespace!, o.metadata.name!);
    x.add(s, 'error', 'storage', 'pending', () => `persistentvolumeclaim "${o.metadata.name}" is still Pending${why ? `: ${why.reason}: ${why.message}` : ''}`);
  }
}

/** Controllers that could not create what they own (a pod refused by admission, say). */
function failedCreateOutcomes(x: Reading): void {
  for (const e of x.events) {
    if (e.type !== 'Warning' || e.reason !== 'FailedCreate') continue;
    const target = x.owners.find((o) => o.kind === e.involvedObject?.kind && o.metadata.namespace === e.involvedObject?.namespace && o.metadata.name === e.involvedObject?.name);
    // Refusals that differ only in the generated name of the object refused are one finding.
    const key = String(e.message).replace(/^(Error creating: \S+ )"[^"]*"/, '$1');
    if (target) x.add(x.root(target), 'error', 'rollout', `failedcreate:${key}`, () => String(e.message));
  }
}

/** Services with a selector and no ready endpoints. */
function serviceOutcomes(x: Reading): void {
  const endpoints = new Map(x.all('endpoints').map((ep) => [`${ep.metadata.namespace}/${ep.metadata.name}`, ep]));
  for (const o of x.all('services')) {
    const s = x.setEntry(o);
    if (!s || o.spec?.type === 'ExternalName' || !o.spec?.selector || Object.keys(o.spec.selector).length === 0) continue;
    const ep = endpoints.get(`${o.metadata.namespace}/${o.metadata.name}`);
    const ready = (ep?.subsets ?? []).reduce((n, ss) => n + (ss.addresses?.length ?? 0), 0);
    if (ready === 0) x.add(s, 'warning', 'service', 'noendpoints', () => `service "${o.metadata.name}" has no ready endpoints`);
  }
}

/** Autoscalers that cannot get their target's scale or compute a replica count. */
function autoscalerOutcomes(x: Reading): void {
  for (const o of x.all('horizontalpodautoscalers')) {
    const s = x.setEntry(o);
    if (!s) continue;
    for (const type of ['AbleToScale', 'ScalingActive']) {
      const c = cond(o, type);
      if (c?.status !== 'False') continue;
      // Metrics minik does not simulate (Pods, Object, External) say nothing about the manifest.
      if (c.reason === 'InvalidMetricSourceType' && /not served by minik/.test(c.message ?? '')) x.add(s, 'warning', 'unchecked', `${type}:${c.reason}`, () => `not checked: ${c.message}`);
      else x.add(s, 'error', 'autoscaling', `${type}:${c.reason}`, () => `${c.reason}: ${c.message}`);
    }
  }
}
