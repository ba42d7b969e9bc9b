// Checkpoints the store's write-ahead log from a worker thread. SQLite normally copies the WAL
// into the database file (and syncs it) inside the COMMIT that crosses its threshold; a tick that
// wrote 150,000 pods would then wait for hundreds of megabytes to be copied. Here the main
// connection never checkpoints (until it closes) and a second connection in a worker thread does,
// PASSIVE (never blocking the writer), whenever the log has grown past the threshold. Crash safety
// is SQLite's either way: a checkpoint is only a copy of committed frames. The worker starts on the
// first checkpoint (most databases never need one), and close() waits for its connection to close,
// so nothing touches the files after the store is closed.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** WAL size past which a checkpoint is asked for (a burst of small writes, such as applying 1,000 objects, stays below it). */
export const CHECKPOINT_BYTES = 64 * 1024 * 1024;

// The worker's code (CommonJS, evaluated): one connection, one PASSIVE checkpoint per request.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const closed = new Int32Array(workerData.closed);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    Atomics.store(closed, 0, 1);
    Atomics.notify(closed, 0);
    parentPort.close();
    return;
  }
  let error;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (e) {
    error = String(e && e.message);
  }
  parentPort.postMessage({ error });
});
`;

/** How long close() waits for the worker's connection to close (a checkpoint may be running). */
const CLOSE_WAIT_MS = 5000;

/** The background checkpointer of one database file. */
export class Checkpointer {
  private worker?: Worker;
  private failed = false;
  private closed = new Int32Array(new SharedArrayBuffer(4));
  private busy = false;
  private again = false;
  private waiters: (() => void)[] = [];
  private walPath: string;

  /** `onFailure` is told when the worker cannot run (the caller then checkpoints itself). */
  constructor(
    private dbPath: string,
    private onFailure: (why: string) => void,
  ) {
    this.walPath = `${dbPath}-wal`;
  }

  /** The worker, started on first use. */
  private started(): Worker {
    if (this.worker) return this.worker;
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER, { eval: true, workerData: { path: this.dbPath, sqlite, closed: this.closed.buffer } });
    worker.unref();
    worker.on('message', (m: { error?: string }) => {
      this.busy = false;
      if (m.error) this.fail(m.error);
      else if (this.again) {
        this.again = false;
        this.request();
      }
      if (!this.busy) for (const w of this.waiters.splice(0)) w();
    });
    worker.on('error', (e) => this.fail(e.message));
    this.worker = worker;
    return worker;
  }

  private fail(why: string): void {
    this.failed = true;
    this.busy = false;
    this.onFailure(why);
    for (const w of this.waiters.splice(0)) w();
  }

  /** After a commit: asks for a checkpoint when the log has grown past the threshold. */
  committed(): void {
    let size = 0;
    try {
      size = fs.statSync(this.walPath).size;
    } catch {
      return;
    }
    if (size >= CHECKPOINT_BYTES) this.request();
  }

  private request(): void {
    if (this.failed) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.started().postMessage('checkpoint');
  }

  /** Resolves when no checkpoint is running or asked for. */
  idle(): Promise<void> {
    return this.busy ? new Promise((resolve) => this.waiters.push(resolve)) : Promise.resolve();
  }

  /**
   * Closes the worker's connection and waits (at most CLOSE_WAIT_MS) until it has, so that the
   * main connection's close is the last one (it then checkpoints what is left and removes the log).
   */
  close(): void {
    if (!this.worker || this.failed) return;
    this.worker.postMessage('close');
    Atomics.wait(this.closed, 0, 0, CLOSE_WAIT_MS);
  }
}
