// Objects by namespace and by each of their labels, so matching thousands of selectors against
// thousands of objects stays linear: a selector's candidates are the objects that carry its
// first label (or, for an empty one, the namespace's objects); callers then match in full.
import { pushTo } from './collections.js';

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
}
