// CustomResourceDefinitions: created with the storage version recorded and no names accepted yet
// (the CRD controller accepts them); a delete marks the CRD Terminating with the cleanup
// finalizer, and the controller deletes its objects before the CRD goes, as the apiextensions
// apiserver does.
import type { CustomResourceDefinition, CustomResourceDefinitionCondition } from '../../api/types.js';
import { defineStrategy } from './strategy.js';

/** The finalizer that keeps a deleted CRD until its objects are gone. */
export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

/** A condition set (replaced by type) in a CRD's conditions. */
export function withCondition(conditions: CustomResourceDefinitionCondition[] | undefined, c: CustomResourceDefinitionCondition): CustomResourceDefinitionCondition[] {
  const old = (conditions ?? []).find((x) => x.type === c.type);
  if (old && old.status === c.status && old.reason === c.reason && old.message === c.message) return conditions ?? [];
  const next = { ...c, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : c.lastTransitionTime };
  return old ? (conditions ?? []).map((x) => (x.type === c.type ? next : x)) : [...(conditions ?? []), next];
}

defineStrategy(['CustomResourceDefinition'], {
  initialStatus: (o: CustomResourceDefinition) => ({
    acceptedNames: { plural: '', kind: '' },
    storedVersions: (o.spec?.versions ?? []).filter((v) => v.storage).map((v) => v.name),
  }),
  markDeleted(cur, finalizers, now) {
    return {
      ...cur,
      metadata: { ...cur.metadata, deletionTimestamp: now, deletionGracePeriodSeconds: 0, finalizers: [...finalizers.filter((f) => f !== CRD_CLEANUP_FINALIZER), CRD_CLEANUP_FINALIZER] },
      status: {
        ...cur.status,
        conditions: withCondition(cur.status?.conditions, { type: 'Terminating', status: 'True', reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress', lastTransitionTime: now }),
      },
    };
  },
});
