// One daemon per state dir, always: many daemon processes race for one state dir (fresh, and
// after the winner is killed with kill -9) and exactly one serves; stale files never block or let
// a second one in. And the state dir keeps its secrets private (mode 0600 files).
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DAEMON_MAIN, readDaemonInfo } from '../../src/client/connect.js';
import { LockHeld, acquireLock } from '../../src/daemon/lock.js';
import { startDaemon } from '../../src/daemon/daemon.js';
import { FakeClock } from '../../src/api/clock.js';
import { EXIT_LOCK_HELD, processAlive, statePaths } from '../../src/state/state.js';
import { cliProcess, stopProcessDaemon, tempHome } from '../helpers.js';

const RACERS = 12;
const homes: string[] = [];
const children: ChildProcess[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const h of homes.splice(0)) await stopProcessDaemon(h);
});

function home(): string {
  const h = tempHome('minik-lock-');
  homes.push(h);
  return h;
}

/** Starts `n` daemon processes on one state dir at once; resolves when each has exited or answers. */
async function race(h: string, n: number): Promise<{ exits: (number | null)[]; alive: ChildProcess[] }> {
  const racers = Array.from({ length: n }, () => spawn(process.execPath, [DAEMON_MAIN], { env: { ...process.env, MINIK_HOME: h, MINIK_TICK_MS: '1000' }, stdio: 'ignore' }));
  children.push(...racers);
  const exits: (number | null)[] = new Array(n).fill(null);
  racers.forEach((c, i) => c.on('exit', (code) => (exits[i] = code)));
  const deadline = Date.now() + 20_000;
  // Settled: all but one exited, and the one left wrote daemon.json and answers.
  for (;;) {
    const running = racers.filter((_, i) => exits[i] === null);
    const info = readDaemonInfo(h);
    if (running.length <= 1 && info && running.some((c) => c.pid === info.pid)) {
      const ok = await fetch(`http://127.0.0.1:${info.port}/healthz`).then((r) => r.ok, () => false);
      if (ok) break;
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  // A little longer, so a second daemon that got in would be seen running.
  await new Promise((r) => setTimeout(r, 300));
  return { exits, alive: racers.filter((_, i) => exits[i] === null) };
}

describe('8. the single-daemon lock', () => {
  it(`lets exactly one of ${RACERS} racing daemons in, on a fresh state dir and again after kill -9`, async () => {
    const h = home();
    for (let round = 0; round < 3; round++) {
      const { exits, alive } = await race(h, RACERS);
      expect(alive).toHaveLength(1);
      expect(exits.filter((c) => c !== null)).toEqual(new Array(RACERS - 1).fill(EXIT_LOCK_HELD));
      const info = readDaemonInfo(h)!;
      expect(info.pid).toBe(alive[0].pid);
      // The winner dies without any clean-up: its lock goes with it, its daemon.json stays behind.
      alive[0].kill('SIGKILL');
      await new Promise<void>((r) => alive[0].once('exit', () => r()));
      expect(fs.existsSync(statePaths(h).daemon)).toBe(true);
    }
  });

  it('is not fooled by a stale daemon.json naming a live unrelated process, nor by an old pid lock file', async () => {
    const h = home();
    // This test's own pid is alive and is no daemon; the port is one nothing listens on.
    fs.writeFileSync(statePaths(h).daemon, JSON.stringify({ pid: process.pid, port: 9, startedAt: '2026-01-01T00:00:00Z' }));
    fs.writeFileSync(statePaths(h).lock, String(process.pid));
    const r = await cliProcess(h, ['get', 'ns', 'default', '-o', 'name']);
    expect(r.stderr).toMatch(/minik daemon started \(pid \d+/);
    expect(r.stdout).toBe('namespace/default\n');
    expect(readDaemonInfo(h)!.pid).not.toBe(process.pid);
    // `daemon stop` signals only a daemon that answers: never the unrelated pid.
    expect(processAlive(process.pid)).toBe(true);
  });

  it('serves concurrent first commands from one daemon', async () => {
    const h = home();
    const results = await Promise.all(Array.from({ length: 6 }, () => cliProcess(h, ['get', 'ns', 'default', '-o', 'name'])));
    for (const r of results) expect(r).toMatchObject({ code: 0, stdout: 'namespace/default\n' });
    const pids = new Set(results.map((r) => /pid (\d+)/.exec(r.stderr)?.[1]).filter(Boolean));
    expect(pids.size).toBeLessThanOrEqual(1);
    // Daemons the losing commands started may still be booting; each exits when it meets the lock.
    const daemons = () =>
      fs
        .readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            return processAlive(Number(p)) && fs.readFileSync(`/proc/${p}/environ`, 'utf8').split('\0').includes(`MINIK_HOME=${h}`) && fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(DAEMON_MAIN);
          } catch {
            return false;
          }
        });
    const deadline = Date.now() + 15_000;
    while (daemons().length > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(daemons()).toEqual([String(readDaemonInfo(h)!.pid)]);
  });

  it('is exclusive within one process too', () => {
    const h = home();
    const release = acquireLock(statePaths(h).lock);
    expect(() => acquireLock(statePaths(h).lock)).toThrow(LockHeld);
    release();
    acquireLock(statePaths(h).lock)();
  });
});

describe('7. the state dir keeps its secrets private', () => {
  it('creates every file 0600 in an existing 0755 dir, and warns about the dir', async () => {
    const h = home();
    fs.chmodSync(h, 0o755);
    const lines: string[] = [];
    const d = await startDaemon({ home: h, clock: new FakeClock(Date.parse('2026-11-23T10:00:00Z')), tickMs: 0, log: (l) => lines.push(l) });
    try {
      // A write, so the WAL has content and the shared-memory file exists.
      d.loop.tick();
      const files = fs.readdirSync(h);
      expect(files).toEqual(expect.arrayContaining(['minik.db', 'minik.db-wal', 'minik.db-shm', 'daemon.json', 'daemon.lock', 'token', 'kubeconfig']));
      for (const f of files) expect([f, (fs.statSync(path.join(h, f)).mode & 0o777).toString(8)]).toEqual([f, '600']);
      expect(lines[0]).toBe(`warning: the state dir ${h} has mode 0755; 0700 is recommended, to keep the cluster's data (Secrets included) from other users`);
    } finally {
      await d.stop();
    }
  });

  it('narrows files an older minik left readable, and creates a new state dir 0700 with a private log', async () => {
    const h = path.join(home(), 'nested');
    const r = await cliProcess(h, ['get', 'ns', '-o', 'name']);
    expect(r.code).toBe(0);
    expect(fs.statSync(h).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(h, 'daemon.log')).mode & 0o777).toBe(0o600);
    await cliProcess(h, ['daemon', 'stop']);
    fs.chmodSync(path.join(h, 'minik.db'), 0o644);
    fs.chmodSync(path.join(h, 'daemon.log'), 0o644);
    await cliProcess(h, ['get', 'ns', '-o', 'name']);
    expect(fs.statSync(path.join(h, 'minik.db')).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(h, 'daemon.log')).mode & 0o777).toBe(0o600);
    await cliProcess(h, ['daemon', 'stop']);
    fs.rmSync(path.dirname(h), { recursive: true, force: true });
  });
});
