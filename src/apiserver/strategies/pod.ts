// Pods: they start Pending with their QoS class; a delete gives a running pod its termination
// grace period (pkg/registry/core/pod/strategy.go).
import { parseQuantity } from '../../api/quantity.js';
import type { Container } from '../../api/types.js';
import { defineStrategy } from './strategy.js';

/** The pod's QoS class (Guaranteed, Burstable or BestEffort), as the apiserver computes it on create. */
export function qosClass(containers: Container[]): string {
  let some = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) some = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || parseQuantity(q) !== parseQuantity(l)) guaranteed = false;
    }
  }
  if (!some) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

defineStrategy(['Pod'], {
  internsParts: true,
  initialStatus: (o) => ({ phase: 'Pending', qosClass: qosClass([...(o.spec?.initContainers ?? []), ...(o.spec?.containers ?? [])]) }),
  gracePeriod(cur, requested) {
    // A pod that never reached a node, or has finished, has nothing to stop: it goes at once.
    const terminal = cur.status?.phase === 'Succeeded' || cur.status?.phase === 'Failed';
    if (!cur.spec?.nodeName || terminal) return 0;
    return requested ?? cur.spec?.terminationGracePeriodSeconds ?? 30;
  },
});
