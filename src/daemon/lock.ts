// One daemon per state dir: a kernel lock on daemon.lock, held for the daemon's whole life and
// released by the operating system when the process ends, however it ends (kill -9 included).
// Node.js has no flock(), so the lock is SQLite's: an exclusive transaction on an empty database
// file takes a POSIX fcntl() write lock on it, as etcd's bbolt takes flock() on its file. No pid
// file decides anything: a stale file, a reused pid or a dead owner cannot block a start or let
// two daemons in.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { privateFile } from '../state/state.js';

/** Thrown when another daemon holds the lock. `pid` is its pid when daemon.json names it. */
export class LockHeld extends Error {
  constructor(readonly pid?: number) {
    super(`another minik daemon${pid ? ` (pid ${pid})` : ''} is already running on this state dir`);
  }
}

const SQLITE_HEADER = 'SQLite format 3\0';

/** Before minik used a kernel lock, daemon.lock held a pid as text: such a file is emptied (an empty file is a valid lock). */
function clearOldPidFile(file: string): void {
  try {
    const head = fs.readFileSync(file).subarray(0, 16).toString('latin1');
    if (head.length > 0 && head !== SQLITE_HEADER) fs.truncateSync(file, 0);
  } catch {
    // absent: SQLite creates it
  }
}

/**
 * Takes the state dir's lock for this process, or throws LockHeld at once (it never waits).
 * Returns a function that releases it; the OS releases it anyway when the process dies.
 * `holder` names the pid to report when the lock is taken (read from daemon.json).
 */
export function acquireLock(file: string, holder: () => number | undefined = () => undefined): () => void {
  clearOldPidFile(file);
  // Created 0600 before SQLite opens it (SQLite would create it with the umask's mode).
  privateFile(file);
  const db = new Database(file, { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
  } catch (e) {
    db.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY') throw new LockHeld(holder());
    throw e;
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    db.close();
  };
}
