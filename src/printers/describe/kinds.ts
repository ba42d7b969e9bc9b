// Describers per kind, as `kubectl describe` prints them; a generic one for the rest.
import { controllerOf } from '../../api/pods.js';
import { sameTemplate } from '../../api/pod-template.js';
import { mapSelectorString, selectorString } from '../../api/labels.js';
import { formatEndpoints } from '../../api/columns/core.js';
import { isKind } from '../../api/types.js';
import { resourceForKind } from '../../api/resources.js';
import type { ConfigMap, Condition, DeploymentSpec, ResourceList, Deployment, Endpoints, Kinds, KubeObject, Namespace, Node, Pod, ReplicaSet, ReplicationController, Secret, Service } from '../../api/types.js';
import { age } from '../../api/duration.js';
import { milliCPU, parseQuantity } from '../../api/quantity.js';
import { type DescribeExtras, labelsAndAnnotations, part, podsStatus } from './common.js';
import { describeEvents } from './events.js';
import { describeContainer, describePodTemplate, describeTolerations, describeTopologySpread, describeVolumes } from './pod-template.js';
import { DescribeWriter, describeTime } from './writer.js';
import { describeCronJob, describeDaemonSet, describeHPA, describeIngress, describeJob, describePDB, describePVC, describeStatefulSet } from './workloads.js';

export type { DescribeExtras };

/** A kind's describer: objects of type `O`, with related objects of type `R`. */
type Describer<O extends KubeObject = KubeObject, R extends KubeObject = KubeObject> = (w: DescribeWriter, o: O, x: DescribeExtras<R>) => void;

function header(w: DescribeWriter, o: KubeObject, namespaced = true): void {
  w.line(0, 'Name:', o.metadata.name ?? '');
  if (namespaced) w.line(0, 'Namespace:', o.metadata.namespace ?? '');
}


function controlledBy(w: DescribeWriter, o: KubeObject): void {
  const c = controllerOf(o);
  if (c) w.line(0, 'Controlled By:', `${c.kind}/${c.name}`);
}

function conditions(w: DescribeWriter, conds: Condition[] | undefined, withReason: boolean): void {
  if (!conds?.length) return;
  w.line(0, 'Conditions:');
  if (withReason) {
    w.line(1, 'Type', 'Status', 'Reason');
    w.line(1, '----', '------', '------');
    for (const c of conds) w.line(1, c.type, c.status, c.reason ?? '');
  } else {
    w.line(1, 'Type', 'Status');
    // kubectl writes "%v \t%v \n": both cells carry a trailing space.
    for (const c of conds) w.line(1, `${c.type} `, `${c.status} `);
  }
}

const describePod: Describer<Pod> = (w, o, x) => {
  const s = part(o.spec);
  const st = part(o.status);
  header(w, o);
  w.line(0, 'Priority:', s.priority ?? 0);
  if (s.priorityClassName) w.line(0, 'Priority Class Name:', s.priorityClassName);
  w.line(0, 'Service Account:', s.serviceAccountName ?? '');
  w.line(0, 'Node:', s.nodeName ? `${s.nodeName}/${st.hostIP ?? ''}` : '<none>');
  if (st.startTime) w.line(0, 'Start Time:', describeTime(st.startTime));
  labelsAndAnnotations(w, o);
  if (o.metadata.deletionTimestamp) {
    w.line(0, 'Status:', `Terminating (lasts ${o.metadata.deletionGracePeriodSeconds ?? 0}s)`);
    w.line(0, 'Termination Grace Period:', `${o.metadata.deletionGracePeriodSeconds ?? 0}s`);
  } else w.line(0, 'Status:', st.phase ?? '');
  if (st.reason) w.line(0, 'Reason:', st.reason);
  if (st.message) w.line(0, 'Message:', st.message);
  w.line(0, 'IP:', st.podIP ?? '');
  const ips: { ip: string }[] = st.podIPs ?? [];
  if (ips.length === 0) w.line(0, 'IPs:', '<none>');
  else {
    w.line(0, 'IPs:');
    for (const ip of ips) w.line(1, 'IP:', ip.ip);
  }
  controlledBy(w, o);
  if (st.nominatedNodeName) w.line(0, 'NominatedNodeName:', st.nominatedNodeName);
  if (s.initContainers?.length) {
    w.line(0, 'Init Containers:');
    for (const c of s.initContainers) describeContainer(w, 1, c, (st.initContainerStatuses ?? []).find((cs) => cs.name === c.name) ?? {});
  }
  w.line(0, 'Containers:');
  for (const c of s.containers ?? []) describeContainer(w, 1, c, (st.containerStatuses ?? []).find((cs) => cs.name === c.name) ?? (st.containerStatuses ? {} : undefined));
  conditions(w, st.conditions, false);
  describeVolumes(w, 0, s.volumes);
  w.line(0, 'QoS Class:', st.qosClass ?? '');
  w.line(0, 'Node-Selectors:', s.nodeSelector && Object.keys(s.nodeSelector).length ? mapSelectorString(s.nodeSelector) : '<none>');
  describeTolerations(w, 0, 'Tolerations:', s.tolerations);
  describeTopologySpread(w, 0, s.topologySpreadConstraints);
  describeEvents(w, x.events, x.now);
};

function rollingUpdateText(s: Partial<DeploymentSpec>): string {
  const ru = s.strategy?.rollingUpdate ?? {};
  return `${ru.maxUnavailable ?? '25%'} max unavailable, ${ru.maxSurge ?? '25%'} max surge`;
}

const describeDeployment: Describer<Deployment, ReplicaSet> = (w, o, x) => {
  const s = part(o.spec);
  const st = part(o.status);
  header(w, o);
  w.line(0, 'CreationTimestamp:', describeTime(o.metadata.creationTimestamp ?? undefined));
  labelsAndAnnotations(w, o);
  w.line(0, 'Selector:', selectorString(s.selector));
  w.line(0, 'Replicas:', `${s.replicas ?? 0} desired | ${st.updatedReplicas ?? 0} updated | ${st.replicas ?? 0} total | ${st.availableReplicas ?? 0} available | ${st.unavailableReplicas ?? 0} unavailable`);
  w.line(0, 'StrategyType:', s.strategy?.type ?? 'RollingUpdate');
  w.line(0, 'MinReadySeconds:', s.minReadySeconds ?? 0);
  if ((s.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate') w.line(0, 'RollingUpdateStrategy:', rollingUpdateText(s));
  describePodTemplate(w, 0, s.template);
  conditions(w, st.conditions, true);
  const owned = (x.related ?? []).filter((rs) => (rs.metadata.ownerReferences ?? []).some((r) => r.uid === o.metadata.uid));
  if (owned.length > 0) {
    const hash = (rs: ReplicaSet) => rs.metadata.labels?.['pod-template-hash'];
    const newRs = owned.find((rs) => sameTemplate(rs.spec?.template, s.template) && hash(rs));
    // Every old ReplicaSet, scaled down or not (kubectl since 1.27).
    const old = owned.filter((rs) => rs !== newRs);
    const fmt = (rs: ReplicaSet) => `${rs.metadata.name} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 0} replicas created)`;
    w.line(0, 'OldReplicaSets:', old.length ? old.map(fmt).join(', ') : '<none>');
    w.line(0, 'NewReplicaSet:', newRs ? fmt(newRs) : '<none>');
  }
  describeEvents(w, x.events, x.now);
};

const describeReplicaSet: Describer<ReplicaSet | ReplicationController, Pod> = (w, o, x) => {
  const s = part(o.spec);
  const st = part(o.status);
  header(w, o);
  w.line(0, 'Selector:', isKind(o, 'ReplicationController') ? mapSelectorString(o.spec?.selector) : selectorString((o as ReplicaSet).spec?.selector));
  labelsAndAnnotations(w, o);
  controlledBy(w, o);
  w.line(0, 'Replicas:', `${st.replicas ?? 0} current / ${s.replicas ?? 0} desired`);
  podsStatus(w, x.related ?? []);
  describePodTemplate(w, 0, s.template);
  conditions(w, st.conditions, true);
  describeEvents(w, x.events, x.now);
};

const describeService: Describer<Service, Endpoints> = (w, o, x) => {
  const s = part(o.spec);
  header(w, o);
  labelsAndAnnotations(w, o);
  w.line(0, 'Selector:', s.selector && Object.keys(s.selector).length ? mapSelectorString(s.selector) : '<none>');
  w.line(0, 'Type:', s.type ?? 'ClusterIP');
  if (s.type === 'ExternalName') {
    w.line(0, 'IP Families:', '<none>');
    w.line(0, 'IP:', '');
    w.line(0, 'IPs:', '<none>');
    w.line(0, 'External Name:', s.externalName ?? '');
  } else {
    w.line(0, 'IP Family Policy:', s.ipFamilyPolicy ?? 'SingleStack');
    w.line(0, 'IP Families:', (s.ipFamilies ?? ['IPv4']).join(','));
    w.line(0, 'IP:', s.clusterIP ?? '');
    w.line(0, 'IPs:', (s.clusterIPs ?? [s.clusterIP]).join(','));
  }
  if (s.externalIPs?.length) w.line(0, 'External IPs:', s.externalIPs.join(','));
  const lb = o.status?.loadBalancer?.ingress ?? [];
  if (lb.length) w.line(0, 'LoadBalancer Ingress:', lb.map((i) => i.ip || i.hostname).join(', '));
  for (const p of s.ports ?? []) {
    w.line(0, 'Port:', p.name || '<unset>', `${p.port}/${p.protocol ?? 'TCP'}`);
    if (s.type !== 'ExternalName') w.line(0, 'TargetPort:', `${p.targetPort ?? p.port}/${p.protocol ?? 'TCP'}`);
    if (p.nodePort) w.line(0, 'NodePort:', p.name || '<unset>', `${p.nodePort}/${p.protocol ?? 'TCP'}`);
    if (s.type !== 'ExternalName') w.line(0, 'Endpoints:', x.related?.[0] ? formatEndpoints(x.related[0]) : '<none>');
  }
  w.line(0, 'Session Affinity:', s.sessionAffinity ?? 'None');
  if (s.externalTrafficPolicy) w.line(0, 'External Traffic Policy:', s.externalTrafficPolicy);
  if (s.internalTrafficPolicy) w.line(0, 'Internal Traffic Policy:', s.internalTrafficPolicy);
  describeEvents(w, x.events, x.now);
};

const describeNamespace: Describer<Namespace> = (w, o) => {
  header(w, o, false);
  labelsAndAnnotations(w, o);
  w.line(0, 'Status:', o.status?.phase ?? '');
  w.blank();
  w.line(0, 'No resource quota.');
  w.blank();
  w.line(0, 'No LimitRange resource.');
};

const describeConfigMap: Describer<ConfigMap> = (w, o, x) => {
  header(w, o);
  labelsAndAnnotations(w, o);
  w.blank();
  w.line(0, 'Data');
  w.line(0, '====');
  const data = o.data ?? {};
  for (const k of Object.keys(data).sort()) {
    w.line(0, `${k}:`);
    w.line(0, '----');
    w.raw(`${data[k]}\n`);
    w.blank();
  }
  w.blank();
  w.line(0, 'BinaryData');
  w.line(0, '====');
  const binary = o.binaryData ?? {};
  for (const k of Object.keys(binary).sort()) w.line(0, `${k}: ${Buffer.from(binary[k], 'base64').length} bytes`);
  w.blank();
  describeEvents(w, x.events ?? [], x.now);
};

const describeSecret: Describer<Secret> = (w, o) => {
  header(w, o);
  labelsAndAnnotations(w, o);
  w.blank();
  w.line(0, 'Type:', o.type ?? 'Opaque');
  w.blank();
  w.line(0, 'Data');
  w.line(0, '====');
  const data = o.data ?? {};
  for (const k of Object.keys(data).sort()) w.line(0, `${k}:`, `${Buffer.from(data[k], 'base64').length} bytes`);
};

const describeNode: Describer<Node, Pod> = (w, o, x) => {
  const st = part(o.status);
  header(w, o, false);
  const roles = Object.keys(o.metadata.labels ?? {}).filter((k) => k.startsWith('node-role.kubernetes.io/')).map((k) => k.split('/')[1]);
  w.line(0, 'Roles:', roles.length ? roles.join(',') : '<none>');
  labelsAndAnnotations(w, o);
  w.line(0, 'CreationTimestamp:', describeTime(o.metadata.creationTimestamp ?? undefined));
  const taints = o.spec?.taints ?? [];
  if (taints.length === 0) w.line(0, 'Taints:', '<none>');
  else taints.forEach((t, i) => w.line(0, i === 0 ? 'Taints:' : '', `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`));
  w.line(0, 'Unschedulable:', o.spec?.unschedulable ? 'true' : 'false');
  if (x.lease) {
    w.line(0, 'Lease:');
    w.line(1, 'HolderIdentity:', x.lease.spec?.holderIdentity ?? '<unset>');
    w.line(1, 'AcquireTime:', x.lease.spec?.acquireTime ? describeTime(x.lease.spec.acquireTime) : '<unset>');
    w.line(1, 'RenewTime:', x.lease.spec?.renewTime ? describeTime(x.lease.spec.renewTime) : '<unset>');
  }
  const conds = st.conditions ?? [];
  if (conds.length) {
    w.line(0, 'Conditions:');
    w.line(1, 'Type', 'Status', 'LastHeartbeatTime', 'LastTransitionTime', 'Reason', 'Message');
    w.line(1, '----', '------', '-----------------', '------------------', '------', '-------');
    // kubectl writes "%v \t%v \t%s \t%s \t%v \t%v": the first five cells carry a trailing space.
    for (const c of conds) w.line(1, `${c.type} `, `${c.status} `, `${describeTime(c.lastHeartbeatTime)} `, `${describeTime(c.lastTransitionTime)} `, `${c.reason ?? ''} `, c.message ?? '');
  }
  const addrs = st.addresses ?? [];
  w.line(0, 'Addresses:');
  for (const a of addrs) w.line(1, `${a.type}:`, a.address);
  for (const [title, res] of [
    ['Capacity:', st.capacity],
    ['Allocatable:', st.allocatable],
  ] as const) {
    if (!res) continue;
    w.line(0, title);
    for (const k of Object.keys(res).sort()) w.line(1, `${k}:`, String(res[k]));
  }
  if (st.nodeInfo) {
    w.line(0, 'System Info:');
    const ni = st.nodeInfo;
    for (const [k, v] of [
      ['Machine ID', ni.machineID],
      ['System UUID', ni.systemUUID],
      ['Boot ID', ni.bootID],
      ['Kernel Version', ni.kernelVersion],
      ['OS Image', ni.osImage],
      ['Operating System', ni.operatingSystem],
      ['Architecture', ni.architecture],
      ['Container Runtime Version', ni.containerRuntimeVersion],
      ['Kubelet Version', ni.kubeletVersion],
      ['Kube-Proxy Version', ni.kubeProxyVersion],
    ])
      w.line(1, `${k}:`, v ?? '');
  }
  if (o.spec?.podCIDR) w.line(0, 'PodCIDR:', o.spec.podCIDR);
  if (o.spec?.podCIDRs?.length) w.line(0, 'PodCIDRs:', o.spec.podCIDRs.join(','));
  if (x.related) describeNodePods(w, x.related, st.allocatable ?? {}, x.now);
  describeEvents(w, x.events, x.now);
};

/** The node's pods and what they request, as kubectl's node describer prints them. */
function describeNodePods(w: DescribeWriter, pods: Pod[], allocatable: ResourceList, now: number): void {
  const running = pods.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const allocCPU = milliCPU(allocatable.cpu ?? 0);
  const allocMem = parseQuantity(allocatable.memory ?? 0);
  const pct = (v: number, total: number) => (total > 0 ? Math.trunc((v / total) * 100) : 0);
  const sum = (p: Pod, kind: 'requests' | 'limits', res: string) =>
    (p.spec?.containers ?? []).reduce((n, c) => n + (res === 'cpu' ? milliCPU(c.resources?.[kind]?.cpu ?? 0) : parseQuantity(c.resources?.[kind]?.[res] ?? 0)), 0);
  w.line(0, 'Non-terminated Pods:', `(${running.length} in total)`);
  // kubectl's format has an empty column after Name ("%s\t%s\t\t%s ...").
  w.line(1, 'Namespace', 'Name', '', 'CPU Requests', 'CPU Limits', 'Memory Requests', 'Memory Limits', 'Age');
  w.line(1, '---------', '----', '', '------------', '----------', '---------------', '-------------', '---');
  const totals = { cpuReq: 0, cpuLim: 0, memReq: 0, memLim: 0 };
  for (const p of running) {
    const cr = sum(p, 'requests', 'cpu');
    const cl = sum(p, 'limits', 'cpu');
    const mr = sum(p, 'requests', 'memory');
    const ml = sum(p, 'limits', 'memory');
    totals.cpuReq += cr;
    totals.cpuLim += cl;
    totals.memReq += mr;
    totals.memLim += ml;
    w.line(1, p.metadata.namespace ?? '', p.metadata.name ?? '', '', `${formatCPU(cr)} (${pct(cr, allocCPU)}%)`, `${formatCPU(cl)} (${pct(cl, allocCPU)}%)`, `${formatBytes(mr)} (${pct(mr, allocMem)}%)`, `${formatBytes(ml)} (${pct(ml, allocMem)}%)`, age(p.metadata.creationTimestamp, now));
  }
  w.line(0, 'Allocated resources:');
  w.line(1, '(Total limits may be over 100 percent, i.e., overcommitted.)');
  w.line(1, 'Resource', 'Requests', 'Limits');
  w.line(1, '--------', '--------', '------');
  w.line(1, 'cpu', `${formatCPU(totals.cpuReq)} (${pct(totals.cpuReq, allocCPU)}%)`, `${formatCPU(totals.cpuLim)} (${pct(totals.cpuLim, allocCPU)}%)`);
  w.line(1, 'memory', `${formatBytes(totals.memReq)} (${pct(totals.memReq, allocMem)}%)`, `${formatBytes(totals.memLim)} (${pct(totals.memLim, allocMem)}%)`);
  const podsTotal = (kind: 'requests' | 'limits', res: string) => running.reduce((n, p) => n + sum(p, kind, res), 0);
  const allocStorage = parseQuantity(allocatable['ephemeral-storage'] ?? 0);
  const [esReq, esLim] = [podsTotal('requests', 'ephemeral-storage'), podsTotal('limits', 'ephemeral-storage')];
  w.line(1, 'ephemeral-storage', `${formatBytes(esReq)} (${pct(esReq, allocStorage)}%)`, `${formatBytes(esLim)} (${pct(esLim, allocStorage)}%)`);
  // Then hugepages (with percentages) and extended resources (amounts only), by name, as kubectl.
  const others = Object.keys(allocatable).filter((k) => !['cpu', 'memory', 'ephemeral-storage', 'pods'].includes(k));
  for (const k of others.filter((x) => x.startsWith('hugepages-')).sort()) {
    const [req, lim, total] = [podsTotal('requests', k), podsTotal('limits', k), parseQuantity(allocatable[k])];
    w.line(1, k, `${formatBytes(req)} (${pct(req, total)}%)`, `${formatBytes(lim)} (${pct(lim, total)}%)`);
  }
  for (const k of others.filter((x) => !x.startsWith('hugepages-')).sort()) w.line(1, k, String(podsTotal('requests', k)), String(podsTotal('limits', k)));
}

/** Millicores as a quantity: `0`, `250m`, `2`. */
function formatCPU(m: number): string {
  return m === 0 ? '0' : m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

/** Bytes as a quantity with the largest exact binary suffix: `64Mi`, `1Gi`, `1500`. */
function formatBytes(b: number): string {
  if (b === 0) return '0';
  for (const [suffix, size] of [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) if (b % size === 0) return `${b / size}${suffix}`;
  return String(b);
}

function titleCase(k: string): string {
  return k.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

function generic(w: DescribeWriter, level: number, v: unknown): void {
  if (Array.isArray(v)) {
    for (const item of v) {
      if (item && typeof item === 'object') {
        generic(w, level, item);
      } else w.line(level, String(item));
    }
    return;
  }
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v as object)) {
      if (x && typeof x === 'object' && Object.keys(x).length > 0) {
        w.line(level, `${titleCase(k)}:`);
        generic(w, level + 1, x);
      } else w.line(level, `${titleCase(k)}:`, x && typeof x === 'object' ? '' : String(x));
    }
  }
}

/** kubectl's generic describer: metadata, then every other top-level field as an indented tree. */
const describeGeneric: Describer = (w, o, x) => {
  header(w, o, !!o.metadata.namespace);
  labelsAndAnnotations(w, o);
  w.line(0, 'API Version:', o.apiVersion ?? '');
  w.line(0, 'Kind:', o.kind ?? '');
  for (const [k, v] of Object.entries(o)) {
    if (['apiVersion', 'kind', 'metadata'].includes(k)) continue;
    if (v && typeof v === 'object') {
      w.line(0, `${titleCase(k)}:`);
      generic(w, 1, v);
    } else w.line(0, `${titleCase(k)}:`, String(v));
  }
  describeEvents(w, x.events ?? [], x.now);
};

/**
 * kubectl's label for a field (smartLabelFor): camel case split into title-cased words, API, URL,
 * UID and GUID upper-cased; a name with other characters than letters and `-` as it is.
 */
export function smartLabel(field: string): string {
  if (/[^\p{L}-]/u.test(field)) return field;
  const parts = field.match(/\p{Lu}+(?=\p{Lu}\p{Ll})|\p{Lu}?\p{Ll}+|\p{Lu}+|-+/gu) ?? [field];
  const merged: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    const next = parts[i + 1];
    if (next && part.length >= 2 && part === part.toUpperCase() && /^\p{Lu}/u.test(next)) {
      merged.push(part + next);
      i++;
    } else merged.push(part);
  }
  return merged
    .map((p) => (['API', 'URL', 'UID', 'GUID'].includes(p.toUpperCase()) ? p.toUpperCase() : p === p.toLowerCase() ? p.charAt(0).toUpperCase() + p.slice(1) : p))
    .join(' ');
}

/** A decoded JSON scalar as Go's `%v` prints it. */
function goScalar(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  return String(v);
}

/** kubectl's printUnstructuredContent: every field, keys sorted, nested ones indented, `skip` paths left out. */
function unstructured(w: DescribeWriter, level: number, content: Record<string, unknown>, prefix: string, skip: string[]): void {
  for (const field of Object.keys(content).sort()) {
    const value = content[field];
    const path = `${prefix}.${field}`;
    if (skip.includes(path)) continue;
    if (Array.isArray(value)) {
      w.line(level, `${smartLabel(field)}:`);
      for (const child of value) {
        if (child && typeof child === 'object' && !Array.isArray(child)) unstructured(w, level + 1, child as Record<string, unknown>, path, skip);
        else w.line(level + 1, Array.isArray(child) ? `[${child.map(goScalar).join(' ')}]` : goScalar(child));
      }
    } else if (value && typeof value === 'object') {
      w.line(level, `${smartLabel(field)}:`);
      unstructured(w, level + 1, value as Record<string, unknown>, path, skip);
    } else w.line(level, `${smartLabel(field)}:`, goScalar(value));
  }
}

/** kubectl's describer for kinds it has no describer for (custom resources): the whole object. */
export const describeUnstructured: Describer = (w, o, x) => {
  w.line(0, 'Name:', o.metadata.name ?? '');
  w.line(0, 'Namespace:', o.metadata.namespace ?? '');
  labelsAndAnnotations(w, o);
  unstructured(w, 0, o, '', ['.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations']);
  describeEvents(w, x.events ?? [], x.now);
};

const DESCRIBERS: { [K in keyof Kinds]?: Describer<Kinds[K], never> } = {
  Pod: describePod,
  Deployment: describeDeployment,
  ReplicaSet: describeReplicaSet,
  ReplicationController: describeReplicaSet,
  Service: describeService,
  Namespace: describeNamespace,
  ConfigMap: describeConfigMap,
  Secret: describeSecret,
  Node: describeNode,
  Job: describeJob,
  CronJob: describeCronJob,
  DaemonSet: describeDaemonSet,
  StatefulSet: describeStatefulSet,
  HorizontalPodAutoscaler: describeHPA,
  PersistentVolumeClaim: describePVC,
  Ingress: describeIngress,
  PodDisruptionBudget: describePDB,
};

/** Describes one object as `kubectl describe` does. */
export function describeObject(o: KubeObject, x: DescribeExtras): string {
  const w = new DescribeWriter();
  // `o` is of the kind it names, and the CLI fetched its related objects for that kind.
  const builtin = resourceForKind(o.apiVersion ?? '', o.kind ?? '') !== undefined;
  const describer = builtin ? ((DESCRIBERS as Record<string, Describer | undefined>)[o.kind ?? ''] ?? describeGeneric) : describeUnstructured;
  describer(w, o, x);
  return w.toString();
}
