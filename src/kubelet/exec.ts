// `kubectl exec` into a simulated container: nothing runs unless the operator's runtime config
// has an exec rule for the pod (as kwok's Exec resources map a pod to local commands). Then the
// command runs on this machine as the daemon's user: in the rule's working directory (default
// <state dir>/exec/<namespace>/<pod>), in its own process group, with an environment built only
// from the container's literal env values, the rule's env and a standard PATH (nothing of the
// daemon's own environment). Its exit code is reported as a container's would be (128 + signal
// when a signal ended it); when the client goes away the whole process group is killed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pod } from '../api/types.js';
import type { CommandRunner, CommandSession } from '../apiserver/remote-command.js';
import type { ExecRule, RuntimeConfig } from '../state/runtime-config.js';

/** The PATH an exec'd command gets (the one container images commonly set). */
export const EXEC_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The first rule of the config that names this pod (namespace and labels), if any. */
export function execRuleFor(config: RuntimeConfig, pod: Pod): ExecRule | undefined {
  const labels = pod.metadata.labels ?? {};
  return config.exec.find((r) => (r.namespace === undefined || r.namespace === pod.metadata.namespace) && Object.entries(r.matchLabels ?? {}).every(([k, v]) => labels[k] === v));
}

const NOTHING: CommandSession = { stdin: () => {}, endStdin: () => {}, kill: () => {} };

/** The exec runner of a daemon whose operator's runtime config is `config`. */
export function execRunner(config: RuntimeConfig, stateDir: string): CommandRunner {
  return (cmd, out, done) => {
    const pod = cmd.pod;
    const where = `container "${cmd.container}" of pod "${pod.metadata.name}"`;
    if (cmd.command.length === 0) {
      done({ error: `${where} is simulated: it has no process to attach to` });
      return NOTHING;
    }
    const rule = execRuleFor(config, pod);
    if (!rule) {
      done({ error: `${where} is simulated: exec runs commands only for pods an exec rule of the daemon's runtime config names (see docs/runtime.md)` });
      return NOTHING;
    }
    const cwd = rule.workDir ?? path.join(stateDir, 'exec', pod.metadata.namespace ?? 'default', pod.metadata.name!);
    fs.mkdirSync(cwd, { recursive: true, mode: 0o700 });
    const env: Record<string, string> = { PATH: EXEC_PATH, HOME: cwd, HOSTNAME: pod.metadata.name! };
    for (const e of cmd.spec.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
    for (const e of rule.env) env[e.name] = e.value;
    const child = spawn(cmd.command[0], cmd.command.slice(1), { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => out.stdout(d));
    child.stderr.on('data', (d: Buffer) => out.stderr(d));
    child.stdin.on('error', () => {}); // the command stopped reading
    if (!cmd.stdin) child.stdin.end();
    child.on('error', (e: NodeJS.ErrnoException) => {
      done({ error: e.code === 'ENOENT' ? `exec: "${cmd.command[0]}": executable file not found in $PATH` : `exec: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      if (code === null && signal === null) return; // it never started: 'error' said why
      done({ exitCode: code ?? 128 + (os.constants.signals[signal!] ?? 0) });
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
  };
}
