// The scheduling framework, as kube-scheduler has it: filter plugins say why a node cannot take a
// pod, score plugins rank the nodes that can. One small file per plugin under plugins/.
import { parseQuantity, milliCPU } from '../api/quantity.js';
import { controllerOf, podRequests } from '../api/pods.js';
import type { Node, Pod } from '../api/types.js';

/**
 * A node with what is already on it. What every filter and score reads for every node (name,
 * requested and allocatable amounts) sits in the NodeInfo itself: a pod looks at hundreds of
 * nodes, and each object less to reach per node shows.
 */
export interface NodeInfo {
  node: Node;
  name: string;
  pods: Pod[];
  requestedMilliCPU: number;
  requestedMemory: number;
  requestedPods: number;
  allocatableMilliCPU: number;
  allocatableMemory: number;
  allocatablePods: number;
  usedPorts: Set<string>;
  /** Pods on the node per controller uid (for spreading). */
  byOwner: Map<string, number>;
  /** The node's Ready condition is True (computed once per pass, not per pod). */
  ready: boolean;
  /** Its NoSchedule and NoExecute taints (the ones that filter). */
  hardTaints: { key: string; value?: string; effect: string }[];
  /** Ready, not cordoned and without NoSchedule/NoExecute taints: the node-state filters pass for any pod. */
  clean: boolean;
  /** Pods per controller uid over every node of the pass (one map shared by its NodeInfos). */
  ownersAnywhere: Map<string, number>;
  /** The owner whose count `ownerCount` holds (spreading asks about one owner many times in a row). */
  ownerKey?: string;
  ownerCount: number;
}

/** What a PreFilter returns when its filter cannot reject any node for this pod (kube-scheduler's Skip). */
export const SKIP: unique symbol = Symbol('skip');

/** Says why a node cannot run a pod (a kube-scheduler reason), or undefined if it can. */
export interface FilterPlugin {
  name: string;
  /**
   * Once per pod (kube-scheduler's PreFilter): what `filter` needs to know about the pod, or SKIP
   * when this plugin cannot reject any node for it (no host ports, no node selector, ...).
   */
  preFilter?(pod: Pod): unknown;
  /** The plugin looks only at node state that `NodeInfo.clean` sums up, so clean nodes always pass. */
  passesCleanNodes?: boolean;
  /**
   * Why the node does not fit, or undefined when it does. Several reasons when the plugin finds
   * several (NodeResourcesFit names every resource that is short). `state` is preFilter's result
   * (computed on the spot when absent).
   */
  filter(pod: Pod, node: NodeInfo, state?: unknown): string | string[] | undefined;
}

/**
 * Scores a feasible node from 0 to 100; higher is better. `preScore` runs once per pod over the
 * feasible nodes (kube-scheduler's PreScore) and its result is passed to every `score` call.
 */
export interface ScorePlugin {
  name: string;
  weight: number;
  preScore?(pod: Pod, feasible: NodeInfo[]): unknown;
  score(pod: Pod, node: NodeInfo, state: unknown): number;
}

const hostPortsCache = new WeakMap<object, string[]>();

/** `protocol/hostIP/port` keys of a pod's host ports (cached per pod object). */
export function hostPorts(pod: Pod): string[] {
  const cached = hostPortsCache.get(pod);
  if (cached) return cached;
  const out: string[] = [];
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.hostPort) out.push(`${p.protocol ?? 'TCP'}/${p.hostIP ?? '0.0.0.0'}/${p.hostPort}`);
  hostPortsCache.set(pod, out);
  return out;
}

/**
 * Builds a NodeInfo from a node and the pods bound to it. The NodeInfos of one scheduling pass
 * share `ownersAnywhere`.
 */
export function nodeInfo(node: Node, pods: Pod[], ownersAnywhere = new Map<string, number>()): NodeInfo {
  const alloc = node.status?.allocatable ?? node.status?.capacity ?? {};
  const ready = (node.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
  const hardTaints = (node.spec?.taints ?? []).filter((t: { effect: string }) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  const info: NodeInfo = {
    node,
    pods: [],
    name: node.metadata.name!,
    requestedMilliCPU: 0,
    requestedMemory: 0,
    requestedPods: 0,
    allocatableMilliCPU: milliCPU(alloc.cpu ?? 0),
    allocatableMemory: parseQuantity(alloc.memory ?? 0),
    allocatablePods: Number(alloc.pods ?? 110),
    usedPorts: new Set(),
    byOwner: new Map(),
    ownersAnywhere,
    ready,
    hardTaints,
    clean: ready && !node.spec?.unschedulable && hardTaints.length === 0,
    ownerCount: 0,
  };
  for (const p of pods) addPod(info, p);
  return info;
}

/** Accounts a pod on a node (after binding, so later decisions in the same pass see it). */
export function addPod(info: NodeInfo, pod: Pod): void {
  const r = podRequests(pod);
  info.pods.push(pod);
  info.requestedMilliCPU += r.milliCPU;
  info.requestedMemory += r.memory;
  info.requestedPods += 1;
  for (const hp of hostPorts(pod)) info.usedPorts.add(hp);
  const owner = controllerOf(pod)?.uid;
  if (owner) {
    info.byOwner.set(owner, (info.byOwner.get(owner) ?? 0) + 1);
    info.ownersAnywhere.set(owner, (info.ownersAnywhere.get(owner) ?? 0) + 1);
    if (info.ownerKey === owner) info.ownerCount++;
  }
}

/** How many pods of `owner` the node has (remembered for the owner asked about last). */
export function ownerCount(info: NodeInfo, owner: string): number {
  if (info.ownerKey !== owner) {
    info.ownerKey = owner;
    info.ownerCount = info.byOwner.get(owner) ?? 0;
  }
  return info.ownerCount;
}
