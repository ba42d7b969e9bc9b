// Columns of PersistentVolume, PersistentVolumeClaim, StorageClass, IngressClass and
// PodDisruptionBudget, as kubectl's printers lay them out (v1.32).
import type { IngressClass, PersistentVolume, PersistentVolumeClaim, PodDisruptionBudget, PriorityClass, StorageClass } from '../types.js';
import { type Column, nameColumn, ageColumn, orNone } from './column.js';

const MODES: Record<string, string> = { ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' };
const accessModes = (modes: string[] | undefined) => (modes ?? []).map((m) => MODES[m] ?? m).join(',');

export const persistentVolumeClaimColumns: Column<PersistentVolumeClaim>[] = [
  nameColumn,
  { header: 'STATUS', value: (o) => (o.metadata.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? '')) },
  { header: 'VOLUME', value: (o) => o.spec?.volumeName ?? '' },
  { header: 'CAPACITY', value: (o) => o.status?.capacity?.storage ?? '' },
  { header: 'ACCESS MODES', value: (o) => accessModes(o.status?.accessModes) },
  { header: 'STORAGECLASS', value: (o) => o.spec?.storageClassName ?? '' },
  { header: 'VOLUMEATTRIBUTESCLASS', value: (o) => orNone(o.spec?.volumeAttributesClassName) },
  ageColumn,
  { header: 'VOLUMEMODE', wide: true, value: (o) => o.spec?.volumeMode ?? '' },
];

export const persistentVolumeColumns: Column<PersistentVolume>[] = [
  nameColumn,
  { header: 'CAPACITY', value: (o) => o.spec?.capacity?.storage ?? '' },
  { header: 'ACCESS MODES', value: (o) => accessModes(o.spec?.accessModes) },
  { header: 'RECLAIM POLICY', value: (o) => o.spec?.persistentVolumeReclaimPolicy ?? '' },
  { header: 'STATUS', value: (o) => (o.metadata.deletionTimestamp ? 'Terminating' : (o.status?.phase ?? '')) },
  { header: 'CLAIM', value: (o) => (o.spec?.claimRef ? `${o.spec.claimRef.namespace}/${o.spec.claimRef.name}` : '') },
  { header: 'STORAGECLASS', value: (o) => o.spec?.storageClassName ?? '' },
  { header: 'VOLUMEATTRIBUTESCLASS', value: (o) => orNone(o.spec?.volumeAttributesClassName) },
  { header: 'REASON', value: (o) => o.status?.reason ?? '' },
  ageColumn,
  { header: 'VOLUMEMODE', wide: true, value: (o) => o.spec?.volumeMode ?? '' },
];

export const storageClassColumns: Column<StorageClass>[] = [
  { header: 'NAME', value: (o) => `${o.metadata.name}${o.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true' ? ' (default)' : ''}` },
  { header: 'PROVISIONER', value: (o) => o.provisioner ?? '' },
  { header: 'RECLAIMPOLICY', value: (o) => o.reclaimPolicy ?? 'Delete' },
  { header: 'VOLUMEBINDINGMODE', value: (o) => o.volumeBindingMode ?? 'Immediate' },
  { header: 'ALLOWVOLUMEEXPANSION', value: (o) => String(o.allowVolumeExpansion ?? false) },
  ageColumn,
];

export const ingressClassColumns: Column<IngressClass>[] = [
  nameColumn,
  { header: 'CONTROLLER', value: (o) => o.spec?.controller ?? '' },
  { header: 'PARAMETERS', value: (o) => (o.spec?.parameters ? `${o.spec.parameters.kind}/${o.spec.parameters.name}` : '<none>') },
  ageColumn,
];

export const priorityClassColumns: Column<PriorityClass>[] = [
  nameColumn,
  { header: 'VALUE', value: (o) => o.value ?? 0, type: 'integer' },
  { header: 'GLOBAL-DEFAULT', value: (o) => String(!!o.globalDefault) },
  ageColumn,
  { header: 'PREEMPTIONPOLICY', value: (o) => o.preemptionPolicy ?? '' },
];

export const podDisruptionBudgetColumns: Column<PodDisruptionBudget>[] = [
  nameColumn,
  { header: 'MIN AVAILABLE', value: (o) => (o.spec?.minAvailable !== undefined ? String(o.spec.minAvailable) : 'N/A') },
  { header: 'MAX UNAVAILABLE', value: (o) => (o.spec?.maxUnavailable !== undefined ? String(o.spec.maxUnavailable) : 'N/A') },
  { header: 'ALLOWED DISRUPTIONS', value: (o) => o.status?.disruptionsAllowed ?? 0, type: 'integer' },
  ageColumn,
];
