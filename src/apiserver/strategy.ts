// Per-kind rules of the apiserver (Kubernetes' registry strategies): what create clears and sets,
// what an update keeps, when metadata.generation moves, and how the /status subresource differs.
import { semanticEqual } from '../api/equal.js';
import type { ResourceInfo } from '../api/resources.js';
import { parseQuantity } from '../api/quantity.js';
import type { Container, KubeObject } from '../api/types.js';

/** The pod's QoS class (Guaranteed, Burstable or BestEffort), as the apiserver computes it on create. */
export function qosClass(containers: Container[]): string {
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || parseQuantity(q) !== parseQuantity(l)) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** Called on create, after system metadata is set and before defaults and validation. */
export function prepareForCreate(r: ResourceInfo, o: KubeObject): void {
  if (r.tracksGeneration) o.metadata.generation = 1;
  else delete o.metadata.generation;
  switch (r.kind) {
    case 'Pod':
      o.status = { phase: 'Pending', qosClass: qosClass([...(o.spec?.initContainers ?? []), ...(o.spec?.containers ?? [])]) };
      break;
    case 'Namespace':
      o.status = { phase: 'Active' };
      break;
    case 'Secret':
      foldStringData(o);
      break;
    case 'Service':
      o.status = { loadBalancer: {} };
      break;
    case 'Node':
    case 'Event':
    case 'PersistentVolume':
    case 'PersistentVolumeClaim':
      break;
    default:
      if (r.subresources.includes('status')) o.status = {};
  }
}

/** Secret `stringData` is write-only: folded into base64 `data` and dropped. */
function foldStringData(o: KubeObject): void {
  if (o.stringData && typeof o.stringData === 'object') {
    o.data = { ...(o.data ?? {}) };
    for (const [k, v] of Object.entries<string>(o.stringData)) o.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete o.stringData;
  }
}

/**
 * Called on update (not /status): keeps system metadata and status from the stored object and
 * bumps generation when the spec (or, for kinds without spec, the data) changed.
 */
export function prepareForUpdate(r: ResourceInfo, o: KubeObject, old: KubeObject): void {
  for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
    if (old.metadata[k] !== undefined) (o.metadata as Record<string, unknown>)[k] = old.metadata[k];
    else delete o.metadata[k];
  }
  if (r.subresources.includes('status') && r.kind !== 'Node') o.status = old.status;
  if (r.kind === 'Secret') foldStringData(o);
  if (r.kind === 'Service') {
    // Allocated values survive an update that omits them (a `replace` of the original manifest).
    const s = o.spec ?? {};
    const os = old.spec ?? {};
    if (s.type === os.type || (s.type ?? 'ClusterIP') !== 'ExternalName') {
      if (!s.clusterIP && os.clusterIP && s.type !== 'ExternalName') {
        s.clusterIP = os.clusterIP;
        s.clusterIPs = os.clusterIPs;
      }
      for (const p of s.ports ?? []) {
        const op = (os.ports ?? []).find((x: any) => x.port === p.port && (x.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
        if (!p.nodePort && op?.nodePort && (s.type === 'NodePort' || s.type === 'LoadBalancer')) p.nodePort = op.nodePort;
      }
    }
  }
  if (r.tracksGeneration) {
    const gen = old.metadata.generation ?? 1;
    o.metadata.generation = semanticEqual(o.spec, old.spec) ? gen : gen + 1;
  } else {
    delete o.metadata.generation;
  }
}

/** Kinds whose /status also takes the writer's annotations (their status strategy resets only spec and labels). */
const STATUS_TAKES_ANNOTATIONS = new Set(['Deployment']);

/** True when a kind's /status takes annotations too. */
export const statusTakesAnnotations = (kind: string): boolean => STATUS_TAKES_ANNOTATIONS.has(kind);

/**
 * Called on /status updates: only status moves; spec and metadata stay as stored, except for a
 * Deployment, whose status strategy keeps only spec and labels: the Deployment controller records
 * the revision annotation in the same write as the status.
 */
export function prepareForStatusUpdate(r: ResourceInfo, o: KubeObject, old: KubeObject): KubeObject {
  const next: KubeObject = { ...old, status: o.status };
  next.metadata = { ...old.metadata };
  if (STATUS_TAKES_ANNOTATIONS.has(r.kind)) {
    if (o.metadata?.annotations && Object.keys(o.metadata.annotations).length > 0) next.metadata.annotations = o.metadata.annotations;
    else delete next.metadata.annotations;
  }
  return next;
}
