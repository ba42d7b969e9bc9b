// Spreading (kube-scheduler's default PodTopologySpread by hostname, simplified to the owner):
// prefer nodes with fewer pods of the same controller. Score = 100 * (1 - onNode / (max + 1)).
import { controllerOf } from '../../api/pods.js';
import { type ScorePlugin, ownerCount } from '../framework.js';

export const spreadByOwner: ScorePlugin = {
  name: 'PodTopologySpread',
  weight: 2,
  // Once per pod: its owner, and the most pods of that owner on any feasible node.
  preScore(pod, feasible) {
    const owner = controllerOf(pod)?.uid;
    // No pod of the owner runs anywhere yet (a new Deployment's first pod): every node scores the same.
    if (!owner || !feasible[0]?.ownersAnywhere.get(owner)) return undefined;
    let max = 0;
    for (const n of feasible) {
      const c = ownerCount(n, owner);
      if (c > max) max = c;
    }
    return { owner, max };
  },
  score(_pod, n, state) {
    const s = state as { owner: string; max: number } | undefined;
    if (!s) return 100;
    return 100 * (1 - ownerCount(n, s.owner) / (s.max + 1));
  },
};
