// The messages between the etcd store (main thread) and its worker (etcd-worker.ts).

/** A request to the worker; `id` pairs it with its reply. */
export type EtcdRequest = { id: number } & (
  | { op: 'load' }
  /** Compare each key's mod revision (0: absent), then put (value) or delete (null) every key. */
  | { op: 'txn'; compares: [key: string, mod: number][]; ops: [key: string, value: string | null][] }
  | { op: 'get'; key: string }
  | { op: 'createIfAbsent'; key: string; value: string }
  | { op: 'compact'; revision: number }
  | { op: 'close' }
);

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
  /** Watch events, in revision order; `rev` is the revision the watch response was at. */
  | { kind: 'events'; events: EtcdEvent[]; rev: number }
  /** The watch was canceled (compacted history): everything must be loaded again. */
  | { kind: 'reset'; message: string };
