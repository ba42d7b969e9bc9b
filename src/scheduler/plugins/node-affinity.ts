// NodeAffinity: the pod's nodeSelector and required node affinity must match the node
// (matchExpressions on labels, matchFields on metadata.name).
import { nodeMatchesPod } from '../../api/scheduling.js';
import { type FilterPlugin, SKIP } from '../framework.js';

export const REASON_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

export const nodeAffinity: FilterPlugin = {
  name: 'NodeAffinity',
  preFilter: (pod) => (!pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution && Object.keys(pod.spec?.nodeSelector ?? {}).length === 0 ? SKIP : undefined),
  filter: (pod, n) => (nodeMatchesPod(pod, n.node) ? undefined : REASON_AFFINITY),
};
