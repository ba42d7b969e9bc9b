// PodTopologySpread: a pod's topologySpreadConstraints.
//
// Filter (whenUnsatisfiable: DoNotSchedule): for each constraint, the matching pods per domain
// (value of topologyKey) over the eligible nodes (nodes with every constraint's key that pass
// nodeAffinityPolicy, Honor by default: the pod's node selector and required node affinity, and
// nodeTaintsPolicy, Ignore by default). A node is rejected when
//   matching pods in its domain + 1 (if the pod matches its own selector) - the global minimum > maxSkew,
// where the global minimum is the fewest matching pods in any eligible domain, or 0 while there
// are fewer domains than minDomains. Worked example: zones a, b, c with 2, 1, 1 matching pods,
// maxSkew 1: zone a gives 2 + 1 - 1 = 2 > 1 and is refused, b and c give 1.
//
// Score (ScheduleAnyway constraints, or for a pod without constraints kube-scheduler's system
// defaults: hostname maxSkew 3 and zone maxSkew 5 over the pods of its controller): a node scores
// sum(count in its domain * log(domains + 2) + maxSkew - 1), and the fewest pods rank highest.
import { countUp } from '../../api/collections.js';
import { type Selector, fromLabelSelector, matches } from '../../api/labels.js';
import { controllerOf } from '../../api/pods.js';
import { constrainsNodes, nodeMatchesPod, tolerates } from '../../api/scheduling.js';
import type { Pod, TopologySpreadConstraint } from '../../api/types.js';
import { type FilterPlugin, HOSTNAME, type NodeInfo, type ScorePlugin, type Snapshot, SKIP, ZONE, ownerCount } from '../framework.js';

export const REASON_SPREAD = "node(s) didn't match pod topology spread constraints";
export const REASON_MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";

interface Constraint {
  maxSkew: number;
  key: string;
  /** Undefined: no labelSelector, which matches no pod. */
  selector?: Selector;
  minDomains: number;
  honorAffinity: boolean;
  honorTaints: boolean;
}

/** The pod's constraints of one kind, matchLabelKeys folded into their selectors. */
function constraintsOf(pod: Pod, when: TopologySpreadConstraint['whenUnsatisfiable']): Constraint[] {
  const labels = pod.metadata.labels ?? {};
  return (pod.spec?.topologySpreadConstraints ?? [])
    .filter((c) => c.whenUnsatisfiable === when)
    .map((c) => {
      let selector = c.labelSelector ? fromLabelSelector(c.labelSelector) : undefined;
      if (selector) for (const k of c.matchLabelKeys ?? []) if (k in labels) selector = [...selector, { key: k, op: '=', values: [labels[k]] }];
      return { maxSkew: c.maxSkew, key: c.topologyKey, selector, minDomains: c.minDomains ?? 1, honorAffinity: c.nodeAffinityPolicy !== 'Ignore', honorTaints: c.nodeTaintsPolicy === 'Honor' };
    });
}

const hasKeys = (n: NodeInfo, cs: Constraint[]) => cs.every((c) => n.labels[c.key] !== undefined);

/** Whether a node counts for a constraint (its node inclusion policies). */
function included(pod: Pod, c: Constraint, n: NodeInfo): boolean {
  if (c.honorAffinity && !nodeMatchesPod(pod, n.node)) return false;
  if (c.honorTaints && !n.hardTaints.every((t) => tolerates(pod.spec?.tolerations ?? [], t))) return false;
  return true;
}

/** Pods that count: in the pod's namespace, matching the selector, not terminating, not taken away. */
function* matching(pod: Pod, c: Constraint, snap: Snapshot): Generator<NodeInfo> {
  if (!c.selector) return;
  for (const e of snap.podIndex().candidatesFor(pod.metadata.namespace!, c.selector)) {
    if (e.pod.metadata.deletionTimestamp || (snap.removed.size > 0 && snap.removed.has(e.pod))) continue;
    if (matches(c.selector, e.pod.metadata.labels)) yield e.node;
  }
}

/**
 * Per constraint: matching pods per domain over the eligible nodes, every eligible domain present
 * (0 when empty). Nodes' own facts are remembered for the pass when no policy depends on the pod.
 */
function domainCounts(pod: Pod, cs: Constraint[], snap: Snapshot): Map<string, number>[] {
  const podDependent = cs.some((c) => c.honorTaints || (c.honorAffinity && constrainsNodes(pod)));
  const keys = cs.map((c) => c.key).join('\u0000');
  const eligible = (n: NodeInfo, c: Constraint) => hasKeys(n, cs) && (!podDependent || included(pod, c, n));
  const out = cs.map((c) => {
    const empty = () => {
      const m = new Map<string, number>();
      for (const n of snap.nodes) if (eligible(n, c)) m.set(n.labels[c.key], 0);
      return m;
    };
    return podDependent ? empty() : new Map(snap.remember(`spread\u0000${keys}\u0000${c.key}`, empty));
  });
  cs.forEach((c, i) => {
    for (const n of matching(pod, c, snap)) {
      const v = n.labels[c.key];
      if (v !== undefined && out[i].has(v) && eligible(n, c)) countUp(out[i], v);
    }
  });
  return out;
}

interface FilterState {
  constraints: Constraint[];
  counts: Map<string, number>[];
  min: number[];
  self: number[];
}

function preFilter(pod: Pod, snap: Snapshot): FilterState | typeof SKIP {
  if (!pod.spec?.topologySpreadConstraints?.length) return SKIP;
  const constraints = constraintsOf(pod, 'DoNotSchedule');
  if (constraints.length === 0) return SKIP;
  const counts = domainCounts(pod, constraints, snap);
  const min = constraints.map((c, i) => {
    if (counts[i].size < c.minDomains) return 0;
    let m = Infinity;
    for (const v of counts[i].values()) if (v < m) m = v;
    return m === Infinity ? 0 : m;
  });
  const self = constraints.map((c) => (c.selector && matches(c.selector, pod.metadata.labels) ? 1 : 0));
  return { constraints, counts, min, self };
}

export const podTopologySpread: FilterPlugin = {
  name: 'PodTopologySpread',
  preFilter,
  unresolvable: (reason) => reason === REASON_MISSING_LABEL,
  filter(pod, n, state) {
    const s = (state ?? preFilter(pod, n.snapshot)) as FilterState | typeof SKIP;
    if (s === SKIP) return undefined;
    for (let i = 0; i < s.constraints.length; i++) {
      const v = n.labels[s.constraints[i].key];
      if (v === undefined) return REASON_MISSING_LABEL;
      if ((s.counts[i].get(v) ?? 0) + s.self[i] - s.min[i] > s.constraints[i].maxSkew) return REASON_SPREAD;
    }
    return undefined;
  },
};

/** Scoring state: per constraint its weight and domain counts (hostname counted per node). */
interface ScoreState {
  constraints: Constraint[];
  weights: number[];
  counts: (Map<string, number> | undefined)[];
  perNode: (Map<NodeInfo, number> | undefined)[];
  ignored?: Set<NodeInfo>;
  /** System defaults: pods of this controller, counted from the snapshot's owner tallies. */
  owner?: string;
}

const weightFor = (domains: number) => Math.log(domains + 2);

/** kube-scheduler's default constraints (system defaulting), over a controller's pods. */
const BY_HOSTNAME: Constraint[] = [{ maxSkew: 3, key: HOSTNAME, minDomains: 1, honorAffinity: true, honorTaints: false }];
const BY_HOSTNAME_AND_ZONE: Constraint[] = [...BY_HOSTNAME, { maxSkew: 5, key: ZONE, minDomains: 1, honorAffinity: true, honorTaints: false }];

function defaultPreScore(pod: Pod, feasible: NodeInfo[], snap: Snapshot): ScoreState | typeof SKIP {
  const owner = controllerOf(pod)?.uid;
  // No pod of the controller runs anywhere yet (a new workload's first pod): every node scores the same.
  if (!owner || !snap.ownersAnywhere.get(owner)) return SKIP;
  // Zones count only in a cluster with zone labels (a per-pass fact: no loop per pod without).
  if (!snap.remember('zoned', () => snap.nodes.some((n) => n.zone !== undefined))) return { constraints: BY_HOSTNAME, weights: [weightFor(feasible.length)], counts: [], perNode: [], owner };
  const zones = new Set<string>();
  for (const n of feasible) zones.add(n.zone ?? '');
  return { constraints: BY_HOSTNAME_AND_ZONE, weights: [weightFor(feasible.length), weightFor(zones.size)], counts: [], perNode: [], owner };
}

export const podTopologySpreadScore: ScorePlugin = {
  name: 'PodTopologySpread',
  weight: 2,
  preScore(pod, feasible, snap) {
    if (!pod.spec?.topologySpreadConstraints?.length) return defaultPreScore(pod, feasible, snap);
    const constraints = constraintsOf(pod, 'ScheduleAnyway');
    if (constraints.length === 0) return SKIP;
    // Nodes without every key are left out (and score 0).
    const ignored = new Set(feasible.filter((n) => !hasKeys(n, constraints)));
    const ranked = feasible.filter((n) => !ignored.has(n));
    const weights: number[] = [];
    const counts: (Map<string, number> | undefined)[] = [];
    const perNode: (Map<NodeInfo, number> | undefined)[] = [];
    constraints.forEach((c) => {
      if (c.key === HOSTNAME) {
        weights.push(weightFor(ranked.length));
        const m = new Map<NodeInfo, number>();
        for (const n of matching(pod, c, snap)) countUp(m, n);
        perNode.push(m);
        counts.push(undefined);
      } else {
        // Domains are those of the feasible nodes; pods count from every eligible node in them.
        const domains = new Set(ranked.map((n) => n.labels[c.key]));
        weights.push(weightFor(domains.size));
        const all = domainCounts(pod, [c], snap)[0];
        counts.push(new Map([...domains].map((d) => [d, all.get(d) ?? 0])));
        perNode.push(undefined);
      }
    });
    return { constraints, weights, counts, perNode, ignored } satisfies ScoreState;
  },
  score(_pod, n, state) {
    const s = state as ScoreState;
    // The default constraint on hostname alone (a cluster without zones): the per-pod hot path.
    if (s.owner && s.constraints.length === 1) return Math.round(ownerCount(n, s.owner) * s.weights[0] + s.constraints[0].maxSkew - 1);
    if (s.ignored?.has(n)) return -1;
    let score = 0;
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i];
      const v = n.labels[c.key];
      if (v === undefined) continue;
      let count: number;
      if (s.owner) count = c.key === HOSTNAME ? ownerCount(n, s.owner) : (n.snapshot.ownerZones.get(s.owner)?.get(v) ?? 0);
      else count = c.key === HOSTNAME ? (s.perNode[i]!.get(n) ?? 0) : (s.counts[i]!.get(v) ?? 0);
      score += count * s.weights[i] + c.maxSkew - 1;
    }
    return Math.round(score);
  },
  // Fewest pods best: 100 * (max + min - score) / max; left-out nodes (-1) score 0.
  normalize(scores) {
    let min = Infinity;
    let max = 0;
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i];
      if (s < 0) continue;
      if (s < min) min = s;
      if (s > max) max = s;
    }
    for (let i = 0; i < scores.length; i++) {
      if (scores[i] < 0) scores[i] = 0;
      else scores[i] = max === 0 ? 100 : Math.trunc((100 * (max + min - scores[i])) / max);
    }
  },
};
