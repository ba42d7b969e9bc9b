// Server-side apply (PATCH with application/apply-patch+yaml) on the registry, for HTTP and
// in-process callers alike: the applied configuration is merged into the object (created when
// absent); fields other managers own with a different value are conflicts (409) unless `force`,
// which takes them over; fields this manager applied before and no longer applies are removed
// unless someone else owns them; managedFields records the result.
import { rfc3339 } from '../api/duration.js';
import { strategicMerge } from '../api/patch.js';
import type { ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import * as E from './errors.js';
import { type ManagedFieldsEntry, conflictMessage, formatPath, planApply, removeAt } from './managed-fields.js';
import type { Registry, WriteOptions } from './registry.js';

export interface ApplyOptions extends WriteOptions {
  /** Required: the manager whose fields these are. */
  fieldManager?: string;
  /** Take over fields other managers own instead of failing with a conflict. */
  force?: boolean;
}

/** Applies `patch` to the object `name` (creating it when absent); `created` says which happened. */
export function serverSideApply(reg: Registry, r: ResourceInfo, ns: string, name: string, patch: unknown, opts: ApplyOptions): { object: KubeObject; created: boolean } {
  const manager = opts.fieldManager;
  if (!manager) throw E.badRequest('PATCH, application/apply-patch+yaml requests require a fieldManager to be set');
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw E.badRequest('error decoding YAML: the applied configuration must be an object');
  const applied = patch as KubeObject;
  const existing = reg.find(r, ns, name);
  const now = rfc3339(reg.clock.now());
  const plan = planApply(existing?.metadata.managedFields as ManagedFieldsEntry[] | undefined, existing, applied, manager, !!opts.force, now);
  if (plan.conflicts.length) {
    throw E.applyConflict(
      conflictMessage(plan.conflicts),
      plan.conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}" using ${c.apiVersion}`, field: formatPath(c.path) })),
    );
  }
  // managedFields comes from the plan, not from recording this write as an update.
  const untracked: WriteOptions = { ...opts, fieldManager: undefined };
  delete (untracked as ApplyOptions).force;
  if (!existing) {
    const body = { ...applied, metadata: { ...(applied.metadata ?? {}), name, managedFields: plan.entries } };
    return { object: reg.create(r, ns, body, untracked), created: true };
  }
  const merged = strategicMerge(structuredClone(existing), applied) as KubeObject;
  for (const p of plan.remove) removeAt(merged, p);
  merged.metadata = { ...merged.metadata, managedFields: plan.entries, resourceVersion: existing.metadata.resourceVersion };
  return { object: reg.update(r, ns, name, merged, untracked), created: false };
}
