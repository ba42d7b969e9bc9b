// The contract between the registry and its store: what a second backend (etcd, issue 17) must
// implement, and all the registry may ask. Store (SQLite) implements it; StoreError, Change and
// the semantics below are the backend-neutral part. Resources are keyed by their qualified
// plural (`pods`, `deployments.apps`), objects by namespace ('' for cluster-scoped) and name.
import type { KubeObject } from '../api/types.js';
import type { Change, StoreErrorCode } from './store.js';

export type { Change, StoreErrorCode };

/** An object a transaction requires to be unchanged (at this resourceVersion) when it commits. */
export interface Unchanged {
  resource: string;
  namespace: string;
  name: string;
  resourceVersion: string;
}

export interface ObjectStore {
  /** The store's revision: every write bumps it, and the written object's resourceVersion is it. */
  readonly revision: number;
  /**
   * This process's position in its sequence of changes: moves with every change, its own and
   * (over etcd) other daemons'. Control-loop components read changes after a cursor. Over SQLite
   * it is the revision; over etcd one transaction's writes share a revision but not a cursor.
   */
  readonly cursor: number;
  /** Changes up to this revision are gone from the change log (a watch from before: 410 Gone). */
  readonly compacted: number;
  /** Moves when ownership (owner references, deletions) may have changed: the garbage collector's cue. */
  readonly ownershipEpoch: number;
  /** Moves when a transaction is undone: change feeds must resync. */
  readonly rewindCount: number;

  get(resource: string, namespace: string, name: string): KubeObject | undefined;
  /** The objects of a resource (or of one namespace) in key order (namespace, then name). */
  list(resource: string, namespace?: string): KubeObject[];
  /** The same objects in creation order, without copying (readers must not mutate them). */
  values(resource: string, namespace?: string): Iterable<KubeObject>;
  count(resource: string): number;
  /** Moves on every write to the resource: a cheap "has it changed since I looked". */
  writeCount(resource: string): number;

  /** Stores a new object with the next revision; StoreError AlreadyExists when it exists. */
  create(resource: string, obj: KubeObject): KubeObject;
  /** Replaces an object (compare-and-swap on `expectedRv` when given); NotFound, Conflict. */
  update(resource: string, obj: KubeObject, expectedRv?: string): KubeObject;
  /** Removes an object, returning it with the deletion's revision; NotFound, Conflict. */
  delete(resource: string, namespace: string, name: string, expectedRv?: string): KubeObject;

  /**
   * Runs `fn` as one transaction: all its writes or none; watchers hear of them after commit.
   * `unchanged`: objects that must still be at the given resourceVersion when it commits, or it
   * fails with Conflict (the control loop's fence: its leader's Lease). Over etcd a transaction
   * can also fail at commit: Conflict (another daemon wrote an object first), AlreadyExists, or
   * Unavailable (etcd did not answer).
   */
  transaction<T>(fn: () => T, opts?: { unchanged?: Unchanged[] }): T;
  /**
   * A store that commits in batches (etcd with group commit): sends what waits now; throws what
   * the commit threw. A no-op for a store whose transactions commit as they end.
   */
  flush(): void;
  /** Resolves when the writes so far are committed (rejects if they failed); undefined when nothing waits. */
  settled(): Promise<void> | undefined;
  /** Inside a transaction: `fn`'s writes are undone alone if it throws. */
  savepoint<T>(fn: () => T): T;

  /** Committed changes after `rev`, oldest first; StoreError Compacted when `rev` is compacted. */
  changesSince(rev: number): Change[];
  /** Changes after `cursor` including the open transaction's (not committed yet); Compacted as changesSince. */
  changesAfter(cursor: number): Change[];
  /** Forgets changes up to `rev`. */
  compact(rev: number): void;
  /** Calls `listener` with each committed batch of changes; returns the unsubscribe function. */
  subscribe(listener: (changes: Change[]) => void): () => void;
  /** Closes the store (SQLite: checkpoints; etcd: ends the client). */
  close(): void | Promise<void>;
}
