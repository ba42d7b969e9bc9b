// What a new user does first, with the built CLI against a real daemon: the README's Quick start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, stopProcessDaemon, tempHome } from '../helpers.js';

/** What manifests/ holds, in apply order: the demo app and the multi-tier shop app. */
const APPLIED = [
  'namespace/demo', 'configmap/web-config', 'deployment.apps/web', 'service/web',
  'namespace/shop', 'configmap/shop-config', 'secret/db-credentials', 'service/db', 'statefulset.apps/db',
  'deployment.apps/cache', 'service/cache', 'job.batch/migrate', 'deployment.apps/api', 'service/api',
  'horizontalpodautoscaler.autoscaling/api', 'poddisruptionbudget.policy/api', 'deployment.apps/frontend', 'service/frontend',
  'ingress.networking.k8s.io/shop', 'cronjob.batch/nightly-report', 'daemonset.apps/log-agent',
];

let home: string;
beforeAll(() => {
  home = tempHome();
});
afterAll(() => stopProcessDaemon(home));

describe('quick start', () => {
  it('applies manifests/, shows the objects, and deletes them again', async () => {
    const apply = await cliProcess(home, ['apply', '-f', 'manifests/']);
    expect(apply.code).toBe(0);
    const created = APPLIED.map((o) => `${o} created`).join('\n') + '\n';
    expect(apply.stdout).toBe(created);
    const again = await cliProcess(home, ['apply', '-f', 'manifests/']);
    // As with real kubectl: a Secret written with stringData is "configured" on every apply, and so
    // is a StatefulSet with volumeClaimTemplates (its atomic list differs from the defaulted live
    // one: kubernetes/kubernetes#66450), a Deployment whose strategy omits the defaulted `type`
    // (kubectl sends `$retainKeys`) and a PodDisruptionBudget (its selector's strategy is replace,
    // always sent). Real kubectl 1.32 against minik prints the same. None changes (no new generation).
    const configured = ['secret/db-credentials', 'statefulset.apps/db', 'deployment.apps/api', 'poddisruptionbudget.policy/api'];
    expect(again.stdout).toBe(APPLIED.map((o) => `${o} ${configured.includes(o) ? 'configured' : 'unchanged'}`).join('\n') + '\n');
    expect((await cliProcess(home, ['get', 'sts', 'db', '-n', 'shop', '-o', 'jsonpath={.metadata.generation}'])).stdout).toBe('1');
    const status = await cliProcess(home, ['rollout', 'status', 'deployment/web', '-n', 'demo']);
    expect(status.stdout).toMatch(/deployment "web" successfully rolled out\n$/);
    const pods = await cliProcess(home, ['get', 'pods', '-n', 'demo', '-o', 'wide']);
    const rows = pods.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    expect(rows.slice(1).map((r) => r.split(/\s+/).slice(1, 3).join(' '))).toEqual(['1/1 Running', '1/1 Running', '1/1 Running']);
    expect(new Set(rows.slice(1).map((r) => r.split(/\s+/)[6])).size).toBe(3);
    const svc = await cliProcess(home, ['get', 'svc', 'web', '-n', 'demo', '-o', 'wide']);
    expect(svc.stdout).toMatch(/^NAME   TYPE        CLUSTER-IP\s+EXTERNAL-IP   PORT\(S\)   AGE   SELECTOR\nweb    ClusterIP   10\.\d+\.\d+\.\d+\s+<none>        80\/TCP    \d+s\s+app=web\n$/);
    const del = await cliProcess(home, ['delete', '-f', 'manifests/']);
    expect(del.code).toBe(0);
    expect(del.stdout).toBe(APPLIED.map((o) => `${o.replace('/', ' "')}" deleted`).join('\n') + '\n');
    expect((await cliProcess(home, ['get', 'ns', 'demo'])).stderr).toBe('Error from server (NotFound): namespaces "demo" not found\n');
  });

  it('reports errors with kubectl wording and exit code 1', async () => {
    const r = await cliProcess(home, ['get', 'pods', 'nope']);
    expect(r).toMatchObject({ code: 1, stdout: '', stderr: 'Error from server (NotFound): pods "nope" not found\n' });
    const bad = await cliProcess(home, ['apply', '-f', '-'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: [\n' });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: error parsing STDIN: yaml: line \d+, column \d+: /);
  });

  it('survives a 100 MB manifest and an alias bomb', async () => {
    const huge = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: huge}\ndata:\n  x: "' + 'a'.repeat(100 * 1024 * 1024) + '"\n';
    const r = await cliProcess(home, ['apply', '-f', '-'], { stdin: huge });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/STDIN is too large \(100\.0 MiB\)/);
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
    const bomb = await cliProcess(home, ['apply', '-f', '-'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n' + lines.map((l) => '  ' + l).join('\n') + '\n' });
    expect(bomb.code).toBe(1);
    expect((await cliProcess(home, ['get', '--raw', '/healthz'])).stdout).toBe('ok');
    expect((await cliProcess(home, ['get', 'ns', 'default', '-o', 'name'])).stdout).toBe('namespace/default\n');
  });
});

describe('get -w', () => {
  it('streams one row per change, with no second header, until interrupted', async () => {
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('../helpers.js');
    await cliProcess(home, ['apply', '-f', '-'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: w0}\n' });
    const child = spawn(process.execPath, [BIN, 'get', 'cm', '-w'], { env: { ...process.env, MINIK_HOME: home } });
    let out = '';
    const lines = (n: number) =>
      new Promise<string[]>((resolve) => {
        const check = () => {
          const ls = out.split('\n').filter(Boolean);
          if (ls.length >= n) resolve(ls);
          else setTimeout(check, 20);
        };
        check();
      });
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    await lines(3); // the header, kube-root-ca.crt (every namespace has it) and w0
    await cliProcess(home, ['apply', '-f', '-'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: w1}\ndata: {a: b}\n' });
    await cliProcess(home, ['delete', 'cm', 'w0']);
    const ls = await lines(5);
    child.kill('SIGINT');
    expect(ls[0]).toMatch(/^NAME\s+DATA\s+AGE$/);
    expect(ls.slice(1).map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual(['kube-root-ca.crt 1', 'w0 0', 'w1 1', 'w0 0']);
  });
});

describe('colour', () => {
  it('colours errors only on a terminal, and never with NO_COLOR or --no-color', async () => {
    const { run } = await import('../../src/cli/main.js');
    const io = (tty: boolean, env: Record<string, string> = {}) => {
      let err = '';
      return {
        io: { stdout: { write: () => true, isTTY: tty }, stderr: { write: (s: string) => (err += s), isTTY: tty }, readStdin: async () => '', env: { MINIK_HOME: home, ...env } },
        err: () => err,
      };
    };
    const tty = io(true);
    await run(['get', 'nosuchtype'], tty.io);
    expect(tty.err()).toBe('\u001b[31merror: the server doesn\'t have a resource type "nosuchtype"\u001b[39m\n');
    for (const [t, args, env] of [
      [false, [], {}],
      [true, [], { NO_COLOR: '1' }],
      [true, ['--no-color'], {}],
    ] as const) {
      const x = io(t, env);
      await run([...args, 'get', 'nosuchtype'], x.io);
      expect(x.err()).toBe('error: the server doesn\'t have a resource type "nosuchtype"\n');
    }
  });
});
