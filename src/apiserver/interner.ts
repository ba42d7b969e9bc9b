// Sharing identical sub-objects between stored objects. A Deployment's 1,000 pods carry the same
// containers, tolerations, labels and owner reference; holding them once saves most of a pod's
// memory. Safe because stored objects are never mutated in place (every write builds new objects).
import type { Pod } from '../api/types.js';

/** The most distinct parts remembered (a bounded cache: it is cleared when full). */
const MAX_ENTRIES = 20_000;

export class Interner {
  private seen = new Map<string, unknown>();

  /** The canonical instance of a JSON-equal value. */
  intern<T>(value: T): T {
    if (value === undefined || value === null || typeof value !== 'object') return value;
    const key = JSON.stringify(value);
    const hit = this.seen.get(key);
    if (hit !== undefined) return hit as T;
    if (this.seen.size >= MAX_ENTRIES) this.seen.clear();
    this.seen.set(key, value);
    return value;
  }

  /** Replaces a new pod's template-made parts with shared instances. */
  pod(o: Pod): void {
    const m = o.metadata;
    if (m.labels) m.labels = this.intern(m.labels);
    if (m.ownerReferences) m.ownerReferences = this.intern(m.ownerReferences);
    if (!o.spec || typeof o.spec !== 'object') return;
    // Field by field as plain JSON: each part is replaced by an equal one.
    const s: Record<string, unknown> = o.spec;
    for (const k of ['containers', 'initContainers', 'tolerations', 'volumes', 'securityContext', 'affinity', 'nodeSelector', 'dnsConfig']) {
      if (s[k] !== undefined) s[k] = this.intern(s[k]);
    }
  }
}
