// The store on etcd v3 (issue 17): several daemons share one etcd. Each daemon keeps every object
// in memory (its watch cache, as kube-apiserver's), fed by a watch of `/registry/`; reads never
// go to etcd. Writes do, synchronously (etcd-bridge.ts):
//
// - A store transaction's writes are applied in memory at once (with provisional
//   resourceVersions, so the transaction reads its own writes) and sent to etcd when it ends, as
//   one etcd transaction that compares every written key's mod revision with the one this daemon
//   saw (0: the key must not exist) and then puts or deletes them all. If another daemon wrote one
//   of them first the comparison fails: the writes are undone here and the transaction fails
//   with Conflict (409), as kube-apiserver's GuaranteedUpdate does.
// - resourceVersion is etcd's mod revision. All writes of one etcd transaction share it (one
//   revision per etcd transaction); a store transaction over etcd's 128-operation or request-size
//   limits is sent in several, each atomic, in the order of its writes.
// - Before its own writes are published to this daemon's watchers, the other daemons' writes
//   before them are (the worker replies only once its watch has passed the revision): every
//   daemon's change log is in revision order. `cursor` orders changes within this process
//   (control-loop components read by it); one transaction's writes share a revision but each has
//   its own place.
//
// Group commit (the daemon turns it on): a top-level transaction does not go to etcd when it
// ends; it joins a batch that is sent, as one etcd transaction, once the event loop has run
// whatever else was ready (the other requests that arrived together), or when flush() is called.
// Whoever answers a client waits for settled() first, so nothing is acknowledged before etcd has
// it; a batch that fails fails all its transactions. etcd fsyncs each commit: one commit for
// eight concurrent requests instead of eight is most of what makes etcd-backed writes fast.
//
// Values are JSON without resourceVersion (the revision says it), under kube-apiserver's keys
// (etcd-keys.ts). Events live in etcd like other objects (kube-apiserver gives them a 1 h lease;
// here they stay until deleted).
import type { KubeObject } from '../api/types.js';
import type { Change, ObjectStore, Unchanged } from './backend.js';
import { ChangeLog } from './change-log.js';
import { EtcdBridge, EtcdUnavailable } from './etcd-bridge.js';
import { REGISTRY_PREFIX, etcdKey, parseEtcdKey } from './etcd-keys.js';
import type { EtcdEvent } from './etcd-protocol.js';
import { ObjectIndex } from './object-index.js';
import { MAX_CHANGE_LOG, StoreError, checkUnchanged, fromLog, inKeyOrder, replaced } from './store.js';

export interface EtcdStoreOptions {
  /** etcd client URLs (`http://127.0.0.1:2379`). */
  endpoints: string[];
  /** Where objects live (kube-apiserver's --etcd-prefix): `/registry/` by default. */
  prefix?: string;
  /** How long one etcd call may take (default 3 s): then the write fails with Unavailable. */
  callTimeoutMs?: number;
  maxChangeLog?: number;
  /** etcd's --max-txn-ops (default 128). */
  maxTxnOps?: number;
  /** Bytes of values per etcd transaction (etcd's --max-request-bytes is 1.5 MiB by default). */
  maxTxnBytes?: number;
  /** Batch transactions until the event loop is free (see above); callers wait for settled(). */
  groupCommit?: boolean;
}

/** Transactions waiting to go to etcd together, and who waits for them. */
interface Batch {
  guards: Unchanged[];
  waiters: { resolve: () => void; reject: (e: unknown) => void }[];
}

/**
 * Provisional resourceVersions (the open transaction's writes, before etcd gives them theirs)
 * start this far above the committed revision, so none is ever equal to a real revision: a
 * compare-and-swap against a provisional version fails once the transaction has committed.
 */
const PROVISIONAL = 2 ** 40;

/** One object the open transaction wrote: what etcd holds (base) and what it will hold (obj). */
interface Written {
  resource: string;
  ns: string;
  name: string;
  key: string;
  /** The committed version the transaction started from (its mod revision is compared). */
  base: KubeObject | undefined;
  /** The latest version (undefined: deleted). */
  obj: KubeObject | undefined;
  /**
   * Every version stored (returned to a caller) before the commit, the latest (a deletion's too)
   * last: each gets the commit's resourceVersion.
   */
  versions: KubeObject[];
  /** The place of the latest write. */
  seq: number;
}

/** How to undo one write of a failed savepoint. */
interface Undo {
  resource: string;
  ns: string;
  name: string;
  key: string;
  prev: KubeObject | undefined;
  /** The transaction's record of the object before this write (undefined: there was none), with how many versions it had. */
  before: { obj: KubeObject | undefined; seq: number; versions: number } | undefined;
}

const byPlace = (a: Written, b: Written) => a.seq - b.seq;

/** What the store has sent to etcd, and how long it waited for it (benchmarks report it). */
export interface EtcdStats {
  /** Store commits (a transaction, or a batch of them). */
  commits: number;
  /** etcd transactions (a commit over etcd's limits is several). */
  txns: number;
  /** Keys put or deleted. */
  ops: number;
  /** Bytes of keys and values sent. */
  bytes: number;
  /** Time the main thread waited for etcd's answers to commits. */
  waitMs: number;
}

/** The outcome of one etcd transaction of a commit (see the worker's `txns`). */
interface TxnResult {
  succeeded: boolean;
  revision: number;
  /** etcd did not answer it. */
  error?: string;
}

/** Kubernetes objects in etcd, with every object also in memory. */
export class EtcdStore implements ObjectStore {
  private bridge: EtcdBridge;
  private objects = new ObjectIndex();
  private log: ChangeLog;
  /** The newest etcd revision applied here. */
  private committed = 0;
  private provisional = 0;
  private seq = 0;
  /** The place of the newest change in the log. */
  private logSeq = 0;
  private depth = 0;
  private dirty = new Map<string, Written>();
  private undo: Undo[] = [];
  private pending: Change[] = [];
  /** Watch events not applied yet (they wait while a transaction or an etcd call is under way). */
  private inbox: EtcdEvent[] = [];
  private busy = 0;
  private writeCounts = new Map<string, number>();
  private ownership = 0;
  private rewinds = 0;
  private maxOps: number;
  private maxBytes: number;
  private reset?: string;
  private root: string;
  private groupCommit: boolean;
  private batch?: Batch;
  readonly stats: EtcdStats = { commits: 0, txns: 0, ops: 0, bytes: 0, waitMs: 0 };

  constructor(opts: EtcdStoreOptions) {
    this.log = new ChangeLog(opts.maxChangeLog ?? MAX_CHANGE_LOG);
    this.maxOps = opts.maxTxnOps ?? 128;
    this.maxBytes = opts.maxTxnBytes ?? 1024 * 1024;
    this.groupCommit = opts.groupCommit ?? false;
    this.root = opts.prefix ?? REGISTRY_PREFIX;
    if (!this.root.endsWith('/')) this.root += '/';
    this.bridge = new EtcdBridge({
      hosts: opts.endpoints,
      prefix: this.root,
      callTimeoutMs: opts.callTimeoutMs ?? 3000,
      onEvents: (events) => {
        for (const e of events) this.inbox.push(e);
        if (this.busy === 0 && this.depth === 0 && !this.batch) this.applyInbox();
      },
      onReset: (why) => {
        this.reset = why;
        if (this.busy === 0 && this.depth === 0 && !this.batch) this.reload();
      },
    });
    try {
      this.load();
    } catch (e) {
      void this.bridge.close();
      throw e;
    }
  }

  /** Reads everything under `/registry/` and starts the watch after it. */
  private load(): void {
    const res = this.call<{ revision: number; kvs: [string, string, number][] }>({ op: 'load' });
    this.objects = new ObjectIndex();
    for (const [key, value, mod] of res.kvs) {
      const at = parseEtcdKey(this.root, key);
      if (at) this.objects.set(at.resource, at.namespace, at.name, decode(value, mod));
    }
    this.inbox = [];
    this.committed = res.revision;
    this.log.startAt(res.revision, this.seq);
    this.logSeq = this.seq;
  }

  /** The watch was canceled (its history compacted): load again; readers of changes start over. */
  private reload(): void {
    this.reset = undefined;
    this.load();
    this.rewinds++;
    for (const r of [...this.writeCounts.keys()]) this.bump(r);
    this.ownership++;
  }

  private call<T>(req: Parameters<EtcdBridge['call']>[0]): T {
    this.busy++;
    try {
      return this.bridge.call<T>(req);
    } finally {
      this.busy--;
    }
  }

  get revision(): number {
    return this.depth > 0 ? this.provisional : this.committed;
  }

  get cursor(): number {
    return this.seq;
  }

  get compacted(): number {
    return this.log.compacted;
  }

  get ownershipEpoch(): number {
    return this.ownership;
  }

  get rewindCount(): number {
    return this.rewinds;
  }

  get(resource: string, namespace: string, name: string): KubeObject | undefined {
    return this.objects.get(resource, namespace, name);
  }

  list(resource: string, namespace?: string): KubeObject[] {
    return [...this.objects.values(resource, namespace)].sort(inKeyOrder);
  }

  values(resource: string, namespace?: string): IterableIterator<KubeObject> {
    return this.objects.values(resource, namespace);
  }

  count(resource: string): number {
    return this.objects.size(resource);
  }

  writeCount(resource: string): number {
    return this.writeCounts.get(resource) ?? 0;
  }

  private bump(resource: string): void {
    this.writeCounts.set(resource, (this.writeCounts.get(resource) ?? 0) + 1);
  }

  create(resource: string, obj: KubeObject): KubeObject {
    if (this.get(resource, obj.metadata.namespace ?? '', obj.metadata.name!)) throw new StoreError('AlreadyExists', 'already exists');
    return this.write('ADDED', resource, obj);
  }

  update(resource: string, obj: KubeObject, expectedRv?: string): KubeObject {
    replaced(this.get(resource, obj.metadata.namespace ?? '', obj.metadata.name!), expectedRv);
    return this.write('MODIFIED', resource, obj);
  }

  delete(resource: string, namespace: string, name: string, expectedRv?: string): KubeObject {
    return this.write('DELETED', resource, replaced(this.get(resource, namespace, name), expectedRv));
  }

  private write(type: Change['type'], resource: string, obj: KubeObject): KubeObject {
    this.bump(resource);
    return this.transaction(() => {
      const ns = obj.metadata.namespace ?? '';
      const name = obj.metadata.name!;
      const key = etcdKey(this.root, resource, ns, name);
      const rev = ++this.provisional;
      const seq = ++this.seq;
      const stored: KubeObject = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rev) } };
      if (type === 'DELETED' || obj.metadata.deletionTimestamp || (type === 'ADDED' && obj.metadata.ownerReferences?.length)) this.ownership++;
      const prev = this.objects.get(resource, ns, name);
      let w = this.dirty.get(key);
      this.undo.push({ resource, ns, name, key, prev, before: w && { obj: w.obj, seq: w.seq, versions: w.versions.length } });
      if (!w) this.dirty.set(key, (w = { resource, ns, name, key, base: prev, obj: undefined, versions: [], seq }));
      w.obj = type === 'DELETED' ? undefined : stored;
      w.versions.push(stored);
      w.seq = seq;
      if (type === 'DELETED') this.objects.delete(resource, ns, name);
      else this.objects.set(resource, ns, name, stored);
      this.pending.push({ rev, seq, type, resource, namespace: ns, name, object: stored, prev });
      return stored;
    });
  }

  transaction<T>(fn: () => T, opts: { unchanged?: Unchanged[] } = {}): T {
    if (this.depth > 0) {
      this.depth++;
      try {
        return fn();
      } finally {
        this.depth--;
      }
    }
    if (this.reset !== undefined && !this.batch) this.reload();
    const guards = opts.unchanged ?? [];
    checkUnchanged((r, ns, n) => this.get(r, ns, n), guards);
    if (this.groupCommit) return this.joinBatch(fn, guards);
    this.depth = 1;
    this.provisional = this.committed + PROVISIONAL;
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.undoFrom(0);
      this.endTransaction();
      throw e;
    }
    try {
      this.commit(guards);
    } finally {
      this.endTransaction();
    }
    return result;
  }

  /** Runs a top-level transaction into the open batch (opening one): its writes wait for the flush. */
  private joinBatch<T>(fn: () => T, guards: Unchanged[]): T {
    if (!this.batch) {
      this.batch = { guards: [], waiters: [] };
      this.provisional = this.committed + PROVISIONAL;
      setImmediate(() => {
        try {
          this.flush();
        } catch {
          // its waiters were told
        }
      });
    }
    this.batch.guards.push(...guards);
    const undoMark = this.undo.length;
    const pendingMark = this.pending.length;
    const revMark = this.provisional;
    this.depth = 1;
    try {
      return fn();
    } catch (e) {
      this.undoFrom(undoMark);
      this.pending.length = pendingMark;
      this.provisional = revMark;
      throw e;
    } finally {
      this.depth = 0;
    }
  }

  /** Sends the open batch to etcd now (nothing to do without one); throws what its commit threw. */
  flush(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = undefined;
    this.depth = 1;
    try {
      this.commit(batch.guards);
    } catch (e) {
      for (const w of batch.waiters) w.reject(e);
      throw e;
    } finally {
      this.endTransaction();
    }
    for (const w of batch.waiters) w.resolve();
  }

  /** Resolves once the writes made so far are in etcd (rejects if their batch failed); undefined when none wait. */
  settled(): Promise<void> | undefined {
    const batch = this.batch;
    if (!batch) return undefined;
    return new Promise((resolve, reject) => batch.waiters.push({ resolve, reject }));
  }

  private endTransaction(): void {
    this.depth = 0;
    this.undo = [];
    this.pending = [];
    this.dirty.clear();
    this.applyInbox();
  }

  savepoint<T>(fn: () => T): T {
    if (this.depth === 0) return this.transaction(fn);
    const undoMark = this.undo.length;
    const pendingMark = this.pending.length;
    const revMark = this.provisional;
    this.depth++;
    let ok = false;
    try {
      const result = fn();
      ok = true;
      return result;
    } finally {
      this.depth--;
      if (!ok) {
        this.undoFrom(undoMark);
        this.pending.length = pendingMark;
        this.provisional = revMark;
      }
    }
  }

  /** Undoes the open transaction's writes from undo entry `mark` on, newest first. */
  private undoFrom(mark: number): void {
    for (let i = this.undo.length - 1; i >= mark; i--) {
      const u = this.undo[i];
      this.bump(u.resource);
      if (u.prev) this.objects.set(u.resource, u.ns, u.name, u.prev);
      else this.objects.delete(u.resource, u.ns, u.name);
      const w = this.dirty.get(u.key);
      if (!u.before) this.dirty.delete(u.key);
      else if (w) {
        w.obj = u.before.obj;
        w.seq = u.before.seq;
        w.versions.length = u.before.versions;
      }
    }
    this.undo.length = mark;
    this.rewinds++;
  }

  /**
   * Sends the transaction's writes to etcd: one etcd transaction, or several (etcd's limits) sent
   * together so etcd commits them in as few fsyncs as it can. Each is atomic and gets its own
   * revision; they are published in revision order. If one fails, the others stand (as separate
   * kube-apiserver writes would) and the failure is thrown.
   */
  private commit(guards: Unchanged[]): void {
    const writes = [...this.dirty.values()].filter((w) => w.base || w.obj).sort(byPlace);
    if (writes.length === 0) return;
    const chunks: Written[][] = [];
    let bytes = Infinity;
    const values = new Map<Written, string | null>();
    for (const w of writes) {
      const value = w.obj ? encode(w.obj) : null;
      values.set(w, value);
      const size = (value?.length ?? 0) + w.key.length;
      if (bytes + size > this.maxBytes || chunks[chunks.length - 1].length >= this.maxOps - guards.length) {
        chunks.push([]);
        bytes = 0;
      }
      chunks[chunks.length - 1].push(w);
      bytes += size;
    }
    const guardCompares: [string, number][] = guards.map((g) => [etcdKey(this.root, g.resource, g.namespace, g.name), Number(g.resourceVersion)]);
    const txns = chunks.map((chunk) => ({
      compares: chunk.map((w): [string, number] => [w.key, w.base ? Number(w.base.metadata.resourceVersion) : 0]).concat(guardCompares),
      ops: chunk.map((w): [string, string | null] => [w.key, values.get(w)!]),
    }));
    let results: TxnResult[];
    const started = performance.now();
    try {
      this.stats.commits++;
      this.stats.txns += txns.length;
      this.stats.ops += writes.length;
      for (const w of writes) this.stats.bytes += w.key.length + (values.get(w)?.length ?? 0);
      results = this.call<TxnResult[]>({ op: 'txns', txns });
      this.stats.waitMs += performance.now() - started;
    } catch (e) {
      // No answer: whether etcd has the writes is unknown; if it does, the watch brings them back.
      this.abandon(chunks);
      if (e instanceof EtcdUnavailable) throw new StoreError('Unavailable', e.message);
      throw e;
    }
    const done = chunks.map((chunk, i) => ({ chunk, res: results[i] })).filter((d) => d.res.succeeded);
    const failed = chunks.filter((_, i) => !results[i].succeeded);
    if (failed.length > 0) this.abandon(failed);
    done.sort((a, b) => a.res.revision - b.res.revision);
    // A chunk keeps its writes' places in the sequence only while they still come after everything
    // published before it (no other daemon's write in between, no chunk overtaken).
    let renumber = false;
    for (const { chunk, res } of done) {
      // Other daemons' writes before this one, then this one.
      if (this.applyInbox(res.revision)) renumber = true;
      if (chunk.some((w) => w.seq <= this.logSeq)) renumber = true;
      const rv = String(res.revision);
      const changes: Change[] = chunk.map((w) => {
        for (const v of w.versions) v.metadata.resourceVersion = rv;
        const type: Change['type'] = !w.base ? 'ADDED' : w.obj ? 'MODIFIED' : 'DELETED';
        const seq = renumber ? ++this.seq : w.seq;
        this.logSeq = Math.max(this.logSeq, seq);
        return { rev: res.revision, seq, type, resource: w.resource, namespace: w.ns, name: w.name, object: w.versions[w.versions.length - 1], prev: w.base };
      });
      this.committed = res.revision;
      this.log.append(changes);
    }
    if (failed.length === 0) return;
    // Now current: a key this transaction meant to create exists, or one it changed moved on.
    this.applyInbox();
    const error = results.find((r) => r.error)?.error;
    if (error) throw new StoreError('Unavailable', error);
    if (failed.some((chunk) => chunk.some((w) => !w.base && this.objects.get(w.resource, w.ns, w.name)))) throw new StoreError('AlreadyExists', 'already exists');
    throw new StoreError('Conflict', 'the object has been modified');
  }

  /** Takes back writes that did not reach etcd: memory returns to what etcd holds. */
  private abandon(chunks: Written[][]): void {
    for (const chunk of chunks) {
      for (const w of chunk) {
        this.bump(w.resource);
        if (w.base) this.objects.set(w.resource, w.ns, w.name, w.base);
        else this.objects.delete(w.resource, w.ns, w.name);
      }
    }
    this.rewinds++;
  }

  /**
   * Applies the other daemons' writes the watch reported, up to (not including) revision
   * `before`, or all; this daemon's own writes come back too and are skipped. True if any applied.
   */
  private applyInbox(before = Infinity): boolean {
    let applied = false;
    let batch: Change[] = [];
    let i = 0;
    for (; i < this.inbox.length && this.inbox[i].mod < before; i++) {
      const e = this.inbox[i];
      if (e.mod <= this.committed) continue;
      if (batch.length > 0 && batch[0].rev !== e.mod) {
        this.publish(batch);
        batch = [];
      }
      const c = this.applyEvent(e);
      if (c) {
        batch.push(c);
        applied = true;
      }
    }
    this.inbox = i === this.inbox.length ? [] : this.inbox.slice(i);
    if (batch.length > 0) this.publish(batch);
    return applied;
  }

  private publish(batch: Change[]): void {
    this.committed = Math.max(this.committed, batch[0].rev);
    this.logSeq = batch[batch.length - 1].seq!;
    this.log.append(batch);
  }

  /** One watch event into memory, as a change (undefined: not an object of ours, or nothing to delete). */
  private applyEvent(e: EtcdEvent): Change | undefined {
    const at = parseEtcdKey(this.root, e.key);
    if (!at) return undefined;
    const { resource, namespace, name } = at;
    const prev = this.objects.get(resource, namespace, name);
    this.bump(resource);
    if (e.type === 'delete') {
      if (!prev) return undefined;
      this.objects.delete(resource, namespace, name);
      this.ownership++;
      const object = { ...prev, metadata: { ...prev.metadata, resourceVersion: String(e.mod) } };
      return { rev: e.mod, seq: ++this.seq, type: 'DELETED', resource, namespace, name, object, prev };
    }
    const object = decode(e.value!, e.mod);
    if (object.metadata.deletionTimestamp || object.metadata.ownerReferences?.length) this.ownership++;
    this.objects.set(resource, namespace, name, object);
    return { rev: e.mod, seq: ++this.seq, type: prev ? 'MODIFIED' : 'ADDED', resource, namespace, name, object, prev };
  }

  changesSince(rev: number): Change[] {
    return fromLog(() => this.log.since(rev));
  }

  changesAfter(cursor: number): Change[] {
    const committed = fromLog(() => this.log.after(cursor));
    if (this.pending.length === 0) return committed;
    let i = 0;
    while (i < this.pending.length && this.pending[i].seq! <= cursor) i++;
    return i === this.pending.length ? committed : committed.concat(this.pending.slice(i));
  }

  compact(rev: number): void {
    this.log.compact(rev, this.committed);
  }

  /** Compacts etcd's own history up to `rev` (one daemon does it: the leader). */
  compactHistory(rev: number): void {
    this.call({ op: 'compact', revision: rev });
  }

  subscribe(listener: (changes: Change[]) => void): () => void {
    return this.log.subscribe(listener);
  }

  /** Stores `value` at `key` unless the key exists; returns what the key holds. */
  createKeyIfAbsent(key: string, value: string): string {
    return this.call<string>({ op: 'createIfAbsent', key, value });
  }

  async close(): Promise<void> {
    try {
      this.flush();
    } catch {
      // its waiters were told
    }
    await this.bridge.close();
  }
}

/** An object as stored in etcd: JSON without resourceVersion (the key's mod revision is it). */
function encode(o: KubeObject): string {
  const { resourceVersion: _, ...metadata } = o.metadata;
  return JSON.stringify({ ...o, metadata });
}

function decode(value: string, mod: number): KubeObject {
  const o = JSON.parse(value) as KubeObject;
  o.metadata = { ...o.metadata, resourceVersion: String(mod) };
  return o;
}
