// ResourceQuota arithmetic (the quota evaluators of Kubernetes' quota package): what one object
// uses of each resource a quota can limit, which objects a quota's scopes cover, and how usage is
// written and compared. Pure: the quota controller sums usage, the admission plugin adds a new
// object's usage and refuses what goes over.
import { podAmount } from './pods.js';
import { parseQuantity } from './quantity.js';
import { RESOURCES, type ResourceInfo, qualifiedPlural } from './resources.js';
import type { KubeObject, Pod, ResourceList, ResourceQuota } from './types.js';

/** Object-count names Kubernetes also accepts without `count/` (the original quota resources). */
const LEGACY_COUNTS: Record<string, string> = {
  pods: 'pods',
  services: 'services',
  secrets: 'secrets',
  configmaps: 'configmaps',
  persistentvolumeclaims: 'persistentvolumeclaims',
  replicationcontrollers: 'replicationcontrollers',
  resourcequotas: 'resourcequotas',
};

const isTerminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** BestEffort: no container requests or limits any cpu or memory. */
function isBestEffort(p: Pod): boolean {
  return [...(p.spec?.containers ?? []), ...(p.spec?.initContainers ?? [])].every((c) => {
    const r = c.resources ?? {};
    return !['cpu', 'memory'].some((k) => r.requests?.[k] !== undefined || r.limits?.[k] !== undefined);
  });
}

/** Whether a quota's scopes cover an object (scopes other than the pod ones cover nothing else). */
export function inScope(quota: ResourceQuota, r: ResourceInfo, o: KubeObject): boolean {
  const scopes = quota.spec?.scopes ?? [];
  if (scopes.length === 0) return true;
  if (r.kind !== 'Pod') return false;
  const p = o as Pod;
  return scopes.every((s) => {
    switch (s) {
      case 'BestEffort':
        return isBestEffort(p);
      case 'NotBestEffort':
        return !isBestEffort(p);
      case 'Terminating':
        return p.spec?.activeDeadlineSeconds !== undefined;
      case 'NotTerminating':
        return p.spec?.activeDeadlineSeconds === undefined;
      default:
        return false;
    }
  });
}

/** What one object uses of a quota resource (0 when the resource is not about it). */
export function usageOf(r: ResourceInfo, o: KubeObject, resource: string): number {
  if (resource === `count/${qualifiedPlural(r)}` || LEGACY_COUNTS[resource] === r.plural) {
    return r.kind === 'Pod' && isTerminal(o as Pod) ? 0 : 1;
  }
  if (r.kind === 'Pod') {
    const p = o as Pod;
    if (isTerminal(p)) return 0;
    if (resource === 'cpu' || resource === 'requests.cpu') return podAmount(p, 'requests', 'cpu');
    if (resource === 'memory' || resource === 'requests.memory') return podAmount(p, 'requests', 'memory');
    if (resource === 'limits.cpu') return podAmount(p, 'limits', 'cpu');
    if (resource === 'limits.memory') return podAmount(p, 'limits', 'memory');
    if (resource === 'ephemeral-storage' || resource === 'requests.ephemeral-storage') return podAmount(p, 'requests', 'ephemeral-storage');
    if (resource === 'limits.ephemeral-storage') return podAmount(p, 'limits', 'ephemeral-storage');
  }
  if (r.kind === 'Service') {
    const type = (o.spec as { type?: string } | undefined)?.type;
    const ports = ((o.spec as { ports?: unknown[] } | undefined)?.ports ?? []).length;
    if (resource === 'services.loadbalancers') return type === 'LoadBalancer' ? 1 : 0;
    if (resource === 'services.nodeports') return type === 'NodePort' || type === 'LoadBalancer' ? ports : 0;
  }
  if (r.kind === 'PersistentVolumeClaim') {
    const requests: ResourceList = (o.spec as { resources?: { requests?: ResourceList } } | undefined)?.resources?.requests ?? {};
    if (resource === 'requests.storage') return parseQuantity(requests.storage);
    const m = /^(.+)\.storageclass\.storage\.k8s\.io\/(requests\.storage|persistentvolumeclaims)$/.exec(resource);
    if (m && (o.spec as { storageClassName?: string } | undefined)?.storageClassName === m[1]) return m[2] === 'persistentvolumeclaims' ? 1 : parseQuantity(requests.storage);
  }
  return 0;
}

/** The resources a pod must state for a quota to count it (cpu and memory requests or limits the quota limits). */
export function missingConstraints(quota: ResourceQuota, p: Pod): string[] {
  const hard = Object.keys(quota.spec?.hard ?? {});
  const out: string[] = [];
  const want: [string, 'requests' | 'limits', string][] = [
    ['limits.cpu', 'limits', 'cpu'],
    ['limits.memory', 'limits', 'memory'],
    ['requests.cpu', 'requests', 'cpu'],
    ['requests.memory', 'requests', 'memory'],
  ];
  for (const [key, which, name] of want) {
    const limited = hard.includes(key) || (which === 'requests' && hard.includes(name));
    if (!limited) continue;
    const lacking = (p.spec?.containers ?? []).filter((c) => c.resources?.[which]?.[name] === undefined).map((c) => c.name).sort();
    if (lacking.length) out.push(`must specify ${key} for: ${lacking.join(',')}`);
  }
  return out;
}

/** The served resources a quota resource counts objects of (`count/deployments.apps`, `pods`, `requests.cpu`, ...). */
export function resourcesCounted(resource: string): ResourceInfo[] {
  const all = RESOURCES;
  if (resource.startsWith('count/')) return all.filter((r) => `count/${qualifiedPlural(r)}` === resource);
  if (LEGACY_COUNTS[resource]) return all.filter((r) => r.group === '' && r.plural === LEGACY_COUNTS[resource]);
  if (resource.startsWith('services.')) return all.filter((r) => r.group === '' && r.plural === 'services');
  if (resource === 'requests.storage' || resource.includes('.storageclass.storage.k8s.io/')) return all.filter((r) => r.group === '' && r.plural === 'persistentvolumeclaims');
  if (/^(cpu|memory|ephemeral-storage|(requests|limits)\.(cpu|memory|ephemeral-storage))$/.test(resource)) return all.filter((r) => r.group === '' && r.plural === 'pods');
  return [];
}
