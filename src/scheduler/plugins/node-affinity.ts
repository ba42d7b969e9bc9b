// NodeAffinity: the pod's nodeSelector and required node affinity must match the node
// (matchExpressions on labels, matchFields on metadata.name).
import { constrainsNodes, nodeMatchesPod } from '../../api/scheduling.js';
import type { NodeSelectorTerm } from '../../api/types.js';
import { type FilterPlugin, type NodeInfo, type ScorePlugin, SKIP, scaleToBest } from '../framework.js';

export const REASON_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

export const nodeAffinity: FilterPlugin = {
  name: 'NodeAffinity',
  preFilter: (pod) => (constrainsNodes(pod) ? undefined : SKIP),
  unresolvable: true,
  filter: (pod, n) => (nodeMatchesPod(pod, n.node) ? undefined : REASON_AFFINITY),
};

/** A node-selector term of a preference, matched against a node's labels and name. */
function preferenceMatches(term: NodeSelectorTerm, n: NodeInfo): boolean {
  return nodeMatchesPod({ spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [term] } } } } }, n.node);
}

/**
 * NodeAffinity's score: the summed weights of the preferredDuringScheduling terms a node
 * matches, scaled so the best node scores 100.
 */
export const nodeAffinityScore: ScorePlugin = {
  name: 'NodeAffinity',
  weight: 2,
  preScore: (pod) => pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ? pod.spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution : SKIP,
  score(_pod, n, state) {
    let sum = 0;
    for (const p of state as { weight: number; preference: NodeSelectorTerm }[]) if (preferenceMatches(p.preference, n)) sum += p.weight;
    return sum;
  },
  normalize: (scores) => scaleToBest(scores),
};
