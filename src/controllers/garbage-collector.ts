// The garbage collector: dependents whose owners (matched by UID) are all gone are deleted;
// `foregroundDeletion` owners wait for their blocking dependents to go first; `orphan` owners
// release their dependents (ownerReferences removed) before they go.
import type { ResourceInfo } from '../api/resources.js';
import type { KubeObject, OwnerReference } from '../api/types.js';
import type { Change, Registry } from '../apiserver/registry.js';
import type { Controller } from '../runtime/controller.js';
import { ChangeFeed } from '../runtime/change-feed.js';
import { pushTo } from '../api/collections.js';

interface Entry {
  r: ResourceInfo;
  o: KubeObject;
}

/** Whether an owner reference resolves to a live owner for this dependent (same UID, allowed scope). */
function ownerPresent(ref: OwnerReference, dependent: Entry, byUid: Map<string, Entry>): boolean {
  const owner = byUid.get(ref.uid);
  if (!owner) return false;
  // Cross-namespace references are treated as absent; cluster-scoped dependents need cluster-scoped owners.
  if (owner.r.namespaced) {
    if (!dependent.r.namespaced) return false;
    if (owner.o.metadata.namespace !== dependent.o.metadata.namespace) return false;
  }
  return true;
}

/** Deletes orphaned dependents and runs the foreground and orphan finalizers. */
export class GarbageCollector implements Controller {
  readonly name = 'garbage-collector';

  private feed = new ChangeFeed();
  private epoch = -1;

  sync(reg: Registry): void {
    const changes = this.feed.read(reg);
    // Only deletions, deletion marks and new owned objects can give the collector work: a pass
    // over every object is skipped while none happened (status updates, events), and while the
    // only ones are new objects whose owners all exist (pods of a ReplicaSet, a node's Lease).
    if (reg.ownershipEpoch === this.epoch) return;
    this.epoch = reg.ownershipEpoch;
    if (changes && changes.every((c) => this.nothingToCollect(reg, c))) return;
    const all: Entry[] = [];
    const byUid = new Map<string, Entry>();
    for (const r of reg.resources.stored()) {
      // Events own nothing and are owned by nothing (kept in SQLite only: not worth reading them all).
      if (r.kind === 'Event' || r.readOnly || r.createOnly) continue;
      for (const o of reg.scan(r)) {
        const e = { r, o };
        all.push(e);
        if (o.metadata.uid) byUid.set(o.metadata.uid, e);
      }
    }
    const dependents = new Map<string, Entry[]>();
    for (const e of all) for (const ref of e.o.metadata.ownerReferences ?? []) pushTo(dependents, ref.uid, e);

    for (const e of all) {
      const refs = e.o.metadata.ownerReferences ?? [];
      if (refs.length === 0) continue;
      const present = refs.filter((ref) => ownerPresent(ref, e, byUid));
      if (present.length === 0) {
        if (!e.o.metadata.deletionTimestamp) this.tryDelete(reg, e, 'Background');
      } else if (present.length < refs.length) {
        // Some owners are gone: drop the dangling references, keep the object.
        this.tryPatch(reg, e, { metadata: { ownerReferences: present } });
      }
    }

    for (const e of all) {
      const m = e.o.metadata;
      if (!m.deletionTimestamp || !m.finalizers?.length || !m.uid) continue;
      const deps = dependents.get(m.uid) ?? [];
      if (m.finalizers.includes('orphan')) {
        for (const d of deps) {
          const kept = (d.o.metadata.ownerReferences ?? []).filter((r) => r.uid !== m.uid);
          this.tryPatch(reg, d, { metadata: { ownerReferences: kept.length ? kept : null } });
        }
        this.removeFinalizer(reg, e, 'orphan');
      } else if (m.finalizers.includes('foregroundDeletion')) {
        const blocking = deps.filter((d) => (d.o.metadata.ownerReferences ?? []).some((r) => r.uid === m.uid && r.blockOwnerDeletion));
        for (const d of deps) if (!d.o.metadata.deletionTimestamp) this.tryDelete(reg, d, 'Foreground');
        if (blocking.length === 0) this.removeFinalizer(reg, e, 'foregroundDeletion');
      }
    }
  }

  /** Whether a change certainly leaves the collector nothing to do (else a full pass decides). */
  private nothingToCollect(reg: Registry, c: Change): boolean {
    if (c.type === 'DELETED' || c.object.metadata.deletionTimestamp) return false;
    if (c.type !== 'ADDED') return true;
    const dependent = reg.resources.forKind(c.object.apiVersion ?? '', c.object.kind ?? '');
    if (!dependent) return false;
    for (const ref of c.object.metadata.ownerReferences ?? []) {
      const r = reg.resources.forKind(ref.apiVersion, ref.kind);
      if (!r) return false;
      // Same rules as ownerPresent: a namespaced owner in the dependent's namespace, or a cluster-scoped one.
      if (r.namespaced && !dependent.namespaced) return false;
      const owner = reg.find(r, r.namespaced ? c.namespace : '', ref.name);
      if (owner?.metadata.uid !== ref.uid) return false;
    }
    return true;
  }

  private tryDelete(reg: Registry, e: Entry, policy: 'Background' | 'Foreground'): void {
    try {
      reg.delete(e.r, e.o.metadata.namespace ?? '', e.o.metadata.name!, { propagationPolicy: policy, preconditions: { uid: e.o.metadata.uid } });
    } catch {
      // Gone or changed since the scan: the next pass sees the new state.
    }
  }

  private tryPatch(reg: Registry, e: Entry, patch: Record<string, unknown>): void {
    try {
      reg.patchTrusted(e.r, e.o.metadata.namespace ?? '', e.o.metadata.name!, patch);
    } catch {
      // Next pass.
    }
  }

  private removeFinalizer(reg: Registry, e: Entry, f: string): void {
    const cur = reg.find(e.r, e.o.metadata.namespace ?? '', e.o.metadata.name!);
    if (!cur) return;
    const rest = (cur.metadata.finalizers ?? []).filter((x) => x !== f);
    this.tryPatch(reg, { r: e.r, o: cur }, { metadata: { finalizers: rest.length ? rest : null, resourceVersion: cur.metadata.resourceVersion } });
  }
}
