// Spreading (kube-scheduler's default PodTopologySpread by hostname, simplified to the owner):
// prefer nodes with fewer pods of the same controller. Score = 100 * (1 - onNode / (max + 1)).
import { controllerOf } from '../../api/pods.js';
import type { ScorePlugin } from '../framework.js';

export const spreadByOwner: ScorePlugin = {
  name: 'PodTopologySpread',
  weight: 2,
  score(pod, n, all) {
    const owner = controllerOf(pod);
    if (!owner) return 100;
    const count = (pods: typeof n.pods) => pods.filter((p) => controllerOf(p)?.uid === owner.uid).length;
    const max = Math.max(...all.map((x) => count(x.pods)));
    return 100 * (1 - count(n.pods) / (max + 1));
  },
};
