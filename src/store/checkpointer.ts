// Checkpoints the store's write-ahead log from a worker thread. SQLite normally copies the WAL
// into the database file (and syncs it) inside the COMMIT that crosses its threshold; a tick that
// wrote 150,000 pods would then wait for hundreds of megabytes to be copied. Here the main
// connection never checkpoints (until it closes) and a second connection in a worker thread does,
// PASSIVE (never blocking the writer), whenever the log has grown past the threshold. Crash safety
// is SQLite's either way: a checkpoint is only a copy of committed frames.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** WAL size past which a checkpoint is asked for (a burst of small writes, such as applying 1,000 objects, stays below it). */
export const CHECKPOINT_BYTES = 64 * 1024 * 1024;

// The worker's code (CommonJS, evaluated): one connection, one PASSIVE checkpoint per request.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 1000');
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
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

/** The background checkpointer of one database file. */
export class Checkpointer {
  private worker: Worker;
  private busy = false;
  private again = false;
  private waiters: (() => void)[] = [];
  private walPath: string;

  /** `onFailure` is told when the worker cannot run (the caller then checkpoints itself). */
  constructor(dbPath: string, onFailure: (why: string) => void) {
    this.walPath = `${dbPath}-wal`;
    const sqlite = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, { eval: true, workerData: { path: dbPath, sqlite } });
    this.worker.unref();
    this.worker.on('message', (m: { error?: string }) => {
      this.busy = false;
      if (m.error) onFailure(m.error);
      else if (this.again) {
        this.again = false;
        this.request();
      }
      if (!this.busy) for (const w of this.waiters.splice(0)) w();
    });
    this.worker.on('error', (e) => {
      onFailure(e.message);
      for (const w of this.waiters.splice(0)) w();
    });
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
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    this.worker.postMessage('checkpoint');
  }

  /** Resolves when no checkpoint is running or asked for. */
  idle(): Promise<void> {
    return this.busy ? new Promise((resolve) => this.waiters.push(resolve)) : Promise.resolve();
  }

  /** Closes the worker's connection (the main connection's close then checkpoints what is left). */
  close(): void {
    this.worker.postMessage('close');
  }
}
