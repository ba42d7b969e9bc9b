// The store's objects in memory, by resource, then namespace, then name. Lookups build no key
// string (a concatenated `namespace/name` key is a new string to allocate and hash on every read,
// which at a few million reads a run was the store's largest cost), and one namespace's objects
// are found without scanning the others.
import type { KubeObject } from '../api/types.js';

interface Bucket {
  size: number;
  namespaces: Map<string, Map<string, KubeObject>>;
}

export class ObjectIndex {
  private resources = new Map<string, Bucket>();

  get(resource: string, namespace: string, name: string): KubeObject | undefined {
    return this.resources.get(resource)?.namespaces.get(namespace)?.get(name);
  }

  set(resource: string, namespace: string, name: string, obj: KubeObject): void {
    let b = this.resources.get(resource);
    if (!b) this.resources.set(resource, (b = { size: 0, namespaces: new Map() }));
    let ns = b.namespaces.get(namespace);
    if (!ns) b.namespaces.set(namespace, (ns = new Map()));
    const before = ns.size;
    ns.set(name, obj);
    b.size += ns.size - before;
  }

  delete(resource: string, namespace: string, name: string): void {
    const b = this.resources.get(resource);
    const ns = b?.namespaces.get(namespace);
    if (!b || !ns || !ns.delete(name)) return;
    b.size--;
    if (ns.size === 0) b.namespaces.delete(namespace);
  }

  /** How many objects a resource has. */
  size(resource: string): number {
    return this.resources.get(resource)?.size ?? 0;
  }

  /** A resource's objects, all namespaces (namespace undefined) or one, in no particular order. */
  *values(resource: string, namespace?: string): IterableIterator<KubeObject> {
    const b = this.resources.get(resource);
    if (!b) return;
    if (namespace !== undefined) {
      const ns = b.namespaces.get(namespace);
      if (ns) yield* ns.values();
      return;
    }
    for (const ns of b.namespaces.values()) yield* ns.values();
  }
}
