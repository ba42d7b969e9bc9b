// Namespaces: Active when created; a delete marks one Terminating (its controller deletes what it
// holds, then removes the `kubernetes` finalizer of its spec) instead of removing it.
import type { Namespace } from '../../api/types.js';
import { defineStrategy } from './strategy.js';

defineStrategy(['Namespace'], {
  initialStatus: () => ({ phase: 'Active' }),
  specFinalizers: (o) => (o.spec?.finalizers ?? []).length,
  markDeleted(cur, finalizers, now) {
    const next: Namespace = {
      ...cur,
      metadata: { ...cur.metadata, deletionTimestamp: now, deletionGracePeriodSeconds: 0, ...(finalizers.length ? { finalizers } : {}) },
      status: { ...cur.status, phase: 'Terminating' },
    };
    if (!finalizers.length) delete next.metadata.finalizers;
    return next;
  },
});
