// InterPodAffinity: a pod's required pod affinity and anti-affinity terms, and the required
// anti-affinity terms of the pods already running, decide where it may go (filter); preferred
// terms on both sides, and existing pods' required affinity terms, rank the nodes (score).
//
// A term matches a pod when the pod's namespace is one the term names (its own namespace when it
// names none and has no namespaceSelector; every namespace for an empty namespaceSelector) and its
// labels match the term's labelSelector (no labelSelector matches no pod). The term then counts
// for every node sharing the topologyKey value of the node the matching pod runs on.
// Worked example: web pods with required anti-affinity on kubernetes.io/hostname against
// `app=web`: once node-1 runs one, node-1 fails with "node(s) didn't match pod anti-affinity
// rules" for the next, and a pod labelled app=web that comes later without terms of its own
// fails there with "node(s) didn't satisfy existing pods anti-affinity rules".
import { countUp } from '../../api/collections.js';
import { type Selector, fromLabelSelector, matches } from '../../api/labels.js';
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from '../../api/types.js';
import { type AffinityGroup, type FilterPlugin, type NodeInfo, type ScorePlugin, type Snapshot, SKIP } from '../framework.js';

export const REASON_AFFINITY = "node(s) didn't match pod affinity rules";
export const REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
export const REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

/**
 * kube-scheduler's hardPodAffinityWeight: the weight a required term carries (an existing pod's
 * required affinity term counts as a preference of this weight when scoring).
 */
const HARD_POD_AFFINITY_WEIGHT = 1;

/** A parsed affinity term. */
interface Term {
  /** Undefined: the term has no labelSelector and matches nothing. */
  selector?: Selector;
  namespaces: Set<string>;
  namespaceSelector?: Selector;
  topologyKey: string;
  weight: number;
}

interface Terms {
  affinity: Term[];
  antiAffinity: Term[];
  preferredAffinity: Term[];
  preferredAntiAffinity: Term[];
}

function parseTerm(t: PodAffinityTerm, namespace: string, weight = HARD_POD_AFFINITY_WEIGHT): Term {
  const namespaces = new Set(t.namespaces ?? []);
  if (namespaces.size === 0 && !t.namespaceSelector) namespaces.add(namespace);
  return {
    selector: t.labelSelector ? fromLabelSelector(t.labelSelector) : undefined,
    namespaces,
    namespaceSelector: t.namespaceSelector ? fromLabelSelector(t.namespaceSelector) : undefined,
    topologyKey: t.topologyKey,
    weight,
  };
}

const termsCache = new WeakMap<object, Terms>();

/** A pod's terms, parsed once per pod object. */
function termsOf(pod: Pod): Terms {
  const cached = termsCache.get(pod);
  if (cached) return cached;
  const a = pod.spec?.affinity;
  const ns = pod.metadata.namespace ?? 'default';
  const weighted = (ts: WeightedPodAffinityTerm[] | undefined) => (ts ?? []).map((w) => parseTerm(w.podAffinityTerm, ns, w.weight));
  const terms: Terms = {
    affinity: (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => parseTerm(t, ns)),
    antiAffinity: (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => parseTerm(t, ns)),
    preferredAffinity: weighted(a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
    preferredAntiAffinity: weighted(a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution),
  };
  termsCache.set(pod, terms);
  return terms;
}

function groupTerms(g: AffinityGroup): Terms {
  return (g.terms ??= termsOf(g.pod)) as Terms;
}

function namespaceMatches(t: Term, namespace: string, snap: Snapshot): boolean {
  return t.namespaces.has(namespace) || (t.namespaceSelector !== undefined && matches(t.namespaceSelector, snap.namespaceLabels.get(namespace)));
}

/** True when `pod` matches the term. */
function termMatches(t: Term, pod: Pod, snap: Snapshot): boolean {
  return t.selector !== undefined && namespaceMatches(t, pod.metadata.namespace!, snap) && matches(t.selector, pod.metadata.labels);
}

/** The pods on nodes that match a term (through the label index: only candidates are tested). */
function* matchingPods(t: Term, snap: Snapshot): Generator<{ pod: Pod; node: NodeInfo }> {
  if (t.selector === undefined) return;
  const index = snap.podIndex();
  const namespaces = t.namespaceSelector ? [...index.namespaces()].filter((ns) => namespaceMatches(t, ns, snap)) : t.namespaces;
  for (const ns of namespaces) {
    for (const e of index.candidatesFor(ns, t.selector)) {
      if (snap.removed.size > 0 && snap.removed.has(e.pod)) continue;
      if (matches(t.selector, e.pod.metadata.labels)) yield e;
    }
  }
}

const pair = (key: string, value: string) => `${key}\u0000${value}`;

interface FilterState {
  terms: Terms;
  /** Topology pairs where an existing pod's required anti-affinity term matches the incoming pod. */
  existingAnti: Map<string, number>;
  /** Topology pairs with pods matching all of the incoming pod's affinity terms. */
  affinity: Map<string, number>;
  /** Topology pairs with pods matching one of its anti-affinity terms. */
  antiAffinity: Map<string, number>;
  /** The pod matches its own affinity terms (the first pod of a group that attracts itself). */
  selfMatch: boolean;
}

const hasPodAffinity = (pod: Pod) => !!(pod.spec?.affinity?.podAffinity || pod.spec?.affinity?.podAntiAffinity);

function preFilter(pod: Pod, snap: Snapshot): FilterState | typeof SKIP {
  // The common case, checked before anything is parsed: no terms here, none running.
  if (snap.requiredAntiAffinityPods === 0 && !hasPodAffinity(pod)) return SKIP;
  const terms = termsOf(pod);
  if (terms.affinity.length === 0 && terms.antiAffinity.length === 0 && snap.requiredAntiAffinityPods === 0) return SKIP;
  const existingAnti = new Map<string, number>();
  if (snap.requiredAntiAffinityPods > 0) {
    for (const g of snap.affinityGroups.values()) {
      for (const t of groupTerms(g).antiAffinity) {
        if (!termMatches(t, pod, snap)) continue;
        for (const [node, count] of g.nodes) {
          const v = node.labels[t.topologyKey];
          if (count > 0 && v !== undefined) countUp(existingAnti, pair(t.topologyKey, v), count);
        }
      }
    }
  }
  const affinity = new Map<string, number>();
  if (terms.affinity.length > 0) {
    for (const { pod: p, node } of matchingPods(terms.affinity[0], snap)) {
      if (!terms.affinity.every((t) => termMatches(t, p, snap))) continue;
      for (const t of terms.affinity) {
        const v = node.labels[t.topologyKey];
        if (v !== undefined) countUp(affinity, pair(t.topologyKey, v));
      }
    }
  }
  const antiAffinity = new Map<string, number>();
  for (const t of terms.antiAffinity) {
    for (const { node } of matchingPods(t, snap)) {
      const v = node.labels[t.topologyKey];
      if (v !== undefined) countUp(antiAffinity, pair(t.topologyKey, v));
    }
  }
  const selfMatch = terms.affinity.every((t) => termMatches(t, pod, snap));
  return { terms, existingAnti, affinity, antiAffinity, selfMatch };
}

function satisfiesAffinity(s: FilterState, n: NodeInfo): boolean {
  let podsExist = true;
  for (const t of s.terms.affinity) {
    const v = n.labels[t.topologyKey];
    if (v === undefined) return false;
    if (!(s.affinity.get(pair(t.topologyKey, v))! > 0)) podsExist = false;
  }
  // No pod anywhere matches yet: a pod that matches its own terms may start the group.
  return podsExist || (s.affinity.size === 0 && s.selfMatch);
}

function satisfiesAntiAffinity(s: FilterState, n: NodeInfo): boolean {
  if (s.antiAffinity.size === 0) return true;
  for (const t of s.terms.antiAffinity) {
    const v = n.labels[t.topologyKey];
    if (v !== undefined && s.antiAffinity.get(pair(t.topologyKey, v))! > 0) return false;
  }
  return true;
}

function satisfiesExistingAntiAffinity(s: FilterState, n: NodeInfo): boolean {
  if (s.existingAnti.size === 0) return true;
  for (const k in n.labels) if (s.existingAnti.get(pair(k, n.labels[k]))! > 0) return false;
  return true;
}

export const interPodAffinity: FilterPlugin = {
  name: 'InterPodAffinity',
  preFilter,
  // Pods matching the affinity terms are not made by taking pods away.
  unresolvable: (reason) => reason === REASON_AFFINITY,
  filter(pod, n, state) {
    const s = (state ?? preFilter(pod, n.snapshot)) as FilterState | typeof SKIP;
    if (s === SKIP) return undefined;
    if (!satisfiesAffinity(s, n)) return REASON_AFFINITY;
    if (!satisfiesAntiAffinity(s, n)) return REASON_ANTI_AFFINITY;
    if (!satisfiesExistingAntiAffinity(s, n)) return REASON_EXISTING_ANTI_AFFINITY;
    return undefined;
  },
};

/** Per topology key, per value: the summed weights of the terms that point there. */
type TopologyScore = Map<string, Map<string, number>>;

function addScore(scores: TopologyScore, key: string, value: string | undefined, by: number): void {
  if (value === undefined || by === 0) return;
  let m = scores.get(key);
  if (!m) scores.set(key, (m = new Map()));
  countUp(m, value, by);
}


export const interPodAffinityScore: ScorePlugin = {
  name: 'InterPodAffinity',
  weight: 2,
  preScore(pod, _feasible, snap) {
    if (snap.affinityGroups.size === 0 && !hasPodAffinity(pod)) return SKIP;
    const terms = termsOf(pod);
    const own = terms.preferredAffinity.length > 0 || terms.preferredAntiAffinity.length > 0;
    if (!own && snap.affinityGroups.size === 0) return SKIP;
    const scores: TopologyScore = new Map();
    // The incoming pod's preferences, towards (or away from) the pods their terms match.
    for (const [list, sign] of [
      [terms.preferredAffinity, 1],
      [terms.preferredAntiAffinity, -1],
    ] as const) {
      for (const t of list) for (const { node } of matchingPods(t, snap)) addScore(scores, t.topologyKey, node.labels[t.topologyKey], sign * t.weight);
    }
    // The existing pods' terms that match the incoming pod.
    for (const g of snap.affinityGroups.values()) {
      const gt = groupTerms(g);
      for (const [list, sign] of [
        [gt.affinity, 1],
        [gt.preferredAffinity, 1],
        [gt.preferredAntiAffinity, -1],
      ] as const) {
        for (const t of list) {
          if (!termMatches(t, pod, snap)) continue;
          for (const [node, count] of g.nodes) addScore(scores, t.topologyKey, node.labels[t.topologyKey], sign * count * t.weight);
        }
      }
    }
    return scores.size === 0 ? SKIP : scores;
  },
  score(_pod, n, state) {
    let sum = 0;
    for (const [key, values] of state as TopologyScore) {
      const v = n.labels[key];
      if (v !== undefined) sum += values.get(v) ?? 0;
    }
    return sum;
  },
  // Scaled so the lowest scores 0 and the highest 100 (all 0 when they are equal).
  normalize(scores) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < scores.length; i++) {
      const s = scores[i];
      if (s < min) min = s;
      if (s > max) max = s;
    }
    for (let i = 0; i < scores.length; i++) scores[i] = max > min ? Math.trunc((100 * (scores[i] - min)) / (max - min)) : 0;
  },
};
