// Describers for the workload, autoscaling, storage and ingress kinds of the second wave:
// Job, CronJob, DaemonSet, StatefulSet, HorizontalPodAutoscaler, PersistentVolumeClaim, Ingress,
// PodDisruptionBudget.
import { controllerOf } from '../../api/pods.js';
import { selectorString } from '../../api/labels.js';
import { humanDuration } from '../../api/duration.js';
import type { Condition, CronJob, DaemonSet, Endpoints, HorizontalPodAutoscaler, Ingress, IngressBackend, Job, PersistentVolumeClaim, Pod, PodDisruptionBudget, StatefulSet } from '../../api/types.js';
import { type DescribeExtras, labelsAndAnnotations, part, podsStatus } from './common.js';
import { describeEvents } from './events.js';
import { describePodTemplate } from './pod-template.js';
import type { DescribeWriter } from './writer.js';
import { describeTime } from './writer.js';


function conditionTable(w: DescribeWriter, conds: Condition[] | undefined): void {
  if (!conds?.length) return;
  w.line(0, 'Conditions:');
  w.line(1, 'Type', 'Status', 'Reason', 'Message');
  w.line(1, '----', '------', '------', '-------');
  for (const c of conds) w.line(1, c.type, c.status, c.reason ?? '', c.message ?? '');
}

export function describeJob(w: DescribeWriter, o: Job, x: DescribeExtras<Pod>): void {
  const s = part(o.spec);
  const st = part(o.status);
  w.line(0, 'Name:', o.metadata.name ?? '');
  w.line(0, 'Namespace:', o.metadata.namespace ?? '');
  w.line(0, 'Selector:', selectorString(s.selector));
  labelsAndAnnotations(w, o);
  const owner = controllerOf(o);
  if (owner) w.line(0, 'Controlled By:', `${owner.kind}/${owner.name}`);
  w.line(0, 'Parallelism:', s.parallelism ?? 1);
  w.line(0, 'Completions:', s.completions ?? '<unset>');
  w.line(0, 'Completion Mode:', s.completionMode ?? 'NonIndexed');
  w.line(0, 'Suspend:', String(!!s.suspend));
  w.line(0, 'Backoff Limit:', s.backoffLimit ?? 6);
  if (s.ttlSecondsAfterFinished != null) w.line(0, 'TTL Seconds After Finished:', s.ttlSecondsAfterFinished);
  if (st.startTime) w.line(0, 'Start Time:', describeTime(st.startTime));
  if (st.completionTime) {
    w.line(0, 'Completed At:', describeTime(st.completionTime));
    w.line(0, 'Duration:', humanDuration(Date.parse(st.completionTime) - Date.parse(st.startTime ?? '')));
  }
  if (s.activeDeadlineSeconds != null) w.line(0, 'Active Deadline Seconds:', `${s.activeDeadlineSeconds}s`);
  w.line(0, 'Pods Statuses:', `${st.active ?? 0} Active (${st.ready ?? 0} Ready) / ${st.succeeded ?? 0} Succeeded / ${st.failed ?? 0} Failed`);
  if (s.completionMode === 'Indexed') w.line(0, 'Completed Indexes:', st.completedIndexes || '<none>');
  describePodTemplate(w, 0, s.template);
  describeEvents(w, x.events, x.now);
}

export function describeCronJob(w: DescribeWriter, o: CronJob, x: DescribeExtras): void {
  const s = part(o.spec);
  const st = part(o.status);
  w.line(0, 'Name:', o.metadata.name ?? '');
  w.line(0, 'Namespace:', o.metadata.namespace ?? '');
  labelsAndAnnotations(w, o);
  w.line(0, 'Schedule:', s.schedule ?? '');
  w.line(0, 'Concurrency Policy:', s.concurrencyPolicy ?? 'Allow');
  w.line(0, 'Suspend:', s.suspend ? 'True' : 'False');
  w.line(0, 'Successful Job History Limit:', s.successfulJobsHistoryLimit ?? 3);
  w.line(0, 'Failed Job History Limit:', s.failedJobsHistoryLimit ?? 1);
  w.line(0, 'Starting Deadline Seconds:', s.startingDeadlineSeconds != null ? `${s.startingDeadlineSeconds}s` : '<unset>');
  w.line(0, 'Selector:', s.jobTemplate?.spec?.selector ? selectorString(s.jobTemplate.spec.selector) : '<unset>');
  w.line(0, 'Parallelism:', s.jobTemplate?.spec?.parallelism ?? '<unset>');
  w.line(0, 'Completions:', s.jobTemplate?.spec?.completions ?? '<unset>');
  describePodTemplate(w, 0, s.jobTemplate?.spec?.template);
  w.line(0, 'Last Schedule Time:', st.lastScheduleTime ? describeTime(st.lastScheduleTime) : '<unset>');
  w.line(0, 'Active Jobs:', (st.active ?? []).map((r) => r.name).join(', ') || '<none>');
  describeEvents(w, x.events, x.now);
}

export function describeDaemonSet(w: DescribeWriter, o: DaemonSet, x: DescribeExtras<Pod>): void {
  const s = part(o.spec);
  const st = part(o.status);
  w.line(0, 'Name:', o.metadata.name ?? '');
  w.line(0, 'Selector:', selectorString(s.selector));
  const ns = s.template?.spec?.nodeSelector;
  w.line(0, 'Node-Selector:', ns && Object.keys(ns).length ? Object.entries(ns).map(([k, v]) => `${k}=${v}`).join(',') : '<none>');
  labelsAndAnnotations(w, o);
  // kubectl prints these without a tab: each stands alone.
  w.line(0, `Desired Number of Nodes Scheduled: ${st.desiredNumberScheduled ?? 0}`);
  w.line(0, `Current Number of Nodes Scheduled: ${st.currentNumberScheduled ?? 0}`);
  w.line(0, `Number of Nodes Scheduled with Up-to-date Pods: ${st.updatedNumberScheduled ?? 0}`);
  w.line(0, `Number of Nodes Scheduled with Available Pods: ${st.numberAvailable ?? 0}`);
  w.line(0, `Number of Nodes Misscheduled: ${st.numberMisscheduled ?? 0}`);
  podsStatus(w, x.related ?? []);
  describePodTemplate(w, 0, s.template);
  describeEvents(w, x.events, x.now);
}

export function describeStatefulSet(w: DescribeWriter, o: StatefulSet, x: DescribeExtras<Pod>): void {
  const s = part(o.spec);
  const st = part(o.status);
  w.line(0, 'Name:', o.metadata.name ?? '');
  w.line(0, 'Namespace:', o.metadata.namespace ?? '');
  w.line(0, 'CreationTimestamp:', describeTime(o.metadata.creationTimestamp ?? undefined));
  w.line(0, 'Selector:', selectorString(s.selector));
  labelsAndAnnotations(w, o);
  w.line(0, 'Replicas:', `${s.replicas ?? 1} desired | ${st.replicas ?? 0} total`);
  w.line(0, 'Update Strategy:', s.updateStrategy?.type ?? 'RollingUpdate');
  if (s.updateStrategy?.rollingUpdate) w.line(1, 'Partition:', s.updateStrategy.rollingUpdate.partition ?? 0);
  podsStatus(w, x.related ?? []);
  describePodTemplate(w, 0, s.template);
  if ((s.volumeClaimTemplates ?? []).length) w.line(0, 'Volume Claims:');
  else w.line(0, 'Volume Claims:', '<none>');
  for (const t of s.volumeClaimTemplates ?? []) {
    w.line(1, 'Name:', t.metadata?.name ?? '');
    w.line(1, 'StorageClass:', t.spec?.storageClassName ?? '');
    w.map(1, 'Labels:', t.metadata?.labels);
    w.map(1, 'Annotations:', t.metadata?.annotations, ': ');
    w.line(1, 'Capacity:', t.spec?.resources?.requests?.storage ?? '');
    w.line(1, 'Access Modes:', `[${(t.spec?.accessModes ?? []).join(' ')}]`);
  }
  describeEvents(w, x.events, x.now);
}

export function describeHPA(w: DescribeWriter, o: HorizontalPodAutoscaler, x: DescribeExtras): void {
  const s = part(o.spec);
  const st = part(o.status);
  w.line(0, 'Name:', o.metadata.name ?? '');
  w.line(0, 'Namespace:', o.metadata.namespace ?? '');
  labelsAndAnnotations(w, o);
  w.line(0, 'CreationTimestamp:', describeTime(o.metadata.creationTimestamp ?? undefined));
  w.line(0, 'Reference:', `${s.scaleTargetRef?.kind}/${s.scaleTargetRef?.name}`);
  w.line(0, 'Metrics:', '( current / target )');
  (s.metrics ?? []).forEach((m, i) => {
    const cur = st.currentMetrics?.[i]?.resource?.current ?? st.currentMetrics?.[i]?.containerResource?.current;
    const src = m.resource ?? m.containerResource;
    if (!src) return;
    const t = src.target ?? {};
    if (t.type === 'Utilization') {
      const c = cur?.averageUtilization != null ? `${cur.averageUtilization}% (${cur.averageValue})` : '<unknown>';
      w.line(1, `resource ${src.name} on pods  (as a percentage of request):`, `${c} / ${t.averageUtilization}%`);
    } else w.line(1, `resource ${src.name} on pods:`, `${cur?.averageValue ?? '<unknown>'} / ${t.averageValue}`);
  });
  w.line(0, 'Min replicas:', s.minReplicas ?? 1);
  w.line(0, 'Max replicas:', s.maxReplicas ?? 0);
  if (s.behavior) {
    w.line(0, 'Behavior:');
    w.line(1, 'Scale Up:');
    w.line(2, 'Stabilization Window:', `${s.behavior.scaleUp?.stabilizationWindowSeconds ?? 0} seconds`);
    w.line(1, 'Scale Down:');
    w.line(2, 'Stabilization Window:', `${s.behavior.scaleDown?.stabilizationWindowSeconds ?? 300} seconds`);
  }
  w.line(0, `${s.scaleTargetRef?.kind} pods:`, `${st.currentReplicas ?? 0} current / ${st.desiredReplicas ?? 0} desired`);
  conditionTable(w, st.conditions);
  describeEvents(w, x.events, x.now);
}

export function describePVC(w: DescribeWriter, o: PersistentVolumeClaim, x: DescribeExtras<Pod>): void {
  const s = part(o.spec);
  const st = part(o.status);
  w.line(0, 'Name:', o.metadata.name ?? '');
  w.line(0, 'Namespace:', o.metadata.namespace ?? '');
  w.line(0, 'StorageClass:', s.storageClassName ?? '');
  w.line(0, 'Status:', st.phase ?? 'Pending');
  w.line(0, 'Volume:', s.volumeName ?? '');
  labelsAndAnnotations(w, o);
  w.line(0, 'Finalizers:', `[${(o.metadata.finalizers ?? []).join(' ')}]`);
  w.line(0, 'Capacity:', st.capacity?.storage ?? '');
  w.line(0, 'Access Modes:', (st.accessModes ?? []).map((m: string) => ({ ReadWriteOnce: 'RWO', ReadOnlyMany: 'ROX', ReadWriteMany: 'RWX', ReadWriteOncePod: 'RWOP' })[m] ?? m).join(','));
  w.line(0, 'VolumeMode:', s.volumeMode ?? 'Filesystem');
  const users = (x.related ?? []).map((p) => p.metadata.name);
  w.line(0, 'Used By:', users.length ? users[0]! : '<none>');
  for (const u of users.slice(1)) w.line(0, '', u!);
  describeEvents(w, x.events, x.now);
}

/** `svc:port (ip:port,ip:port)` for an Ingress backend, with its endpoints. */
function backendText(b: IngressBackend | undefined, endpoints: Endpoints[]): string {
  if (!b?.service) return b?.resource ? `APIGroup: ${b.resource.apiGroup ?? ''}, Kind: ${b.resource.kind}, Name: ${b.resource.name}` : '<default>';
  const svc = b.service;
  const port = svc.port?.number ?? svc.port?.name;
  const ep = endpoints.find((e) => e.metadata.name === svc.name);
  if (!ep) return `${svc.name}:${port} (<error: endpoints "${svc.name}" not found>)`;
  const addrs: string[] = [];
  for (const sub of ep.subsets ?? []) {
    const p = (sub.ports ?? []).find((x) => (svc.port?.name ? x.name === svc.port.name : true));
    for (const a of sub.addresses ?? []) addrs.push(`${a.ip}:${p?.port ?? port}`);
  }
  return `${svc.name}:${port} (${addrs.length ? addrs.join(',') : '<none>'})`;
}

export function describeIngress(w: DescribeWriter, o: Ingress, x: DescribeExtras<Endpoints>): void {
  const s = part(o.spec);
  const endpoints = x.related ?? [];
  w.line(0, 'Name:', o.metadata.name ?? '');
  w.map(0, 'Labels:', o.metadata.labels);
  w.line(0, 'Namespace:', o.metadata.namespace ?? '');
  w.line(0, 'Address:', (o.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname).join(','));
  w.line(0, 'Ingress Class:', s.ingressClassName ?? '<none>');
  w.line(0, 'Default backend:', s.defaultBackend ? backendText(s.defaultBackend, endpoints) : '<default>');
  if (s.tls?.length) {
    w.line(0, 'TLS:');
    for (const t of s.tls) w.line(1, `${t.secretName ?? 'SNI'} terminates ${(t.hosts ?? []).join(',')}`);
  }
  w.line(0, 'Rules:');
  w.line(1, 'Host', 'Path', 'Backends');
  w.line(1, '----', '----', '--------');
  for (const r of s.rules ?? []) {
    // The host line ends its column block, so paths line up among themselves (Go tabwriter).
    w.line(1, r.host || '*', '');
    for (const p of r.http?.paths ?? []) w.line(2, '', `${p.path ?? ''} `, backendText(p.backend, endpoints));
  }
  if (!s.rules?.length && s.defaultBackend) w.line(1, '*', '*', backendText(s.defaultBackend, endpoints));
  w.map(0, 'Annotations:', o.metadata.annotations, ': ', ['kubectl.kubernetes.io/last-applied-configuration']);
  describeEvents(w, x.events, x.now);
}

export function describePDB(w: DescribeWriter, o: PodDisruptionBudget, x: DescribeExtras): void {
  const s = part(o.spec);
  const st = part(o.status);
  w.line(0, 'Name:', o.metadata.name ?? '');
  w.line(0, 'Namespace:', o.metadata.namespace ?? '');
  if (s.minAvailable !== undefined) w.line(0, 'Min available:', String(s.minAvailable));
  if (s.maxUnavailable !== undefined) w.line(0, 'Max unavailable:', String(s.maxUnavailable));
  w.line(0, 'Selector:', s.selector ? selectorString(s.selector) || '<unset>' : '<unset>');
  w.line(0, 'Status:');
  w.line(2, 'Allowed disruptions:', st.disruptionsAllowed ?? 0);
  w.line(2, 'Current:', st.currentHealthy ?? 0);
  w.line(2, 'Desired:', st.desiredHealthy ?? 0);
  w.line(2, 'Total:', st.expectedPods ?? 0);
  describeEvents(w, x.events, x.now);
}
