// TaintToleration: a node's NoSchedule and NoExecute taints repel pods that do not tolerate them.
import type { Toleration } from '../../api/types.js';
import type { FilterPlugin } from '../framework.js';

/** A node taint. */
export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/** True when one of the tolerations matches the taint (key, value and effect, as the API defines). */
export function tolerates(tolerations: Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (!t.key) return t.operator === 'Exists';
    if (t.key !== taint.key) return false;
    return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
  });
}

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
