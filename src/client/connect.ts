// Finding the daemon of a state dir, and starting it in the background when none runs.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DaemonInfo, statePaths } from '../daemon/state.js';
import { processAlive } from '../daemon/lock.js';
import { Client } from './client.js';
import { DAEMON_NODE_FLAGS } from '../daemon/node-flags.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Where the daemon's entry point is: next to this file in dist/ (or in dist/ when run from src/ by tests). */
export const DAEMON_MAIN = fs.existsSync(path.join(here, '../daemon/main.js')) ? path.resolve(here, '../daemon/main.js') : path.resolve(here, '../../dist/daemon/main.js');

/** The running daemon of a state dir, or undefined (a stale daemon.json counts as none). */
export function readDaemonInfo(home: string): DaemonInfo | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(statePaths(home).daemon, 'utf8')) as DaemonInfo;
    return processAlive(info.pid) ? info : undefined;
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Starts the daemon process for a state dir, detached, logging to daemon.log; resolves when it answers. */
export async function spawnDaemon(home: string, env: NodeJS.ProcessEnv): Promise<DaemonInfo> {
  const paths = statePaths(home);
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const logFd = fs.openSync(paths.log, 'a');
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, DAEMON_MAIN], { detached: true, stdio: ['ignore', logFd, logFd], env: { ...env, MINIK_HOME: home } });
  fs.closeSync(logFd);
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  child.unref();
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const info = readDaemonInfo(home);
    if (info && (await healthy(info.port))) return info;
    // Exit code 3: another daemon won the race for this state dir; wait for that one instead.
    if (exited !== null && exited !== 3) throw new Error(`the minik daemon exited (code ${exited}); see ${paths.log}`);
    await sleep(15);
  }
  throw new Error(`the minik daemon did not start within 15s; see ${paths.log}`);
}

/** A client for the state dir's daemon, starting the daemon first if needed (noting that on `notice`). */
export async function connect(home: string, env: NodeJS.ProcessEnv, notice: (line: string) => void): Promise<Client> {
  let info = readDaemonInfo(home);
  if (!info) {
    info = await spawnDaemon(home, env);
    notice(`minik daemon started (pid ${info.pid}, listening on 127.0.0.1:${info.port}, state in ${home})`);
  }
  const token = fs.readFileSync(statePaths(home).token, 'utf8').trim();
  return new Client('127.0.0.1', info.port, token);
}
