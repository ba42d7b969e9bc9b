// Versions served besides the stored one, with their conversions: autoscaling/v1
// HorizontalPodAutoscalers (which `kubectl autoscale` creates) are stored as autoscaling/v2, as
// kube-apiserver does, and converted on the way in and out.
import { BUILTIN, type ResourceCatalog, type ResourceInfo } from './resources.js';
import type { HorizontalPodAutoscaler, KubeObject } from './types.js';

/** An alternate version of a stored resource. */
export interface Conversion {
  group: string;
  version: string;
  plural: string;
  kind: string;
  /** The apiVersion objects are stored as. */
  stored: string;
  /** The served version's object to the stored version's. */
  toStored(o: KubeObject): KubeObject;
  /** The stored version's object to the served version's. */
  fromStored(o: KubeObject): KubeObject;
}

const cpuTarget = (o: HorizontalPodAutoscaler) =>
  (o.spec?.metrics ?? []).find((m) => m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource?.target?.type === 'Utilization')?.resource?.target.averageUtilization;

export const HPA_V1: Conversion = {
  group: 'autoscaling',
  version: 'v1',
  plural: 'horizontalpodautoscalers',
  kind: 'HorizontalPodAutoscaler',
  stored: 'autoscaling/v2',
  toStored(o) {
    const { targetCPUUtilizationPercentage: pct, ...spec } = (o.spec ?? {}) as Record<string, unknown>;
    const out = { ...o, apiVersion: 'autoscaling/v2', spec: { ...spec } } as HorizontalPodAutoscaler;
    if (typeof pct === 'number') out.spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: pct } } }];
    if (o.status) {
      const { currentCPUUtilizationPercentage: cur, ...status } = o.status as Record<string, unknown>;
      out.status = { ...status, ...(typeof cur === 'number' ? { currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: cur } } }] } : {}) };
    }
    return out;
  },
  fromStored(o) {
    const { metrics: _m, behavior: _b, ...spec } = (o.spec ?? {}) as Record<string, unknown>;
    const pct = cpuTarget(o as HorizontalPodAutoscaler);
    const out: KubeObject = { ...o, apiVersion: 'autoscaling/v1', spec: { ...spec, ...(pct !== undefined ? { targetCPUUtilizationPercentage: pct } : {}) } };
    if (o.status) {
      const { currentMetrics, conditions: _c, ...status } = o.status as NonNullable<HorizontalPodAutoscaler['status']>;
      const cur = (currentMetrics ?? []).find((m) => m.type === 'Resource' && m.resource?.name === 'cpu')?.resource?.current?.averageUtilization;
      // v1's currentReplicas is required (v2's may be left out when 0).
      out.status = { currentReplicas: 0, ...status, ...(cur !== undefined ? { currentCPUUtilizationPercentage: cur } : {}) };
    }
    return out;
  },
};

export const CONVERSIONS: Conversion[] = [HPA_V1];

/** The alternate version served at /apis/GROUP/VERSION/PLURAL, if any. */
export function conversionFor(group: string, version: string, plural: string): Conversion | undefined {
  return CONVERSIONS.find((c) => c.group === group && c.version === version && c.plural === plural);
}

/**
 * The resource an object from a manifest goes to, and the object as it is sent: as written, or,
 * in a version served only through conversion (an autoscaling/v1 HorizontalPodAutoscaler),
 * converted to the stored version as the server converts it on the way in. `r` is undefined when
 * minik serves neither.
 */
export function resolveServed(o: KubeObject, cat: ResourceCatalog = BUILTIN): { r: ResourceInfo | undefined; object: KubeObject } {
  const r = cat.forKind(o.apiVersion ?? '', o.kind ?? '');
  if (r) return { r, object: o };
  const gv = o.apiVersion ?? '';
  const [group, version] = gv.includes('/') ? gv.split('/') : ['', gv];
  const c = CONVERSIONS.find((x) => x.group === group && x.version === version && x.kind === o.kind);
  if (!c) return { r: undefined, object: o };
  const object = c.toStored(o);
  return { r: cat.forKind(object.apiVersion ?? '', object.kind ?? ''), object };
}
