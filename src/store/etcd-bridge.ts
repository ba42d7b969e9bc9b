// Synchronous calls to etcd from the main thread. The registry and the control loop call the
// store synchronously (SQLite is synchronous), so the etcd store must be too: a worker thread
// (etcd-worker.ts) holds the gRPC client; a call posts a request to it and blocks on a shared
// counter (Atomics.wait) until the worker posts the reply, which is read off the port at once
// (receiveMessageOnPort). Watch events the worker posts in between are handed over in order.
// Between calls, events arrive as ordinary messages.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { BridgeReply, EtcdEvent, EtcdRequest } from './etcd-protocol.js';

type Request = EtcdRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/** etcd did not answer, or answered with an error (no quorum, a timeout, a closed client). */
export class EtcdUnavailable extends Error {}

export interface BridgeOptions {
  hosts: string[];
  /** The key prefix the watch covers (`/registry/`). */
  prefix: string;
  /** How long one etcd call may take before it fails (the worker's gRPC deadline). */
  callTimeoutMs: number;
  /** Watch events, in revision order, whenever they arrive. */
  onEvents: (events: EtcdEvent[]) => void;
  /** The watch was canceled: the store must load everything again. */
  onReset: (why: string) => void;
}

/** The worker's compiled file: next to this one in dist/, or dist's when this runs from src/ (tests). */
function workerFile(): URL {
  const here = new URL('./etcd-worker.js', import.meta.url);
  return fs.existsSync(fileURLToPath(here)) ? here : new URL('../../dist/store/etcd-worker.js', import.meta.url);
}

export class EtcdBridge {
  private worker: Worker;
  private port: MessagePort;
  private signal = new Int32Array(new SharedArrayBuffer(4));
  private ids = 0;
  private closed = false;

  constructor(private opts: BridgeOptions) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(workerFile(), {
      workerData: { port: port2, signal: this.signal.buffer, hosts: opts.hosts, prefix: opts.prefix, callTimeoutMs: opts.callTimeoutMs },
      transferList: [port2],
    });
    this.worker.unref();
    this.port.on('message', (m: BridgeReply) => this.dispatch(m));
    this.port.unref();
  }

  private dispatch(m: BridgeReply): boolean {
    if (m.kind === 'events') this.opts.onEvents(m.events);
    else if (m.kind === 'reset') this.opts.onReset(m.message);
    else return false;
    return true;
  }

  /** Sends a request and waits for its reply; events that come first are handed over first. */
  call<T>(req: Request, timeoutMs = this.opts.callTimeoutMs * 4 + 1000): T {
    if (this.closed) throw new EtcdUnavailable('the etcd client is closed');
    const id = ++this.ids;
    const deadline = Date.now() + timeoutMs;
    this.port.postMessage({ ...req, id });
    for (;;) {
      const seen = Atomics.load(this.signal, 0);
      for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
        const msg = m.message as BridgeReply;
        if (this.dispatch(msg)) continue;
        if (msg.kind !== 'reply' || msg.id !== id) continue; // a reply to a call that timed out
        if (msg.ok) return msg.value as T;
        throw new EtcdUnavailable(msg.error.message);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new EtcdUnavailable(`etcd did not answer within ${timeoutMs} ms`);
      Atomics.wait(this.signal, 0, seen, left);
    }
  }

  /** Closes the client and ends the worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      this.call({ op: 'close' }, 2000);
    } catch {
      // ends anyway
    }
    this.closed = true;
    this.port.close();
    await this.worker.terminate();
  }
}
