// Preemption (kube-scheduler's DefaultPreemption PostFilter): a pod that fits nowhere may take
// the place of lower-priority pods. For each node where taking pods away could help, the dry
// run removes every lower-priority pod, checks the pod then fits, and gives back as many as it
// can (those whose PodDisruptionBudget would be violated first, then the most important first).
// The node chosen has the fewest budget violations, then the lowest highest victim priority,
// the lowest sum of priorities, the fewest victims. Pure: the scheduler deletes the victims.
import { fromLabelSelector, matches } from '../api/labels.js';
import { priorityOf } from '../api/pods.js';
import type { Pod, PodDisruptionBudget } from '../api/types.js';
import { type NodeInfo, type Snapshot, removePods, restorePods } from './framework.js';
import { type Diagnosis, countReasons, filterNode, isUnresolvable, prepareFilters, unschedulableMessage } from './select-host.js';

export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_VICTIMS = 'No preemption victims found for incoming pod';

/** The outcome: a node and the pods to delete there, or the `preemption: ...` sentence saying why not. */
export type PreemptionResult = { node: string; victims: Pod[] } | { message: string };

interface Candidate {
  node: NodeInfo;
  victims: Pod[];
  pdbViolations: number;
}

/** Why the pod may not preempt at all (kube-scheduler's PodEligibleToPreemptOthers), or undefined. */
function notEligible(pod: Pod, snap: Snapshot): string | undefined {
  if (pod.spec?.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
  const nominated = pod.status?.nominatedNodeName ? snap.byName.get(pod.status.nominatedNodeName) : undefined;
  // An earlier preemption is still making room there: wait for it rather than preempt again.
  if (nominated?.pods.some((p) => p.metadata.deletionTimestamp && priorityOf(p) < priorityOf(pod))) return 'not eligible due to a terminating pod on the nominated node.';
  return undefined;
}

/** Sorts victims most important first: higher priority, then the one that started earlier. */
function byImportance(a: Pod, b: Pod): number {
  const d = priorityOf(b) - priorityOf(a);
  if (d !== 0) return d;
  const sa = a.status?.startTime ?? '';
  const sb = b.status?.startTime ?? '';
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/** Splits pods into those whose eviction would exceed a budget and the rest, as kube-scheduler counts budgets. */
function splitByBudget(pods: Pod[], pdbs: PodDisruptionBudget[]): { violating: Pod[]; rest: Pod[] } {
  const allowed = pdbs.map((b) => b.status?.disruptionsAllowed ?? 0);
  const violating: Pod[] = [];
  const rest: Pod[] = [];
  for (const p of pods) {
    let violated = false;
    if (Object.keys(p.metadata.labels ?? {}).length > 0) {
      pdbs.forEach((b, i) => {
        if (b.metadata.namespace !== p.metadata.namespace) return;
        const sel = fromLabelSelector(b.spec?.selector);
        if (sel.length === 0 || !matches(sel, p.metadata.labels)) return;
        if (b.status?.disruptedPods?.[p.metadata.name!]) return;
        if (--allowed[i] < 0) violated = true;
      });
    }
    (violated ? violating : rest).push(p);
  }
  return { violating, rest };
}

const fits = (pod: Pod, snap: Snapshot, n: NodeInfo): string | string[] | undefined => filterNode(prepareFilters(pod, snap), n)?.why;

/** The dry run on one node: the victims, or why preemption cannot make the pod fit there. */
function victimsOn(pod: Pod, snap: Snapshot, n: NodeInfo, pdbs: PodDisruptionBudget[]): Candidate | string | string[] {
  const potential = n.pods.filter((p) => priorityOf(p) < priorityOf(pod)).sort(byImportance);
  if (potential.length === 0) return NO_VICTIMS;
  removePods(n, potential);
  const still = fits(pod, snap, n);
  if (still !== undefined) {
    restorePods(n, potential);
    return still;
  }
  const { violating, rest } = splitByBudget(potential, pdbs);
  const victims: Pod[] = [];
  let pdbViolations = 0;
  // Give back each pod the node can keep while the preemptor still fits.
  for (const [list, violates] of [
    [violating, true],
    [rest, false],
  ] as const) {
    for (const p of list) {
      restorePods(n, [p]);
      if (fits(pod, snap, n) === undefined) continue;
      removePods(n, [p]);
      victims.push(p);
      if (violates) pdbViolations++;
    }
  }
  restorePods(n, victims);
  return { node: n, victims: victims.sort(byImportance), pdbViolations };
}

/** kube-scheduler's pickOneNodeForPreemption, without its start-time tie-break. */
function pick(cands: Candidate[]): Candidate {
  const sumOf = (c: Candidate) => c.victims.reduce((s, p) => s + priorityOf(p) + 2 ** 31, 0);
  const keys = (c: Candidate) => [c.pdbViolations, priorityOf(c.victims[0]), sumOf(c), c.victims.length];
  return cands.reduce((best, c) => {
    const [a, b] = [keys(c), keys(best)];
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? c : best;
    return best;
  });
}

/** Every node's rejection of the pod, as selectHost found them when nothing fit. */
function diagnose(pod: Pod, snap: Snapshot): Diagnosis {
  const filters = prepareFilters(pod, snap);
  const d: Diagnosis = { nodes: [], rejections: [] };
  for (const n of snap.nodes) {
    const r = filterNode(filters, n);
    if (r) {
      d.nodes.push(n);
      d.rejections.push(r);
    }
  }
  return d;
}

/** `preemption: 0/N nodes are available: ...`, the sentence FailedScheduling ends with. */
export function preemptionMessage(reasons: Map<string, number>, total: number): string {
  return `preemption: ${unschedulableMessage(reasons, total)}`;
}

/**
 * Tries to make room for a pod that fits nowhere. `diagnosis` is how each node rejected it in
 * the failed attempt (the rejections say which nodes preemption cannot help).
 */
export function preempt(pod: Pod, snap: Snapshot, pdbs: PodDisruptionBudget[], diagnosis: Diagnosis = diagnose(pod, snap)): PreemptionResult {
  const why = notEligible(pod, snap);
  if (why) return { message: `preemption: ${why}` };
  const reasons = new Map<string, number>();
  const add = (r: string | string[]) => countReasons(reasons, r);
  const lowest = snap.remember('lowestPriority', () => {
    let min = Infinity;
    for (const n of snap.nodes) for (const p of n.pods) min = Math.min(min, priorityOf(p));
    return min;
  });
  const cands: Candidate[] = [];
  // kube-scheduler's dry run stops once it has enough candidates: 10 % of the nodes, at least 100.
  const enough = Math.max(100, Math.floor(snap.nodes.length / 10));
  for (const [i, n] of diagnosis.nodes.entries()) {
    if (cands.length >= enough) break;
    const failed = diagnosis.rejections[i];
    if (isUnresolvable(failed.plugin, failed.why)) {
      add(NOT_HELPFUL);
      continue;
    }
    if (lowest >= priorityOf(pod)) {
      add(NO_VICTIMS);
      continue;
    }
    const r = victimsOn(pod, snap, n, pdbs);
    if (typeof r === 'string' || Array.isArray(r)) add(r);
    else cands.push(r);
  }
  if (cands.length === 0) return { message: preemptionMessage(reasons, snap.nodes.length) };
  const best = pick(cands);
  return { node: best.node.name, victims: best.victims };
}
