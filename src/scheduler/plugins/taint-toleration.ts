// TaintToleration: a node's NoSchedule and NoExecute taints repel pods that do not tolerate them.
import { type Taint, tolerates } from '../../api/scheduling.js';
import type { Toleration } from '../../api/types.js';
import { type FilterPlugin, type ScorePlugin, SKIP, scaleToBest } from '../framework.js';

export const taintToleration: FilterPlugin = {
  name: 'TaintToleration',
  passesCleanNodes: true,
  unresolvable: true,
  filter(pod, n) {
    for (const taint of n.hardTaints as Taint[]) {
      if (!tolerates(pod.spec?.tolerations ?? [], taint)) return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
    }
    return undefined;
  },
};

/**
 * TaintToleration's score: fewer PreferNoSchedule taints the pod does not tolerate is better
 * (the node with most scores 0). Skipped when no node has such a taint.
 */
export const taintTolerationScore: ScorePlugin = {
  name: 'TaintToleration',
  weight: 3,
  preScore(pod, _feasible, snap) {
    if (!snap.remember('preferNoSchedule', () => snap.nodes.some((n) => n.node.spec?.taints?.some((t) => t.effect === 'PreferNoSchedule')))) return SKIP;
    return (pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  },
  score(_pod, n, state) {
    let count = 0;
    for (const t of n.node.spec?.taints ?? []) if (t.effect === 'PreferNoSchedule' && !tolerates(state as Toleration[], t as Taint)) count++;
    return count;
  },
  normalize: (scores) => scaleToBest(scores, true),
};
