// Each daemon that runs processes claims a /16 of the loopback network (127.<n>.0.0) for its
// pods, so that two daemons on one machine (two state dirs, tests running side by side) never
// hand out the same address: a pod whose IP the node gave as 10.244.3.7 is reached at
// 127.<n>.3.7. The claim is a file in the system's temporary directory holding the daemon's pid;
// a claim whose process is gone is taken over.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const DIR = path.join(os.tmpdir(), 'minik-loopback');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A claimed block: its second octet, and how to give it back. */
export interface LoopbackBlock {
  octet: number;
  /** The address of a pod the node gave `podIP` (a.b.c.d -> 127.<octet>.c.d). */
  address(podIP: string): string;
  release(): void;
}

/** Claims a free block, trying first the one `seed` (the state dir) hashes to. */
export function claimLoopbackBlock(seed: string): LoopbackBlock {
  fs.mkdirSync(DIR, { recursive: true, mode: 0o1777 });
  const token = `${process.pid}:${crypto.randomBytes(8).toString('hex')}`;
  const first = (crypto.createHash('sha256').update(seed).digest()[0] % 253) + 2;
  for (let i = 0; i < 253; i++) {
    const octet = ((first - 2 + i) % 253) + 2;
    const file = path.join(DIR, String(octet));
    try {
      fs.writeFileSync(file, token, { flag: 'wx', mode: 0o644 });
    } catch {
      // Taken, unless its daemon is gone.
      let holder = '';
      try {
        holder = fs.readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      const pid = Number(holder.split(':')[0]);
      if (!Number.isInteger(pid) || alive(pid)) continue;
      try {
        fs.rmSync(file, { force: true });
        fs.writeFileSync(file, token, { flag: 'wx', mode: 0o644 });
      } catch {
        continue;
      }
    }
    return {
      octet,
      address: (podIP) => `127.${octet}.${podIP.split('.').slice(2).join('.')}`,
      release: () => {
        try {
          if (fs.readFileSync(file, 'utf8') === token) fs.rmSync(file, { force: true });
        } catch {
          // already gone
        }
      },
    };
  }
  throw new Error(`every loopback block (127.2.0.0-127.254.0.0) is claimed by a running minik daemon; see ${DIR}`);
}
