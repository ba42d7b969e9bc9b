// Columns of the apps/v1 and batch/v1 workload kinds and ReplicationController.
import { age, humanDuration } from '../duration.js';
import { mapSelectorString, selectorString } from '../labels.js';
import type { CronJob, DaemonSet, Deployment, HorizontalPodAutoscaler, Job, KubeObject, LabelSelector, MetricTarget, ReplicaSet, ReplicationController, StatefulSet } from '../types.js';
import { type Column, nameColumn, ageColumn, containersColumn, imagesColumn, orNone } from './column.js';

const selectorColumn: Column<KubeObject & { spec?: { selector?: LabelSelector } }> = { header: 'SELECTOR', wide: true, value: (o) => selectorString(o.spec?.selector) };

export const deploymentColumns: Column<Deployment>[] = [
  nameColumn,
  { header: 'READY', value: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}` },
  { header: 'UP-TO-DATE', value: (o) => o.status?.updatedReplicas ?? 0, type: 'integer' },
  { header: 'AVAILABLE', value: (o) => o.status?.availableReplicas ?? 0, type: 'integer' },
  ageColumn,
  containersColumn,
  imagesColumn,
  selectorColumn,
];

/** What ReplicaSets and ReplicationControllers share: all but the SELECTOR column. */
const replicaColumns: Column<ReplicaSet | ReplicationController>[] = [
  nameColumn,
  { header: 'DESIRED', value: (o) => o.spec?.replicas ?? 0, type: 'integer' },
  { header: 'CURRENT', value: (o) => o.status?.replicas ?? 0, type: 'integer' },
  { header: 'READY', value: (o) => o.status?.readyReplicas ?? 0, type: 'integer' },
  ageColumn,
  containersColumn,
  imagesColumn,
];

export const replicaSetColumns: Column<ReplicaSet>[] = [...replicaColumns, selectorColumn];

export const replicationControllerColumns: Column<ReplicationController>[] = [
  ...replicaColumns,
  { header: 'SELECTOR', wide: true, value: (o) => mapSelectorString(o.spec?.selector) },
];

export const daemonSetColumns: Column<DaemonSet>[] = [
  nameColumn,
  { header: 'DESIRED', value: (o) => o.status?.desiredNumberScheduled ?? 0, type: 'integer' },
  { header: 'CURRENT', value: (o) => o.status?.currentNumberScheduled ?? 0, type: 'integer' },
  { header: 'READY', value: (o) => o.status?.numberReady ?? 0, type: 'integer' },
  { header: 'UP-TO-DATE', value: (o) => o.status?.updatedNumberScheduled ?? 0, type: 'integer' },
  { header: 'AVAILABLE', value: (o) => o.status?.numberAvailable ?? 0, type: 'integer' },
  { header: 'NODE SELECTOR', value: (o) => orNone(mapSelectorString(o.spec?.template?.spec?.nodeSelector)) },
  ageColumn,
  containersColumn,
  imagesColumn,
  selectorColumn,
];

export const statefulSetColumns: Column<StatefulSet>[] = [
  nameColumn,
  { header: 'READY', value: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}` },
  ageColumn,
  containersColumn,
  imagesColumn,
];

function hasCondition(o: { status?: { conditions?: { type: string; status: string }[] } }, type: string): boolean {
  return (o.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

export const jobColumns: Column<Job>[] = [
  nameColumn,
  {
    header: 'STATUS',
    value: (o) => {
      if (hasCondition(o, 'Complete')) return 'Complete';
      if (hasCondition(o, 'Failed')) return 'Failed';
      if (o.metadata.deletionTimestamp) return 'Terminating';
      if (hasCondition(o, 'Suspended')) return 'Suspended';
      if (hasCondition(o, 'FailureTarget')) return 'FailureTarget';
      if (hasCondition(o, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
      return 'Running';
    },
  },
  {
    header: 'COMPLETIONS',
    value: (o) => {
      const succeeded = o.status?.succeeded ?? 0;
      if (o.spec?.completions != null) return `${succeeded}/${o.spec.completions}`;
      const p = o.spec?.parallelism;
      return p != null && p > 1 ? `${succeeded}/1 of ${p}` : `${succeeded}/1`;
    },
  },
  {
    header: 'DURATION',
    value: (o, now) => {
      const start = Date.parse(o.status?.startTime ?? '');
      if (Number.isNaN(start)) return '';
      const end = Date.parse(o.status?.completionTime ?? '');
      return humanDuration((Number.isNaN(end) ? now : end) - start);
    },
  },
  ageColumn,
  containersColumn,
  imagesColumn,
  selectorColumn,
];

const jobTemplateContainers = (o: CronJob) => o.spec?.jobTemplate?.spec?.template?.spec?.containers ?? [];

export const cronJobColumns: Column<CronJob>[] = [
  nameColumn,
  { header: 'SCHEDULE', value: (o) => o.spec?.schedule ?? '' },
  { header: 'TIMEZONE', value: (o) => orNone(o.spec?.timeZone) },
  { header: 'SUSPEND', value: (o) => (o.spec?.suspend ? 'True' : 'False') },
  { header: 'ACTIVE', value: (o) => (o.status?.active ?? []).length, type: 'integer' },
  { header: 'LAST SCHEDULE', value: (o, now) => (o.status?.lastScheduleTime ? age(o.status.lastScheduleTime, now) : '<none>') },
  ageColumn,
  { header: 'CONTAINERS', wide: true, value: (o) => jobTemplateContainers(o).map((c) => c.name).join(',') },
  { header: 'IMAGES', wide: true, value: (o) => jobTemplateContainers(o).map((c) => c.image ?? '').join(',') },
  { header: 'SELECTOR', wide: true, value: (o) => orNone(selectorString(o.spec?.jobTemplate?.spec?.selector)) },
];

export const hpaColumns: Column<HorizontalPodAutoscaler>[] = [
  nameColumn,
  { header: 'REFERENCE', value: (o) => `${o.spec?.scaleTargetRef?.kind ?? ''}/${o.spec?.scaleTargetRef?.name ?? ''}` },
  {
    header: 'TARGETS',
    value: (o) => {
      const metrics = o.spec?.metrics ?? [];
      if (metrics.length === 0) return '<none>';
      const current = o.status?.currentMetrics ?? [];
      const parts = metrics.slice(0, 2).map((m, i) => {
        if (m.type === 'Resource') {
          const t: Partial<MetricTarget> = m.resource?.target ?? {};
          const cur = current[i]?.resource?.current;
          if (t.averageUtilization != null) {
            const c = cur?.averageUtilization != null ? `${cur.averageUtilization}%` : '<unknown>';
            return `${m.resource?.name}: ${c}/${t.averageUtilization}%`;
          }
          const c = cur?.averageValue ?? '<unknown>';
          return `${m.resource?.name}: ${c}/${t.averageValue ?? t.value}`;
        }
        const source = { Pods: m.pods, Object: m.object, External: m.external, ContainerResource: m.containerResource }[m.type];
        const t: Partial<MetricTarget> = source?.target ?? {};
        return `<unknown>/${t.averageValue ?? t.value ?? ''}${t.type === 'AverageValue' ? ' (avg)' : ''}`;
      });
      return metrics.length > 2 ? `${parts.join(', ')} + ${metrics.length - 2} more...` : parts.join(', ');
    },
  },
  { header: 'MINPODS', value: (o) => (o.spec?.minReplicas != null ? String(o.spec.minReplicas) : '<unset>') },
  { header: 'MAXPODS', value: (o) => o.spec?.maxReplicas ?? 0, type: 'integer' },
  { header: 'REPLICAS', value: (o) => o.status?.currentReplicas ?? 0, type: 'integer' },
  ageColumn,
];
