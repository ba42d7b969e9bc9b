// `kubectl exec` over WebSocket (v5.channel.k8s.io, and v4 for older clients) against simulated
// pods: the operator's runtime config decides what runs. A pod an exec rule names runs the
// command on this machine (stdin, stdout, stderr, exit codes as kubectl reports them, an
// environment from the pod spec only); any other pod gets a clear error and nothing runs; a
// request without an upgrade is refused as kube-apiserver refuses it.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { cli, commandOnPath, pythonWithKubernetesClient, fastForward, runKubectl, tempHome, testDaemon } from '../helpers.js';

const KUBECTL = commandOnPath('kubectl');
const PYTHON = pythonWithKubernetesClient();

const PODS = `apiVersion: v1
kind: Pod
metadata: {name: allowed, labels: {app: demo}}
spec:
  containers:
  - name: app
    image: busybox
    env: [{name: FROM_SPEC, value: yes-from-spec}]
---
apiVersion: v1
kind: Pod
metadata: {name: other, labels: {app: other}}
spec:
  containers: [{name: app, image: busybox}]
---
apiVersion: v1
kind: Pod
metadata: {name: multi, labels: {app: demo}}
spec:
  initContainers: [{name: setup, image: busybox, command: [sh, -c, "echo set up"]}]
  containers: [{name: a, image: busybox}, {name: b, image: busybox}]
`;

let env: Awaited<ReturnType<typeof testDaemon>>;
let stopTicking: () => void;
let kubeHome: string;
let workDir: string;

beforeAll(async () => {
  workDir = tempHome('minik-exec-work-');
  const config = path.join(workDir, 'runtime.yaml');
  fs.writeFileSync(config, `apiVersion: minik.dev/v1alpha1\nkind: RuntimeConfig\nexec:\n- namespace: default\n  podSelector: {matchLabels: {app: demo}}\n  workDir: ${workDir}\n  env: [{name: FROM_RULE, value: yes-from-rule}]\n`);
  env = await testDaemon(undefined, { runtimeConfig: config });
  stopTicking = fastForward(env);
  kubeHome = tempHome('minik-exec-kubectl-');
  const r = await cli(env.home, ['apply', '-f', '-'], PODS);
  expect(r.code, r.stderr).toBe(0);
  const w = await cli(env.home, ['wait', '--for=condition=Ready', 'pod/allowed', 'pod/other', 'pod/multi', '--timeout=30s']);
  expect(w.code, w.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  stopTicking?.();
  await env?.stop();
  for (const d of [kubeHome, workDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

const kubectl = (args: string[], stdin?: string) => runKubectl(KUBECTL!, env.home, kubeHome, args, stdin);

describe.skipIf(!KUBECTL)('kubectl exec into simulated pods', () => {
  it('passes stdin through to the command: echo hi | kubectl exec -i POD -- cat prints hi', async () => {
    expect(await kubectl(['exec', '-i', 'allowed', '--', 'cat'], 'hi\n')).toMatchObject({ code: 0, stdout: 'hi\n' });
  });

  it("reports the command's exit code as kubectl does", async () => {
    const r = await kubectl(['exec', 'allowed', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(r).toMatchObject({ code: 3, stdout: 'out\n' });
    expect(r.stderr).toBe('err\ncommand terminated with exit code 3\n');
  });

  it("runs in the rule's working directory with an environment from the pod spec and the rule only", async () => {
    process.env.MINIK_EXEC_TEST_LEAK = 'leaked';
    try {
      const r = await kubectl(['exec', 'allowed', '--', 'sh', '-c', 'pwd; env | sort']);
      expect(r.code, r.stderr).toBe(0);
      const [cwd, ...vars] = r.stdout.trim().split('\n');
      expect(fs.realpathSync(cwd)).toBe(fs.realpathSync(workDir));
      expect(vars.filter((v) => !v.startsWith('PWD=') && !v.startsWith('SHLVL=') && !v.startsWith('_='))).toEqual([
        'FROM_RULE=yes-from-rule',
        'FROM_SPEC=yes-from-spec',
        `HOME=${workDir}`,
        'HOSTNAME=allowed',
        'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      ]);
    } finally {
      delete process.env.MINIK_EXEC_TEST_LEAK;
    }
  });

  it('says why nothing runs in a pod no exec rule names, and for a command that does not exist', async () => {
    const other = await kubectl(['exec', 'other', '--', 'touch', path.join(workDir, 'never')]);
    expect(other.code).toBe(1);
    expect(other.stderr).toBe('error: container "app" of pod "other" is simulated: exec runs commands only for pods an exec rule of the daemon\'s runtime config names, or containers it runs as processes (see docs/runtime.md)\n');
    expect(fs.existsSync(path.join(workDir, 'never'))).toBe(false);
    const missing = await kubectl(['exec', 'allowed', '--', 'no-such-command-here']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('exec: "no-such-command-here": executable file not found in $PATH');
  });
});

describe('the exec subresource without kubectl', () => {
  const base = () => {
    const port = env.daemon.port;
    const token = fs.readFileSync(path.join(env.home, 'token'), 'utf8').trim();
    return { port, token };
  };

  it('refuses a request without an upgrade (400 Upgrade request required)', async () => {
    const { port, token } = base();
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/namespaces/default/pods/allowed/exec?command=ls`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe('Upgrade request required');
  });

  /** An upgrade the server refuses: its status and Status message. */
  const refusedUpgrade = (pathAndQuery: string, headers: Record<string, string>) => {
    const { port, token } = base();
    return new Promise<{ status: number; message: string }>((resolve, reject) => {
      const req = http.request({ port, path: pathAndQuery, headers: { Authorization: `Bearer ${token}`, Connection: 'Upgrade', ...headers } });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, message: (JSON.parse(body) as { message: string }).message }));
      });
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
  };

  it("refuses an upgrade that is not WebSocket (older kubectls' SPDY fallback)", async () => {
    const r = await refusedUpgrade('/api/v1/namespaces/default/pods/allowed/exec?command=ls&stdout=true', { Upgrade: 'SPDY/3.1' });
    expect(r).toEqual({ status: 400, message: 'unsupported upgrade "SPDY/3.1": minik serves exec over WebSocket (v5.channel.k8s.io, v4.channel.k8s.io)' });
  });

  it('asks for a container of a pod that has several, naming them all, init containers too (as for logs)', async () => {
    const ws = { Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'v5.channel.k8s.io' };
    const r = await refusedUpgrade('/api/v1/namespaces/default/pods/multi/exec?command=ls&stdout=true', ws);
    expect(r).toEqual({ status: 400, message: 'a container name must be specified for pod multi, choose one of: [setup a b]' });
    const log = await cli(env.home, ['logs', 'multi']);
    expect(log.stderr).toBe('Error from server (BadRequest): a container name must be specified for pod multi, choose one of: [setup a b]\n');
  });

  it('answers attach with an error on the error channel: a simulated container has no process', async () => {
    const { port, token } = base();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/namespaces/default/pods/allowed/attach?stdout=true&stderr=true`, ['v5.channel.k8s.io'], { headers: { Authorization: `Bearer ${token}` } });
    const errors: string[] = [];
    ws.on('message', (d: Buffer) => d[0] === 3 && errors.push(d.subarray(1).toString()));
    const code = await new Promise<number>((resolve) => ws.on('close', (c) => resolve(c)));
    expect(code).toBe(1000);
    expect(errors.map((e) => JSON.parse(e))).toEqual([{ metadata: {}, status: 'Failure', message: 'container "app" of pod "allowed" is simulated: it has no process to attach to', reason: 'InternalError', code: 500 }]);
  });

  it('speaks v4.channel.k8s.io to older clients, text messages included', async () => {
    const { port, token } = base();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/namespaces/default/pods/allowed/exec?command=cat&stdin=true&stdout=true&stderr=true`, ['v4.channel.k8s.io'], { headers: { Authorization: `Bearer ${token}` } });
    const frames: Buffer[] = [];
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('message', (d: Buffer) => {
      frames.push(d);
      // The command echoes what it read: then end it (v4 has no close signal; the client closes).
      if (d[0] === 1 && d.length > 1) ws.close();
    });
    await new Promise((resolve) => ws.on('open', resolve));
    expect(ws.protocol).toBe('v4.channel.k8s.io');
    ws.send('\u0000hello over text', { binary: false });
    expect(await closed).toBeGreaterThan(0);
    const stdout = frames.filter((f) => f[0] === 1).map((f) => f.subarray(1).toString()).join('');
    expect(stdout).toBe('hello over text');
  });
});

describe.skipIf(!PYTHON)('exec through the Python client', () => {
  it('passes stdin and reads an exit code through kubernetes.stream', async () => {
    const out = await new Promise<{ stdout: string; stderr: string }>((resolve) =>
      execFile(PYTHON!, [path.join(__dirname, 'python', 'exec.py'), 'allowed'], { env: { ...process.env, KUBECONFIG: path.join(env.home, 'kubeconfig') }, timeout: 60_000 }, (_err, stdout, stderr) =>
        resolve({ stdout, stderr }),
      ),
    );
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe('cat hello from python\nexit 3 bye\n');
  }, 90_000);
});
