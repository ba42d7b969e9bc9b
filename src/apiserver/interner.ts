// Sharing identical sub-objects between stored objects. A Deployment's 1,000 pods carry the same
// containers, tolerations, labels and owner reference; holding them once saves most of a pod's
// memory. Safe because stored objects are never mutated in place (every write builds new objects).
import type { Container, Pod, Volume } from '../api/types.js';
import { TOKEN_VOLUME_PREFIX } from './admission/service-account.js';

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
    for (const k of ['tolerations', 'securityContext', 'affinity', 'nodeSelector', 'dnsConfig']) {
      if (s[k] !== undefined) s[k] = this.intern(s[k]);
    }
    // The service account token volume's name is random per pod (kube-api-access-xxxxx), and every
    // container mounts it: below it, the parts are shared, and the pod's own name is not
    // remembered (150,000 unique entries would only flush the cache).
    const token = Array.isArray(s.volumes) ? (s.volumes as Volume[]).find((v) => v?.name?.startsWith?.(TOKEN_VOLUME_PREFIX))?.name : undefined;
    if (token === undefined) {
      for (const k of ['containers', 'initContainers', 'volumes']) if (s[k] !== undefined) s[k] = this.intern(s[k]);
      return;
    }
    s.volumes = (s.volumes as Volume[]).map((v) => (v?.name === token ? { ...v, projected: this.intern(v.projected) } : this.intern(v)));
    for (const k of ['containers', 'initContainers']) {
      if (Array.isArray(s[k])) s[k] = (s[k] as Container[]).map((c) => this.container(c, token));
    }
  }

  /** A container whose mounts name the pod's token volume: each other part shared. */
  private container(c: Container, token: string): Container {
    if (!c || typeof c !== 'object' || !Array.isArray(c.volumeMounts) || !c.volumeMounts.some((m) => m?.name === token)) return this.intern(c);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(c)) {
      out[k] = k === 'volumeMounts' ? c.volumeMounts.map((m) => (m?.name === token ? m : this.intern(m))) : this.intern(v);
    }
    return out as Container;
  }
}
