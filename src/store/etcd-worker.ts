// The etcd store's worker thread: the only code that talks to etcd. It holds the etcd3 client
// (gRPC), answers the main thread's requests (load everything, a commit's transactions, a
// compaction, the cluster identity's create-if-absent) and streams the watch of the `/registry/`
// prefix to it. Each message it posts bumps a shared counter, so the main thread can wait for an
// answer synchronously (see etcd-bridge.ts): the registry above the store is synchronous, as it
// is over SQLite.
//
// Messages arrive on one port in the order they were posted, so a reply to a transaction comes
// after every watch event up to the transaction's revision: the main thread applies the other
// daemons' writes before its own, in revision order.
import { type MessagePort, workerData } from 'node:worker_threads';
import { Etcd3, type IKeyValue, type Watcher } from 'etcd3';
import type { BridgeReply, EtcdEvent, EtcdRequest, Txn } from './etcd-protocol.js';

const data = workerData as { port: MessagePort; signal: SharedArrayBuffer; hosts: string[]; prefix: string; callTimeoutMs: number };
const port = data.port;
const signal = new Int32Array(data.signal);
const prefix = Buffer.from(data.prefix);
/** The end of the prefix's key range: the prefix with its last byte plus one. */
const prefixEnd = Buffer.from(prefix);
prefixEnd[prefixEnd.length - 1]++;
/** etcd's default limits are 128 operations and 1.5 MiB per request; pages of a load stay well under its 4 MiB replies. */
const PAGE = 500;

const client = new Etcd3({
  hosts: data.hosts,
  // A dead member is skipped for the others; a call that gets no answer fails after callTimeoutMs.
  defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + data.callTimeoutMs }),
  grpcOptions: { 'grpc.max_receive_message_length': 64 * 1024 * 1024 },
});

// ---- availability ----

/**
 * Why etcd is taken to be unavailable (no quorum, no member answers), or undefined. Until a probe
 * succeeds again, requests fail at once instead of each waiting out its deadline: the main thread
 * waits for every call, and a daemon must keep serving reads from memory while etcd is away.
 */
let unavailable: string | undefined;
const PROBE_MS = 500;

/** Errors that say etcd could not be reached or could not commit, rather than refused a request. */
const isUnavailability = (e: Error) => /UNAVAILABLE|DEADLINE_EXCEEDED|circuit breaker|timed out|no leader|proposal dropped|ECONNREFUSED|ECONNRESET|not connected/i.test(`${e.name} ${e.message}`);

/** gRPC's message without its code and details: `No connection established`, `Deadline exceeded after 3.000s`. */
const shortly = (e: Error) => e.message.replace(/^\d+ [A-Z_]+: /, '').split(/\. |, /)[0];

function markUnavailable(e: Error): void {
  if (!isUnavailability(e) || unavailable !== undefined) return;
  unavailable = shortly(e);
  const probe = () => {
    client.kv.range({ key: prefix, limit: 1 }, { deadline: Date.now() + 1000 }).then(
      () => (unavailable = undefined),
      () => setTimeout(probe, PROBE_MS).unref(),
    );
  };
  setTimeout(probe, PROBE_MS).unref();
}

function post(message: BridgeReply): void {
  port.postMessage(message);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

// ---- the watch ----

let watcher: Watcher | undefined;
/** The newest revision the watch has reported (events up to it have been posted). */
let watchRev = 0;
let waiters: { rev: number; resolve: () => void }[] = [];

function watched(rev: number): void {
  if (rev <= watchRev) return;
  watchRev = rev;
  const ready = waiters.filter((w) => w.rev <= rev);
  waiters = waiters.filter((w) => w.rev > rev);
  for (const w of ready) w.resolve();
}

/** Resolves when the watch has reported revision `rev` (or after `ms`, whichever first). */
function watchReaches(rev: number, ms: number): Promise<void> {
  if (rev <= watchRev) return Promise.resolve();
  return new Promise((resolve) => {
    const entry = { rev, resolve };
    waiters.push(entry);
    setTimeout(() => {
      waiters = waiters.filter((w) => w !== entry);
      resolve();
    }, ms).unref();
  });
}

async function startWatch(from: number): Promise<void> {
  watchRev = from - 1;
  const w = await client.watch().prefix(data.prefix).startRevision(String(from)).create();
  watcher = w;
  w.on('data', (res) => {
    const events: EtcdEvent[] = res.events.map((e) => ({
      type: e.type === 'Delete' ? 'delete' : 'put',
      key: e.kv.key.toString(),
      value: e.type === 'Delete' ? undefined : e.kv.value.toString(),
      mod: Number(e.kv.mod_revision),
    }));
    const rev = Number(res.header.revision);
    if (events.length > 0) post({ kind: 'events', events });
    watched(rev);
  });
  w.on('error', (err: Error) => {
    // Canceled by etcd (its history was compacted past where the watch stood): the main thread
    // loads everything again and the watch starts over from there.
    if (watcher === w) watcher = undefined;
    post({ kind: 'reset', message: err.message });
  });
}

// ---- requests ----

const kvOf = (kv: IKeyValue): [string, string, number] => [kv.key.toString(), kv.value.toString(), Number(kv.mod_revision)];

async function load(): Promise<{ revision: number; kvs: [string, string, number][] }> {
  if (watcher) await watcher.cancel();
  watcher = undefined;
  const kvs: [string, string, number][] = [];
  let revision = 0;
  let from = prefix;
  for (;;) {
    const res = await client.kv.range({ key: from, range_end: prefixEnd, limit: PAGE, ...(revision ? { revision } : {}) });
    if (!revision) revision = Number(res.header.revision);
    for (const kv of res.kvs) kvs.push(kvOf(kv));
    if (!res.more || res.kvs.length === 0) break;
    from = Buffer.concat([res.kvs[res.kvs.length - 1].key, Buffer.from([0])]);
  }
  await startWatch(revision + 1);
  return { revision, kvs };
}

/**
 * How many transactions of one commit are in flight at once. More lets etcd commit several in one
 * fsync, but on this 2-core machine etcd is CPU-bound at scale and 8 measured no faster than 1
 * (bench/README.md), while one at a time keeps revisions in the order of the writes.
 */
const IN_FLIGHT = 1;

/** Sends a commit's transactions, several at a time; answers once the watch has passed them all. */
async function txns(list: Txn[]): Promise<{ succeeded: boolean; revision: number; error?: string }[]> {
  const results: { succeeded: boolean; revision: number; error?: string }[] = new Array(list.length);
  let next = 0;
  const lane = async () => {
    while (next < list.length) {
      const i = next++;
      try {
        results[i] = await send(list[i]);
      } catch (e) {
        markUnavailable(e as Error);
        results[i] = { succeeded: false, revision: 0, error: isUnavailability(e as Error) ? `etcd did not answer: ${shortly(e as Error)}` : (e as Error).message };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, list.length) }, lane));
  // The reply waits for the watch to report the newest revision: every other daemon's write
  // before these reaches the main thread first.
  const newest = Math.max(0, ...results.map((r) => r.revision));
  await watchReaches(newest, data.callTimeoutMs);
  return results;
}

async function send(req: Txn): Promise<{ succeeded: boolean; revision: number }> {
  const res = await client.kv.txn({
    compare: req.compares.map(([key, mod]) => ({ key: Buffer.from(key), target: 'Mod', result: 'Equal', mod_revision: mod })),
    success: req.ops.map(([key, value]) =>
      value === null ? { request_delete_range: { key: Buffer.from(key) } } : { request_put: { key: Buffer.from(key), value: Buffer.from(value) } },
    ),
    failure: [],
  });
  return { succeeded: res.succeeded, revision: Number(res.header.revision) };
}


async function handle(req: EtcdRequest): Promise<unknown> {
  switch (req.op) {
    case 'load':
      return load();
    case 'txns':
      return txns(req.txns);
    case 'createIfAbsent': {
      // Puts the value unless the key exists; either way answers with what the key holds.
      const key = Buffer.from(req.key);
      const res = await client.kv.txn({
        compare: [{ key, target: 'Create', result: 'Equal', create_revision: 0 }],
        success: [{ request_put: { key, value: Buffer.from(req.value) } }],
        failure: [{ request_range: { key } }],
      });
      if (res.succeeded) return req.value;
      const kv = res.responses[0].response_range?.kvs[0];
      return kv ? kv.value.toString() : req.value;
    }
    case 'compact':
      await client.kv.compact({ revision: req.revision });
      return null;
    case 'close':
      if (watcher) await watcher.cancel().catch(() => undefined);
      client.close();
      return null;
  }
}

port.on('message', (req: EtcdRequest) => {
  if (unavailable !== undefined && req.op !== 'close') {
    post({ kind: 'reply', id: req.id, ok: false, error: { name: 'Unavailable', message: `etcd did not answer: ${unavailable}` } });
    return;
  }
  handle(req).then(
    (value) => post({ kind: 'reply', id: req.id, ok: true, value }),
    (e: Error) => {
      markUnavailable(e);
      const message = isUnavailability(e) ? `etcd did not answer: ${shortly(e)}` : (e.message ?? String(e));
      post({ kind: 'reply', id: req.id, ok: false, error: { name: e.name ?? 'Error', message } });
    },
  );
});
