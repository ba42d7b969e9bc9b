// Traffic to pods that run as processes: a NodePort Service on 127.0.0.1 (round-robin over the
// replicas, ClientIP affinity), `minikctl service --url`, `kubectl port-forward` (WebSocket-
// tunnelled SPDY, plain SPDY, svc/NAME, 100 connections at once), the Python client's exec and
// portforward, and `kubectl cp`; a simulated pod is refused with a clear error.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOnPath } from '../../src/state/runtime-config.js';
import { BIN, cli, commandOnPath, pythonWithKubernetesClient, fastForward, runKubectl, tempHome, testDaemon } from '../helpers.js';

const KUBECTL = commandOnPath('kubectl');
/** python3 on the standard PATH the runtime config resolves program names in (processes run as another user: not a per-user shim). */
const PYTHON3 = findOnPath('python3');
const AS_ROOT = process.getuid?.() === 0;
const PYTHON_CLIENT = pythonWithKubernetesClient();
/** NodePorts unlikely to be taken by another test run on this machine. */
const NODE_PORT = 30000 + (process.pid % 2700);

const SERVER = `import http.server, os
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.0'
    def do_GET(self):
        b = os.environ['HOSTNAME'].encode()
        self.send_response(200)
        self.send_header('Content-Length', str(len(b)))
        self.end_headers()
        self.wfile.write(b)
    def log_message(self, *a):
        pass
http.server.ThreadingHTTPServer((os.environ['POD_IP'], 8080), H).serve_forever()
`;

const MANIFESTS = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: python:3.12-slim
        command: [python3, -u, -c, ${JSON.stringify(SERVER)}]
        env:
        - name: POD_IP
          valueFrom: {fieldRef: {fieldPath: status.podIP}}
        ports: [{name: http, containerPort: 8080}]
        readinessProbe:
          httpGet: {path: /, port: http}
          periodSeconds: 1
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, targetPort: http, nodePort: ${NODE_PORT}}]
---
apiVersion: v1
kind: Service
metadata: {name: sticky}
spec:
  type: NodePort
  selector: {app: web}
  sessionAffinity: ClientIP
  ports: [{port: 80, targetPort: 8080, nodePort: ${NODE_PORT + 1}}]
---
apiVersion: v1
kind: Pod
metadata: {name: box}
spec:
  containers:
  - {name: box, image: busybox, command: [sh, -c, 'while true; do sleep 1; done']}
---
apiVersion: v1
kind: Pod
metadata: {name: simulated}
spec:
  containers: [{name: app, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: mapped, labels: {app: mapped}}
spec:
  containers: [{name: app, image: nginx, ports: [{containerPort: 80}]}]
`;

/** GET http://127.0.0.1:port/ on a fresh connection; the body. */
function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`status ${res.statusCode}`))));
      })
      .on('error', reject);
  });
}

/** How many answers came from each pod. */
function tally(bodies: string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const b of bodies) m.set(b, (m.get(b) ?? 0) + 1);
  return m;
}

describe.skipIf(!PYTHON3)('traffic to process pods', () => {
  let env: Awaited<ReturnType<typeof testDaemon>>;
  let stopTicking: () => void;
  let work: string;
  let kubeHome: string;
  let pods: string[] = [];
  /** What the operator's portForward rule sends pod/mapped's port 80 to. */
  let hostServer: http.Server;
  const kubectl = (args: string[], stdin?: string, extra: Record<string, string> = {}) => runKubectl(KUBECTL!, env.home, kubeHome, args, stdin, extra);

  /** Runs `kubectl port-forward ARGS` until `fn` is done; resolves with fn's result. */
  async function forwarding<T>(args: string[], localPort: number, fn: (output: () => string) => Promise<T>, extra: Record<string, string> = {}): Promise<T> {
    const child = spawn(KUBECTL!, ['port-forward', ...args], { env: { ...process.env, KUBECONFIG: path.join(env.home, 'kubeconfig'), HOME: kubeHome, ...extra } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    try {
      const end = Date.now() + 15_000;
      while (!out.includes(`Forwarding from 127.0.0.1:${localPort}`)) {
        if (Date.now() > end || child.exitCode !== null) throw new Error(`port-forward did not start: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return await fn(() => out);
    } finally {
      child.kill();
    }
  }

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'minik-traffic-'));
    fs.chmodSync(work, 0o777);
    kubeHome = tempHome('minik-traffic-kubectl-');
    hostServer = http.createServer((_req, res) => res.end('answered by the host'));
    await new Promise<void>((r) => hostServer.listen(0, '127.0.0.1', r));
    const hostPort = (hostServer.address() as { port: number }).port;
    const config = path.join(work, 'runtime.yaml');
    fs.writeFileSync(config, `portForward:\n- podSelector: {matchLabels: {app: mapped}}\n  address: 127.0.0.1\n  ports: {80: ${hostPort}}\nprocesses:\n${AS_ROOT ? '  user: {uid: 65534, gid: 65534}\n' : ''}  images:\n  - image: busybox\n    programs: [sh, cat, echo, sleep, tar, ls]\n  - image: python:3*\n    programs: [python3]\n    entrypoint: [python3]\n`);
    env = await testDaemon(undefined, { runtimeConfig: config });
    stopTicking = fastForward(env);
    const r = await cli(env.home, ['apply', '-f', '-'], MANIFESTS);
    expect(r.code, r.stderr).toBe(0);
    const w = await cli(env.home, ['wait', '--for=condition=Ready', 'pod', '-l', 'app=web', '--timeout=60s']);
    expect(w.code, w.stderr).toBe(0);
    expect((await cli(env.home, ['wait', '--for=condition=Ready', 'pod/box', 'pod/simulated', 'pod/mapped', '--timeout=30s'])).code).toBe(0);
    pods = (await cli(env.home, ['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}'])).stdout.split(' ');
    // The proxy follows the endpoints on the next passes.
    const end = Date.now() + 15_000;
    while (Date.now() < end) {
      try {
        await get(NODE_PORT);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }, 90_000);

  afterAll(async () => {
    stopTicking?.();
    await env?.stop();
    hostServer?.close();
    for (const d of [work, kubeHome]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  it('each replica has its own loopback address', async () => {
    const ips = (await cli(env.home, ['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].status.podIP}'])).stdout.split(' ');
    expect(new Set(ips).size).toBe(3);
    for (const ip of ips) expect(ip).toMatch(/^127\.\d+\.\d+\.\d+$/);
  });

  it('a NodePort Service spreads 300 requests over the 3 replicas within 10 %', async () => {
    const bodies: string[] = [];
    for (let i = 0; i < 300; i++) bodies.push(await get(NODE_PORT));
    const counts = tally(bodies);
    expect([...counts.keys()].sort()).toEqual([...pods].sort());
    for (const n of counts.values()) expect(Math.abs(n - 100)).toBeLessThanOrEqual(10);
  }, 60_000);

  it('with sessionAffinity: ClientIP, all 300 go to one pod', async () => {
    const bodies: string[] = [];
    for (let i = 0; i < 300; i++) bodies.push(await get(NODE_PORT + 1));
    expect(tally(bodies).size).toBe(1);
    expect(pods).toContain(bodies[0]);
  }, 60_000);

  it('minikctl service NAME --url prints a loopback URL per NodePort', async () => {
    expect(await cli(env.home, ['service', 'web', '--url'])).toMatchObject({ code: 0, stdout: `http://127.0.0.1:${NODE_PORT}\n`, stderr: '' });
    const none = await cli(env.home, ['service', 'kubernetes', '--url']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('service default/kubernetes has no node port');
  });

  describe.skipIf(!KUBECTL)('kubectl port-forward', () => {
    it('pod/P 18080:8080 serves 100 concurrent requests', async () => {
      const local = 20000 + (process.pid % 5000);
      const bodies = await forwarding([`pod/${pods[0]}`, `${local}:8080`], local, () => Promise.all(Array.from({ length: 100 }, () => get(local))));
      expect(bodies).toEqual(Array(100).fill(pods[0]));
    }, 60_000);

    it('svc/NAME goes to one of its pods; plain SPDY works as kubectl falls back to it', async () => {
      const local = 25000 + (process.pid % 5000);
      expect(pods).toContain(await forwarding(['svc/web', `${local}:80`], local, () => get(local)));
      expect(pods).toContain(await forwarding([`pod/${pods[1]}`, `${local + 1}:8080`], local + 1, () => get(local + 1), { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' }));
    }, 60_000);

    it('a simulated pod: kubectl says why nothing is forwarded', async () => {
      const local = 15000 + (process.pid % 5000);
      const output = await forwarding(['pod/simulated', `${local}:80`], local, async (out) => {
        await get(local).then(
          () => expect.fail('a simulated pod answered'),
          () => {},
        );
        const end = Date.now() + 5000;
        while (!out().includes('is simulated') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
        return out();
      });
      expect(output).toContain(`an error occurred forwarding ${local} -> 80`);
      // kubectl logs it as a Go string: the pod's name in escaped quotes.
      expect(output).toContain('is simulated: port-forward reaches containers the daemon\'s runtime config runs as processes, or an address a portForward rule of it names (see docs/runtime.md)');
    }, 30_000);

    it("a simulated pod a portForward rule names: to the operator's address", async () => {
      const local = 17000 + (process.pid % 3000);
      expect(await forwarding(['pod/mapped', `${local}:80`], local, () => get(local))).toBe('answered by the host');
    }, 30_000);

    it('kubectl cp copies files into and out of a process container (tar over exec)', async () => {
      const src = path.join(kubeHome, 'hello.txt');
      fs.writeFileSync(src, 'hello through tar\n');
      const into = await kubectl(['cp', src, `box:${work}/copied.txt`]);
      expect(into.code, into.stderr).toBe(0);
      expect(fs.readFileSync(path.join(work, 'copied.txt'), 'utf8')).toBe('hello through tar\n');
      expect((await kubectl(['exec', 'box', '--', 'cat', `${work}/copied.txt`])).stdout).toBe('hello through tar\n');
      const back = path.join(kubeHome, 'back.txt');
      const out = await kubectl(['cp', `box:${work}/copied.txt`, back]);
      expect(out.code, out.stderr).toBe(0);
      expect(fs.readFileSync(back, 'utf8')).toBe('hello through tar\n');
    }, 30_000);
  });

  describe('minikctl exec and port-forward', () => {
    it('exec: the exit code, stdin, and why nothing runs in a simulated pod', async () => {
      expect(await cli(env.home, ['exec', 'box', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'])).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\ncommand terminated with exit code 3\n' });
      expect(await cli(env.home, ['exec', '-i', 'box', '--', 'cat'], 'hi\n')).toEqual({ code: 0, stdout: 'hi\n', stderr: '' });
      const sim = await cli(env.home, ['exec', 'simulated', '--', 'ls']);
      expect(sim.code).toBe(1);
      expect(sim.stderr).toContain('error: container "app" of pod "simulated" is simulated');
      expect((await cli(env.home, ['exec', 'nope', '--', 'ls'])).stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
    });

    it('port-forward svc/NAME :PORT: a local port chosen, the Service port translated to the pod\'s', async () => {
      const child = spawn(process.execPath, [BIN, 'port-forward', 'svc/web', ':80'], { env: { ...process.env, MINIK_HOME: env.home, NO_COLOR: '1' } });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      try {
        const end = Date.now() + 15_000;
        let m: RegExpExecArray | null = null;
        while (!(m = /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(out))) {
          if (Date.now() > end || child.exitCode !== null) throw new Error(`port-forward did not start: ${out}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        const local = Number(m[1]);
        const bodies = await Promise.all(Array.from({ length: 20 }, () => get(local)));
        expect(new Set(bodies).size).toBe(1);
        expect(pods).toContain(bodies[0]);
        expect(out).toContain(`Handling connection for ${local}`);
      } finally {
        child.kill();
      }
    }, 30_000);
  });

  describe.skipIf(!PYTHON_CLIENT)('the Python client', () => {
    const python = (script: string, args: string[]) =>
      new Promise<{ stdout: string; stderr: string }>((resolve) =>
        execFile(PYTHON_CLIENT!, [path.join(__dirname, 'python', script), ...args], { env: { ...process.env, KUBECONFIG: path.join(env.home, 'kubeconfig') }, timeout: 60_000 }, (_e, stdout, stderr) => resolve({ stdout, stderr })),
      );

    it('stream(): exec into a process container', async () => {
      expect(await python('exec.py', ['box'])).toEqual({ stdout: 'cat hello from python\nexit 3 bye\n', stderr: '' });
    }, 90_000);

    it('portforward(): an HTTP request through the forwarded socket', async () => {
      expect(await python('portforward.py', [pods[2], '8080'])).toEqual({ stdout: `HTTP/1.0 200 OK\n${pods[2]}\n`, stderr: '' });
    }, 90_000);
  });
});
