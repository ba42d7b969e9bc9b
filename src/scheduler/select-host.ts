// Choosing a node for a pod: run every filter, score the feasible nodes, break ties by name.
// Pure: the scheduler controller does the I/O.
import { countUp } from '../api/collections.js';
import { priorityOf } from '../api/pods.js';
import type { Pod } from '../api/types.js';
import { type FilterPlugin, type NodeInfo, type ScorePlugin, type Snapshot, SKIP, withPods } from './framework.js';
import { interPodAffinity, interPodAffinityScore } from './plugins/inter-pod-affinity.js';
import { leastAllocated } from './plugins/least-allocated.js';
import { nodeAffinity, nodeAffinityScore } from './plugins/node-affinity.js';
import { nodePorts } from './plugins/node-ports.js';
import { nodeReady } from './plugins/node-ready.js';
import { nodeResourcesFit } from './plugins/node-resources-fit.js';
import { nodeUnschedulable } from './plugins/node-unschedulable.js';
import { podTopologySpread, podTopologySpreadScore } from './plugins/pod-topology-spread.js';
import { taintToleration, taintTolerationScore } from './plugins/taint-toleration.js';

/** Filters in kube-scheduler's default order (a node reports the first that fails). */
export const FILTERS: FilterPlugin[] = [nodeUnschedulable, taintToleration, nodeReady, nodeAffinity, nodePorts, nodeResourcesFit, podTopologySpread, interPodAffinity];
/** Scores with kube-scheduler's default weights. */
export const SCORES: ScorePlugin[] = [taintTolerationScore, nodeAffinityScore, leastAllocated, podTopologySpreadScore, interPodAffinityScore];

export const REASON_NODE_NAME = "node(s) didn't match the requested node name";

/** Why a node cannot take a pod: the reason(s) and the filter that gave them. */
export interface Rejection {
  why: string | string[];
  plugin: FilterPlugin;
}

/** Every node's rejection of a pod that fits nowhere (kube-scheduler's Diagnosis), for preemption. */
export interface Diagnosis {
  nodes: NodeInfo[];
  rejections: Rejection[];
}

/**
 * The outcome for one pod: a node, or per-reason node counts for the FailedScheduling message
 * (with the diagnosis when the filters ran).
 */
export type ScheduleResult = { node: string } | { reasons: Map<string, number>; total: number; diagnosis?: Diagnosis };

/**
 * How many feasible nodes are enough (kube-scheduler's adaptive percentageOfNodesToScore): all
 * of them up to 100 nodes; else 50% minus 1% per 125 nodes, at least 5%, and never fewer than 100.
 * Worked examples: 500 nodes -> 46% = 230; 5,000 nodes -> 10% = 500.
 */
export function numFeasibleNodesToFind(total: number): number {
  if (total < 100) return total;
  const pct = Math.max(5, Math.floor(50 - total / 125));
  return Math.max(100, Math.floor((total * pct) / 100));
}

/** The filters that apply to one pod, with their PreFilter states. */
export interface PodFilters {
  pod: Pod;
  active: { f: FilterPlugin; state: unknown }[];
  /** The ones that can still fail on a clean node. */
  onClean: { f: FilterPlugin; state: unknown }[];
}

/** PreFilter once per pod: a plugin that cannot reject any node for this pod is left out. */
export function prepareFilters(pod: Pod, snap: Snapshot, filters = FILTERS): PodFilters {
  const active: PodFilters['active'] = [];
  for (const f of filters) {
    const state = f.preFilter?.(pod, snap);
    if (state !== SKIP) active.push({ f, state });
  }
  return { pod, active, onClean: active.filter((a) => !a.f.passesCleanNodes) };
}

/** Why a node cannot take the pod (the first filter that fails decides, as in kube-scheduler), or undefined. */
export function filterNode(pf: PodFilters, n: NodeInfo): Rejection | undefined {
  const wanted = pf.pod.spec?.nodeName;
  if (wanted && n.name !== wanted) return { why: REASON_NODE_NAME, plugin: NODE_NAME };
  // Room promised to pods of at least this priority that preempted for this node counts as taken.
  const promised = n.snapshot.nominated.size > 0 ? n.snapshot.nominated.get(n)?.filter((q) => q.metadata.uid !== pf.pod.metadata.uid && priorityOf(q) >= priorityOf(pf.pod)) : undefined;
  if (promised?.length) return withPods(n, promised, () => runFilters(pf, n));
  return runFilters(pf, n);
}

function runFilters(pf: PodFilters, n: NodeInfo): Rejection | undefined {
  for (const a of n.clean ? pf.onClean : pf.active) {
    const why = a.f.filter(pf.pod, n, a.state);
    if (why !== undefined) return { why, plugin: a.f };
  }
  return undefined;
}

const NODE_NAME: FilterPlugin = { name: 'NodeName', unresolvable: true, filter: () => undefined };

/** Counts a node's rejection: once for each of its reasons. */
export function countReasons(reasons: Map<string, number>, why: string | string[]): void {
  for (const r of typeof why === 'string' ? [why] : why) countUp(reasons, r);
}

/** True when taking pods off the node cannot help with this rejection. */
export function isUnresolvable(plugin: FilterPlugin, why: string | string[]): boolean {
  const u = plugin.unresolvable;
  if (typeof u !== 'function') return u === true;
  return (typeof why === 'string' ? [why] : why).some(u);
}

/** Picks the best node for a pod, or says why none fits. `start` rotates where the search begins. */
export function selectHost(pod: Pod, snap: Snapshot, filters = FILTERS, scores = SCORES, start = 0): ScheduleResult & { processed?: number } {
  const nodes = snap.nodes;
  const feasible: NodeInfo[] = [];
  const reasons = new Map<string, number>();
  const rejected: NodeInfo[] = [];
  const rejections: Rejection[] = [];
  const enough = numFeasibleNodesToFind(nodes.length);
  const pf = prepareFilters(pod, snap, filters);
  // No node name asked for and no room promised to nominated pods: the filters alone decide.
  const plain = !pod.spec?.nodeName && snap.nominated.size === 0;
  let processed = 0;
  for (let k = 0, i = start % Math.max(1, nodes.length); k < nodes.length && feasible.length < enough; k++, i = i + 1 === nodes.length ? 0 : i + 1) {
    const n = nodes[i];
    processed++;
    const failed = plain ? runFilters(pf, n) : filterNode(pf, n);
    if (failed === undefined) feasible.push(n);
    else {
      countReasons(reasons, failed.why);
      rejected.push(n);
      rejections.push(failed);
    }
  }
  if (feasible.length === 0) return { reasons, total: nodes.length, diagnosis: { nodes: rejected, rejections } };
  return { node: bestNode(pod, feasible, snap, scores), processed };
}

const scratch = { total: new Float64Array(0), raw: new Float64Array(0) };

/** Runs the score plugins over the feasible nodes: the highest weighted sum wins, ties to the first name. */
export function bestNode(pod: Pod, feasible: NodeInfo[], snap: Snapshot, scores = SCORES): string {
  const count = feasible.length;
  if (count === 1) return feasible[0].name;
  // Scratch arrays shared by every call (one pod at a time): no garbage per pod.
  if (scratch.total.length < count) scratch.total = new Float64Array(Math.max(count, 2 * scratch.total.length));
  const total = scratch.total;
  total.fill(0, 0, count);
  if (scratch.raw.length < count) scratch.raw = new Float64Array(total.length);
  const raw = scratch.raw.subarray(0, count);
  for (const p of scores) {
    const state = p.preScore ? p.preScore(pod, feasible, snap) : undefined;
    if (state === SKIP) continue;
    const w = p.weight;
    if (p.normalize) {
      for (let i = 0; i < count; i++) raw[i] = p.score(pod, feasible[i], state);
      p.normalize(raw, state);
      for (let i = 0; i < count; i++) total[i] += w * raw[i];
    } else for (let i = 0; i < count; i++) total[i] += w * p.score(pod, feasible[i], state);
  }
  let best = 0;
  for (let i = 1; i < count; i++) if (total[i] > total[best] || (total[i] === total[best] && feasible[i].name < feasible[best].name)) best = i;
  return feasible[best].name;
}

/** kube-scheduler's message: `0/3 nodes are available: 1 node(s) didn't match ..., 2 Insufficient cpu.` */
export function unschedulableMessage(reasons: Map<string, number>, total: number): string {
  if (total === 0) return 'no nodes available to schedule pods';
  const parts = [...reasons].map(([reason, count]) => `${count} ${reason}`).sort();
  return `0/${total} nodes are available: ${parts.join(', ')}.`;
}
