// TaintToleration: a node's NoSchedule and NoExecute taints repel pods that do not tolerate them.
import { type Taint, tolerates } from '../../api/scheduling.js';
import type { FilterPlugin } from '../framework.js';

export const taintToleration: FilterPlugin = {
  name: 'TaintToleration',
  passesCleanNodes: true,
  filter(pod, n) {
    for (const taint of n.hardTaints as Taint[]) {
      if (!tolerates(pod.spec?.tolerations ?? [], taint)) return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
    }
    return undefined;
  },
};
