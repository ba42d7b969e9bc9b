// `kubectl exec` and `attach`, as the kubelet serves them. A container that runs as a process
// (process/runtime.ts): the command runs in its context (its working directory, environment and
// user; the program a name stands for in its image's allowlist entry), and attach joins its
// process's stdin and output. A simulated container: nothing runs unless the operator's runtime
// config has an exec rule for the pod (as kwok's Exec resources map a pod to local commands);
// then the command runs on this machine as the daemon's user, in the rule's working directory
// (default <state dir>/exec/<namespace>/<pod>), with an environment built only from the
// container's literal env values, the rule's env and a standard PATH. Either way the command has
// its own process group, its exit code is reported as a container's would be (128 + signal when a
// signal ended it), and when the client goes away the whole group is killed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Pod } from '../api/types.js';
import type { CommandResult, CommandRunner, CommandSession, RemoteCommand } from '../apiserver/remote-command.js';
import { EXEC_PATH, type ExecRule, type RuntimeConfig, podMatches } from '../state/runtime-config.js';
import { programPath } from './process/programs.js';
import { type ProcessRuntime, processExitCode } from './process/runtime.js';

/** The first rule of the config that names this pod (namespace and labels), if any. */
export function execRuleFor(config: Pick<RuntimeConfig, 'exec'>, pod: Pod): ExecRule | undefined {
  return config.exec.find((r) => podMatches(r, pod));
}

const NOTHING: CommandSession = { stdin: () => {}, endStdin: () => {}, kill: () => {} };

type Output = { stdout(data: Buffer): void; stderr(data: Buffer): void };

/** Runs a program for a stream in its own process group. */
function run(program: string, args: string[], where: { cwd: string; env: Record<string, string>; uid?: number; gid?: number }, cmd: RemoteCommand, out: Output, done: (r: CommandResult) => void, shownName: string): CommandSession {
  const child = spawn(program, args, { cwd: where.cwd, env: where.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'], ...(where.uid !== undefined ? { uid: where.uid, gid: where.gid } : {}) });
  child.stdout.on('data', (d: Buffer) => out.stdout(d));
  child.stderr.on('data', (d: Buffer) => out.stderr(d));
  child.stdin.on('error', () => {}); // the command stopped reading
  if (!cmd.stdin) child.stdin.end();
  child.on('error', (e: NodeJS.ErrnoException) => {
    done({ error: e.code === 'ENOENT' ? `exec: "${shownName}": executable file not found in $PATH` : `exec: ${e.message}` });
  });
  child.on('close', (code, signal) => {
    if (code === null && signal === null) return; // it never started: 'error' said why
    done({ exitCode: processExitCode(code, signal) });
  });
  return {
    stdin: (d) => child.stdin.write(d),
    endStdin: () => child.stdin.end(),
    kill: () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/** Attach: the client joins the container's process (its stdin, its output from now on) until it exits or the client leaves. */
function attach(proc: NonNullable<ReturnType<ProcessRuntime['processOf']>>, cmd: RemoteCommand, out: Output, done: (r: CommandResult) => void): CommandSession {
  const listener = (stream: 'stdout' | 'stderr', d: Buffer) => (stream === 'stdout' ? out.stdout(d) : out.stderr(d));
  proc.output.add(listener);
  void proc.exited.then(() => {
    proc.output.delete(listener);
    done({ exitCode: proc.exitCode() ?? 0 });
  });
  return {
    stdin: (d) => {
      if (cmd.stdin) proc.stdin?.write(d);
    },
    endStdin: () => {
      if (cmd.spec.stdinOnce) proc.stdin?.end();
    },
    kill: () => proc.output.delete(listener),
  };
}

/** The exec runner of a daemon whose operator's runtime config is `config` (and its process runtime, if it runs any). */
export function execRunner(config: RuntimeConfig, stateDir: string, processes?: ProcessRuntime): CommandRunner {
  return (cmd, out, done) => {
    const pod = cmd.pod;
    const where = `container "${cmd.container}" of pod "${pod.metadata.name}"`;
    const uid = pod.metadata.uid!;
    if (cmd.command.length === 0) {
      const proc = processes?.processOf(uid, cmd.container);
      if (proc) {
        if (cmd.stdin && !cmd.spec.stdin) {
          done({ error: `${where}: stdin is not open for this container (set stdin: true in its spec)` });
          return NOTHING;
        }
        return attach(proc, cmd, out, done);
      }
      done({ error: `${where} is simulated: it has no process to attach to` });
      return NOTHING;
    }
    const ctx = processes?.contextOf(uid, cmd.container);
    if (ctx) {
      const program = programPath(ctx.entry, cmd.command[0]);
      if (!program) {
        done({ error: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${cmd.command[0]}": executable file not found in $PATH: unknown` });
        return NOTHING;
      }
      return run(program, cmd.command.slice(1), ctx, cmd, out, done, cmd.command[0]);
    }
    const rule = execRuleFor(config, pod);
    if (!rule) {
      done({ error: `${where} is simulated: exec runs commands only for pods an exec rule of the daemon's runtime config names, or containers it runs as processes (see docs/runtime.md)` });
      return NOTHING;
    }
    const cwd = rule.workDir ?? path.join(stateDir, 'exec', pod.metadata.namespace ?? 'default', pod.metadata.name!);
    fs.mkdirSync(cwd, { recursive: true, mode: 0o700 });
    const env: Record<string, string> = { PATH: EXEC_PATH, HOME: cwd, HOSTNAME: pod.metadata.name! };
    for (const e of cmd.spec.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
    for (const e of rule.env) env[e.name] = e.value;
    return run(cmd.command[0], cmd.command.slice(1), { cwd, env }, cmd, out, done, cmd.command[0]);
  };
}
