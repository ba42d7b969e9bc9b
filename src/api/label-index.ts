// Objects by namespace and by each of their labels, so matching thousands of selectors against
// thousands of objects stays linear: a selector's candidates are the objects that carry its
// first label (or, for an empty one, the namespace's objects); callers then match in full.
import { pushTo } from './collections.js';
import type { Selector } from './labels.js';

/** An index of items by namespace and label. */
export class LabelIndex<T> {
  private byNamespace = new Map<string, T[]>();
  private byLabel = new Map<string, T[]>();

  /** Adds an item with its namespace and labels. */
  add(namespace: string, labels: Record<string, string> | undefined, item: T): void {
    pushTo(this.byNamespace, namespace, item);
    for (const [k, v] of Object.entries(labels ?? {})) pushTo(this.byLabel, `${namespace}\u0000${k}\u0000${v}`, item);
  }

  /** The items of the namespace that may match `selector` (a map of labels): a superset of the matches. */
  candidates(namespace: string, selector: Record<string, string>): T[] {
    const first = Object.entries(selector)[0];
    if (!first) return this.byNamespace.get(namespace) ?? [];
    return this.byLabel.get(`${namespace}\u0000${first[0]}\u0000${first[1]}`) ?? [];
  }

  /**
   * The items of the namespace that may match a parsed selector: those carrying the value of its
   * most selective equality (or `in`) requirement, else all of the namespace's. Callers match in full.
   */
  candidatesFor(namespace: string, selector: Selector): T[] {
    let best: T[] | undefined;
    for (const r of selector) {
      if (r.op !== '=' && r.op !== 'in') continue;
      let found: T[];
      if (r.values.length === 1) found = this.byLabel.get(`${namespace}\u0000${r.key}\u0000${r.values[0]}`) ?? [];
      else found = r.values.flatMap((v) => this.byLabel.get(`${namespace}\u0000${r.key}\u0000${v}`) ?? []);
      if (!best || found.length < best.length) best = found;
      if (best.length === 0) break;
    }
    return best ?? this.byNamespace.get(namespace) ?? [];
  }

  /** The namespaces that have items. */
  namespaces(): IterableIterator<string> {
    return this.byNamespace.keys();
  }
}
