// Test helpers: an in-process daemon on port 0 in a temp state dir with a fake clock, the CLI
// run in-process with captured output, and the built CLI run as a real process.
import { execFile, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeClock } from '../src/api/clock.js';
import { StatusError } from '../src/apiserver/errors.js';
import { type Daemon, type DaemonOptions, startDaemon } from '../src/daemon/daemon.js';
import { sharedPodFilesDir } from '../src/kubelet/process/runtime.js';
import { run } from '../src/cli/main.js';
import type { IO } from '../src/cli/io.js';
import type { NodePool } from '../src/sim/node-pool.js';

export const ROOT = path.resolve(__dirname, '..');
export const BIN = path.join(ROOT, 'bin', 'minikctl');

/** A fresh temp state dir (MINIK_HOME). */
export function tempHome(prefix = 'minik-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** An in-process daemon with a fake clock and no automatic ticks. */
export async function testDaemon(nodes?: NodePool, opts: Partial<DaemonOptions> = {}): Promise<{ daemon: Daemon; home: string; clock: FakeClock; stop: () => Promise<void> }> {
  const home = tempHome();
  const clock = new FakeClock(Date.parse('2026-11-23T10:00:00Z'));
  const daemon = await startDaemon({ home, clock, tickMs: 0, nodes, ...opts });
  return {
    daemon,
    home,
    clock,
    stop: async () => {
      await daemon.stop();
      fs.rmSync(home, { recursive: true, force: true });
      // A daemon whose processes ran as another user kept its pods' files outside the state dir.
      fs.rmSync(sharedPodFilesDir(home), { recursive: true, force: true });
    },
  };
}

/**
 * Fast-forwards a test daemon: 200 ms of cluster time and one control-loop tick every 5 ms of
 * real time, so rollouts and graceful deletions take milliseconds. Returns a stop function.
 */
export function fastForward(env: { daemon: Daemon; clock: FakeClock }): () => void {
  return startTicking(env);
}

/**
 * For a test file: an in-process daemon started before its tests and fast-forwarded, stopped
 * after them. Read `.env` inside the tests.
 */
export function fastDaemonForSuite(before: (fn: () => Promise<void>) => void, after: (fn: () => Promise<void>) => void, nodes?: NodePool): { env: Awaited<ReturnType<typeof testDaemon>> } {
  const holder = {} as { env: Awaited<ReturnType<typeof testDaemon>> };
  let stop: () => void = () => {};
  before(async () => {
    holder.env = await testDaemon(nodes);
    stop = fastForward(holder.env);
  });
  after(async () => {
    stop();
    await holder.env.stop();
  });
  return holder;
}

function startTicking(env: { daemon: Daemon; clock: FakeClock }): () => void {
  const ticker = setInterval(() => {
    env.clock.advance(200);
    env.daemon.loop.tick();
  }, 5);
  return () => clearInterval(ticker);
}

/** The result of one CLI run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs minikctl in-process against the state dir's daemon. */
export async function cli(home: string, args: string[], stdin = '', env: Record<string, string> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: IO = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    readStdin: async () => stdin,
    env: { MINIK_HOME: home, NO_COLOR: '1', ...env },
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

/** Runs the built bin/minikctl as a child process. */
export function cliProcess(home: string, args: string[], opts: { stdin?: string; env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, MINIK_HOME: home, NO_COLOR: '1', ...opts.env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
    else child.stdin!.end();
  });
}

/** Stops the daemon of a state dir started by a child process, and removes the dir. */
export async function stopProcessDaemon(home: string): Promise<void> {
  await cliProcess(home, ['daemon', 'stop']);
  // A daemon that lost a start race may still be writing its last log line as it exits: retried.
  fs.rmSync(home, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
  fs.rmSync(sharedPodFilesDir(home), { recursive: true, force: true });
}

export { spawn };

/** The StatusError a call is refused with (fails when it is not refused, or throws something else). */
export function statusErrorOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  throw new Error('not refused');
}

/** A refusal's code and message. */
export function refusal(fn: () => unknown): { code: number; message: string } {
  const e = statusErrorOf(fn);
  return { code: e.code, message: e.message };
}

/** A python3 that imports Debian's python3-kubernetes (MINIK_PYTHON, python3, /usr/bin/python3), or undefined. */
export function pythonWithKubernetesClient(): string | undefined {
  return [process.env.MINIK_PYTHON, 'python3', '/usr/bin/python3'].find((p) => {
    if (!p) return false;
    try {
      execFileSync(p, ['-c', 'import kubernetes'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  });
}

/** The path of a command on PATH, or undefined (tests of real clients skip without them). */
export function commandOnPath(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs real kubectl (at `kubectlPath`) against the daemon of a state dir, with its own HOME (so no
 * user kubeconfig or cache is read); resolves with the exit code and output, never rejects.
 */
export function runKubectl(kubectlPath: string, home: string, kubeHome: string, args: string[], stdin?: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(kubectlPath, args, { cwd: ROOT, env: { ...process.env, KUBECONFIG: path.join(home, 'kubeconfig'), HOME: kubeHome, ...env } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin ?? '');
  });
}
