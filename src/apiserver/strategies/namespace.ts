// Namespaces: Active when created; a delete marks one Terminating (its controller deletes what it
// holds, then removes the `kubernetes` finalizer of its spec through the finalize subresource)
// instead of removing it.
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
  // PUT namespaces/NAME/finalize: the body's spec.finalizers replace the stored ones (nothing
  // else of the body is taken); the namespace goes once none of either kind remain.
  writeSubresource(subresource, cur, body) {
    if (subresource !== 'finalize') return undefined;
    const given = (body as Namespace | undefined)?.spec?.finalizers;
    const finalizers = Array.isArray(given) ? given.filter((f): f is string => typeof f === 'string') : [];
    const same = finalizers.length === (cur.spec?.finalizers ?? []).length && finalizers.every((f, i) => f === cur.spec?.finalizers?.[i]);
    return same ? cur : { ...cur, spec: { ...cur.spec, finalizers } };
  },
});
