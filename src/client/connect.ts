// Finding the daemon of a state dir, and starting it in the background when none runs.
// daemon.json says where a daemon listens, but it can be stale (a kill -9 leaves it behind, and
// its pid may since belong to another process): a daemon counts as running only when its port
// answers. Which daemon may run is decided by the daemon's kernel lock (src/daemon/lock.ts),
// never here.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DaemonInfo, EXIT_LOCK_HELD, prepareStateDir, privateFile, processAlive, statePaths } from '../state/state.js';
import { Client } from './client.js';
import { DAEMON_NODE_FLAGS } from '../state/daemon-flags.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the daemon's entry point is: next to this file in dist/ (or in dist/ when run from src/ by tests). */
export const DAEMON_MAIN = fs.existsSync(path.join(here, '../daemon/main.js')) ? path.resolve(here, '../daemon/main.js') : path.resolve(here, '../../dist/daemon/main.js');

/** What daemon.json says, when it names a live process (it may still be stale: see runningDaemon). */
export function readDaemonInfo(home: string): DaemonInfo | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(statePaths(home).daemon, 'utf8')) as DaemonInfo;
    return Number.isInteger(info.pid) && Number.isInteger(info.port) && processAlive(info.pid) ? info : undefined;
  } catch {
    return undefined;
  }
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/healthz', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

/** The daemon of a state dir when one runs and answers on the port daemon.json names. */
export async function runningDaemon(home: string): Promise<DaemonInfo | undefined> {
  const info = readDaemonInfo(home);
  return info && (await healthy(info.port)) ? info : undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the daemon process for a state dir, detached, logging to daemon.log; resolves when a
 * daemon answers, saying whether it is the one this call started. Many starters may race: the
 * lock lets one daemon in, the others exit with EXIT_LOCK_HELD and their starters wait for the
 * winner (or try again if it went away).
 */
export async function spawnDaemon(home: string, env: NodeJS.ProcessEnv): Promise<DaemonInfo & { ours: boolean }> {
  const paths = statePaths(home);
  prepareStateDir(home);
  const deadline = Date.now() + 15_000;
  let exited: number | null = null;
  let exitedAt = 0;
  const spawned = new Set<number>();
  /** Daemons this call started that have not exited yet. */
  const alive = new Set<number>();
  const start = () => {
    privateFile(paths.log);
    const logFd = fs.openSync(paths.log, 'a');
    const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, DAEMON_MAIN], { detached: true, stdio: ['ignore', logFd, logFd], env: { ...env, MINIK_HOME: home } });
    fs.closeSync(logFd);
    const pid = child.pid;
    if (pid !== undefined) {
      spawned.add(pid);
      alive.add(pid);
    }
    exited = null;
    child.on('exit', (code) => {
      if (pid !== undefined) alive.delete(pid);
      exited = code ?? 1;
      exitedAt = Date.now();
    });
    child.unref();
  };
  start();
  while (Date.now() < deadline) {
    const info = await runningDaemon(home);
    if (info) {
      // Another starter's daemon won: ours, still starting, is not wanted. Left alone it would
      // fail on the lock, unless it got there after the winner stopped and ran on, unasked.
      for (const pid of alive) {
        if (pid === info.pid) continue;
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      return { ...info, ours: spawned.has(info.pid) };
    }
    if (exited !== null && exited !== EXIT_LOCK_HELD) throw new Error(`the minik daemon exited (code ${exited}); see ${paths.log}`);
    // Another daemon holds the lock but does not answer after a while: it may have been shutting
    // down. Try again; the lock decides.
    if (exited === EXIT_LOCK_HELD && Date.now() - exitedAt > 1000) start();
    await sleep(15);
  }
  throw new Error(`the minik daemon did not start within 15s; see ${paths.log}`);
}

/** A client of the state dir's daemon when one runs; undefined (nothing started) otherwise. */
export async function connectRunning(home: string): Promise<Client | undefined> {
  const info = await runningDaemon(home);
  return info && clientOf(home, info);
}

/** A client with the state dir's token, for the daemon that daemon.json names. */
function clientOf(home: string, info: DaemonInfo): Client {
  const token = fs.readFileSync(statePaths(home).token, 'utf8').trim();
  return new Client('127.0.0.1', info.port, token);
}

/** A client for the state dir's daemon, starting the daemon first if needed (noting that on `notice`). */
export async function connect(home: string, env: NodeJS.ProcessEnv, notice: (line: string) => void): Promise<Client> {
  let info = await runningDaemon(home);
  if (!info) {
    const wide = prepareStateDir(home);
    if (wide) notice(wide);
    const started = await spawnDaemon(home, env);
    info = started;
    // Of several commands starting a cold daemon at once, only the one whose daemon won says so.
    if (started.ours) notice(`minik daemon started (pid ${info.pid}, listening on 127.0.0.1:${info.port}, state in ${home})`);
  }
  return clientOf(home, info);
}
