// Facts about pods that the scheduler, the controllers and the kubelet all need.
import { pushTo } from './collections.js';
import { milliCPU, parseQuantity } from './quantity.js';
import { type Container, type KubeObject, type Pod, type PodSpec, isKind } from './types.js';

/** True when the pod's Ready condition is True. */
export function isPodReady(p: Pod): boolean {
  return (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** True for pods that count towards a controller's replicas: not finished and not being deleted. */
export function isPodActive(p: Pod): boolean {
  const phase = p.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !p.metadata.deletionTimestamp;
}

/** The time a pod became Ready (ms), or undefined. */
export function readySince(p: Pod): number | undefined {
  const c = (p.status?.conditions ?? []).find((x) => x.type === 'Ready' && x.status === 'True');
  return c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : undefined;
}

/** True when the pod has been Ready for at least minReadySeconds at `now`. */
export function isPodAvailable(p: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(p)) return false;
  if (minReadySeconds <= 0) return true;
  const since = readySince(p);
  return since !== undefined && since + minReadySeconds * 1000 <= now;
}

/** A pod's resource requests as the scheduler counts them: millicores, bytes, and one pod slot. */
export interface PodRequests {
  milliCPU: number;
  memory: number;
}

/**
 * Effective requests (the scheduler's rule): the sum over containers, or the largest init
 * container if that is bigger; a container's request defaults to its limit.
 */
export function podRequests(p: Pod): PodRequests {
  const cached = requestsCache.get(p);
  if (cached) return cached;
  const sum = { milliCPU: 0, memory: 0 };
  const of = (c: Container) => {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    return { milliCPU: milliCPU(req.cpu ?? lim.cpu ?? 0), memory: parseQuantity(req.memory ?? lim.memory ?? 0) };
  };
  for (const c of p.spec?.containers ?? []) {
    const r = of(c);
    sum.milliCPU += r.milliCPU;
    sum.memory += r.memory;
  }
  for (const c of p.spec?.initContainers ?? []) {
    const r = of(c);
    sum.milliCPU = Math.max(sum.milliCPU, r.milliCPU);
    sum.memory = Math.max(sum.memory, r.memory);
  }
  requestsCache.set(p, sum);
  return sum;
}

/**
 * A pod's amount of one resource in its containers' requests or limits, as quota and limit
 * ranges count it: the sum over containers, or the largest init container's if that is bigger.
 */
export function podAmount(p: Pod, which: 'requests' | 'limits', name: string): number {
  const of = (c: Container) => parseQuantity(c.resources?.[which]?.[name]);
  let sum = 0;
  for (const c of p.spec?.containers ?? []) sum += of(c);
  for (const c of p.spec?.initContainers ?? []) sum = Math.max(sum, of(c));
  return sum;
}

/** Stored objects never change in place, so a pod's requests can be remembered by identity. */
const requestsCache = new WeakMap<object, PodRequests>();

/** The controller owner reference of an object, if any. */
export function controllerOf(o: KubeObject): { kind: string; name: string; uid: string } | undefined {
  return (o.metadata.ownerReferences ?? []).find((r) => r.controller);
}

/**
 * Pods grouped by the node they are bound to (one pass; pods `keep` refuses and unbound pods are
 * left out): what each kubelet runs, what the scheduler counts against each node.
 */
export function podsByNode<P extends Pod>(pods: Iterable<P>, keep: (p: P) => boolean = () => true): Map<string, P[]> {
  const out = new Map<string, P[]>();
  for (const p of pods) {
    const n = p.spec?.nodeName;
    if (n && keep(p)) pushTo(out, n, p);
  }
  return out;
}

/**
 * The pod spec an object carries, by the kind it says it is: a Pod's own, a CronJob's job
 * template's, a workload's template's (undefined for kinds without one).
 */
export function podSpecOf(o: KubeObject): PodSpec | undefined {
  if (isKind(o, 'Pod')) return o.spec;
  if (isKind(o, 'CronJob')) return o.spec?.jobTemplate?.spec?.template?.spec;
  const spec = o.spec as { template?: { spec?: PodSpec } } | undefined;
  return spec && typeof spec === 'object' ? spec.template?.spec : undefined;
}
