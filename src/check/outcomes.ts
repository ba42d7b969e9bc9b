// What running the manifests showed: the cluster's state once it settled (or the horizon passed),
// read as findings about the objects of the set. Pods and the objects controllers made are
// traced to the manifest object that owns them, so a finding points at what the user wrote.
// Messages are the components' own (kube-scheduler's, the kubelet's, the controllers'), without
// generated pod names, so two runs print the same.
import { controllerOf } from '../api/pods.js';
import { type ObjectTypes, resourceNamed } from '../api/resources.js';
import type { Condition, KubeObject } from '../api/types.js';
import type { Registry } from '../apiserver/registry.js';
import type { CheckKind, Finding, Severity } from './findings.js';
import type { SetObject } from './references.js';


/** Waiting reasons that mean a container cannot start or keeps failing. */
const BAD_WAITING = new Set(['CrashLoopBackOff', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError', 'ErrImagePull', 'ImagePullBackOff', 'InvalidImageName']);

const cond = (o: { status?: { conditions?: Condition[] } }, type: string) => (Array.isArray(o.status?.conditions) ? o.status.conditions.find((c) => c.type === type) : undefined);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Reads the settled cluster into findings about the set's objects. */
export function outcomes(reg: Registry, set: SetObject[], simulatedMs: number): Finding[] {
  const inSet = new Map<string, SetObject>();
  for (const s of set) inSet.set(`${s.object.kind}/${s.object.metadata.namespace ? s.namespace : ''}/${s.object.metadata.name}`, s);
  const byUid = new Map<string, KubeObject>();
  const all = <P extends keyof ObjectTypes>(p: P) => reg.list(resourceNamed(p), undefined).items;
  const owners: KubeObject[] = (['deployments', 'replicasets', 'replicationcontrollers', 'daemonsets', 'statefulsets', 'jobs', 'cronjobs'] as const).flatMap((p) => all(p));
  for (const o of owners) if (o.metadata.uid) byUid.set(o.metadata.uid, o);
  const setEntry = (o: KubeObject) => inSet.get(`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
  /** The manifest object an object comes from: itself, or the nearest controller up its owner chain. */
  const root = (o: KubeObject): SetObject | undefined => {
    for (let cur: KubeObject | undefined = o, hops = 0; cur && hops < 5; hops++) {
      const s = setEntry(cur);
      if (s) return s;
      const ref = controllerOf(cur);
      cur = ref ? byUid.get(ref.uid) : undefined;
    }
    return undefined;
  };

  // One finding per object and message: three replicas failing alike are one finding, counted.
  const grouped = new Map<string, { s: SetObject; severity: Severity; check: CheckKind; text: (n: number) => string; n: number }>();
  const add = (s: SetObject | undefined, severity: Severity, check: CheckKind, key: string, text: (n: number) => string) => {
    if (!s) return;
    const k = `${s.source}:${s.line}:${s.object.kind}/${s.object.metadata.name}:${key}`;
    const g = grouped.get(k);
    if (g) g.n++;
    else grouped.set(k, { s, severity, check, text, n: 1 });
  };

  for (const pod of all('pods')) {
    const s = root(pod);
    if (!s || pod.metadata.deletionTimestamp) continue;
    const scheduled = cond(pod, 'PodScheduled');
    if (!pod.spec?.nodeName && scheduled?.status === 'False') {
      add(s, 'error', 'scheduling', `unschedulable:${scheduled.message}`, (n) => `${plural(n, 'pod')} cannot be scheduled: ${scheduled.message ?? scheduled.reason}`);
      continue;
    }
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const c of statuses) {
      const waiting = c.state?.waiting;
      const last = c.lastState?.terminated ?? c.state?.terminated;
      if (waiting?.reason && BAD_WAITING.has(waiting.reason)) {
        const detail = waiting.reason === 'CrashLoopBackOff' && last ? `last exit: ${last.reason ?? 'Error'}, exit code ${last.exitCode}` : waiting.message;
        add(s, 'error', 'container', `waiting:${c.name}:${waiting.reason}:${detail}`, (n) => `container "${c.name}" ${n > 1 ? `of ${n} pods ` : ''}is waiting: ${waiting.reason}${detail ? `: ${detail}` : ''}`);
      } else if (pod.status?.phase === 'Failed' && c.state?.terminated && c.state.terminated.exitCode !== 0) {
        const t = c.state.terminated;
        add(s, 'error', 'container', `failed:${c.name}:${t.reason}:${t.exitCode}`, (n) => `container "${c.name}" ${n > 1 ? `of ${n} pods ` : ''}failed: ${t.reason ?? 'Error'}, exit code ${t.exitCode}`);
      } else if (c.state?.running && c.ready === false && pod.status?.phase === 'Running' && (pod.spec?.containers ?? []).some((x) => x.name === c.name)) {
        add(s, 'warning', 'container', `unready:${c.name}`, (n) => `container "${c.name}" ${n > 1 ? `of ${n} pods ` : ''}is running but never became ready`);
      }
    }
  }

  for (const o of all('deployments')) {
    const s = setEntry(o);
    if (!s || o.spec?.paused) continue;
    const want = o.spec?.replicas ?? 1;
    const st: Partial<NonNullable<typeof o.status>> = o.status ?? {};
    const done = (st.observedGeneration ?? 0) >= (o.metadata.generation ?? 1) && (st.updatedReplicas ?? 0) === want && (st.replicas ?? 0) === want && (st.availableReplicas ?? 0) === want;
    if (done) continue;
    const progressing = cond(o, 'Progressing');
    if (progressing?.reason === 'ProgressDeadlineExceeded') add(s, 'error', 'rollout', 'deadline', () => `deployment "${o.metadata.name}" exceeded its progress deadline`);
    else add(s, 'error', 'rollout', 'incomplete', () => `deployment "${o.metadata.name}" rollout did not complete: ${st.availableReplicas ?? 0} of ${want} updated replicas are available`);
  }
  for (const o of all('statefulsets')) {
    const s = setEntry(o);
    const want = o.spec?.replicas ?? 1;
    if (s && (o.status?.readyReplicas ?? 0) < want) add(s, 'error', 'rollout', 'incomplete', () => `statefulset "${o.metadata.name}" rollout did not complete: ${o.status?.readyReplicas ?? 0} of ${want} pods are ready`);
  }
  for (const o of all('daemonsets')) {
    const s = setEntry(o);
    const want = o.status?.desiredNumberScheduled ?? 0;
    if (s && (o.status?.numberAvailable ?? 0) < want)
      add(s, 'error', 'rollout', 'incomplete', () => `daemonset "${o.metadata.name}" rollout did not complete: ${o.status?.numberAvailable ?? 0} of ${want} updated pods are available`);
  }
  for (const o of all('jobs')) {
    const s = root(o);
    if (!s) continue;
    const failed = cond(o, 'Failed');
    if (failed?.status === 'True') add(s, 'error', 'job', `failed:${failed.reason}`, (n) => `${n > 1 ? `${n} jobs` : `job "${o.metadata.name}"`} failed: ${failed.reason}: ${failed.message}`);
    else if (s.object.kind === 'Job' && cond(o, 'Complete')?.status !== 'True' && !o.spec?.suspend)
      add(s, 'warning', 'job', 'unfinished', () => `job "${o.metadata.name}" did not complete within the ${Math.round(simulatedMs / 1000)} simulated seconds`);
  }

  const events = all('events');
  const lastWarning = (kind: string, ns: string, name: string) =>
    events.filter((e) => e.type === 'Warning' && e.involvedObject?.kind === kind && e.involvedObject?.namespace === ns && e.involvedObject?.name === name).pop();
  for (const o of all('persistentvolumeclaims')) {
    const s = setEntry(o);
    if (!s || o.status?.phase !== 'Pending') continue;
    const why = lastWarning('PersistentVolumeClaim', o.metadata.namespace!, o.metadata.name!);
    add(s, 'error', 'storage', 'pending', () => `persistentvolumeclaim "${o.metadata.name}" is still Pending${why ? `: ${why.reason}: ${why.message}` : ''}`);
  }
  // Controllers that could not create what they own (a pod refused by admission, say).
  for (const e of events) {
    if (e.type !== 'Warning' || e.reason !== 'FailedCreate') continue;
    const target = owners.find((o) => o.kind === e.involvedObject?.kind && o.metadata.namespace === e.involvedObject?.namespace && o.metadata.name === e.involvedObject?.name);
    if (target) add(root(target), 'error', 'rollout', `failedcreate:${e.message}`, () => String(e.message));
  }

  const endpoints = new Map(all('endpoints').map((ep) => [`${ep.metadata.namespace}/${ep.metadata.name}`, ep]));
  for (const o of all('services')) {
    const s = setEntry(o);
    if (!s || o.spec?.type === 'ExternalName' || !o.spec?.selector || Object.keys(o.spec.selector).length === 0) continue;
    const ep = endpoints.get(`${o.metadata.namespace}/${o.metadata.name}`);
    const ready = (ep?.subsets ?? []).reduce((n, ss) => n + (ss.addresses?.length ?? 0), 0);
    if (ready === 0) add(s, 'warning', 'service', 'noendpoints', () => `service "${o.metadata.name}" has no ready endpoints`);
  }
  for (const o of all('horizontalpodautoscalers')) {
    const s = setEntry(o);
    if (!s) continue;
    for (const type of ['AbleToScale', 'ScalingActive']) {
      const c = cond(o, type);
      if (c?.status !== 'False') continue;
      // Metrics minik does not simulate (Pods, Object, External) say nothing about the manifest.
      if (c.reason === 'InvalidMetricSourceType' && /not served by minik/.test(c.message ?? '')) add(s, 'warning', 'unchecked', `${type}:${c.reason}`, () => `not checked: ${c.message}`);
      else add(s, 'error', 'autoscaling', `${type}:${c.reason}`, () => `${c.reason}: ${c.message}`);
    }
  }

  return [...grouped.values()].map((g) => ({
    severity: g.severity,
    check: g.check,
    message: g.text(g.n),
    source: g.s.source,
    line: g.s.line,
    object: { apiVersion: g.s.object.apiVersion, kind: g.s.object.kind!, ...(g.s.object.metadata.namespace ? { namespace: g.s.namespace } : {}), name: g.s.object.metadata.name ?? '' },
  }));
}
