// The store's change log: committed changes in revision order, from the compaction point on, and
// the listeners told of each committed transaction. What watches and keyed controllers read; a
// second backend (etcd's watch) would replace it.
import type { KubeObject } from '../api/types.js';

/** One committed change, as the watch machinery sees it. */
export interface Change {
  rev: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  resource: string;
  namespace: string;
  name: string;
  object: KubeObject;
  /** The version the change replaced (its informer's old object); none for an add or a cold resource. */
  prev?: KubeObject;
  /**
   * Its place in this process's sequence of changes (the store's cursor), when that is not `rev`:
   * over etcd, one transaction's writes share a revision but each has its own place.
   */
  seq?: number;
}

/** A change's place in the sequence: `seq`, or its revision. */
const placeOf = (c: Change): number => c.seq ?? c.rev;

export type Listener = (changes: Change[]) => void;

/** Thrown by `since` for a revision the log no longer reaches back to. */
export class CompactedError extends Error {}

/** Committed changes after `compacted`, oldest first, bounded; and who listens to new ones. */
export class ChangeLog {
  private entries: Change[] = [];
  private compactedRev = 0;
  private compactedPlace = 0;
  private listeners = new Set<Listener>();

  constructor(private readonly max: number) {}

  /** The revision up to which entries were dropped. */
  get compacted(): number {
    return this.compactedRev;
  }

  /** Starts the log at `rev` (a reopened store: the changes before it are gone). */
  startAt(rev: number, place = rev): void {
    this.entries = [];
    this.compactedRev = rev;
    this.compactedPlace = place;
  }

  /** Appends a committed transaction's changes, compacts past the bound, and tells the listeners. */
  append(changes: Change[]): void {
    if (changes.length === 0) return;
    for (const c of changes) this.entries.push(c);
    // Compacted in steps of a quarter, so a busy log is not copied on every commit.
    if (this.entries.length > this.max * 1.25) this.compact(this.entries[this.entries.length - this.max - 1].rev, Infinity);
    for (const l of this.listeners) l(changes);
  }

  /** Changes after `rev`, oldest first; CompactedError if the log no longer reaches back that far. */
  since(rev: number): Change[] {
    if (rev < this.compactedRev) throw new CompactedError(`too old resource version: ${rev} (${this.compactedRev + 1})`);
    return this.entries.slice(this.firstAfter(rev));
  }

  /** Changes after sequence place `place` (a cursor), oldest first; CompactedError as `since`. */
  after(place: number): Change[] {
    if (place < this.compactedPlace) throw new CompactedError(`too old cursor: ${place} (${this.compactedPlace + 1})`);
    return this.entries.slice(this.firstAfter(place, placeOf));
  }

  /** Drops entries up to and including `rev` (no further than `current`, the store's revision). */
  compact(rev: number, current: number): void {
    const upTo = Math.min(rev, current);
    if (upTo <= this.compactedRev) return;
    const first = this.firstAfter(upTo);
    if (first > 0) this.compactedPlace = placeOf(this.entries[first - 1]);
    this.entries = this.entries.slice(first);
    this.compactedRev = upTo;
  }

  /** Calls `listener` with each committed transaction's changes. Returns an unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Index of the first entry whose revision (or place) is above `rev` (binary search: the log is in order of both). */
  private firstAfter(rev: number, of: (c: Change) => number = (c) => c.rev): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (of(this.entries[mid]) <= rev) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
