// The process runtime: with the operator's runtime config allowing an image, its pods run as real
// processes (own directory, env from the spec, volumes as files, not root, SIGTERM then SIGKILL,
// restarts with back-off, probes); without it nothing a manifest asks for runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOnPath } from '../../src/state/runtime-config.js';
import { cli, commandOnPath, fastForward, runKubectl, tempHome, testDaemon } from '../helpers.js';

const KUBECTL = commandOnPath('kubectl');
/** python3 where the runtime config finds program names (the memory tests need one). */
const PYTHON3 = findOnPath('python3');
const AS_ROOT = process.getuid?.() === 0;

/** Polls `fn` until it returns a truthy value (or throws after `ms`). */
async function until<T>(fn: () => T | Promise<T>, ms = 15_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Processes whose command line holds `marker` (any user's). */
function processesWith(marker: string): number[] {
  const out: number[] = [];
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) out.push(Number(pid));
    } catch {
      // gone
    }
  }
  return out;
}

const touchPod = (dir: string) => `apiVersion: v1
kind: Pod
metadata: {name: toucher}
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: busybox
    command: [sh, -c, "touch ${dir}/x; echo touched ${dir}/x"]
`;

/** A directory any user may write (processes run as nobody when the tests run as root). */
function openDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o777);
  return dir;
}

describe('with no runtime config', () => {
  it('spawns no process for a pod whose command would touch a file', async () => {
    const env = await testDaemon();
    const stop = fastForward(env);
    const dir = openDir('minik-off-');
    try {
      expect((await cli(env.home, ['apply', '-f', '-'], touchPod(dir))).code).toBe(0);
      await until(async () => (await cli(env.home, ['get', 'pod', 'toucher', '-o', 'jsonpath={.status.phase}'])).stdout === 'Succeeded', 15_000, 'the simulated pod to finish');
      expect(fs.existsSync(path.join(dir, 'x'))).toBe(false);
      expect(processesWith(`touch ${dir}/x`)).toEqual([]);
      expect((await cli(env.home, ['logs', 'toucher'])).stdout).toContain('simulated: no process runs');
    } finally {
      stop();
      await env.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe('with busybox allowed', () => {
  let env: Awaited<ReturnType<typeof testDaemon>>;
  let stopTicking: () => void;
  let work: string;
  let kubeHome: string;
  const kubectl = (args: string[], stdin?: string) => runKubectl(KUBECTL!, env.home, kubeHome, args, stdin);

  beforeAll(async () => {
    work = openDir('minik-proc-');
    kubeHome = tempHome('minik-proc-kubectl-');
    const config = path.join(work, 'runtime.yaml');
    // A program the processes' user may not run (root's, mode 0700): only meaningful as root.
    const locked = path.join(kubeHome, 'locked.sh');
    fs.writeFileSync(locked, '#!/bin/sh\necho never\n', { mode: 0o700 });
    fs.writeFileSync(config, `processes:\n${AS_ROOT ? '  user: {uid: 65534, gid: 65534}\n' : ''}  images:\n  - image: busybox\n    programs: [sh, cat, echo, sleep, touch, env, ls, id, rm]\n${PYTHON3 ? '  - image: python:3*\n    programs: [python3]\n' : ''}  - image: locked\n    entrypoint: [${locked}]\n`);
    env = await testDaemon(undefined, { runtimeConfig: config });
    stopTicking = fastForward(env);
  }, 30_000);

  afterAll(async () => {
    stopTicking?.();
    await env?.stop();
    for (const d of [work, kubeHome]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  /** Runs a command in a container (kubectl exec when there is kubectl); its exit code. */
  const kubectlOrCliExec = async (pod: string, container: string, command: string[]) => {
    if (!KUBECTL) return 0;
    return (await kubectl(['exec', pod, '-c', container, '--', ...command])).code;
  };
  const phase = async (pod: string) => (await cli(env.home, ['get', 'pod', pod, '-o', 'jsonpath={.status.phase}'])).stdout;

  it('runs the same pod: the file appears and its logs show the output', async () => {
    expect((await cli(env.home, ['apply', '-f', '-'], touchPod(work))).code).toBe(0);
    await until(async () => (await phase('toucher')) === 'Succeeded', 15_000, 'the pod to succeed');
    expect(fs.existsSync(path.join(work, 'x'))).toBe(true);
    expect((await cli(env.home, ['logs', 'toucher'])).stdout).toBe(`touched ${work}/x\n`);
    const status = JSON.parse((await cli(env.home, ['get', 'pod', 'toucher', '-o', 'json'])).stdout);
    expect(status.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
  }, 30_000);

  it('builds the environment from the spec only, runs as a user that is not root, in a directory of its own', async () => {
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: envcheck, labels: {app: env}}
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: busybox:1.36
    command: [sh, -c, 'env | sort; echo uid=$(id -u); echo cwd=$PWD; cat /etc/hostname >/dev/null; ls etc/config']
    env:
    - {name: GREETING, value: hi}
    - name: MY_IP
      valueFrom: {fieldRef: {fieldPath: status.podIP}}
    volumeMounts: [{name: config, mountPath: /etc/config}]
  volumes:
  - name: config
    configMap: {name: envcheck}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: envcheck}
data: {app.properties: "a=1"}
`;
    process.env.MINIK_SECRET_OF_THE_DAEMON = 'leaked';
    try {
      expect((await cli(env.home, ['apply', '-f', '-'], pod)).code).toBe(0);
      await until(async () => (await phase('envcheck')) === 'Succeeded', 15_000, 'the pod to succeed');
    } finally {
      delete process.env.MINIK_SECRET_OF_THE_DAEMON;
    }
    const log = (await cli(env.home, ['logs', 'envcheck'])).stdout;
    expect(log).toContain('GREETING=hi\n');
    expect(log).toContain('HOSTNAME=envcheck\n');
    expect(log).toMatch(/MY_IP=127\.\d+\.\d+\.\d+\n/);
    expect(log).not.toContain('MINIK_SECRET_OF_THE_DAEMON');
    expect(log).not.toContain('VITEST');
    expect(log).toContain('app.properties');
    expect(log).toMatch(/uid=(\d+)/);
    const uid = Number(/uid=(\d+)/.exec(log)![1]);
    if (AS_ROOT) expect(uid).toBe(65534);
    else expect(uid).toBe(process.getuid!());
    expect(log).toMatch(/cwd=\/.*\/root\n/);
  }, 30_000);

  it('restarts a crashing container with back-off and keeps the previous run\'s log', async () => {
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: crasher}
spec:
  containers:
  - {name: app, image: busybox, command: [sh, -c, 'echo run; exit 2']}
`;
    expect((await cli(env.home, ['apply', '-f', '-'], pod)).code).toBe(0);
    const st = await until(async () => {
      const o = JSON.parse((await cli(env.home, ['get', 'pod', 'crasher', '-o', 'json'])).stdout);
      const s = o.status.containerStatuses?.[0];
      return s?.restartCount >= 2 && s.state.waiting?.reason === 'CrashLoopBackOff' ? s : undefined;
    }, 20_000, 'CrashLoopBackOff');
    expect(st.lastState.terminated).toMatchObject({ exitCode: 2, reason: 'Error' });
    expect((await cli(env.home, ['logs', 'crasher', '--previous'])).stdout).toBe('run\n');
    expect((await cli(env.home, ['get', 'pod', 'crasher'])).stdout).toMatch(/crasher\s+0\/1\s+CrashLoopBackOff\s+\d+ \(/);
  }, 30_000);

  it('terminationMessagePolicy FallbackToLogsOnError: a failed run\'s message is the end of its log', async () => {
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: explains}
spec:
  restartPolicy: Never
  containers:
  - {name: app, image: busybox, terminationMessagePolicy: FallbackToLogsOnError, command: [sh, -c, 'echo starting; echo "bind: Address already in use" >&2; exit 1']}
`;
    expect((await cli(env.home, ['apply', '-f', '-'], pod)).code).toBe(0);
    const t = await until(async () => (await statusOf('explains')).containerStatuses?.[0]?.state?.terminated, 15_000, 'the exit');
    expect(t).toMatchObject({ exitCode: 1, reason: 'Error', message: 'starting\nbind: Address already in use' });
  }, 30_000);

  it('reports a command the image does not provide as StartError, and runs nothing', async () => {
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: noprog}
spec:
  restartPolicy: Never
  containers:
  - {name: app, image: busybox, command: [/usr/bin/python3, -c, 'print(1)']}
`;
    expect((await cli(env.home, ['apply', '-f', '-'], pod)).code).toBe(0);
    const st = await until(async () => JSON.parse((await cli(env.home, ['get', 'pod', 'noprog', '-o', 'json'])).stdout).status.containerStatuses?.[0]?.state?.terminated, 15_000, 'StartError');
    expect(st).toMatchObject({ exitCode: 128, reason: 'StartError', message: expect.stringContaining('exec: "/usr/bin/python3": executable file not found in $PATH') });
  }, 30_000);

  const statusOf = async (pod: string) => JSON.parse((await cli(env.home, ['get', 'pod', pod, '-o', 'json'])).stdout).status;

  it('runs init containers first; they share an emptyDir with the app', async () => {
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: initialized}
spec:
  restartPolicy: Never
  initContainers:
  - {name: prepare, image: busybox, command: [sh, -c, 'echo prepared > data/state'], volumeMounts: [{name: shared, mountPath: /data}]}
  containers:
  - {name: app, image: busybox, command: [sh, -c, 'cat data/state'], volumeMounts: [{name: shared, mountPath: /data}]}
  volumes: [{name: shared, emptyDir: {}}]
`;
    expect((await cli(env.home, ['apply', '-f', '-'], pod)).code).toBe(0);
    await until(async () => (await phase('initialized')) === 'Succeeded', 15_000, 'the pod to succeed');
    expect((await cli(env.home, ['logs', 'initialized', '-c', 'app'])).stdout).toBe('prepared\n');
  }, 30_000);

  it('probes the process: readiness (exec) comes and goes; a failing liveness probe restarts it', async () => {
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: probed}
spec:
  containers:
  - name: app
    image: busybox
    command: [sh, -c, 'sleep 1; touch ready; while true; do sleep 0.2; done']
    readinessProbe: {exec: {command: [cat, ready]}, periodSeconds: 1}
  - name: doomed
    image: busybox
    command: [sh, -c, 'while true; do sleep 0.2; done']
    livenessProbe: {exec: {command: [cat, /nonexistent/healthy]}, periodSeconds: 1, failureThreshold: 2}
`;
    expect((await cli(env.home, ['apply', '-f', '-'], pod)).code).toBe(0);
    const ready = await until(async () => (await statusOf('probed')).containerStatuses?.find((c: { name: string }) => c.name === 'app')?.ready === true, 15_000, 'readiness');
    expect(ready).toBe(true);
    // Not ready again once the file is gone.
    expect(await kubectlOrCliExec('probed', 'app', ['rm', 'ready'])).toBe(0);
    await until(async () => (await statusOf('probed')).containerStatuses?.find((c: { name: string }) => c.name === 'app')?.ready === false, 15_000, 'unreadiness');
    const doomed = await until(async () => {
      const c = (await statusOf('probed')).containerStatuses?.find((x: { name: string }) => x.name === 'doomed');
      return c?.restartCount >= 1 ? c : undefined;
    }, 20_000, 'the liveness restart');
    expect(doomed.lastState.terminated.exitCode).toBe(143);
    const events = (await cli(env.home, ['get', 'events', '--field-selector', 'involvedObject.name=probed', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}'])).stdout;
    expect(events).toContain('Unhealthy: Liveness probe failed:');
    expect(events).toContain('Killing: Container doomed failed liveness probe, will be restarted');
    expect(events).toContain('Unhealthy: Readiness probe failed:');
  }, 40_000);

  it('a startup probe holds started and Ready until it passes; one that keeps failing restarts the container', async () => {
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: slowstart}
spec:
  containers:
  - name: app
    image: busybox
    command: [sh, -c, 'sleep 3; touch started; while true; do sleep 0.2; done']
    startupProbe: {exec: {command: [cat, started]}, periodSeconds: 1, failureThreshold: 10}
  - name: never
    image: busybox
    command: [sh, -c, 'while true; do sleep 0.2; done']
    startupProbe: {exec: {command: [cat, /nonexistent/started]}, periodSeconds: 1, failureThreshold: 2}
`;
    expect((await cli(env.home, ['apply', '-f', '-'], pod)).code).toBe(0);
    const app = async () => (await statusOf('slowstart')).containerStatuses?.find((c: { name: string }) => c.name === 'app');
    await until(async () => (await app())?.state?.running, 10_000, 'the app to run');
    expect((await app()).started).toBe(false);
    expect((await app()).ready).toBe(false);
    await until(async () => (await app())?.ready === true, 15_000, 'the startup probe to pass');
    expect((await app()).started).toBe(true);
    const never = await until(async () => {
      const c = (await statusOf('slowstart')).containerStatuses?.find((x: { name: string }) => x.name === 'never');
      return c?.restartCount >= 1 ? c : undefined;
    }, 20_000, 'the startup kill');
    expect(never.started).toBe(false);
    const events = (await cli(env.home, ['get', 'events', '--field-selector', 'involvedObject.name=slowstart', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}'])).stdout;
    expect(events).toContain('Killing: Container never failed startup probe, will be restarted');
  }, 40_000);

  describe.skipIf(!PYTHON3 || process.platform !== 'linux')('resources', () => {
    it('a process over its memory limit is OOMKilled (137); what processes use shows in top', async () => {
      const pod = `apiVersion: v1
kind: Pod
metadata: {name: hog}
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: python:3.12
    command: [python3, -c, 'import time; b = bytearray(200 * 1024 * 1024); b[::4096] = b"x" * len(b[::4096]); time.sleep(60)']
    resources: {limits: {memory: 64Mi}}
---
apiVersion: v1
kind: Pod
metadata: {name: holder}
spec:
  containers:
  - name: app
    image: python:3.12
    command: [python3, -c, 'import time; b = bytearray(96 * 1024 * 1024); b[::4096] = b"x" * len(b[::4096]); time.sleep(600)']
`;
      expect((await cli(env.home, ['apply', '-f', '-'], pod)).code).toBe(0);
      const t = await until(async () => (await statusOf('hog')).containerStatuses?.[0]?.state?.terminated, 20_000, 'the OOM kill');
      expect(t).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
      const mem = await until(async () => {
        const m = /holder\s+\S+\s+(\d+)Mi/.exec((await cli(env.home, ['top', 'pod', 'holder'])).stdout);
        return m && Number(m[1]) >= 96 ? Number(m[1]) : undefined;
      }, 20_000, 'the measured memory');
      expect(mem).toBeLessThan(200);
    }, 60_000);
  });

  it.skipIf(!AS_ROOT)('a program its user may not run is a StartError, with no Started event', async () => {
    const pod = `apiVersion: v1\nkind: Pod\nmetadata: {name: locked}\nspec:\n  restartPolicy: Never\n  containers: [{name: app, image: locked}]\n`;
    expect((await cli(env.home, ['apply', '-f', '-'], pod)).code).toBe(0);
    const t = await until(async () => (await statusOf('locked')).containerStatuses?.[0]?.state?.terminated, 15_000, 'StartError');
    expect(t).toMatchObject({ exitCode: 128, reason: 'StartError', message: expect.stringContaining('permission denied') });
    const reasons = (await cli(env.home, ['get', 'events', '--field-selector', 'involvedObject.name=locked', '-o', 'jsonpath={.items[*].reason}'])).stdout.split(' ');
    expect(reasons).toContain('Failed');
    expect(reasons).not.toContain('Started');
  }, 30_000);

  it('minikctl logs -f streams the lines as they are written', async () => {
    const pod = `apiVersion: v1\nkind: Pod\nmetadata: {name: ticker}\nspec:\n  containers:\n  - {name: app, image: busybox, command: [sh, -c, 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done']}\n`;
    expect((await cli(env.home, ['apply', '-f', '-'], pod)).code).toBe(0);
    expect((await cli(env.home, ['wait', '--for=condition=Ready', 'pod/ticker', '--timeout=20s'])).code).toBe(0);
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('../helpers.js');
    const child = spawn(process.execPath, [BIN, 'logs', '-f', 'ticker', '--tail=1'], { env: { ...process.env, MINIK_HOME: env.home, NO_COLOR: '1' } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      // The first line (the tail), then new ones while the command still runs.
      await until(() => out.split('\n').filter(Boolean).length >= 4, 10_000, 'streamed lines');
      expect(child.exitCode).toBeNull();
      const numbers = out.split('\n').filter(Boolean).map((l) => Number(l.split(' ')[1]));
      expect(numbers.slice(1)).toEqual(numbers.slice(1).map((_, i) => numbers[1] + i));
    } finally {
      child.kill();
    }
  }, 30_000);

  describe.skipIf(!KUBECTL)('kubectl against a process container', () => {
    beforeAll(async () => {
      const pod = `apiVersion: v1
kind: Pod
metadata: {name: talker}
spec:
  containers:
  - {name: app, image: busybox, command: [sh, -c, 'i=0; while true; do i=$((i+1)); echo line $i; sleep 0.3; done']}
`;
      expect((await cli(env.home, ['apply', '-f', '-'], pod)).code).toBe(0);
      expect((await cli(env.home, ['wait', '--for=condition=Ready', 'pod/talker', '--timeout=20s'])).code).toBe(0);
    }, 30_000);

    it('echo hi | kubectl exec -i POD -- cat prints hi', async () => {
      expect(await kubectl(['exec', '-i', 'talker', '--', 'cat'], 'hi\n')).toMatchObject({ code: 0, stdout: 'hi\n' });
    });

    it("kubectl exec POD -- sh -c 'exit 3' exits 3", async () => {
      const r = await kubectl(['exec', 'talker', '--', 'sh', '-c', 'exit 3']);
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('command terminated with exit code 3');
    });

    it('kubectl exec runs in the container: its directory and environment', async () => {
      const r = await kubectl(['exec', 'talker', '--', 'sh', '-c', 'echo $HOSTNAME; pwd']);
      expect(r.stdout).toMatch(/^talker\n\/.*\/root\n$/);
    });

    it('kubectl logs -f shows a line within 1 s of it being written', async () => {
      const { spawn } = await import('node:child_process');
      const child = spawn(KUBECTL!, ['logs', '-f', 'talker', '--tail=0', '--timestamps'], { env: { ...process.env, KUBECONFIG: path.join(env.home, 'kubeconfig'), HOME: kubeHome } });
      const lags: number[] = [];
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (d: Buffer) => {
          for (const line of d.toString().split('\n').filter(Boolean)) {
            // The line's timestamp is the (fast-forwarded) cluster clock's; its arrival is measured in real time.
            lags.push(Date.now());
            if (lags.length >= 3) resolve();
            void line;
          }
        });
      });
      child.kill();
      // Written every 0.3 s: consecutive lines arrive well within 1 s of each other.
      expect(lags[2] - lags[1]).toBeLessThan(1000);
    }, 20_000);

    it('kubectl attach joins the process: its stdin and its output', async () => {
      const pod = `apiVersion: v1
kind: Pod
metadata: {name: listener}
spec:
  restartPolicy: Never
  containers:
  - {name: app, image: busybox, command: [cat], stdin: true, stdinOnce: true}
`;
      expect((await cli(env.home, ['apply', '-f', '-'], pod)).code).toBe(0);
      expect((await cli(env.home, ['wait', '--for=condition=Ready', 'pod/listener', '--timeout=20s'])).code).toBe(0);
      const r = await kubectl(['attach', '-i', 'listener'], 'through attach\n');
      expect(r.stdout).toContain('through attach');
      // stdinOnce: the end of the client's stdin closes the container's; cat exits 0.
      await until(async () => (await phase('listener')) === 'Succeeded', 15_000, 'cat to exit');
    }, 30_000);

    it('kubectl logs --since and --timestamps read the real log', async () => {
      const r = await kubectl(['logs', 'talker', '--since=1h', '--timestamps', '--tail=1']);
      expect(r.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line \d+\n$/);
    });

    it('kubectl logs --tail and --limit-bytes apply to the real log', async () => {
      const r = await kubectl(['logs', 'talker', '--tail=2']);
      expect(r.stdout.trim().split('\n')).toHaveLength(2);
      expect((await kubectl(['logs', 'talker', '--limit-bytes=4'])).stdout).toBe('line');
    });
  });

  it('delete: SIGTERM first, SIGKILL when the grace period ends, and nothing of the pod is left', async () => {
    const marker = `minik-grace-${process.pid}`;
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: stubborn}
spec:
  terminationGracePeriodSeconds: 2
  containers:
  - name: app
    image: busybox
    command: [sh, -c, 'trap "touch ${work}/got-sigterm" TERM; sleep 1000 & echo started; while true; do sleep 0.1; done; : ${marker}']
`;
    expect((await cli(env.home, ['apply', '-f', '-'], pod)).code).toBe(0);
    await until(async () => (await cli(env.home, ['logs', 'stubborn'])).stdout.includes('started'), 15_000, 'the pod to start');
    expect(processesWith(marker).length).toBeGreaterThan(0);
    const t0 = Date.now();
    const del = cli(env.home, ['delete', 'pod', 'stubborn', '--wait=false']);
    expect((await del).code).toBe(0);
    await until(async () => (await cli(env.home, ['get', 'pod', 'stubborn'])).code !== 0, 10_000, 'the pod to go');
    const took = Date.now() - t0;
    // It got SIGTERM and carried on, so SIGKILL came when the 2 s had passed.
    expect(fs.existsSync(path.join(work, 'got-sigterm'))).toBe(true);
    expect(took).toBeGreaterThanOrEqual(1900);
    expect(took).toBeLessThan(6000);
    await until(() => processesWith(marker).length === 0 && processesWith('sleep 1000').every((pid) => !fs.readlinkSync(`/proc/${pid}/cwd`).includes('minik')), 2000, 'no process of the pod to be left');
  }, 30_000);

  it('a force-deleted pod: its processes are gone within 2 s', async () => {
    const marker = `minik-force-${process.pid}`;
    const pod = `apiVersion: v1\nkind: Pod\nmetadata: {name: forced}\nspec:\n  containers:\n  - {name: app, image: busybox, command: [sh, -c, 'trap "" TERM; while true; do sleep 0.1; done; : ${marker}']}\n`;
    expect((await cli(env.home, ['apply', '-f', '-'], pod)).code).toBe(0);
    await until(async () => (await cli(env.home, ['get', 'pod', 'forced', '-o', 'jsonpath={.status.containerStatuses[0].state.running.startedAt}'])).stdout !== '', 15_000, 'the container to run');
    expect(processesWith(marker).length).toBeGreaterThan(0);
    expect((await cli(env.home, ['delete', 'pod', 'forced', '--grace-period=0', '--force'])).code).toBe(0);
    const t0 = Date.now();
    await until(() => processesWith(marker).length === 0, 2500, 'the processes to go');
    expect(Date.now() - t0).toBeLessThan(2000);
  }, 30_000);

  it('stops every process when the daemon stops', async () => {
    const marker = `minik-daemon-stop-${process.pid}`;
    const pod = `apiVersion: v1
kind: Pod
metadata: {name: lasting}
spec:
  containers:
  - {name: app, image: busybox, command: [sh, -c, 'trap "" TERM; while true; do sleep 0.1; done; : ${marker}']}
`;
    expect((await cli(env.home, ['apply', '-f', '-'], pod)).code).toBe(0);
    await until(() => processesWith(marker).length > 0, 15_000, 'the process');
    stopTicking();
    const t0 = Date.now();
    await env.daemon.stop();
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(processesWith(marker)).toEqual([]);
  }, 30_000);
});

describe('a daemon killed with SIGKILL', () => {
  it('leaves processes behind only until it starts again: the next start kills them', async () => {
    const { cliProcess, stopProcessDaemon } = await import('../helpers.js');
    const home = tempHome('minik-proc-kill-');
    const marker = `minik-orphan-${process.pid}`;
    const config = path.join(home, 'runtime.yaml');
    fs.writeFileSync(config, `processes:\n${AS_ROOT ? '  user: {uid: 65534, gid: 65534}\n' : ''}  images:\n  - image: busybox\n    programs: [sh, sleep]\n`);
    try {
      expect((await cliProcess(home, ['daemon', 'start', '--runtime-config', config])).code).toBe(0);
      const pod = `apiVersion: v1\nkind: Pod\nmetadata: {name: orphan}\nspec:\n  containers:\n  - {name: app, image: busybox, command: [sh, -c, 'while true; do sleep 0.2; done; : ${marker}']}\n`;
      expect((await cliProcess(home, ['apply', '-f', '-'], { stdin: pod })).code).toBe(0);
      await until(() => processesWith(marker).length > 0, 20_000, 'the process');
      // The daemon has stored that the container runs (it spawns within a pass, then commits).
      await until(async () => (await cliProcess(home, ['get', 'pod', 'orphan', '-o', 'jsonpath={.status.containerStatuses[0].state.running.startedAt}'])).stdout !== '', 20_000, 'the Running status');
      const { pid } = JSON.parse(fs.readFileSync(path.join(home, 'daemon.json'), 'utf8')) as { pid: number };
      process.kill(pid, 'SIGKILL');
      await until(() => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      }, 5000, 'the daemon to die');
      expect(processesWith(marker).length).toBeGreaterThan(0);
      expect((await cliProcess(home, ['daemon', 'start', '--runtime-config', config])).code).toBe(0);
      // The new daemon killed what the old one left, then started the pod's container again.
      await until(async () => (await cliProcess(home, ['get', 'pod', 'orphan', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}'])).stdout === '1', 20_000, 'the restart');
      expect(processesWith(marker)).toHaveLength(1);
    } finally {
      await stopProcessDaemon(home);
    }
    expect(processesWith(marker)).toEqual([]);
  }, 60_000);
});
