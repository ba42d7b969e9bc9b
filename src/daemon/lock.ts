// One daemon per state dir: an exclusive lock file holding the owner's pid. A lock left by a
// dead process (kill -9) is taken over.
import fs from 'node:fs';

/** True when a process with this pid exists and has not exited (a zombie counts as gone). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; state Z is an exited process nobody has reaped yet.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Thrown when another live daemon holds the lock. */
export class LockHeld extends Error {
  constructor(readonly pid: number) {
    super(`another minik daemon (pid ${pid}) is already running on this state dir`);
  }
}

/** Takes the lock for this process, or throws LockHeld. Returns a release function. */
export function acquireLock(file: string): () => void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = fs.openSync(file, 'wx', 0o600);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (pid && pid !== process.pid && processAlive(pid)) throw new LockHeld(pid);
      // Stale: its owner is gone. Remove and try again.
      try {
        fs.unlinkSync(file);
      } catch {
        // someone else removed it first
      }
    }
  }
  throw new Error(`could not take the lock ${file}`);
}
