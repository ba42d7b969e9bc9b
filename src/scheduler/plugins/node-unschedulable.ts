// NodeUnschedulable: cordoned nodes take no new pods, unless the pod tolerates the
// `node.kubernetes.io/unschedulable` taint.
import type { FilterPlugin } from '../framework.js';
import { tolerates } from '../../api/scheduling.js';

export const REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

export const nodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  passesCleanNodes: true,
  unresolvable: true,
  filter(pod, n) {
    if (!n.node.spec?.unschedulable) return undefined;
    return tolerates(pod.spec?.tolerations ?? [], { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }) ? undefined : REASON_UNSCHEDULABLE;
  },
};
