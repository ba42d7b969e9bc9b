// `minikctl config` against kubectl's own config commands: the same steps on two copies of one
// kubeconfig give the same output, exit codes and files; minik's kubeconfig keeps what a user set
// across daemon restarts, and the current context's namespace is where minikctl works without -n.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withMinikEntries } from '../../src/state/kubeconfig.js';
import { cliProcess, commandOnPath, runKubectl, stopProcessDaemon, tempHome } from '../helpers.js';

const KUBECTL = commandOnPath('kubectl');
let home: string;
let scratch: string;

beforeAll(() => {
  home = tempHome();
  scratch = tempHome('minik-config-');
});
afterAll(async () => {
  await stopProcessDaemon(home);
  fs.rmSync(scratch, { recursive: true, force: true });
});

const START = `apiVersion: v1
clusters:
- cluster:
    server: https://example.com:6443
  name: prod
- cluster:
    insecure-skip-tls-verify: true
    server: http://127.0.0.1:1/t/secret-token
  name: minik
contexts:
- context:
    cluster: minik
    namespace: default
    user: minik
  name: minik
- context:
    cluster: prod
    user: admin
  name: prod
current-context: minik
kind: Config
preferences: {}
users:
- name: admin
  user:
    token: prod-token
- name: minik
  user:
    token: secret-token
`;

describe('withMinikEntries (what the daemon writes at each start)', () => {
  it("updates minik's address and token, keeps the user's contexts, current context and namespace", () => {
    const cfg = withMinikEntries(
      { apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'prod', cluster: { server: 'https://p' } }, { name: 'minik', cluster: { server: 'http://127.0.0.1:1/t/old' } }], contexts: [{ name: 'minik', context: { cluster: 'minik', user: 'minik', namespace: 'dev' } }, { name: 'prod', context: { cluster: 'prod' } }], users: [], 'current-context': 'prod' },
      4242,
      'tok',
      'PEM',
    );
    expect(cfg.clusters).toEqual([{ name: 'prod', cluster: { server: 'https://p' } }, { name: 'minik', cluster: { 'certificate-authority-data': Buffer.from('PEM').toString('base64'), server: 'https://127.0.0.1:4242' } }]);
    expect(cfg.contexts![0]).toEqual({ name: 'minik', context: { cluster: 'minik', user: 'minik', namespace: 'dev' } });
    expect(cfg['current-context']).toBe('prod');
    expect(cfg.users).toEqual([{ name: 'minik', user: { token: 'tok' } }]);
    // A new file, or one whose current context is gone: minik's.
    expect(withMinikEntries(undefined, 1, 't', 'PEM')['current-context']).toBe('minik');
    expect(withMinikEntries({ 'current-context': 'gone' }, 1, 't', 'PEM')['current-context']).toBe('minik');
  });
});

describe.skipIf(!KUBECTL)('config subcommands, compared with kubectl', () => {
  const steps: string[][] = [
    ['current-context'],
    ['get-contexts'],
    ['get-contexts', 'prod', 'nope'],
    ['get-contexts', '-o', 'name'],
    ['get-clusters'],
    ['get-users'],
    ['use-context', 'nope'],
    ['use-context', 'prod'],
    ['set-context', '--current', '--namespace=payments'],
    ['set-context', 'staging', '--cluster=prod', '--user=admin'],
    ['set-context', 'staging', '--namespace='],
    ['get-contexts', '--no-headers'],
    ['rename-context', 'staging', 'prod'],
    ['rename-context', 'staging', 'qa'],
    ['delete-context', 'nope'],
    ['delete-context', 'qa'],
    ['view'],
    ['view', '--minify', '-o', 'json'],
    ['view', '--raw'],
    ['delete-context', 'prod'],
    ['current-context'],
  ];

  it('prints what kubectl prints and leaves the same file, step by step', async () => {
    const kFile = path.join(scratch, 'k.yaml');
    const mFile = path.join(scratch, 'm.yaml');
    fs.writeFileSync(kFile, START);
    fs.writeFileSync(mFile, START);
    for (const step of steps) {
      const k = await runKubectl(KUBECTL!, home, scratch, ['config', ...step, `--kubeconfig=${kFile}`]);
      const m = await cliProcess(home, ['config', ...step, `--kubeconfig=${mFile}`]);
      // minikctl also hides the token in minik's server URL (http://127.0.0.1:PORT/t/TOKEN).
      const same = (s: string) => s.replaceAll(kFile, '<file>').replaceAll(mFile, '<file>').replaceAll('kubectl config', 'minikctl config').replace(/\/t\/[^\s/"]+/g, '/t/<token>');
      // kubectl lists clusters and users in Go's random map order; minikctl by name.
      const ordered = (s: string) => (step[0] === 'get-clusters' || step[0] === 'get-users' ? s.split('\n').sort().join('\n') : s);
      expect({ step, out: ordered(same(m.stdout)), err: same(m.stderr), code: m.code }).toEqual({ step, out: ordered(same(k.stdout)), err: same(k.stderr), code: k.code });
      expect({ step, file: fs.readFileSync(mFile, 'utf8') }).toEqual({ step, file: fs.readFileSync(kFile, 'utf8') });
    }
  });
});

describe("minik's kubeconfig", () => {
  it("gives minikctl its namespace (the current context's) and keeps it across daemon restarts", async () => {
    await cliProcess(home, ['apply', '-f', '-'], { stdin: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: dev}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: here, namespace: dev}\n' });
    expect((await cliProcess(home, ['config', 'set-context', '--current', '--namespace=dev'])).stdout).toBe('Context "minik" modified.\n');
    expect((await cliProcess(home, ['get', 'cm', 'here', '-o', 'name'])).stdout).toBe('configmap/here\n');
    // A manifest without a namespace goes there too; -n still wins.
    await cliProcess(home, ['apply', '-f', '-'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied}\n' });
    expect((await cliProcess(home, ['get', 'cm', 'applied', '-n', 'dev', '-o', 'name'])).stdout).toBe('configmap/applied\n');
    expect((await cliProcess(home, ['get', 'cm', 'here', '-n', 'default'])).stderr).toBe('Error from server (NotFound): configmaps "here" not found\n');
    await cliProcess(home, ['daemon', 'stop']);
    expect((await cliProcess(home, ['get', 'cm', 'here', '-o', 'name'])).stdout).toBe('configmap/here\n');
    expect((await cliProcess(home, ['config', 'get-contexts'])).stdout).toBe('CURRENT   NAME    CLUSTER   AUTHINFO   NAMESPACE\n*         minik   minik     minik      dev\n');
    if (KUBECTL) {
      // kubectl with minik's kubeconfig sees the same namespace, at the daemon's new address.
      const k = await runKubectl(KUBECTL, home, scratch, ['get', 'cm', 'here', '-o', 'name']);
      expect(k.stdout).toBe('configmap/here\n');
    }
  });
});
