// Choosing a node for a pod: run every filter, score the feasible nodes, break ties by name.
// Pure: the scheduler controller does the I/O.
import type { Pod } from '../api/types.js';
import { type FilterPlugin, type NodeInfo, type ScorePlugin, SKIP } from './framework.js';
import { leastAllocated } from './plugins/least-allocated.js';
import { nodeAffinity } from './plugins/node-affinity.js';
import { nodePorts } from './plugins/node-ports.js';
import { nodeReady } from './plugins/node-ready.js';
import { nodeResourcesFit } from './plugins/node-resources-fit.js';
import { nodeUnschedulable } from './plugins/node-unschedulable.js';
import { spreadByOwner } from './plugins/spread.js';
import { taintToleration } from './plugins/taint-toleration.js';

/** Filters in kube-scheduler's default order (a node reports the first that fails). */
export const FILTERS: FilterPlugin[] = [nodeUnschedulable, taintToleration, nodeReady, nodeAffinity, nodePorts, nodeResourcesFit];
/** Scores with their weights. */
export const SCORES: ScorePlugin[] = [leastAllocated, spreadByOwner];

/** The outcome for one pod: a node, or per-reason node counts for the FailedScheduling message. */
export type ScheduleResult = { node: string } | { reasons: Map<string, number>; total: number };

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

/** Picks the best node for a pod, or says why none fits. `start` rotates where the search begins. */
export function selectHost(pod: Pod, nodes: NodeInfo[], filters = FILTERS, scores = SCORES, start = 0): ScheduleResult & { processed?: number } {
  const feasible: NodeInfo[] = [];
  const reasons = new Map<string, number>();
  const wanted = pod.spec?.nodeName;
  const enough = numFeasibleNodesToFind(nodes.length);
  // PreFilter once per pod: a plugin that cannot reject any node for this pod is left out, and
  // on clean nodes so are the ones that look only at node state.
  const active: { f: FilterPlugin; state: unknown }[] = [];
  for (const f of filters) {
    const state = f.preFilter?.(pod);
    if (state !== SKIP) active.push({ f, state });
  }
  const onClean = active.filter((a) => !a.f.passesCleanNodes);
  let processed = 0;
  for (let k = 0, i = start % Math.max(1, nodes.length); k < nodes.length && feasible.length < enough; k++, i = i + 1 === nodes.length ? 0 : i + 1) {
    const n = nodes[i];
    processed++;
    if (wanted && n.name !== wanted) {
      reasons.set("node(s) didn't match the requested node name", (reasons.get("node(s) didn't match the requested node name") ?? 0) + 1);
      continue;
    }
    // The first filter that fails decides (kube-scheduler stops there too).
    let why: string | string[] | undefined;
    for (const a of n.clean ? onClean : active) if ((why = a.f.filter(pod, n, a.state)) !== undefined) break;
    if (why === undefined) feasible.push(n);
    else for (const r of typeof why === 'string' ? [why] : why) reasons.set(r, (reasons.get(r) ?? 0) + 1);
  }
  if (feasible.length === 0) return { reasons, total: nodes.length };
  const states = scores.map((p) => p.preScore?.(pod, feasible));
  let bestName = '';
  let bestScore = -Infinity;
  for (const n of feasible) {
    let score = 0;
    for (let i = 0; i < scores.length; i++) score += scores[i].weight * scores[i].score(pod, n, states[i]);
    if (score > bestScore || (score === bestScore && n.name < bestName)) {
      bestScore = score;
      bestName = n.name;
    }
  }
  return { node: bestName, processed };
}

/** kube-scheduler's message: `0/3 nodes are available: 1 node(s) didn't match ..., 2 Insufficient cpu.` */
export function unschedulableMessage(reasons: Map<string, number>, total: number): string {
  if (total === 0) return 'no nodes available to schedule pods';
  const parts = [...reasons].map(([reason, count]) => `${count} ${reason}`).sort();
  return `0/${total} nodes are available: ${parts.join(', ')}.`;
}
