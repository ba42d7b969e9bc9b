// The namespace controller: a Terminating namespace has everything in it deleted, then its
// `kubernetes` finalizer removed, and then it is gone. Conditions say what it waits for.
import { jsonEqual } from '../api/equal.js';
import { rfc3339 } from '../api/duration.js';
import { resourceNamed } from '../api/resources.js';
import type { Condition, Namespace } from '../api/types.js';
import type { Registry } from '../apiserver/registry.js';
import { type Controller, RevisionGate } from '../runtime/controller.js';

const nsR = resourceNamed('namespaces');

function condition(type: string, status: 'True' | 'False', reason: string, message: string, now: string): Condition {
  return { type, status, reason, message, lastTransitionTime: now };
}

/**
 * How long after a namespace is marked for deletion its content starts to go. The real
 * controller needs a moment (discovery, its work queue); without it, `delete -f dir/` would race
 * the controller for the objects it is itself deleting.
 */
export const NAMESPACE_DELETE_DELAY_MS = 1000;

/** Deletes the contents of terminating namespaces and finalizes them. */
export class NamespaceController implements Controller {
  readonly name = 'namespace';

  private gate = new RevisionGate();

  sync(reg: Registry): void {
    if (!this.gate.changed(reg)) return;
    const now = reg.clock.now();
    for (const ns of reg.list(nsR, undefined).items) {
      if (!ns.metadata.deletionTimestamp) continue;
      const start = Date.parse(ns.metadata.deletionTimestamp) + NAMESPACE_DELETE_DELAY_MS;
      if (now < start) {
        this.gate.wakeAt(start);
        continue;
      }
      this.syncTerminating(reg, ns);
    }
  }

  private syncTerminating(reg: Registry, ns: Namespace): void {
    const name = ns.metadata.name!;
    let remaining = 0;
    const byResource: string[] = [];
    const finalizers = new Map<string, number>();
    for (const r of reg.resources.stored()) {
      if (!r.namespaced) continue;
      const items = reg.list(r, name).items;
      if (items.length === 0) continue;
      remaining += items.length;
      byResource.push(`${r.group ? `${r.plural}.${r.group}` : r.plural} has ${items.length} resource instances`);
      for (const o of items) {
        for (const f of o.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
        if (!o.metadata.deletionTimestamp) reg.delete(r, name, o.metadata.name!, { propagationPolicy: 'Background' });
      }
    }
    const now = rfc3339(reg.clock.now());
    if (remaining > 0) {
      const conds = [
        condition('NamespaceDeletionDiscoveryFailure', 'False', 'ResourcesDiscovered', 'All resources successfully discovered', now),
        condition('NamespaceDeletionGroupVersionParsingFailure', 'False', 'ParsedGroupVersions', 'All legacy kube types successfully parsed', now),
        condition('NamespaceDeletionContentFailure', 'False', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization', now),
        condition('NamespaceContentRemaining', 'True', 'SomeResourcesRemain', `Some resources are remaining: ${byResource.join(', ')}`, now),
        finalizers.size > 0
          ? condition('NamespaceFinalizersRemaining', 'True', 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${[...finalizers].map(([f, n]) => `${f} in ${n} resource instances`).join(', ')}`, now)
          : condition('NamespaceFinalizersRemaining', 'False', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished', now),
      ];
      // Keep transition times of unchanged conditions, so the object only changes when the story does.
      const old: Condition[] = ns.status?.conditions ?? [];
      for (const c of conds) {
        const prev = old.find((o) => o.type === c.type);
        if (prev && prev.status === c.status && prev.reason === c.reason && prev.message === c.message) c.lastTransitionTime = prev.lastTransitionTime;
      }
      if (!jsonEqual(old, conds)) reg.writeStatus(nsR, '', name, { ...ns.status, conditions: conds });
      return;
    }
    // Empty: drop the `kubernetes` finalizer (PUT .../finalize, as the namespace controller does);
    // the registry then removes the namespace.
    reg.writeSubresource(nsR, '', name, 'finalize', { spec: { finalizers: (ns.spec?.finalizers ?? []).filter((f) => f !== 'kubernetes') } });
  }
}
