// Columns of the core/v1 kinds other than Pod: Service, Endpoints, Namespace, Node, ConfigMap,
// Secret, ServiceAccount, Event; and APIService.
import type { APIService, ConfigMap, Endpoints, Event, Ingress, Lease, Namespace, Node, Secret, Service, ServiceAccount } from '../types.js';
import { age } from '../duration.js';
import { mapSelectorString } from '../labels.js';
import { type Column, nameColumn, ageColumn, orNone } from './column.js';

function serviceExternalIP(o: Service): string {
  const spec = o.spec ?? {};
  const external = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = (o.status?.loadBalancer?.ingress ?? [])
        .map((i) => i.ip || i.hostname || '')
        .filter(Boolean);
      const all = [...lb, ...external];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
  }
  return '<unknown>';
}

function servicePorts(o: Service): string {
  const ports = o.spec?.ports ?? [];
  if (ports.length === 0) return '<none>';
  return ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
}

export const serviceColumns: Column<Service>[] = [
  nameColumn,
  { header: 'TYPE', value: (o) => o.spec?.type ?? 'ClusterIP' },
  { header: 'CLUSTER-IP', value: (o) => orNone(o.spec?.clusterIPs?.[0] ?? o.spec?.clusterIP) },
  { header: 'EXTERNAL-IP', value: serviceExternalIP },
  { header: 'PORT(S)', value: servicePorts },
  ageColumn,
  { header: 'SELECTOR', wide: true, value: (o) => orNone(mapSelectorString(o.spec?.selector)) },
];

/** The ENDPOINTS column: up to three `ip:port` pairs, then `+ N more...` (kubectl's formatEndpoints). */
export function formatEndpoints(o: Endpoints): string {
  const subsets = o.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip);
      }
      continue;
    }
    for (const p of ports) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip.includes(':') ? `[${a.ip}]:${p.port}` : `${a.ip}:${p.port}`);
      }
    }
  }
  const joined = list.join(',');
  return more ? `${joined} + ${count - max} more...` : joined;
}

export const endpointsColumns: Column<Endpoints>[] = [nameColumn, { header: 'ENDPOINTS', value: formatEndpoints }, ageColumn];

export const namespaceColumns: Column<Namespace>[] = [nameColumn, { header: 'STATUS', value: (o) => o.status?.phase ?? '' }, ageColumn];

function nodeStatus(o: Node): string {
  const conds = o.status?.conditions ?? [];
  const ready = conds.find((c) => c.type === 'Ready');
  const parts = [!ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'NotReady' : 'Unknown'];
  if (o.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeRoles(o: Node): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

function nodeAddress(o: Node, type: string): string {
  return orNone((o.status?.addresses ?? []).find((a) => a.type === type)?.address);
}

export const nodeColumns: Column<Node>[] = [
  nameColumn,
  { header: 'STATUS', value: nodeStatus },
  { header: 'ROLES', value: nodeRoles },
  ageColumn,
  { header: 'VERSION', value: (o) => o.status?.nodeInfo?.kubeletVersion ?? '' },
  { header: 'INTERNAL-IP', wide: true, value: (o) => nodeAddress(o, 'InternalIP') },
  { header: 'EXTERNAL-IP', wide: true, value: (o) => nodeAddress(o, 'ExternalIP') },
  { header: 'OS-IMAGE', wide: true, value: (o) => o.status?.nodeInfo?.osImage ?? '' },
  { header: 'KERNEL-VERSION', wide: true, value: (o) => o.status?.nodeInfo?.kernelVersion ?? '' },
  { header: 'CONTAINER-RUNTIME', wide: true, value: (o) => o.status?.nodeInfo?.containerRuntimeVersion ?? '' },
];

export const configMapColumns: Column<ConfigMap>[] = [
  nameColumn,
  { header: 'DATA', value: (o) => Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, type: 'integer' },
  ageColumn,
];

export const secretColumns: Column<Secret>[] = [
  nameColumn,
  { header: 'TYPE', value: (o) => o.type ?? '' },
  { header: 'DATA', value: (o) => Object.keys(o.data ?? {}).length, type: 'integer' },
  ageColumn,
];

export const serviceAccountColumns: Column<ServiceAccount>[] = [nameColumn, { header: 'SECRETS', value: (o) => (o.secrets ?? []).length, type: 'integer' }, ageColumn];

function eventTimes(o: Event, now: number): { first: string; last: string; count: number } {
  const first = o.firstTimestamp ? age(o.firstTimestamp, now) : age(o.eventTime, now);
  let last = o.lastTimestamp ? age(o.lastTimestamp, now) : first;
  let count = o.count || 1;
  if (o.series) {
    last = age(o.series.lastObservedTime, now);
    count = o.series.count;
  }
  return { first, last, count };
}

export const eventColumns: Column<Event>[] = [
  { header: 'LAST SEEN', value: (o, now) => eventTimes(o, now).last },
  { header: 'TYPE', value: (o) => o.type ?? '' },
  { header: 'REASON', value: (o) => o.reason ?? '' },
  {
    header: 'OBJECT',
    value: (o) => {
      const kind = String(o.involvedObject?.kind ?? '').toLowerCase();
      return o.involvedObject?.name ? `${kind}/${o.involvedObject.name}` : kind;
    },
  },
  { header: 'SUBOBJECT', wide: true, value: (o) => o.involvedObject?.fieldPath ?? '' },
  {
    header: 'SOURCE',
    wide: true,
    value: (o) => {
      const c = o.source?.component || o.reportingComponent || '';
      const h = o.source?.host || o.reportingInstance || '';
      return h ? `${c}, ${h}` : c;
    },
  },
  { header: 'MESSAGE', value: (o) => String(o.message ?? '').trim() },
  { header: 'FIRST SEEN', wide: true, value: (o, now) => eventTimes(o, now).first },
  { header: 'COUNT', wide: true, value: (o, now) => eventTimes(o, now).count, type: 'integer' },
  { header: 'NAME', wide: true, value: (o) => o.metadata.name ?? '' },
];

function ingressHosts(o: Ingress): string {
  const hosts = (o.spec?.rules ?? []).map((r) => r.host).filter((h): h is string => !!h);
  if (hosts.length === 0) return '*';
  return hosts.length > 3 ? `${hosts.slice(0, 3).join(',')} + ${hosts.length - 3} more...` : hosts.join(',');
}

export const ingressColumns: Column<Ingress>[] = [
  nameColumn,
  { header: 'CLASS', value: (o) => orNone(o.spec?.ingressClassName) },
  { header: 'HOSTS', value: ingressHosts },
  {
    header: 'ADDRESS',
    value: (o) => ((o.status?.loadBalancer?.ingress ?? []) as { ip?: string; hostname?: string }[]).map((i) => i.ip || i.hostname).join(','),
  },
  { header: 'PORTS', value: (o) => ((o.spec?.tls ?? []).length > 0 ? '80, 443' : '80') },
  ageColumn,
];

export const leaseColumns: Column<Lease>[] = [nameColumn, { header: 'HOLDER', value: (o) => o.spec?.holderIdentity ?? '' }, ageColumn];

/** APIService (apiregistration.k8s.io): the aggregator's columns. */
export const apiServiceColumns: Column<APIService>[] = [
  nameColumn,
  { header: 'SERVICE', value: (o) => (o.spec?.service ? `${o.spec.service.namespace}/${o.spec.service.name}` : 'Local') },
  {
    header: 'AVAILABLE',
    value: (o) => {
      const c = (o.status?.conditions ?? []).find((x: { type: string }) => x.type === 'Available');
      if (!c) return 'Unknown';
      return c.status !== 'True' && c.reason ? `${c.status} (${c.reason})` : c.status;
    },
  },
  ageColumn,
];
