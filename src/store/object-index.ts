// The store's objects in memory, by resource, then namespace, then name. Lookups build no key
// string (a concatenated `namespace/name` key is a new string to allocate and hash on every read,
// which at a few million reads a run was the store's largest cost), and one namespace's objects
// are found without scanning the others. A resource's objects iterate in creation order (an
// update keeps an object's place), as the scheduler's queue expects.
import type { KubeObject } from '../api/types.js';

/** One object's slot: an update replaces `obj` in place. */
interface Slot {
  obj: KubeObject;
}

interface Bucket {
  /** Every slot of the resource, in creation order. */
  order: Set<Slot>;
  namespaces: Map<string, Map<string, Slot>>;
}

export class ObjectIndex {
  private resources = new Map<string, Bucket>();

  get(resource: string, namespace: string, name: string): KubeObject | undefined {
    return this.resources.get(resource)?.namespaces.get(namespace)?.get(name)?.obj;
  }

  set(resource: string, namespace: string, name: string, obj: KubeObject): void {
    let b = this.resources.get(resource);
    if (!b) this.resources.set(resource, (b = { order: new Set(), namespaces: new Map() }));
    let ns = b.namespaces.get(namespace);
    if (!ns) b.namespaces.set(namespace, (ns = new Map()));
    const slot = ns.get(name);
    if (slot) slot.obj = obj;
    else {
      const fresh = { obj };
      ns.set(name, fresh);
      b.order.add(fresh);
    }
  }

  delete(resource: string, namespace: string, name: string): void {
    const b = this.resources.get(resource);
    const ns = b?.namespaces.get(namespace);
    const slot = ns?.get(name);
    if (!b || !ns || !slot) return;
    ns.delete(name);
    b.order.delete(slot);
    if (ns.size === 0) b.namespaces.delete(namespace);
  }

  /** How many objects a resource has. */
  size(resource: string): number {
    return this.resources.get(resource)?.order.size ?? 0;
  }

  /** A resource's objects, all namespaces (namespace undefined) or one, in creation order. */
  *values(resource: string, namespace?: string): IterableIterator<KubeObject> {
    const b = this.resources.get(resource);
    if (!b) return;
    const slots = namespace === undefined ? b.order : b.namespaces.get(namespace)?.values();
    if (slots) for (const s of slots) yield s.obj;
  }
}
