// The /scale subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets, StatefulSets,
// ReplicationControllers, and custom resources whose CRD declares one (at its replica paths).
import { evalPath } from '../api/jsonpath.js';
import { selectorString } from '../api/labels.js';
import { jsonPatch, mergePatch } from '../api/patch.js';
import type { ResourceInfo } from '../api/resources.js';
import type { KubeObject, ReplicationController, Scale, Scaled } from '../api/types.js';
import * as E from './errors.js';
import { strategyFor } from './strategies/index.js';
import type { PatchType, Registry, WriteOptions } from './registry.js';

/** The value at a simple JSON path (`.spec.replicas`) of a custom object. */
function at(o: KubeObject, path: string | undefined): unknown {
  return path ? evalPath(path, o)[0] : undefined;
}

/** A merge patch that sets the value at a simple JSON path. */
function patchAt(path: string, value: unknown): Record<string, unknown> {
  return path
    .replace(/^\./, '')
    .split('.')
    .reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Record<string, unknown>;
}

function toScale(r: ResourceInfo, o: Scaled): Scale {
  const custom = r.custom?.scale;
  // The kind's strategy knows a selector that is no LabelSelector (a ReplicationController's map).
  const sel = custom
    ? String(at(o, custom.labelSelectorPath) ?? '')
    : (strategyFor(r).scaleSelector?.(o) ?? selectorString((o as Exclude<Scaled, ReplicationController>).spec?.selector));
  const num = (v: unknown) => (typeof v === 'number' ? v : 0);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: o.metadata.name,
      namespace: o.metadata.namespace,
      uid: o.metadata.uid,
      resourceVersion: o.metadata.resourceVersion,
      creationTimestamp: o.metadata.creationTimestamp,
    },
    spec: { replicas: custom ? num(at(o, custom.specReplicasPath)) : (o.spec?.replicas ?? 0) },
    status: { replicas: custom ? num(at(o, custom.statusReplicasPath)) : (o.status?.replicas ?? 0), selector: sel },
  };
}

/** GET .../scale */
export function getScale(reg: Registry, r: ResourceInfo, ns: string, name: string): Scale {
  return toScale(r, scaled(reg.get(r, ns, name)));
}

/** PUT or PATCH .../scale: sets spec.replicas of the parent object. */
export function updateScale(reg: Registry, r: ResourceInfo, ns: string, name: string, how: 'put' | PatchType, body: unknown, opts: WriteOptions): Scale {
  const cur = reg.get(r, ns, name);
  const scale = toScale(r, scaled(cur));
  let next: { spec?: { replicas?: unknown }; metadata?: { resourceVersion?: string } } | undefined;
  try {
    next = (how === 'put' ? body : how === 'json' ? jsonPatch(scale, body) : mergePatch(scale, body)) as typeof next;
  } catch (e) {
    throw E.badRequest((e as Error).message);
  }
  const replicas = next?.spec?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas))
    throw E.badRequest(`Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal ${typeof replicas} into Go struct field ScaleSpec.spec.replicas of type int32`);
  if (replicas < 0) throw E.invalid({ ...r, kind: 'Scale', group: 'autoscaling' } as ResourceInfo, name, [{ type: 'Invalid', field: 'spec.replicas', value: replicas, detail: 'must be greater than or equal to 0' }]);
  const rv = next?.metadata?.resourceVersion;
  if (how === 'put' && rv && rv !== cur.metadata.resourceVersion) throw E.conflict(r, name);
  const set = r.custom?.scale ? patchAt(r.custom.scale.specReplicasPath, replicas) : { spec: { replicas } };
  const updated = reg.patch(r, ns, name, 'merge', set, { dryRun: opts.dryRun, fieldManager: opts.fieldManager });
  return toScale(r, scaled(updated));
}

/** An object of a kind with a /scale subresource (the callers' resource lists it). */
function scaled(o: KubeObject): Scaled {
  return o as Scaled;
}
