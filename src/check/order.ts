// The order a set of manifests is applied in: kinds others depend on first, as Helm installs a
// chart (its InstallOrder), so a folder that creates its own Namespace, ConfigMaps and claims
// before the workloads that use them applies in one pass. Within a kind, the order of the files.

/** Kinds by install rank (Helm's InstallOrder); kinds not listed go after these, before Ingress. */
const INSTALL_ORDER = [
  'Namespace',
  'NetworkPolicy',
  'ResourceQuota',
  'LimitRange',
  'PodSecurityPolicy',
  'PodDisruptionBudget',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'StorageClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'CustomResourceDefinition',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
  'PriorityClass',
  'Service',
  'DaemonSet',
  'Pod',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'HorizontalPodAutoscaler',
  'StatefulSet',
  'Job',
  'CronJob',
  'IngressClass',
  'Ingress',
];

const RANK = new Map(INSTALL_ORDER.map((k, i) => [k, i]));
const UNLISTED = RANK.get('IngressClass')!;

/** The install rank of a kind: lower goes first. */
export function installRank(kind: string): number {
  // PriorityClass must exist before the pods that name it, whatever Helm's list says.
  if (kind === 'PriorityClass') return RANK.get('Namespace')! + 0.5;
  return RANK.get(kind) ?? UNLISTED - 0.5;
}

/** The items in install order; a stable sort, so files keep their order within a kind. */
export function installOrder<T>(items: T[], kindOf: (t: T) => string): T[] {
  return items
    .map((t, i) => ({ t, i, r: installRank(kindOf(t)) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.t);
}
