// The store: Kubernetes objects in SQLite (our etcd). One revision counter for the whole store;
// every write bumps it and the object's metadata.resourceVersion is that revision. Updates and
// deletes are compare-and-swap on it. A change log serves watches and is compacted.
//
// Objects are also held in memory (parsed), so reads never touch SQLite; SQLite is the durable
// copy. Every write runs inside a transaction; on failure both SQLite and memory roll back, and
// watchers hear of a change only after its transaction commits.
//
// The change log lives in memory (references to the stored objects, no copies): a restart
// compacts it all, so a watch from before the restart gets 410 Gone and re-lists, as after an
// etcd compaction. Cold resources (Events) are the exception to holding everything in memory:
// they are many (four or five per pod) and rarely read, so they live in SQLite only and reads go
// there; a restart forgets them, as it always has (they expire in Kubernetes too).
import Database from 'better-sqlite3';
import type { KubeObject } from '../api/types.js';
import { type Change, ChangeLog, CompactedError, type Listener } from './change-log.js';
import { Checkpointer } from './checkpointer.js';
import { KeyFilter } from './key-filter.js';
import { ObjectIndex } from './object-index.js';
import type { ObjectStore, Unchanged } from './backend.js';

export type { Change } from './change-log.js';

/** The kinds of store failure the apiserver turns into Status errors. */
export type StoreErrorCode = 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Compacted' | 'Unavailable';

/** A failed store operation. */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

// ---- what both backends check the same way ----

/** The stored object a write replaces: NotFound when there is none, Conflict when `expectedRv` is given and differs. */
export function replaced(cur: KubeObject | undefined, expectedRv: string | undefined): KubeObject {
  if (!cur) throw new StoreError('NotFound', 'not found');
  if (expectedRv !== undefined && expectedRv !== cur.metadata.resourceVersion) throw new StoreError('Conflict', 'the object has been modified');
  return cur;
}

/** Conflict unless every object a transaction requires unchanged is still at its resourceVersion. */
export function checkUnchanged(get: (resource: string, namespace: string, name: string) => KubeObject | undefined, guards: readonly Unchanged[]): void {
  for (const g of guards) {
    if (get(g.resource, g.namespace, g.name)?.metadata.resourceVersion !== g.resourceVersion) throw new StoreError('Conflict', `${g.resource} ${g.namespace}/${g.name} has changed`);
  }
}

/** Key order: namespace, then name (a list's order). */
export function inKeyOrder(a: KubeObject, c: KubeObject): number {
  const an = a.metadata.namespace ?? '';
  const cn = c.metadata.namespace ?? '';
  if (an !== cn) return an < cn ? -1 : 1;
  return a.metadata.name! < c.metadata.name! ? -1 : a.metadata.name! > c.metadata.name! ? 1 : 0;
}

/** A read of the change log, with history it no longer has as StoreError Compacted. */
export function fromLog<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof CompactedError) throw new StoreError('Compacted', e.message);
    throw e;
  }
}

/**
 * How to undo one write of a failed transaction. Objects are read back from SQLite (whose
 * transaction rolled back), so a big transaction does not keep every object's previous version
 * alive.
 */
interface Undo {
  resource: string;
  ns: string;
  name: string;
  /**
   * Inside a savepoint (see Store.savepoint): the pending SQLite write before this write, if the
   * transaction had written the object already (its previous version is that write's object);
   * otherwise the previous version is what SQLite holds.
   */
  unit?: { dirty: Dirty | undefined };
  /** In a store that is not durable: the version before this write, kept in memory only. */
  prev?: KubeObject;
}

interface Dirty {
  resource: string;
  ns: string;
  name: string;
  rev: number;
  obj: KubeObject | undefined;
}

const keyOf = (namespace: string, name: string) => `${namespace}/${name}`;
/** The key of an object across resources: the open transaction's writes and the cold-key filter use it. */
const dirtyKeyOf = (resource: string, key: string) => `${resource}\u0000${key}`;

/** SQLite's order of the objects table's key (resource, namespace, name). */
const byKey = (a: Dirty, b: Dirty): number => (a.resource !== b.resource ? (a.resource < b.resource ? -1 : 1) : a.ns !== b.ns ? (a.ns < b.ns ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** How many changes the in-memory log keeps at most (older ones are compacted). */
export const MAX_CHANGE_LOG = 50_000;

/** Kubernetes objects in SQLite with an in-memory index. */
export class Store implements ObjectStore {
  private db: Database.Database;
  private checkpointer?: Checkpointer;
  /** Committed changes, from the compaction point on, and their listeners. */
  private log: ChangeLog;
  private cold: Set<string>;
  /** Keys of cold objects ever written (`resource\0ns/name`): a miss needs no SQLite query. */
  private coldKeys = new KeyFilter();
  /** Writes of the open transaction, latest per object (by dirtyKeyOf): written to SQLite once, at commit. */
  private dirty = new Map<string, Dirty>();
  private unitDepth = 0;
  private ownership = 0;
  private rewinds = 0;
  private objects = new ObjectIndex();
  private rev = 0;
  private durable: boolean;
  /** Writes (and undone writes) per resource, for caches derived from a resource's objects. */
  private writeCounts = new Map<string, number>();
  private depth = 0;
  private undo: Undo[] = [];
  private pending: Change[] = [];
  private revBefore = 0;
  private stmts: {
    upsert: Database.Statement;
    remove: Database.Statement;
    read: Database.Statement;
    setMeta: Database.Statement;
    cold: { upsert: Database.Statement; remove: Database.Statement; read: Database.Statement; listAll: Database.Statement; listNamespace: Database.Statement };
  };

  /**
   * Opens (or creates) the store at a file path, or in memory for `:memory:`. `cold` resources
   * are not held in memory. `durable: false` (a throwaway cluster: `minikctl check`) keeps the
   * other resources in memory only, never serialised to SQLite; only cold ones go there.
   */
  constructor(path: string, opts: { cold?: string[]; maxChangeLog?: number; durable?: boolean } = {}) {
    this.durable = opts.durable ?? true;
    this.cold = new Set(opts.cold ?? ['events']);
    this.log = new ChangeLog(opts.maxChangeLog ?? MAX_CHANGE_LOG);
    this.db = new Database(path);
    if (path !== ':memory:') {
      // A new database gets 16 KiB pages: a pod (about 2 KiB of JSON) then fits in its B-tree
      // page instead of spilling into an overflow page (no effect on an existing database).
      this.db.pragma('page_size = 16384');
      this.db.pragma('journal_mode = WAL');
      // NORMAL keeps every committed transaction across a process crash (kill -9); only a power
      // loss could lose the last ones, as with etcd's batched fsync.
      this.db.pragma('synchronous = NORMAL');
    }
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS objects (
        resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
        rv INTEGER NOT NULL, data TEXT NOT NULL,
        PRIMARY KEY (resource, namespace, name)) WITHOUT ROWID;
      DROP TABLE IF EXISTS changes;
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      -- Cold objects do not outlive the daemon. Rows go in arrival order (a rowid table: new
      -- Events append instead of splitting pages all over a key-ordered table); a small index
      -- finds them by key.
      DROP TABLE IF EXISTS cold_objects;
      CREATE TABLE cold_objects (
        id INTEGER PRIMARY KEY, resource TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
        rv INTEGER NOT NULL, data TEXT NOT NULL);
      CREATE UNIQUE INDEX cold_objects_key ON cold_objects (resource, namespace, name);
    `);
    if (path !== ':memory:') {
      // The log is copied into the database file by a worker thread, not inside COMMIT. If the
      // worker cannot run, COMMIT checkpoints again, as SQLite does by default.
      const inline = () => {
        this.checkpointer = undefined;
        if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
      };
      try {
        this.checkpointer = new Checkpointer(path, inline);
        this.db.pragma('wal_autocheckpoint = 0');
      } catch {
        inline();
      }
    }
    this.stmts = {
      upsert: this.db.prepare('INSERT OR REPLACE INTO objects (resource, namespace, name, rv, data) VALUES (?, ?, ?, ?, ?)'),
      remove: this.db.prepare('DELETE FROM objects WHERE resource = ? AND namespace = ? AND name = ?'),
      read: this.db.prepare('SELECT data FROM objects WHERE resource = ? AND namespace = ? AND name = ?'),
      setMeta: this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)'),
      cold: {
        upsert: this.db.prepare('INSERT INTO cold_objects (resource, namespace, name, rv, data) VALUES (?, ?, ?, ?, ?) ON CONFLICT (resource, namespace, name) DO UPDATE SET rv = excluded.rv, data = excluded.data'),
        remove: this.db.prepare('DELETE FROM cold_objects WHERE resource = ? AND namespace = ? AND name = ?'),
        read: this.db.prepare('SELECT data FROM cold_objects WHERE resource = ? AND namespace = ? AND name = ?'),
        listAll: this.db.prepare('SELECT data FROM cold_objects WHERE resource = ?'),
        listNamespace: this.db.prepare('SELECT data FROM cold_objects WHERE resource = ? AND namespace = ?'),
      },
    };
    this.load();
  }

  private load(): void {
    for (const row of this.db.prepare('SELECT resource, namespace, name, data FROM objects').iterate() as Iterable<{ resource: string; namespace: string; name: string; data: string }>) {
      this.objects.set(row.resource, row.namespace, row.name, JSON.parse(row.data));
    }
    const maxObj = (this.db.prepare('SELECT max(rv) AS m FROM objects').get() as { m: number | null }).m ?? 0;
    // The revision survives a restart even when its newest writes were deletes or forgotten cold objects.
    const meta = this.db.prepare("SELECT value FROM meta WHERE key = 'revision'").get() as { value: string } | undefined;
    this.rev = Math.max(maxObj, meta ? Number(meta.value) : 0);
    // The change log does not survive: everything before now is compacted.
    this.log.startAt(this.rev);
  }

  /** The current revision: the resourceVersion of the newest write. */
  get revision(): number {
    return this.rev;
  }

  /**
   * Moves whenever something the garbage collector cares about may have changed: an object
   * deleted, marked for deletion, or written with ownerReferences.
   */
  get ownershipEpoch(): number {
    return this.ownership;
  }

  /**
   * Moves whenever writes are undone (a failed transaction or savepoint): revisions after the
   * undo point are then given again to other writes, so a reader of changes must start over.
   */
  get rewindCount(): number {
    return this.rewinds;
  }

  /** The position in the sequence of changes: the revision (each write has its own). */
  get cursor(): number {
    return this.rev;
  }

  /** The newest revision that is no longer in the change log. */
  get compacted(): number {
    return this.log.compacted;
  }

  /** One object, or undefined. The returned object must not be mutated. */
  get(resource: string, namespace: string, name: string): KubeObject | undefined {
    if (!this.cold.has(resource)) return this.objects.get(resource, namespace, name);
    const dk = dirtyKeyOf(resource, keyOf(namespace, name));
    if (!this.coldKeys.mayHave(dk)) return undefined;
    const d = this.dirty.get(dk);
    if (d) return d.obj;
    const row = this.stmts.cold.read.get(resource, namespace, name) as { data: string } | undefined;
    return row ? JSON.parse(row.data) : undefined;
  }

  /** A cold resource's objects: SQLite's, with the open transaction's writes over them. */
  private coldObjects(resource: string, namespace?: string): KubeObject[] {
    const rows = (namespace === undefined ? this.stmts.cold.listAll.all(resource) : this.stmts.cold.listNamespace.all(resource, namespace)) as { data: string }[];
    const pending = [...this.dirty.values()].filter((d) => d.resource === resource && (namespace === undefined || d.ns === namespace));
    const out = rows.map((r) => JSON.parse(r.data) as KubeObject);
    if (pending.length === 0) return out;
    const byKey = new Map(out.map((o) => [keyOf(o.metadata.namespace ?? '', o.metadata.name!), o]));
    for (const d of pending) {
      if (d.obj) byKey.set(keyOf(d.ns, d.name), d.obj);
      else byKey.delete(keyOf(d.ns, d.name));
    }
    return [...byKey.values()];
  }

  /** Objects of a resource, in one namespace or all (namespace undefined), ordered by namespace then name. */
  list(resource: string, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    if (this.cold.has(resource)) out.push(...this.coldObjects(resource, namespace));
    else for (const o of this.objects.values(resource, namespace)) out.push(o);
    return out.sort(inKeyOrder);
  }

  /** Objects of a resource (all namespaces, or one) in creation order (cheap: for controllers that scan). */
  values(resource: string, namespace?: string): IterableIterator<KubeObject> {
    if (this.cold.has(resource)) return this.coldObjects(resource, namespace)[Symbol.iterator]();
    return this.objects.values(resource, namespace);
  }

  /**
   * A number that changes with every write to a resource, and every undo of one: a cache derived
   * from a resource's objects (the Services' allocated IPs) is current while it has not moved.
   */
  writeCount(resource: string): number {
    return this.writeCounts.get(resource) ?? 0;
  }

  /** Undoes a write in a store that is not durable: memory gets back the version it replaced. */
  private restorePrevious(u: Undo): void {
    if (u.prev) this.objects.set(u.resource, u.ns, u.name, u.prev);
    else this.objects.delete(u.resource, u.ns, u.name);
  }

  private bump(resource: string): void {
    this.writeCounts.set(resource, (this.writeCounts.get(resource) ?? 0) + 1);
  }

  /** Number of objects of a resource (cheap, except for cold ones). */
  count(resource: string): number {
    if (this.cold.has(resource)) return this.coldObjects(resource).length;
    return this.objects.size(resource);
  }

  /** Runs `fn` in one transaction: all its writes commit together or not at all. Nested calls join the outer one. */
  transaction<T>(fn: () => T, opts: { unchanged?: Unchanged[] } = {}): T {
    if (this.depth > 0) {
      this.depth++;
      try {
        return fn();
      } finally {
        this.depth--;
      }
    }
    checkUnchanged((r, ns, n) => this.get(r, ns, n), opts.unchanged ?? []);
    this.depth = 1;
    this.revBefore = this.rev;
    this.db.exec('BEGIN');
    let result: T;
    try {
      result = fn();
      // An object written several times in one transaction (created, bound, started) is
      // serialised and stored once, in key order: neighbouring rows share B-tree pages, so a
      // large transaction touches each page once instead of once per row.
      const rows = [...this.dirty.values()].sort(byKey);
      for (const d of rows) {
        const st = this.cold.has(d.resource) ? this.stmts.cold : this.stmts;
        if (d.obj) st.upsert.run(d.resource, d.ns, d.name, d.rev, JSON.stringify(d.obj));
        else st.remove.run(d.resource, d.ns, d.name);
      }
      this.dirty.clear();
      if (this.rev !== this.revBefore) this.stmts.setMeta.run('revision', String(this.rev));
      this.db.exec('COMMIT');
      this.checkpointer?.committed();
    } catch (e) {
      this.dirty.clear();
      this.db.exec('ROLLBACK');
      for (let i = this.undo.length - 1; i >= 0; i--) {
        const u = this.undo[i];
        this.bump(u.resource);
        if (this.cold.has(u.resource)) continue; // nothing in memory
        if (!this.durable) {
          this.restorePrevious(u);
          continue;
        }
        const row = this.stmts.read.get(u.resource, u.ns, u.name) as { data: string } | undefined;
        if (row) this.objects.set(u.resource, u.ns, u.name, JSON.parse(row.data));
        else this.objects.delete(u.resource, u.ns, u.name);
      }
      this.rev = this.revBefore;
      this.rewinds++;
      this.undo = [];
      this.pending = [];
      this.depth = 0;
      throw e;
    }
    this.depth = 0;
    this.undo = [];
    const changes = this.pending;
    this.pending = [];
    this.log.append(changes);
    return result;
  }

  /**
   * Inside a transaction, a savepoint: runs `fn` so that if it throws, only its own writes are
   * undone (the transaction goes on and commits the rest). SQLite is written once, when the
   * transaction commits: a control-loop tick is one transaction, and an object several components
   * wrote in it (bound, then accepted by its kubelet) is stored once. Outside a transaction it is
   * one.
   */
  savepoint<T>(fn: () => T): T {
    if (this.depth === 0) return this.transaction(fn);
    const undoMark = this.undo.length;
    const pendingMark = this.pending.length;
    const revMark = this.rev;
    this.unitDepth++;
    let ok = false;
    try {
      const result = fn();
      ok = true;
      return result;
    } finally {
      this.unitDepth--;
      if (!ok) {
        for (let i = this.undo.length - 1; i >= undoMark; i--) {
          const u = this.undo[i];
          this.bump(u.resource);
          if (!this.durable && !this.cold.has(u.resource)) {
            this.restorePrevious(u);
            continue;
          }
          if (!this.cold.has(u.resource)) {
            let before: KubeObject | undefined;
            if (u.unit?.dirty) before = u.unit.dirty.obj;
            else {
              const row = this.stmts.read.get(u.resource, u.ns, u.name) as { data: string } | undefined;
              before = row ? JSON.parse(row.data) : undefined;
            }
            if (before !== undefined) this.objects.set(u.resource, u.ns, u.name, before);
            else this.objects.delete(u.resource, u.ns, u.name);
          }
          const dk = dirtyKeyOf(u.resource, keyOf(u.ns, u.name));
          if (u.unit?.dirty) this.dirty.set(dk, u.unit.dirty);
          else this.dirty.delete(dk);
        }
        this.undo.length = undoMark;
        this.pending.length = pendingMark;
        this.rev = revMark;
        this.rewinds++;
      } else if (this.unitDepth === 0) {
        // Committed to the transaction: the savepoint's copies are no longer needed.
        for (let i = undoMark; i < this.undo.length; i++) delete this.undo[i].unit;
      }
    }
  }

  private write(type: Change['type'], resource: string, obj: KubeObject): KubeObject {
    this.bump(resource);
    return this.transaction(() => {
      const ns = obj.metadata.namespace ?? '';
      const name = obj.metadata.name!;
      const rev = ++this.rev;
      const stored: KubeObject = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } };
      if (type === 'DELETED' || obj.metadata.deletionTimestamp || (type === 'ADDED' && obj.metadata.ownerReferences?.length)) this.ownership++;
      const cold = this.cold.has(resource);
      // The version this write replaces (cold objects are not read back for it).
      const prev = cold ? undefined : this.objects.get(resource, ns, name);
      if (!this.durable && !cold) {
        // Memory is the only copy: undo restores the version this write replaces.
        this.undo.push({ resource, ns, name, prev });
      } else {
        const dk = dirtyKeyOf(resource, keyOf(ns, name));
        this.undo.push(this.unitDepth > 0 ? { resource, ns, name, unit: { dirty: this.dirty.get(dk) } } : { resource, ns, name });
        this.dirty.set(dk, { resource, ns, name, rev, obj: type === 'DELETED' ? undefined : stored });
        if (cold) this.coldKeys.add(dk);
      }
      if (!cold) {
        if (type === 'DELETED') this.objects.delete(resource, ns, name);
        else this.objects.set(resource, ns, name, stored);
      }
      this.pending.push({ rev, type, resource, namespace: ns, name, object: stored, prev });
      return stored;
    });
  }

  /** Stores a new object; fails with AlreadyExists if one has that name. */
  create(resource: string, obj: KubeObject): KubeObject {
    if (this.get(resource, obj.metadata.namespace ?? '', obj.metadata.name!)) throw new StoreError('AlreadyExists', 'already exists');
    return this.write('ADDED', resource, obj);
  }

  /**
   * Replaces an object. When `expectedRv` is given it must equal the stored resourceVersion
   * (compare-and-swap), else Conflict.
   */
  update(resource: string, obj: KubeObject, expectedRv?: string): KubeObject {
    replaced(this.get(resource, obj.metadata.namespace ?? '', obj.metadata.name!), expectedRv);
    return this.write('MODIFIED', resource, obj);
  }

  /** Removes an object and returns its final state (with the deletion's revision). */
  delete(resource: string, namespace: string, name: string, expectedRv?: string): KubeObject {
    return this.write('DELETED', resource, replaced(this.get(resource, namespace, name), expectedRv));
  }

  /** Committed changes after `rev`, oldest first; Compacted if the log no longer reaches back that far. */
  changesSince(rev: number): Change[] {
    return fromLog(() => this.log.since(rev));
  }

  /**
   * Changes after `rev`, oldest first, the open transaction's writes (not committed yet) included:
   * what a component running inside the control loop's transaction has not seen. Compacted if
   * the log no longer reaches back that far.
   */
  changesAfter(rev: number): Change[] {
    const committed = this.changesSince(rev);
    if (this.pending.length === 0) return committed;
    let i = 0;
    while (i < this.pending.length && this.pending[i].rev <= rev) i++;
    return i === this.pending.length ? committed : committed.concat(this.pending.slice(i));
  }

  /** Drops change-log entries up to and including `rev` (watches from before it then get 410 Gone). */
  compact(rev: number): void {
    this.log.compact(rev, this.rev);
  }

  /** Calls `listener` with each committed transaction's changes. Returns an unsubscribe function. */
  subscribe(listener: Listener): () => void {
    return this.log.subscribe(listener);
  }

  /** Every transaction commits as it ends: nothing waits for a flush. */
  flush(): void {}

  settled(): Promise<void> | undefined {
    return undefined;
  }

  /** Resolves when the background checkpointer has nothing running or pending. */
  checkpointed(): Promise<void> {
    return this.checkpointer?.idle() ?? Promise.resolve();
  }

  /** Closes the database (checkpointing the WAL). */
  close(): void {
    this.checkpointer?.close();
    this.db.close();
  }
}
