// Every kind's strategy, registered on import, and the generic rules that run for all kinds
// around them (system metadata, generation, status subresource).
import { semanticEqual } from '../../api/equal.js';
import type { ResourceInfo } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import './deployment.js';
import './crd.js';
import './namespace.js';
import './pod.js';
import './required-counters.js';
import './secret.js';
import './service.js';
import './status-owners.js';
import { strategyFor } from './strategy.js';

export { strategyFor } from './strategy.js';

/** Called on create, after system metadata is set and before defaults and validation. */
export function prepareForCreate(r: ResourceInfo, o: KubeObject): void {
  const s = strategyFor(r);
  if (r.tracksGeneration) o.metadata.generation = 1;
  else delete o.metadata.generation;
  if (s.initialStatus) o.status = s.initialStatus(o);
  else if (!s.keepsStatusOnCreate && r.subresources.includes('status')) o.status = {};
  s.prepareForCreate?.(o);
}

/**
 * Called on update (not /status): keeps system metadata and status from the stored object and
 * bumps generation when the spec changed.
 */
export function prepareForUpdate(r: ResourceInfo, o: KubeObject, old: KubeObject): void {
  const s = strategyFor(r);
  for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
    if (old.metadata[k] !== undefined) (o.metadata as Record<string, unknown>)[k] = old.metadata[k];
    else delete o.metadata[k];
  }
  if (r.subresources.includes('status') && !s.updateTakesStatus) o.status = old.status;
  s.prepareForUpdate?.(o, old);
  if (r.tracksGeneration) {
    const gen = old.metadata.generation ?? 1;
    const changed = s.specChanged ? s.specChanged(o, old) : !semanticEqual(o.spec, old.spec);
    o.metadata.generation = changed ? gen + 1 : gen;
  } else {
    delete o.metadata.generation;
  }
}

/**
 * Called on /status updates: only status moves; spec and metadata stay as stored, except the
 * annotations of kinds whose status strategy takes them.
 */
export function prepareForStatusUpdate(r: ResourceInfo, o: KubeObject, old: KubeObject): KubeObject {
  const next: KubeObject = { ...old, status: o.status };
  next.metadata = { ...old.metadata };
  if (strategyFor(r).statusTakesAnnotations) {
    if (o.metadata?.annotations && Object.keys(o.metadata.annotations).length > 0) next.metadata.annotations = o.metadata.annotations;
    else delete next.metadata.annotations;
  }
  return next;
}
