// The CLI run in-process against an in-process daemon with a fake clock: what users see.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, tempHome, testDaemon } from '../helpers.js';
import { run } from '../../src/cli/main.js';

let env: Awaited<ReturnType<typeof testDaemon>>;
let dir: string;

const write = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: fe}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
`;

beforeAll(async () => {
  env = await testDaemon();
  dir = tempHome('minik-cli-');
});
afterAll(async () => {
  await env.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('apply', () => {
  it('creates, then reports unchanged, then configured', async () => {
    const f = write('web.yaml', DEPLOY);
    expect(await cli(env.home, ['apply', '-f', f])).toEqual({ code: 0, stdout: 'deployment.apps/web created\n', stderr: '' });
    expect((await cli(env.home, ['apply', '-f', f])).stdout).toBe('deployment.apps/web unchanged\n');
    write('web.yaml', DEPLOY.replace('replicas: 2', 'replicas: 3'));
    expect((await cli(env.home, ['apply', '-f', f])).stdout).toBe('deployment.apps/web configured\n');
    const got = await cli(env.home, ['get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas} {.metadata.generation}']);
    expect(got.stdout).toBe('3 2');
    // An index out of range is an error, as in kubectl (scripts rely on the exit code), not empty output.
    const out = await cli(env.home, ['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[9].image}']);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^error: error executing jsonpath "\{\.spec\.template\.spec\.containers\[9\]\.image\}": Error executing template: array index out of bounds: index 9, length 1\. Printing more information for debugging the template:\n\ttemplate was:\n\t\t\{\.spec/);
  });

  it('removes a field that was removed from the manifest, and keeps fields set by others', async () => {
    await cli(env.home, ['label', 'deploy', 'web', 'owner=ops']);
    const f = write('web.yaml', DEPLOY.replace('labels: {app: web, tier: fe}', 'labels: {app: web}'));
    expect((await cli(env.home, ['apply', '-f', f])).stdout).toBe('deployment.apps/web configured\n');
    const labels = await cli(env.home, ['get', 'deploy', 'web', '-o', 'jsonpath={.metadata.labels}']);
    expect(JSON.parse(labels.stdout)).toEqual({ app: 'web', owner: 'ops' });
  });

  it('applies the good documents of a file and names the file, document and fields of the bad one', async () => {
    const f = write(
      'mixed.yaml',
      `apiVersion: v1
kind: ConfigMap
metadata: {name: good}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: broken}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: b}}
    spec:
      containers: [{name: c}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: good2}
`,
    );
    const r = await cli(env.home, ['apply', '-f', f]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('configmap/good created\nconfigmap/good2 created\n');
    expect(r.stderr).toBe(
      `The Deployment "broken" is invalid (${f}, document 2, line 5): \n* spec.template.metadata.labels: Invalid value: {"app":"b"}: \`selector\` does not match template \`labels\`\n* spec.template.spec.containers[0].image: Required value\n`,
    );
  });

  it('rejects unknown fields like kubectl --validate=strict, and accepts them with --validate=false', async () => {
    const f = write('typo.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: typo}\ndatta: {a: b}\n');
    const r = await cli(env.home, ['apply', '-f', f]);
    expect(r.stderr).toBe(`Error from server (BadRequest): error when creating "${f}" (document 1, line 1): ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "datta"\n`);
    expect((await cli(env.home, ['apply', '-f', f, '--validate=false'])).stdout).toBe('configmap/typo created\n');
  });

  it('refuses kinds the cluster does not serve, as kubectl does', async () => {
    const f = write('pdb.yaml', 'apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: pdb}\nspec: {minAvailable: 1}\n');
    const r = await cli(env.home, ['apply', '-f', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`error: resource mapping not found for name: "pdb" namespace: "" from "${f}": no matches for kind "PodDisruptionBudget" in version "policy/v1beta1"\nensure CRDs are installed first\n`);
  });

  it('reads -f - and creates namespaces before what goes in them', async () => {
    const r = await cli(env.home, ['apply', '-f', '-'], 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: team-a}\n');
    expect(r.stdout).toBe('namespace/team-a created\nconfigmap/cfg created\n');
  });

  it('server dry run changes nothing', async () => {
    const f = write('dry.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dry}\n');
    expect((await cli(env.home, ['apply', '-f', f, '--dry-run=server'])).stdout).toBe('configmap/dry created (server dry run)\n');
    expect((await cli(env.home, ['get', 'cm', 'dry'])).stderr).toBe('Error from server (NotFound): configmaps "dry" not found\n');
  });
});

describe('get', () => {
  it('prints kubectl columns with ages from the cluster clock', async () => {
    env.clock.advance(192_000);
    const r = await cli(env.home, ['get', 'deployments']);
    expect(r.stdout).toBe('NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    0/2     0            0           3m12s\n');
  });

  it('prints several types with kind prefixes and blank lines between', async () => {
    const r = await cli(env.home, ['get', 'deploy,cm', '-l', 'app=web']);
    expect(r.stdout).toBe('NAME                  READY   UP-TO-DATE   AVAILABLE   AGE\ndeployment.apps/web   0/2     0            0           3m12s\n');
    const all = await cli(env.home, ['get', 'all']);
    expect(all.stdout).toMatch(/^NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT\(S\)   AGE\nservice\/kubernetes   ClusterIP   10\.96\.0\.1    <none>        443\/TCP   \S+\n\nNAME                  READY/);
  });

  it('says when nothing is found, on stderr', async () => {
    expect(await cli(env.home, ['get', 'pods'])).toEqual({ code: 0, stdout: '', stderr: 'No resources found in default namespace.\n' });
    expect((await cli(env.home, ['get', 'pods', '-A'])).stderr).toBe('No resources found\n');
    expect((await cli(env.home, ['get', 'pods', '-n', 'team-a'])).stderr).toBe('No resources found in team-a namespace.\n');
  });

  it('fails like kubectl for unknown types and missing objects', async () => {
    expect(await cli(env.home, ['get', 'foo'])).toEqual({ code: 1, stdout: '', stderr: 'error: the server doesn\'t have a resource type "foo"\n' });
    expect(await cli(env.home, ['get', 'deploy', 'nope'])).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n' });
    expect((await cli(env.home, ['get', 'deploy', 'nope', '--ignore-not-found'])).code).toBe(0);
    // What was found is printed first, then the errors (one stream, as a terminal shows them).
    let both = '';
    const io = { stdout: { write: (t: string) => (both += t) }, stderr: { write: (t: string) => (both += t) }, readStdin: async () => '', env: { MINIK_HOME: env.home, NO_COLOR: '1' } };
    expect(await run(['get', 'deploy', 'nope', 'web', '--no-headers', '-o', 'name'], io)).toBe(1);
    expect(both).toBe('deployment.apps/web\nError from server (NotFound): deployments.apps "nope" not found\n');
  });

  it('with -A, keeps an empty NAMESPACE column for cluster-scoped kinds listed after a namespaced one (as kubectl does)', async () => {
    const rows = (await cli(env.home, ['get', 'deploy,nodes', '-A'])).stdout.split('\n');
    expect(rows[0]).toMatch(/^NAMESPACE +NAME +READY/);
    const nodes = rows.indexOf('') + 1;
    expect(rows[nodes]).toMatch(/^NAMESPACE +NAME +STATUS/);
    expect(rows[nodes + 1]).toMatch(/^ +node\/node-1 /);
    expect((await cli(env.home, ['get', 'nodes,deploy', '-A'])).stdout.split('\n')[0]).toMatch(/^NAME +STATUS/);
  });

  it('supports -o name, yaml, json, custom-columns, --sort-by, --show-labels, -L and --no-headers', async () => {
    expect((await cli(env.home, ['get', 'cm', '-o', 'name', '--sort-by', '.metadata.name'])).stdout).toBe('configmap/good\nconfigmap/good2\nconfigmap/kube-root-ca.crt\nconfigmap/typo\n');
    const y = await cli(env.home, ['get', 'cm', 'good', '-o', 'yaml']);
    expect(y.stdout).toMatch(/^apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    kubectl.kubernetes.io\/last-applied-configuration: \|\n/);
    const j = JSON.parse((await cli(env.home, ['get', 'cm', '-o', 'json'])).stdout);
    expect(j).toMatchObject({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' } });
    expect((await cli(env.home, ['get', 'deploy', '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.spec.template.spec.containers[0].image', '--no-headers'])).stdout).toBe('web   nginx:1.27\n');
    expect((await cli(env.home, ['get', 'deploy', '--show-labels', '-L', 'owner'])).stdout).toBe('NAME   READY   UP-TO-DATE   AVAILABLE   AGE     OWNER   LABELS\nweb    0/2     0            0           3m12s   ops     app=web,owner=ops\n');
    expect((await cli(env.home, ['get', 'deploy', '-o', 'bogus'])).stderr).toMatch(/^error: unable to match a printer suitable for the output format "bogus"/);
  });
});

describe('label, annotate, describe, delete', () => {
  it('refuses to overwrite a label without --overwrite, and removes with key-', async () => {
    expect((await cli(env.home, ['label', 'deploy', 'web', 'owner=dev'])).stderr).toBe("error: 'owner' already has a value (ops), and --overwrite is false\n");
    expect((await cli(env.home, ['label', 'deploy', 'web', 'owner=dev', '--overwrite'])).stdout).toBe('deployment.apps/web labeled\n');
    expect((await cli(env.home, ['label', 'deploy', 'web', 'owner=dev', '--overwrite'])).stdout).toBe('deployment.apps/web not labeled\n');
    expect((await cli(env.home, ['label', 'deploy/web', 'owner-'])).stdout).toBe('deployment.apps/web labeled\n');
    expect((await cli(env.home, ['annotate', 'cm', 'good', 'note=hello'])).stdout).toBe('configmap/good annotated\n');
  });

  it('describes with kubectl layout', async () => {
    const r = await cli(env.home, ['describe', 'cm', 'good']);
    expect(r.stdout).toBe('Name:         good\nNamespace:    default\nLabels:       <none>\nAnnotations:  note: hello\n\nData\n====\n\nBinaryData\n====\n\nEvents:  <none>\n');
  });

  it('deletes by name, by file and by selector, and reports missing objects', async () => {
    expect((await cli(env.home, ['delete', 'cm', 'good', 'good2'])).stdout).toBe('configmap "good" deleted\nconfigmap "good2" deleted\n');
    expect(await cli(env.home, ['delete', 'cm', 'good'])).toEqual({ code: 1, stdout: '', stderr: 'Error from server (NotFound): configmaps "good" not found\n' });
    expect((await cli(env.home, ['delete', '-f', path.join(dir, 'web.yaml')])).stdout).toBe('deployment.apps "web" deleted\n');
    expect((await cli(env.home, ['delete', 'cm', '-l', 'nothing=here'])).stderr).toBe('No resources found in default namespace.\n');
  });

  it('deletes a namespace and everything in it through the namespace controller', async () => {
    const del = cli(env.home, ['delete', 'ns', 'team-a', '--timeout=10s']);
    // The namespace controller runs on the loop; this test moves the clock and ticks by hand.
    const ticker = setInterval(() => {
      env.clock.advance(500);
      env.daemon.loop.tick();
    }, 20);
    const r = await del;
    clearInterval(ticker);
    expect(r).toEqual({ code: 0, stdout: 'namespace "team-a" deleted\n', stderr: '' });
    expect((await cli(env.home, ['get', 'cm', '-n', 'team-a'])).stderr).toBe('No resources found in team-a namespace.\n');
    expect((await cli(env.home, ['get', 'ns', 'team-a'])).stderr).toBe('Error from server (NotFound): namespaces "team-a" not found\n');
  });
});

describe('patch', () => {
  beforeAll(async () => {
    await cli(env.home, ['apply', '-f', '-'], DEPLOY.replace('name: web', 'name: pw'));
  });
  const replicas = async () => (await cli(env.home, ['get', 'deploy', 'pw', '-o', 'jsonpath={.spec.replicas}'])).stdout;
  it('applies strategic (default), merge and JSON patches, inline JSON or YAML, and says when nothing changed', async () => {
    expect(await cli(env.home, ['patch', 'deploy', 'pw', '-p', '{"spec":{"replicas":4}}'])).toEqual({ code: 0, stdout: 'deployment.apps/pw patched\n', stderr: '' });
    expect((await cli(env.home, ['patch', 'deploy/pw', '-p', '{"spec":{"replicas":4}}'])).stdout).toBe('deployment.apps/pw patched (no change)\n');
    expect((await cli(env.home, ['patch', 'deploy', 'pw', '-p', 'spec:\n  replicas: 5'])).stdout).toBe('deployment.apps/pw patched\n');
    expect(await replicas()).toBe('5');
    await cli(env.home, ['patch', 'deploy', 'pw', '--type', 'merge', '-p', '{"metadata":{"labels":{"patched":"yes"}}}']);
    await cli(env.home, ['patch', 'deploy', 'pw', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":2}]']);
    expect(await replicas()).toBe('2');
    expect((await cli(env.home, ['get', 'deploy', 'pw', '-o', 'jsonpath={.metadata.labels.patched}'])).stdout).toBe('yes');
    // A strategic patch merges containers by name.
    await cli(env.home, ['patch', 'deploy', 'pw', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.28"}]}}}}']);
    expect((await cli(env.home, ['get', 'deploy', 'pw', '-o', 'jsonpath={.spec.template.spec.containers[*].image}'])).stdout).toBe('nginx:1.28');
  });

  it('patches subresources and dry runs, and fails as kubectl does', async () => {
    expect((await cli(env.home, ['patch', 'deploy', 'pw', '--subresource=scale', '--type=merge', '-p', '{"spec":{"replicas":3}}'])).stdout).toBe('scale.autoscaling/pw patched\n');
    expect((await cli(env.home, ['patch', 'deploy', 'pw', '-p', '{"spec":{"replicas":9}}', '--dry-run=server', '-o', 'jsonpath={.spec.replicas}'])).stdout).toBe('9');
    expect(await replicas()).toBe('3');
    expect(await cli(env.home, ['patch', 'deploy', 'pw', '--type', 'json', '-p', '[{"op":"replace","path":"/spec/nope/x","value":1}]'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'The request is invalid: : replace operation does not apply: doc is missing path: "/spec/nope/x"\n',
    });
    expect((await cli(env.home, ['patch', 'deploy', 'pw'])).stderr).toBe('error: must specify --patch or --patch-file containing the contents of the patch\n');
    // The patch from a file, the object named by a manifest.
    const pf = write('patch.yaml', 'spec:\n  replicas: 1\n');
    const target = write('pw.yaml', DEPLOY.replace('name: web', 'name: pw'));
    expect((await cli(env.home, ['patch', '-f', target, '--patch-file', pf])).stdout).toBe('deployment.apps/pw patched\n');
    expect(await replicas()).toBe('1');
    // --local patches the manifest itself, without the server.
    expect((await cli(env.home, ['patch', '-f', target, '--local', '-p', '{"spec":{"replicas":7}}', '-o', 'jsonpath={.spec.replicas}'])).stdout).toBe('7');
    expect(await replicas()).toBe('1');
    expect((await cli(env.home, ['patch', 'deploy', 'nope', '-p', '{}'])).stderr).toBe('Error from server (NotFound): deployments.apps "nope" not found\n');
  });
});

describe('info commands', () => {
  it('prints versions, api-resources and a redacted kubeconfig', async () => {
    expect((await cli(env.home, ['version'])).stdout).toBe('Client Version: v0.1.0\nServer Version: v1.32.0-minik\n');
    const ar = (await cli(env.home, ['api-resources'])).stdout.split('\n');
    expect(ar[0]).toBe('NAME                                SHORTNAMES   APIVERSION                        NAMESPACED   KIND');
    expect(ar).toContain('deployments                         deploy       apps/v1                           true         Deployment');
    const av = (await cli(env.home, ['api-versions'])).stdout.trim().split('\n');
    expect(av).toEqual([...av].sort());
    expect(av).toEqual(expect.arrayContaining(['apps/v1', 'batch/v1', 'v1', 'networking.k8s.io/v1']));
    const cv = (await cli(env.home, ['config', 'view'])).stdout;
    expect(cv).toContain('token: REDACTED');
    expect(cv).not.toContain(fs.readFileSync(path.join(env.home, 'token'), 'utf8').trim());
  });

  it('cluster-info dump prints the lists and container logs cluster-info points to, or writes them to a directory', async () => {
    const info = await cli(env.home, ['cluster-info']);
    expect(info.stdout).toContain("use 'minikctl cluster-info dump'");
    await cli(env.home, ['apply', '-f', '-'], `apiVersion: v1\nkind: Pod\nmetadata: {name: dumped}\nspec:\n  containers: [{name: app, image: busybox, command: [sh, -c, "echo hello from dumped"]}]\n`);
    const dump = await cli(env.home, ['cluster-info', 'dump']);
    expect(dump.code).toBe(0);
    expect(dump.stdout.startsWith('{\n    "kind": "NodeList",')).toBe(true);
    expect(dump.stdout).toContain('"kind": "PodList"');
    expect(dump.stdout).toContain('==== START logs for container app of pod default/dumped ====\n');
    expect(dump.stdout).toContain('==== END logs for container app of pod default/dumped ====\n');
    const out = path.join(dir, 'dump');
    const files = await cli(env.home, ['cluster-info', 'dump', '--output-directory', out]);
    expect(files).toEqual({ code: 0, stdout: `Cluster info dumped to ${out}\n`, stderr: '' });
    for (const f of ['nodes.json', 'kube-system/events.json', 'default/pods.json', 'default/deployments.json', 'default/dumped/logs.txt']) expect(fs.existsSync(path.join(out, f))).toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'default/pods.json'), 'utf8')).items.map((p: any) => p.metadata.name)).toContain('dumped');
    expect((await cli(env.home, ['cluster-info', 'dump', '-o', 'wide'])).code).toBe(1);
    // --namespaces picks the namespaces; -A takes them all.
    const only = path.join(dir, 'dump-default');
    await cli(env.home, ['cluster-info', 'dump', '--namespaces', 'default', '--output-directory', only]);
    expect(fs.readdirSync(only).sort()).toEqual(['default', 'nodes.json']);
    const every = path.join(dir, 'dump-all');
    await cli(env.home, ['cluster-info', 'dump', '-A', '--output-directory', every]);
    expect(fs.readdirSync(every)).toEqual(expect.arrayContaining(['default', 'kube-node-lease', 'kube-public', 'kube-system', 'nodes.json']));
  });
});
