// Facts about pods that the scheduler, the controllers and the kubelet all need.
import { countUp, pushTo } from './collections.js';
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

/** A pod's priority (set from its PriorityClass at admission; 0 without). */
export const priorityOf = (p: Pod): number => p.spec?.priority ?? 0;

/**
 * A pod's resource requests as the scheduler counts them: millicores, bytes, and every other
 * resource it asks for (ephemeral-storage, hugepages, extended resources such as
 * `example.com/dongle`) in `scalar`, undefined when there is none.
 */
export interface PodRequests {
  milliCPU: number;
  memory: number;
  scalar?: Map<string, number>;
}

type Amounts = Map<string, number>;

function addTo(into: Amounts, from: Amounts): void {
  for (const [k, v] of from) countUp(into, k, v);
}

function maxInto(into: Amounts, from: Amounts): void {
  for (const [k, v] of from) if (v > (into.get(k) ?? 0)) into.set(k, v);
}

/** An amount as the scheduler counts it: millicores for cpu, plain numbers for the rest. */
const amountOf = (resource: string, q: string | number) => (resource === 'cpu' ? milliCPU(q) : parseQuantity(q));

/** A container's requests; a resource it only limits is requested at its limit (the API's defaulting). */
function containerAmounts(c: Container): Amounts {
  const out: Amounts = new Map();
  const req = c.resources?.requests ?? {};
  const lim = c.resources?.limits ?? {};
  for (const k of Object.keys(lim)) if (req[k] === undefined) out.set(k, amountOf(k, lim[k]));
  for (const k of Object.keys(req)) out.set(k, amountOf(k, req[k]));
  return out;
}

/**
 * Effective requests (kube-scheduler's rule): the app containers and sidecars (init containers
 * with restartPolicy Always) together, or an init container with the sidecars started before it
 * if that is more, per resource; plus the pod's overhead.
 */
export function podRequests(p: Pod): PodRequests {
  const cached = requestsCache.get(p);
  if (cached) return cached;
  const inits = p.spec?.initContainers ?? [];
  const containers = p.spec?.containers ?? [];
  // The common case without Maps: one container asking for cpu and memory at most.
  if (inits.length === 0 && containers.length === 1 && !p.spec?.overhead) {
    const req = containers[0].resources?.requests ?? {};
    const lim = containers[0].resources?.limits ?? {};
    let plain = true;
    for (const k in req) if (k !== 'cpu' && k !== 'memory') plain = false;
    for (const k in lim) if (k !== 'cpu' && k !== 'memory') plain = false;
    if (plain) {
      const sum: PodRequests = { milliCPU: milliCPU(req.cpu ?? lim.cpu ?? 0), memory: parseQuantity(req.memory ?? lim.memory ?? 0) };
      requestsCache.set(p, sum);
      return sum;
    }
  }
  const total: Amounts = new Map();
  for (const c of containers) addTo(total, containerAmounts(c));
  const sidecars: Amounts = new Map();
  const initPeak: Amounts = new Map();
  for (const c of inits) {
    const r = containerAmounts(c);
    if (c.restartPolicy === 'Always') {
      addTo(sidecars, r);
      maxInto(initPeak, sidecars);
    } else {
      const withSidecars = new Map(sidecars);
      addTo(withSidecars, r);
      maxInto(initPeak, withSidecars);
    }
  }
  addTo(total, sidecars);
  maxInto(total, initPeak);
  for (const [k, v] of Object.entries(p.spec?.overhead ?? {})) countUp(total, k, amountOf(k, v));
  const sum: PodRequests = { milliCPU: total.get('cpu') ?? 0, memory: total.get('memory') ?? 0 };
  for (const [k, v] of total) {
    if (k === 'cpu' || k === 'memory' || v === 0) continue;
    (sum.scalar ??= new Map()).set(k, v);
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
