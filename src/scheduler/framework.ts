// The scheduling framework, as kube-scheduler has it: filter plugins say why a node cannot take a
// pod, score plugins rank the nodes that can. One small file per plugin under plugins/.
import { parseQuantity, milliCPU } from '../api/quantity.js';
import { controllerOf, podRequests } from '../api/pods.js';
import type { KubeObject } from '../api/types.js';

/** A node with what is already on it. */
export interface NodeInfo {
  node: KubeObject;
  pods: KubeObject[];
  requested: { milliCPU: number; memory: number; pods: number };
  allocatable: { milliCPU: number; memory: number; pods: number };
  usedPorts: Set<string>;
  /** Pods on the node per controller uid (for spreading). */
  byOwner: Map<string, number>;
  /** The node's Ready condition is True (computed once per pass, not per pod). */
  ready: boolean;
  /** Its NoSchedule and NoExecute taints (the ones that filter). */
  hardTaints: { key: string; value?: string; effect: string }[];
}

/** Says why a node cannot run a pod (a kube-scheduler reason), or undefined if it can. */
export interface FilterPlugin {
  name: string;
  filter(pod: KubeObject, node: NodeInfo): string | undefined;
}

/**
 * Scores a feasible node from 0 to 100; higher is better. `preScore` runs once per pod over the
 * feasible nodes (kube-scheduler's PreScore) and its result is passed to every `score` call.
 */
export interface ScorePlugin {
  name: string;
  weight: number;
  preScore?(pod: KubeObject, feasible: NodeInfo[]): unknown;
  score(pod: KubeObject, node: NodeInfo, state: unknown): number;
}

const hostPortsCache = new WeakMap<object, string[]>();

/** `protocol/hostIP/port` keys of a pod's host ports (cached per pod object). */
export function hostPorts(pod: KubeObject): string[] {
  const cached = hostPortsCache.get(pod);
  if (cached) return cached;
  const out: string[] = [];
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.hostPort) out.push(`${p.protocol ?? 'TCP'}/${p.hostIP ?? '0.0.0.0'}/${p.hostPort}`);
  hostPortsCache.set(pod, out);
  return out;
}

/** Builds a NodeInfo from a node and the pods bound to it. */
export function nodeInfo(node: KubeObject, pods: KubeObject[]): NodeInfo {
  const alloc = node.status?.allocatable ?? node.status?.capacity ?? {};
  const info: NodeInfo = {
    node,
    pods: [],
    requested: { milliCPU: 0, memory: 0, pods: 0 },
    allocatable: { milliCPU: milliCPU(alloc.cpu ?? 0), memory: parseQuantity(alloc.memory ?? 0), pods: Number(alloc.pods ?? 110) },
    usedPorts: new Set(),
    byOwner: new Map(),
    ready: (node.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'),
    hardTaints: (node.spec?.taints ?? []).filter((t: { effect: string }) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'),
  };
  for (const p of pods) addPod(info, p);
  return info;
}

/** Accounts a pod on a node (after binding, so later decisions in the same pass see it). */
export function addPod(info: NodeInfo, pod: KubeObject): void {
  const r = podRequests(pod);
  info.pods.push(pod);
  info.requested.milliCPU += r.milliCPU;
  info.requested.memory += r.memory;
  info.requested.pods += 1;
  for (const hp of hostPorts(pod)) info.usedPorts.add(hp);
  const owner = controllerOf(pod)?.uid;
  if (owner) info.byOwner.set(owner, (info.byOwner.get(owner) ?? 0) + 1);
}
