// Nodes that are not Ready carry the not-ready taint in Kubernetes; minik checks the condition
// directly, with the same wording, so pods do not land on a node whose kubelet is gone.
import type { FilterPlugin } from '../framework.js';
import { tolerates } from '../../api/scheduling.js';

export const REASON_NOT_READY = 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }';

export const nodeReady: FilterPlugin = {
  name: 'NodeReady',
  passesCleanNodes: true,
  unresolvable: true,
  filter(pod, n) {
    if (n.ready) return undefined;
    return tolerates(pod.spec?.tolerations ?? [], { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }) ? undefined : REASON_NOT_READY;
  },
};
