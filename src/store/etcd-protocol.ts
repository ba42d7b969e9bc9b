// The messages between the etcd store (main thread) and its worker (etcd-worker.ts).

/** A request to the worker; `id` pairs it with its reply. */
export type EtcdRequest = { id: number } & (
  | { op: 'load' }
  /**
   * etcd transactions sent together (a few in flight at once), each answered on its own: each
   * compares its keys' mod revisions (0: absent), then puts (value) or deletes (null) every key.
   */
  | { op: 'txns'; txns: Txn[] }
  | { op: 'createIfAbsent'; key: string; value: string }
  | { op: 'compact'; revision: number }
  | { op: 'close' }
);

/** One etcd transaction of a commit. */
export interface Txn {
  compares: [key: string, mod: number][];
  ops: [key: string, value: string | null][];
}

/** One change the watch reported. */
export interface EtcdEvent {
  type: 'put' | 'delete';
  key: string;
  value?: string;
  /** The revision of the change (a delete's too). */
  mod: number;
}

export type BridgeReply =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: { name: string; message: string } }
  /** Watch events, in revision order (a delete's value is not sent: the store has the object). */
  | { kind: 'events'; events: EtcdEvent[] }
  /** The watch was canceled (compacted history): everything must be loaded again. */
  | { kind: 'reset'; message: string };
