// The scheduling framework, as kube-scheduler has it: filter plugins say why a node cannot take a
// pod, score plugins rank the nodes that can. One small file per plugin under plugins/. A
// Snapshot is the cluster as one scheduling pass sees it: the nodes with what runs on them, and
// the indexes the inter-pod plugins ask (pods by label, pods with affinity terms).
import { parseQuantity, milliCPU } from '../api/quantity.js';
import { controllerOf, podRequests } from '../api/pods.js';
import { countUp } from '../api/collections.js';
import { LabelIndex } from '../api/label-index.js';
import type { Node, Pod } from '../api/types.js';

export const HOSTNAME = 'kubernetes.io/hostname';
export const ZONE = 'topology.kubernetes.io/zone';

/**
 * A node with what is already on it. What every filter and score reads for every node (name,
 * requested and allocatable amounts) sits in the NodeInfo itself: a pod looks at hundreds of
 * nodes, and each object less to reach per node shows.
 */
export interface NodeInfo {
  node: Node;
  name: string;
  labels: Record<string, string>;
  pods: Pod[];
  requestedMilliCPU: number;
  requestedMemory: number;
  requestedPods: number;
  /** Requests of every other resource (extended resources, ephemeral-storage, hugepages). */
  requestedScalar?: Map<string, number>;
  allocatableMilliCPU: number;
  allocatableMemory: number;
  allocatablePods: number;
  /** Allocatable amounts of the other resources the node advertises. */
  allocatableScalar: Map<string, number>;
  usedPorts: Set<string>;
  /** Pods on the node per controller uid (for spreading). */
  byOwner: Map<string, number>;
  /** The node's Ready condition is True (computed once per pass, not per pod). */
  ready: boolean;
  /** Its NoSchedule and NoExecute taints (the ones that filter). */
  hardTaints: { key: string; value?: string; effect: string }[];
  /** Ready, not cordoned and without NoSchedule/NoExecute taints: the node-state filters pass for any pod. */
  clean: boolean;
  /** Its `topology.kubernetes.io/zone` label. */
  zone?: string;
  /** The pass's snapshot this node belongs to. */
  snapshot: Snapshot;
  /** The owner whose count `ownerCount` holds (spreading asks about one owner many times in a row). */
  ownerKey?: string;
  ownerCount: number;
}

/** A pod bound to a node, as the inter-pod plugins find it. */
export interface PodOnNode {
  pod: Pod;
  node: NodeInfo;
}

/**
 * Existing pods that share one namespace and one affinity stanza (the replicas of a workload):
 * their terms are matched against an incoming pod once for the whole group, and `nodes` says how
 * many of them each node runs.
 */
export interface AffinityGroup {
  namespace: string;
  pod: Pod;
  nodes: Map<NodeInfo, number>;
  /** Parsed terms, filled by the inter-pod affinity plugin on first use. */
  terms?: unknown;
}

const affinityKeys = new WeakMap<object, string>();

function affinityKey(pod: Pod): string | undefined {
  const a = pod.spec?.affinity;
  if (!a || (!a.podAffinity && !a.podAntiAffinity)) return undefined;
  let key = affinityKeys.get(a);
  if (key === undefined) {
    key = JSON.stringify([a.podAffinity, a.podAntiAffinity]);
    affinityKeys.set(a, key);
  }
  return `${pod.metadata.namespace}\u0000${key}`;
}

/** The cluster as one scheduling pass sees it. */
export class Snapshot {
  readonly nodes: NodeInfo[] = [];
  readonly byName = new Map<string, NodeInfo>();
  /** Pods per controller uid over every node. */
  readonly ownersAnywhere = new Map<string, number>();
  /** Pods per controller uid per zone (kube-scheduler's default spreading across zones). */
  readonly ownerZones = new Map<string, Map<string, number>>();
  /** Existing pods with pod affinity or anti-affinity, grouped by workload. */
  readonly affinityGroups = new Map<string, AffinityGroup>();
  /** How many existing pods have required anti-affinity terms (0: the check is skipped). */
  requiredAntiAffinityPods = 0;
  /** Namespace labels (for namespaceSelector); namespaces not listed have none. */
  namespaceLabels = new Map<string, Record<string, string>>();
  /** Pending pods nominated to a node by an earlier preemption: room kept for them (kube-scheduler's nominator). */
  readonly nominated = new Map<NodeInfo, Pod[]>();
  /** Pods the preemption dry run has taken away: every count skips them. */
  readonly removed = new Set<Pod>();
  private index?: LabelIndex<PodOnNode>;
  private memo = new Map<string, unknown>();

  constructor(nodes: Iterable<NodeInfo> = []) {
    for (const n of nodes) this.adopt(n);
  }

  /** Takes in a NodeInfo built on its own (tests build nodes first). */
  private adopt(n: NodeInfo): void {
    const pods = n.pods;
    const fresh = nodeInfo(n.node, [], this);
    for (const p of pods) addPod(fresh, p);
  }

  /** Adds a node and the pods bound to it. */
  addNode(node: Node, pods: Pod[] = []): NodeInfo {
    return nodeInfo(node, pods, this);
  }

  /** Bound pods by namespace and label (built on first use, then kept up to date). */
  podIndex(): LabelIndex<PodOnNode> {
    if (!this.index) {
      const index = new LabelIndex<PodOnNode>();
      for (const n of this.nodes) for (const pod of n.pods) index.add(pod.metadata.namespace!, pod.metadata.labels, { pod, node: n });
      this.index = index;
    }
    return this.index;
  }

  /** A value computed once per pass (node-only facts such as topology domains). */
  remember<T>(key: string, compute: () => T): T {
    if (this.memo.has(key)) return this.memo.get(key) as T;
    const v = compute();
    this.memo.set(key, v);
    return v;
  }

  /** Adds a pod just bound to the label index, when it is built. */
  indexPod(n: NodeInfo, pod: Pod): void {
    this.index?.add(pod.metadata.namespace!, pod.metadata.labels, { pod, node: n });
  }

  /** The group of pods sharing `pod`'s namespace and affinity stanza (created on first use), or undefined without one. */
  affinityGroup(pod: Pod): AffinityGroup | undefined {
    const key = affinityKey(pod);
    if (key === undefined) return undefined;
    let g = this.affinityGroups.get(key);
    if (!g) this.affinityGroups.set(key, (g = { namespace: pod.metadata.namespace!, pod, nodes: new Map() }));
    return g;
  }
}

/** One score per feasible node, in the feasible nodes' order (written in place by `normalize`). */
export type Scores = { [i: number]: number; readonly length: number };

/** What a PreFilter or PreScore returns when its plugin has nothing to do for this pod (kube-scheduler's Skip). */
export const SKIP: unique symbol = Symbol('skip');

/** Says why a node cannot run a pod (a kube-scheduler reason), or undefined if it can. */
export interface FilterPlugin {
  name: string;
  /**
   * Once per pod (kube-scheduler's PreFilter): what `filter` needs to know about the pod, or SKIP
   * when this plugin cannot reject any node for it (no host ports, no node selector, ...).
   */
  preFilter?(pod: Pod, snapshot: Snapshot): unknown;
  /** The plugin looks only at node state that `NodeInfo.clean` sums up, so clean nodes always pass. */
  passesCleanNodes?: boolean;
  /**
   * A rejection preemption cannot help with (kube-scheduler's UnschedulableAndUnresolvable):
   * taking pods away from the node would not change it.
   */
  unresolvable?: boolean | ((reason: string) => boolean);
  /**
   * Why the node does not fit, or undefined when it does. Several reasons when the plugin finds
   * several (NodeResourcesFit names every resource that is short). `state` is preFilter's result
   * (computed on the spot when absent).
   */
  filter(pod: Pod, node: NodeInfo, state?: unknown): string | string[] | undefined;
}

/**
 * Scores a feasible node; higher is better. `preScore` runs once per pod over the feasible nodes
 * (kube-scheduler's PreScore; SKIP leaves the plugin out) and its result is passed to every
 * `score` call. Without `normalize` a score is already 0-100; with it, the raw scores of every
 * feasible node are brought to 0-100 together (kube-scheduler's NormalizeScore).
 */
export interface ScorePlugin {
  name: string;
  weight: number;
  preScore?(pod: Pod, feasible: NodeInfo[], snapshot: Snapshot): unknown;
  score(pod: Pod, node: NodeInfo, state: unknown): number;
  normalize?(scores: Scores, state: unknown): void;
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

const BASIC = new Set(['cpu', 'memory', 'pods']);

/**
 * Builds a NodeInfo from a node and the pods bound to it, as part of `snapshot` (a snapshot of
 * its own when none is given).
 */
export function nodeInfo(node: Node, pods: Pod[], snapshot = new Snapshot()): NodeInfo {
  const alloc = node.status?.allocatable ?? node.status?.capacity ?? {};
  const ready = (node.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True');
  const hardTaints = (node.spec?.taints ?? []).filter((t: { effect: string }) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  const allocatableScalar = new Map<string, number>();
  for (const [k, v] of Object.entries(alloc)) if (!BASIC.has(k)) allocatableScalar.set(k, parseQuantity(v));
  const labels = node.metadata.labels ?? {};
  const info: NodeInfo = {
    node,
    pods: [],
    name: node.metadata.name!,
    labels,
    requestedMilliCPU: 0,
    requestedMemory: 0,
    requestedPods: 0,
    allocatableMilliCPU: milliCPU(alloc.cpu ?? 0),
    allocatableMemory: parseQuantity(alloc.memory ?? 0),
    allocatablePods: Number(alloc.pods ?? 110),
    allocatableScalar,
    usedPorts: new Set(),
    byOwner: new Map(),
    ready,
    hardTaints,
    clean: ready && !node.spec?.unschedulable && hardTaints.length === 0,
    zone: labels[ZONE],
    snapshot,
    ownerCount: 0,
  };
  snapshot.nodes.push(info);
  snapshot.byName.set(info.name, info);
  for (const p of pods) addPod(info, p);
  return info;
}

/** Accounts a pod on a node (after binding, so later decisions in the same pass see it). */
export function addPod(info: NodeInfo, pod: Pod): void {
  info.pods.push(pod);
  for (const hp of hostPorts(pod)) info.usedPorts.add(hp);
  const owner = controllerOf(pod)?.uid;
  if (info.ownerKey !== undefined && info.ownerKey === owner) info.ownerCount++;
  account(info, pod, 1, owner);
  info.snapshot.indexPod(info, pod);
}

/** How many pods of `owner` the node has (remembered for the owner asked about last). */
export function ownerCount(info: NodeInfo, owner: string): number {
  if (info.ownerKey !== owner) {
    info.ownerKey = owner;
    info.ownerCount = info.byOwner.get(owner) ?? 0;
  }
  return info.ownerCount;
}

/** Moves pods onto (+1) or off (-1) a node's accounts for a what-if: pods, ports and counters (the label index stays). */
function shift(info: NodeInfo, pods: Pod[], sign: 1 | -1): void {
  if (sign > 0) {
    info.pods = [...info.pods, ...pods];
    for (const hp of pods.flatMap(hostPorts)) info.usedPorts.add(hp);
  } else {
    const gone = new Set(pods);
    info.pods = info.pods.filter((p) => !gone.has(p));
    info.usedPorts = new Set(info.pods.flatMap(hostPorts));
  }
  info.ownerKey = undefined;
  for (const pod of pods) account(info, pod, sign);
}

/** Takes pods off a node's accounts (a preemption dry run); `restorePods` puts them back. */
export function removePods(info: NodeInfo, victims: Pod[]): void {
  shift(info, victims, -1);
  for (const pod of victims) info.snapshot.removed.add(pod);
}

/** Undoes `removePods`. */
export function restorePods(info: NodeInfo, victims: Pod[]): void {
  shift(info, victims, 1);
  for (const pod of victims) info.snapshot.removed.delete(pod);
}

/** Runs `fn` with `extra` pods accounted on the node as if bound (nominated pods), then takes them off again. */
export function withPods<T>(info: NodeInfo, extra: Pod[], fn: () => T): T {
  shift(info, extra, 1);
  try {
    return fn();
  } finally {
    shift(info, extra, -1);
  }
}

/** The counters addPod raises, moved by `sign` (pods array, ports and the label index aside). */
function account(info: NodeInfo, pod: Pod, sign: 1 | -1, owner = controllerOf(pod)?.uid): void {
  const snap = info.snapshot;
  const r = podRequests(pod);
  info.requestedMilliCPU += sign * r.milliCPU;
  info.requestedMemory += sign * r.memory;
  info.requestedPods += sign;
  if (r.scalar) for (const [k, v] of r.scalar) countUp((info.requestedScalar ??= new Map()), k, sign * v);
  if (owner) {
    countUp(info.byOwner, owner, sign);
    countUp(snap.ownersAnywhere, owner, sign);
    if (info.zone !== undefined) {
      let zones = snap.ownerZones.get(owner);
      if (!zones) snap.ownerZones.set(owner, (zones = new Map()));
      countUp(zones, info.zone, sign);
    }
  }
  const g = snap.affinityGroup(pod);
  if (g) {
    countUp(g.nodes, info, sign);
    if (pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length) snap.requiredAntiAffinityPods += sign;
  }
}

/**
 * kube-scheduler's default normalization: scores scaled so the highest is 100 (reversed: the
 * highest 0); all zero stays 0 (reversed: 100).
 */
export function scaleToBest(scores: Scores, reverse = false): void {
  let max = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i] > max) max = scores[i];
  for (let i = 0; i < scores.length; i++) {
    const s = max === 0 ? 0 : Math.trunc((100 * scores[i]) / max);
    scores[i] = reverse ? 100 - s : s;
  }
}
