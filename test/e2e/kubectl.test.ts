// Real kubectl against minik, with the kubeconfig the daemon wrote: it must work with no extra
// flags, and print exactly what minikctl prints for the same objects.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cliProcess, commandOnPath, runKubectl, stopProcessDaemon, tempHome } from '../helpers.js';

const KUBECTL = commandOnPath('kubectl');
if (!KUBECTL) console.warn('kubectl is not on PATH: skipping the real-kubectl tests');

let home: string;
let kubeHome: string;

const kubectl = (args: string[], stdin?: string) => runKubectl(KUBECTL!, home, kubeHome, args, stdin);

/**
 * Runs the same command with minikctl and kubectl and expects the same output. Ages can tick over
 * between the two runs (and `9s` -> `10s` widens a column), so ages are masked and a mismatch is
 * retried; a real difference fails every attempt.
 */
async function expectSameAsKubectl(args: string[]): Promise<void> {
  const mask = (s: string) => s.replace(/\b\d+(s|m\d*s?|h\d*m?)\b/g, '<age>');
  let k = { code: 0, stdout: '', stderr: '' };
  let m = k;
  for (let attempt = 0; attempt < 3; attempt++) {
    [k, m] = await Promise.all([kubectl(args), cliProcess(home, args)]);
    if (mask(m.stdout) === mask(k.stdout) && mask(m.stderr) === mask(k.stderr)) break;
  }
  expect(mask(m.stdout)).toBe(mask(k.stdout));
  expect(mask(m.stderr)).toBe(mask(k.stderr));
  expect(m.code).toBe(k.code);
}

const APP = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: kweb
  labels: {app: kweb}
spec:
  replicas: 2
  selector: {matchLabels: {app: kweb}}
  template:
    metadata: {labels: {app: kweb}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: kweb}
spec:
  type: NodePort
  selector: {app: kweb}
  ports: [{port: 80, targetPort: 80}]
---
apiVersion: v1
kind: Pod
metadata: {name: kpod, labels: {app: kpod}}
spec:
  containers: [{name: c, image: busybox, command: [sleep, "3600"], env: [{name: A, value: "1"}]}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: kcm}
data: {a: "1", b: "two"}
---
apiVersion: v1
kind: Secret
metadata: {name: ksecret}
stringData: {password: hunter2}
`;

beforeAll(async () => {
  home = tempHome();
  kubeHome = tempHome('minik-kubehome-');
  if (KUBECTL) await cliProcess(home, ['daemon', 'start']);
});
afterAll(async () => {
  await stopProcessDaemon(home);
  fs.rmSync(kubeHome, { recursive: true, force: true });
});

describe.skipIf(!KUBECTL)('real kubectl', () => {
  it('applies with its default validation (openapi v3), then reports unchanged and configured', async () => {
    const first = await kubectl(['apply', '-f', '-'], APP);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('deployment.apps/kweb created\nservice/kweb created\npod/kpod created\nconfigmap/kcm created\nsecret/ksecret created\n');
    // stringData is write-only (folded into data), so the three-way patch always carries it and a
    // Secret written with stringData reads `configured` on every apply, as with real Kubernetes.
    expect((await kubectl(['apply', '-f', '-'], APP)).stdout).toBe('deployment.apps/kweb unchanged\nservice/kweb unchanged\npod/kpod unchanged\nconfigmap/kcm unchanged\nsecret/ksecret configured\n');
    expect((await cliProcess(home, ['apply', '-f', '-'], { stdin: APP })).stdout).toBe('deployment.apps/kweb unchanged\nservice/kweb unchanged\npod/kpod unchanged\nconfigmap/kcm unchanged\nsecret/ksecret configured\n');
    const changed = await kubectl(['apply', '-f', '-'], APP.replace('replicas: 2', 'replicas: 3').replace('b: "two"', 'c: "3"'));
    expect(changed.stdout).toBe('deployment.apps/kweb configured\nservice/kweb unchanged\npod/kpod unchanged\nconfigmap/kcm configured\nsecret/ksecret configured\n');
    const cm = JSON.parse((await kubectl(['get', 'cm', 'kcm', '-o', 'json'])).stdout);
    expect(cm.data).toEqual({ a: '1', c: '3' });
    // Let the cluster settle before comparing outputs.
    expect((await kubectl(['rollout', 'status', 'deploy/kweb', '--timeout=60s'])).stdout).toMatch(/deployment "kweb" successfully rolled out\n$/);
    expect((await kubectl(['wait', '--for=condition=Ready', 'pod/kpod', '--timeout=60s'])).stdout).toBe('pod/kpod condition met\n');
  });

  it('builds apply patches from the openapi v3 strategies (no fall back to /openapi/v2), with the same verdicts as minikctl', async () => {
    const tsc = (skew: number, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: spread}
spec:
  strategy: {rollingUpdate: {maxSurge: 1}}
  selector: {matchLabels: {app: spread}}
  template:
    metadata: {labels: {app: spread}}
    spec:
      topologySpreadConstraints:
      - {topologyKey: zone, maxSkew: ${skew}, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: spread}}}
      - {topologyKey: kubernetes.io/hostname, maxSkew: 1, whenUnsatisfiable: ScheduleAnyway}
      containers: [{name: c, image: "${image}"}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: spread}
spec: {minAvailable: 1, selector: {matchLabels: {app: spread}}}
`;
    expect((await kubectl(['apply', '-f', '-'], tsc(1, 'nginx:1.27'))).stdout).toBe('deployment.apps/spread created\npoddisruptionbudget.policy/spread created\n');
    // Unchanged, yet both "configured", as with a real API server: the strategy omits the
    // defaulted type (kubectl sends $retainKeys), and a PDB's selector is always sent (replace).
    const again = await kubectl(['apply', '-v=6', '-f', '-'], tsc(1, 'nginx:1.27'));
    expect(again.stdout).toBe('deployment.apps/spread configured\npoddisruptionbudget.policy/spread configured\n');
    expect(again.stderr).toMatch(/GET \S+\/openapi\/v3\/apis\/apps\/v1/);
    expect(again.stderr).not.toMatch(/openapi\/v2/);
    expect((await cliProcess(home, ['apply', '-f', '-'], { stdin: tsc(1, 'nginx:1.27') })).stdout).toBe(again.stdout);
    // A changed item of a keyed list is patched by its key: the other fields of the item stay.
    const changed = await kubectl(['apply', '-v=6', '-f', '-'], tsc(2, 'nginx:1.28'));
    expect(changed.stderr).not.toMatch(/openapi\/v2|warning/);
    const spec = JSON.parse((await kubectl(['get', 'deploy', 'spread', '-o', 'json'])).stdout).spec.template.spec;
    expect(spec.topologySpreadConstraints).toEqual([
      { topologyKey: 'zone', maxSkew: 2, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'spread' } } },
      { topologyKey: 'kubernetes.io/hostname', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway' },
    ]);
    expect(spec.containers[0].image).toBe('nginx:1.28');
    await kubectl(['delete', 'deploy,pdb', 'spread']);
  });

  it('applies a kind: List file, validating its items against /openapi/v2 as Kubernetes does', async () => {
    const list = (extra: string) => `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: listed}
  data: {a: b}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: listed}
  spec:
    selector: {matchLabels: {app: listed}}${extra}
    template:
      metadata: {labels: {app: listed}}
      spec:
        containers: [{name: c, image: nginx, resources: {requests: {cpu: 100m, memory: 1Gi}}, ports: [{containerPort: 80}]}]
`;
    const created = await kubectl(['apply', '-f', '-'], list(''));
    expect(created.stderr).toBe('');
    expect(created.stdout).toBe('configmap/listed created\ndeployment.apps/listed created\n');
    expect((await kubectl(['apply', '-f', '-'], list(''))).stdout).toBe('configmap/listed unchanged\ndeployment.apps/listed unchanged\n');
    const bad = await kubectl(['apply', '-f', '-'], list('\n    foo: 1\n    replicas: "x"'));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe(
      'error: error validating "STDIN": error validating data: [ValidationError(Deployment.spec): unknown field "foo" in io.k8s.api.apps.v1.DeploymentSpec, ' +
        'ValidationError(Deployment.spec.replicas): invalid type for io.k8s.api.apps.v1.DeploymentSpec.replicas: got "string", expected "integer"]; ' +
        'if you choose to ignore these errors, turn validation off with --validate=false\n',
    );
    await kubectl(['delete', 'cm,deploy', 'listed']);
  });

  it('server-side apply keeps managedFields and reports conflicts as Kubernetes does', async () => {
    const d = (replicas: number) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ssa}\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: ssa}}\n  template:\n    metadata: {labels: {app: ssa}}\n    spec:\n      containers: [{name: c, image: "nginx:1.27"}]\n`;
    expect((await kubectl(['apply', '-f', '-'], d(1))).stdout).toBe('deployment.apps/ssa created\n');
    const conflict = await kubectl(['apply', '--server-side', '-f', '-'], d(3));
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toMatch(/^error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps\/v1: \.spec\.replicas\n/);
    const mine = await cliProcess(home, ['apply', '--server-side', '-f', '-'], { stdin: d(3) });
    expect(mine.stderr).toBe(conflict.stderr);
    expect(mine.code).toBe(1);
    expect((await kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], d(3))).stdout).toBe('deployment.apps/ssa serverside-applied\n');
    const obj = JSON.parse((await kubectl(['get', 'deploy', 'ssa', '-o', 'json', '--show-managed-fields'])).stdout);
    expect(obj.spec.replicas).toBe(3);
    const ssa = obj.metadata.managedFields.find((e: any) => e.manager === 'kubectl' && e.operation === 'Apply');
    expect(ssa.fieldsV1['f:spec']['f:replicas']).toEqual({});
    // Without --show-managed-fields kubectl (and minikctl) leave them out.
    expect(JSON.parse((await kubectl(['get', 'deploy', 'ssa', '-o', 'json'])).stdout).metadata.managedFields).toBeUndefined();
    expect(JSON.parse((await cliProcess(home, ['get', 'deploy', 'ssa', '-o', 'json'])).stdout).metadata.managedFields).toBeUndefined();
    await kubectl(['delete', 'deploy', 'ssa']);
  });

  it.each([
    ['get', 'pods'],
    ['get', 'pods', '-o', 'wide'],
    ['get', 'deploy,svc'],
    ['get', 'all'],
    ['get', 'svc', '-A', '-o', 'wide'],
    ['get', 'cm,secret', '--show-labels'],
    ['get', 'ns'],
    ['get', 'nodes', '-o', 'wide'],
    ['get', 'rs'],
    ['describe', 'node', 'node-1'],
    ['get', 'deploy', 'kweb', '-o', 'name'],
    ['get', 'pods', '-l', 'app=kpod', '-o', 'jsonpath={.items[*].spec.containers[0].image}'],
    ['describe', 'deploy', 'kweb'],
    ['describe', 'svc', 'kweb'],
    ['describe', 'pod', 'kpod'],
    ['describe', 'cm', 'kcm'],
    ['describe', 'secret', 'ksecret'],
    ['describe', 'ns', 'default'],
    ['logs', 'kpod'],
    ['logs', 'kpod', '--timestamps', '--tail=1'],
    ['get', 'pods', 'nope'],
    ['get', 'foo'],
  ])('minikctl %s prints what kubectl prints', (...args) => expectSameAsKubectl(args));

  it('describe node lists hugepages and extended resources under Allocated resources as kubectl does', async () => {
    const node = `apiVersion: v1
kind: Node
metadata:
  name: gpu-1
  labels: {kubernetes.io/hostname: gpu-1}
status:
  capacity: {cpu: "8", memory: 32Gi, pods: "110", example.com/dongle: "4", hugepages-2Mi: 256Mi}
  allocatable: {cpu: "8", memory: 32Gi, pods: "110", example.com/dongle: "4", hugepages-2Mi: 256Mi}
`;
    expect((await kubectl(['create', '-f', '-'], node)).stdout).toBe('node/gpu-1 created\n');
    await expectSameAsKubectl(['describe', 'node', 'gpu-1']);
    expect((await cliProcess(home, ['describe', 'node', 'gpu-1'])).stdout).toMatch(/\n {2}hugepages-2Mi +0 \(0%\) +0 \(0%\)\n {2}example\.com\/dongle +0 +0\n/);
    await kubectl(['delete', 'node', 'gpu-1']);
  });

  it('describe prints a pod\'s and a template\'s topology spread constraints as kubectl does', async () => {
    const spread = `apiVersion: apps/v1
kind: Deployment
metadata: {name: kspread}
spec:
  selector: {matchLabels: {app: kspread}}
  template:
    metadata: {labels: {app: kspread}}
    spec:
      priorityClassName: system-cluster-critical
      topologySpreadConstraints:
      - {topologyKey: zone, maxSkew: 2, whenUnsatisfiable: ScheduleAnyway, labelSelector: {matchLabels: {app: kspread}}}
      - {topologyKey: kubernetes.io/hostname, maxSkew: 1, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchExpressions: [{key: app, operator: In, values: [kspread, other]}]}}
      containers: [{name: c, image: nginx}]
`;
    expect((await kubectl(['apply', '-n', 'kube-system', '-f', '-'], spread)).stdout).toBe('deployment.apps/kspread created\n');
    expect((await kubectl(['rollout', 'status', '-n', 'kube-system', 'deploy/kspread', '--timeout=60s'])).code).toBe(0);
    await expectSameAsKubectl(['describe', 'deploy', 'kspread', '-n', 'kube-system']);
    await expectSameAsKubectl(['describe', 'pods', '-l', 'app=kspread', '-n', 'kube-system']);
    await kubectl(['delete', 'deploy', 'kspread', '-n', 'kube-system']);
  });

  // kubectl's generators build objects on the client: with --dry-run=client -o yaml nothing is
  // sent, and minikctl must print the same object byte for byte.
  it.each([
    ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/5 * * * *', '--', 'date', '-u'],
    ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=@hourly', '--restart=Never'],
    ['create', 'pdb', 'p', '--selector=app=a,tier in (x,y),!legacy', '--min-available=50%'],
    ['create', 'poddisruptionbudget', 'p', '--selector=app=a', '--max-unavailable=1'],
    ['create', 'priorityclass', 'pc', '--value=1000', '--description=for batch', '--preemption-policy=Never'],
    ['create', 'priorityclass', 'pc', '--global-default'],
    ['create', 'quota', 'q', '--hard=pods=10,cpu=1,requests.memory=1Gi', '--scopes=BestEffort,NotTerminating'],
    ['create', 'role', 'r', '--verb=get,list', '--verb=watch', '--resource=pods,deployments.apps', '--resource=pods/log', '--resource-name=a'],
    ['create', 'role', 'r', '--verb=*', '--resource=deploy,sts,cm'],
    ['create', 'clusterrole', 'cr', '--verb=get', '--resource=nodes', '--non-resource-url=/logs/*', '--non-resource-url=/healthz'],
    ['create', 'clusterrole', 'agg', '--aggregation-rule=rbac.example.com/aggregate-to-monitoring=true'],
    ['create', 'rolebinding', 'rb', '--clusterrole=view', '--user=u1', '--user=u2', '--group=g', '--serviceaccount=ns:sa'],
    ['create', 'rolebinding', 'rb', '--role=r'],
    ['create', 'clusterrolebinding', 'crb', '--clusterrole=cluster-admin', '--serviceaccount=kube-system:default'],
    ['create', 'ingress', 'i', '--rule=foo.com/bar=svc1:8080,tls=my-cert', '--rule=foo.com/baz*=svc2:http', '--rule=/all=svc3:80', '--class=nginx', '--annotation=a=b'],
    ['create', 'ingress', 'i', '--default-backend=def:80', '--rule=bar.com/=svc:80,tls'],
    ['create', 'token', 'default', '--duration=1m2s'],
  ])('minikctl %s %s prints what kubectl prints (--dry-run=client -o yaml)', (...args) => {
    // The flags go before a `--` (what follows it is the container's command).
    const at = args.includes('--') ? args.indexOf('--') : args.length;
    return expectSameAsKubectl(args[1] === 'token' ? args : [...args.slice(0, at), '--dry-run=client', '-o', 'yaml', ...args.slice(at)]);
  });

  it("explains built-in kinds with Kubernetes' descriptions and required fields", async () => {
    const spec = await kubectl(['explain', 'deployment.spec']);
    expect(spec.code).toBe(0);
    expect(spec.stdout).toMatch(/^GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\nFIELD: spec <DeploymentSpec>\n/);
    expect(spec.stdout).toMatch(/DESCRIPTION:\n    DeploymentSpec is the specification of the desired behavior of the\n    Deployment\./);
    expect(spec.stdout).toMatch(/  replicas\t<integer>\n    Number of desired pods\./);
    expect(spec.stdout).toMatch(/  selector\t<LabelSelector> -required-\n    A label selector is a label query over a set of resources\./);
    expect(spec.stdout).not.toContain('<no description>');
  });

  // minikctl explain reads the same documents and lays them out as kubectl 1.32 does, byte for
  // byte: kinds, fields through lists and maps, --recursive, --api-version, and the errors.
  it.each([
    'deployment',
    'deployments.apps.spec.template.spec.containers.resources',
    'pods --recursive',
    'svc.spec',
    'cronjob.spec.jobTemplate',
    'cm.data',
    'hpa --api-version=autoscaling/v1',
    'crd.spec.versions.schema --recursive',
    'pod.spec.nope',
    'nope',
    'deploy --api-version=v1',
    'hpa --api-version=autoscaling/v3',
    'a b',
  ])('explain %s: what kubectl prints', async (args) => {
    await expectSameAsKubectl(['explain', ...args.split(' ')]);
  });

  it('auth can-i: the same answers, reasons, warnings and exit codes as kubectl, impersonating users and service accounts', async () => {
    await cliProcess(home, ['apply', '-f', '-'], {
      stdin: `apiVersion: v1
kind: Namespace
metadata: {name: rbac-dev}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ci-edit, namespace: rbac-dev}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: edit}
subjects: [{kind: ServiceAccount, name: ci, namespace: rbac-dev}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: rbac-dev}
rules: [{apiGroups: [""], resources: [pods], verbs: [get, list]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: jane-reads, namespace: rbac-dev}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
subjects: [{kind: User, name: jane}]
`,
    });
    for (const args of [
      'create pods',
      'create deployments -n rbac-dev --as=system:serviceaccount:rbac-dev:ci',
      'create deployments --as=system:serviceaccount:rbac-dev:ci',
      'create roles.rbac.authorization.k8s.io -n rbac-dev --as=system:serviceaccount:rbac-dev:ci',
      'list pods -n rbac-dev --as=jane',
      'delete pods -n rbac-dev --as=jane',
      'get pods --subresource=log -n rbac-dev --as=jane',
      'get secrets/db -n rbac-dev --as=jane --as-group=devs',
      'list nodes --as=jane',
      'get /healthz --as=jane',
      'get /metrics --as=jane',
      'get foos --as=jane',
      'frob pods',
      'get pods --as-group=x',
      '--list -n rbac-dev --as=jane',
      '--list -n rbac-dev --as=system:serviceaccount:rbac-dev:ci',
      '--list --no-headers --as=jane',
      '--list -q',
    ]) {
      await expectSameAsKubectl(['auth', 'can-i', ...args.split(' ')]);
    }
    // What kubectl itself then does as that user: refused with the apiserver's message.
    const refused = await kubectl(['get', 'deploy', '-n', 'rbac-dev', '--as=jane']);
    expect(refused.stderr).toBe('Error from server (Forbidden): deployments.apps is forbidden: User "jane" cannot list resource "deployments" in API group "apps" in the namespace "rbac-dev"\n');
    expect((await kubectl(['get', 'pods', '-n', 'rbac-dev', '--as=jane'])).stderr).toBe('No resources found in rbac-dev namespace.\n');
    // minikctl's global --as does the same.
    await expectSameAsKubectl(['get', 'deploy', '-n', 'rbac-dev', '--as=jane']);
    await expectSameAsKubectl(['get', 'pods', '-n', 'rbac-dev', '--as=jane']);
    await expectSameAsKubectl(['delete', 'pod', 'nope', '-n', 'rbac-dev', '--as=jane']);
  });

  it('get -w --output-watch-events: the EVENT column and one JSON WatchEvent per line, as kubectl', async () => {
    // Both watch for 1.5 s (the listing arrives as ADDED events), then are interrupted.
    const watchFor = (file: string, args: string[], env: NodeJS.ProcessEnv) =>
      new Promise<string>((resolve) => {
        const child = execFile(file, args, { env }, (_err, stdout) => resolve(stdout));
        setTimeout(() => child.kill('SIGINT'), 1500);
      });
    for (const args of [['get', 'cm', '-w', '--output-watch-events'], ['get', 'cm', '-w', '--output-watch-events', '-o', 'json', '-n', 'kube-public'], ['get', 'cm', '-w', '--output-watch-events', '-o', 'yaml', '-n', 'kube-public'], ['get', 'cm', '-A', '-w', '--output-watch-events', '--no-headers']]) {
      const [k, m] = await Promise.all([
        watchFor(KUBECTL!, args, { ...process.env, KUBECONFIG: path.join(home, 'kubeconfig'), HOME: kubeHome }),
        watchFor(process.execPath, [BIN, ...args], { ...process.env, MINIK_HOME: home, NO_COLOR: '1' }),
      ]);
      const mask = (s: string) => s.replace(/\b\d+(s|m\d*s?|h\d*m?|d\d*h?)\b/g, '<age>');
      expect(k).toMatch(/ADDED/);
      expect(mask(m)).toBe(mask(k));
    }
  });

  it('-o yaml folds long strings as kubectl does (kube-root-ca.crt, the bootstrap ClusterRoles)', async () => {
    await expectSameAsKubectl(['get', 'cm', '-A', '-o', 'yaml']);
    await expectSameAsKubectl(['get', 'clusterroles', '-o', 'yaml']);
  });

  it('scales, labels, annotates and deletes', async () => {
    expect((await kubectl(['scale', 'deploy', 'kweb', '--replicas=1'])).stdout).toBe('deployment.apps/kweb scaled\n');
    expect((await kubectl(['label', 'pod', 'kpod', 'tier=fe'])).stdout).toBe('pod/kpod labeled\n');
    expect((await kubectl(['annotate', 'pod', 'kpod', 'note=x'])).stdout).toBe('pod/kpod annotated\n');
    expect((await kubectl(['get', 'deploy', 'kweb', '-o', 'jsonpath={.spec.replicas}'])).stdout).toBe('1');
    expect((await kubectl(['delete', 'pod', 'kpod'])).stdout).toBe('pod "kpod" deleted\n');
    expect((await kubectl(['get', '--raw', '/healthz'])).stdout).toBe('ok');
    // Over HTTPS with the token in the Authorization header: raw paths work, no URL carries it.
    expect(JSON.parse((await kubectl(['get', '--raw', '/api/v1/namespaces/default'])).stdout)).toMatchObject({ kind: 'Namespace', metadata: { name: 'default' } });
    const info = await kubectl(['cluster-info']);
    expect(info.stdout).toMatch(/^Kubernetes control plane is running at https:\/\/127\.0\.0\.1:\d+\n/);
    expect(info.stdout.replace('kubectl', 'minikctl')).toBe((await cliProcess(home, ['cluster-info'])).stdout);
  });

  it('edit: the same messages, patches and retries as kubectl, with the same editor', async () => {
    const twin = (name: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: ${name}}\nspec:\n  selector: {matchLabels: {app: ${name}}}\n  template:\n    metadata: {labels: {app: ${name}}}\n    spec:\n      containers: [{name: app, image: nginx}]\n`;
    await cliProcess(home, ['apply', '-f', '-'], { stdin: twin('edk') + '---\n' + twin('edm') });
    const editor = (name: string, body: string) => {
      const file = path.join(kubeHome, `${name}.sh`);
      fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
      return file;
    };
    const steps: [string, string][] = [
      ['unchanged', 'true'],
      ['image', `sed -i 's/image: nginx$/image: nginx:1.27/' "$1"`],
      ['again the same', `sed -i 's/image: nginx$/image: nginx:1.27/' "$1"`],
      ['invalid twice', `sed -i 's/image: nginx.*$/image: ""/' "$1"`],
      ['renamed', `sed -i 's/^  name: ed.$/  name: other/' "$1"`],
      ['emptied', `: > "$1"`],
      ['syntax error twice', `sed -i 's/^kind: Deployment$/kind: [/' "$1"`],
    ];
    const mask = (s: string) => s.replace(/\/tmp\/(kubectl|minikctl)-edit-\d+\.yaml/g, '<file>');
    for (const [what, body] of steps) {
      const env = { KUBE_EDITOR: editor(what.replaceAll(' ', '-'), body) };
      const k = await runKubectl(KUBECTL!, home, kubeHome, ['edit', 'deploy/edk'], undefined, env);
      const m = await cliProcess(home, ['edit', 'deploy/edm'], { env });
      expect({ what, out: m.stdout, err: mask(m.stderr), code: m.code }).toEqual({ what, out: k.stdout.replaceAll('edk', 'edm'), err: mask(k.stderr).replaceAll('edk', 'edm'), code: k.code });
    }
    const imageOf = async (n: string) => (await kubectl(['get', 'deploy', n, '-o', 'jsonpath={.spec.template.spec.containers[0].image}'])).stdout;
    expect(await imageOf('edm')).toBe('nginx:1.27');
    expect(await imageOf('edk')).toBe('nginx:1.27');
    // Editing JSON: the same patch (--output-patch), and -o prints the edited object in JSON.
    const env = { KUBE_EDITOR: editor('json', `sed -i 's/"image": "nginx:1.27"/"image": "nginx:1.26"/' "$1"`) };
    const k = await runKubectl(KUBECTL!, home, kubeHome, ['edit', 'deploy/edk', '-o', 'json', '--output-patch'], undefined, env);
    const m = await cliProcess(home, ['edit', 'deploy/edm', '-o', 'json', '--output-patch'], { env });
    const [kPatch, ...kObject] = k.stdout.split('\n');
    const [mPatch, ...mObject] = m.stdout.split('\n');
    expect(mPatch).toBe(kPatch);
    expect(mPatch).toMatch(/^Patch: \{"spec":/);
    const specOf = (lines: string[]) => JSON.parse(lines.join('\n').replaceAll('edk', 'edm')).spec.template.spec;
    expect(specOf(mObject)).toEqual(specOf(kObject));
    expect(specOf(mObject).containers[0].image).toBe('nginx:1.26');
    // -f names the objects to edit (read from the server, not from the file).
    const fileEnv = { KUBE_EDITOR: editor('file', `sed -i 's/image: nginx:1.26$/image: nginx:1.25/' "$1"`) };
    for (const n of ['edk', 'edm']) fs.writeFileSync(path.join(kubeHome, `${n}.yaml`), twin(n));
    const kf = await runKubectl(KUBECTL!, home, kubeHome, ['edit', '-f', path.join(kubeHome, 'edk.yaml')], undefined, fileEnv);
    const mf = await cliProcess(home, ['edit', '-f', path.join(kubeHome, 'edm.yaml')], { env: fileEnv });
    expect({ out: mf.stdout, err: mf.stderr, code: mf.code }).toEqual({ out: kf.stdout.replaceAll('edk', 'edm'), err: kf.stderr, code: kf.code });
    expect(await imageOf('edm')).toBe('nginx:1.25');
    const none = [await runKubectl(KUBECTL!, home, kubeHome, ['edit']), await cliProcess(home, ['edit'])];
    expect(none[1].stderr).toBe(none[0].stderr);
    expect(none[1].code).toBe(none[0].code);
  });

  it('set env, set resources, set serviceaccount: the same output and the same object as kubectl', async () => {
    const twin = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers:
      - {name: app, image: nginx, env: [{name: A, value: "1"}, {name: KEEP, value: k}]}
      - {name: side, image: busybox}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: ${name}-cfg}
data: {log.level: debug}
`;
    await cliProcess(home, ['apply', '-f', '-'], { stdin: twin('envk') + '---\n' + twin('envm') });
    const steps: ((n: string) => string[])[] = [
      (n) => ['set', 'env', `deploy/${n}`, 'B=2', 'A-', '-c', 'app'],
      (n) => ['set', 'env', `deploy/${n}`, `--from=configmap/${n}-cfg`, '--prefix=CFG_', '-c', 'app'],
      (n) => ['set', 'env', `deploy/${n}`, 'B=2', '-c', 'app'],
      (n) => ['set', 'env', `deploy/${n}`, '--list'],
      (n) => ['set', 'env', `deploy/${n}`, 'X=1', '-c', 'nope'],
      (n) => ['set', 'resources', `deploy/${n}`, '--limits=cpu=200m,memory=512Mi', '--requests=cpu=100m', '-c', 'app'],
      (n) => ['set', 'resources', `deploy/${n}`, '--limits=cpu=200m', '-c', 'app'],
      (n) => ['set', 'resources', `deploy/${n}`, '--limits=cpu=1', '-c', 'nope'],
      (n) => ['set', 'serviceaccount', `deploy/${n}`, 'default'],
      (n) => ['set', 'sa', `deploy/${n}`, 'default'],
    ];
    for (const step of steps) {
      const [k, m] = await Promise.all([kubectl(step('envk')), cliProcess(home, step('envm'))]);
      expect(m.stdout, step('envm').join(' ')).toBe(k.stdout.replaceAll('envk', 'envm'));
      expect(m.stderr, step('envm').join(' ')).toBe(k.stderr.replaceAll('envk', 'envm'));
      expect(m.code).toBe(k.code);
    }
    const envOf = async (n: string) => JSON.parse((await kubectl(['get', 'deploy', n, '-o', 'jsonpath={.spec.template.spec}'])).stdout.replaceAll(n, 'X'));
    expect(await envOf('envm')).toEqual(await envOf('envk'));
  });

  it('minikctl diff prints what kubectl diff prints, with its exit codes', async () => {
    const file = path.join(kubeHome, 'diff.yaml');
    const cm = (a: string, extra = '') => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: dcm}\ndata: {a: "${a}"${extra}}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: dsec}\nstringData: {password: "${a}"}\n`;
    fs.writeFileSync(file, cm('1'));
    expect((await kubectl(['apply', '-f', file])).code).toBe(0);
    // Temporary paths, file times and the server's per-object values differ from run to run.
    const norm = (s: string) =>
      s
        .replace(/\/tmp\/[^\s]*?(LIVE|MERGED)-[A-Za-z0-9]+/g, '$1')
        .replace(/\t.*$/gm, '')
        .replace(/^(.\s+(creationTimestamp|uid|resourceVersion)): .*$/gm, '$1: X');
    for (const [text, code] of [
      [cm('1'), 0],
      [cm('2', ', b: x'), 1],
    ] as const) {
      fs.writeFileSync(file, text);
      const [k, m] = [await kubectl(['diff', '-f', file]), await cliProcess(home, ['diff', '-f', file])];
      expect(k.code).toBe(code);
      expect(m.code).toBe(code);
      expect(norm(m.stdout)).toBe(norm(k.stdout));
    }
    // Secret values are masked, and marked where they change.
    expect((await cliProcess(home, ['diff', '-f', file])).stdout).toMatch(/^-  password: '\*\*\* \(before\)'\n\+  password: '\*\*\* \(after\)'$/m);
  });

  it("runs kubectl's generators, which send protobuf bodies", async () => {
    const ok = async (args: string[], out: string) => {
      const r = await kubectl(args);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(out);
    };
    await ok(['create', 'configmap', 'pcm', '--from-literal=a=1', '--from-literal=b=two'], 'configmap/pcm created\n');
    await ok(['create', 'secret', 'generic', 'psec', '--from-literal=user=admin'], 'secret/psec created\n');
    await ok(['create', 'deployment', 'pdep', '--image=nginx:1.27', '--replicas=0', '--port=80'], 'deployment.apps/pdep created\n');
    await ok(['create', 'job', 'pjob', '--image=busybox', '--', 'echo', 'hi'], 'job.batch/pjob created\n');
    await ok(['create', 'cronjob', 'pcron', '--image=busybox', '--schedule=*/5 * * * *', '--', 'date'], 'cronjob.batch/pcron created\n');
    await ok(['create', 'job', 'pfrom', '--from=cronjob/pcron'], 'job.batch/pfrom created\n');
    await ok(['run', 'prun', '--image=nginx'], 'pod/prun created\n');
    await ok(['expose', 'deployment', 'pdep', '--port=80', '--name=pexp'], 'service/pexp exposed\n');
    await ok(['create', 'service', 'clusterip', 'psvc', '--tcp=80:8080'], 'service/psvc created\n');
    await ok(['create', 'ingress', 'ping', '--rule=a.example/=psvc:80'], 'ingress.networking.k8s.io/ping created\n');
    await ok(['create', 'serviceaccount', 'psa'], 'serviceaccount/psa created\n');
    await ok(['create', 'role', 'prole', '--verb=get', '--resource=pods'], 'role.rbac.authorization.k8s.io/prole created\n');
    await ok(['create', 'pdb', 'ppdb', '--selector=app=pdep', '--min-available=1'], 'poddisruptionbudget.policy/ppdb created\n');
    await ok(['create', 'quota', 'pq', '--hard=pods=10'], 'resourcequota/pq created\n');
    await ok(['create', 'priorityclass', 'ppc', '--value=1000'], 'priorityclass.scheduling.k8s.io/ppc created\n');
    await ok(['autoscale', 'deployment', 'pdep', '--min=1', '--max=3', '--cpu-percent=50'], 'horizontalpodautoscaler.autoscaling/pdep autoscaled\n');
    await ok(['create', 'clusterrole', 'pcr', '--verb=get,list', '--resource=pods'], 'clusterrole.rbac.authorization.k8s.io/pcr created\n');
    await ok(['create', 'clusterrolebinding', 'pcrb', '--clusterrole=pcr', '--user=alice'], 'clusterrolebinding.rbac.authorization.k8s.io/pcrb created\n');
    await ok(['create', 'rolebinding', 'prb', '--clusterrole=pcr', '--serviceaccount=default:psa'], 'rolebinding.rbac.authorization.k8s.io/prb created\n');
    await ok(['create', 'secret', 'docker-registry', 'preg', '--docker-server=r.example', '--docker-username=u', '--docker-password=p'], 'secret/preg created\n');
    await ok(['create', 'service', 'nodeport', 'pnp', '--tcp=80:8080'], 'service/pnp created\n');
    await ok(['create', 'service', 'loadbalancer', 'plb', '--tcp=80:8080'], 'service/plb created\n');
    await ok(['create', 'service', 'externalname', 'pen', '--external-name=db.example'], 'service/pen created\n');
    // Creating them again: each generator words the refusal as kubectl's does (most wrap it, some do not).
    for (const args of [
      ['create', 'configmap', 'pcm'],
      ['create', 'secret', 'generic', 'psec'],
      ['create', 'deployment', 'pdep', '--image=nginx'],
      ['create', 'service', 'nodeport', 'pnp', '--tcp=80:8080'],
      ['create', 'serviceaccount', 'psa'],
      ['create', 'role', 'prole', '--verb=get', '--resource=pods'],
      ['create', 'quota', 'pq', '--hard=pods=10'],
    ]) {
      const [k, m] = await Promise.all([kubectl(args), cliProcess(home, args)]);
      expect(m.stderr, args.join(' ')).toBe(k.stderr);
      expect(m.code, args.join(' ')).toBe(k.code);
    }
    const openssl = commandOnPath('openssl');
    if (openssl) {
      // kubectl checks the pair before sending it: a real self-signed certificate and its key.
      const dir = fs.mkdtempSync(path.join(kubeHome, 'tls-'));
      await new Promise((resolve) => execFile(openssl, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=p.example', '-keyout', path.join(dir, 'k'), '-out', path.join(dir, 'c')], resolve));
      await ok(['create', 'secret', 'tls', 'ptls', `--cert=${path.join(dir, 'c')}`, `--key=${path.join(dir, 'k')}`], 'secret/ptls created\n');
      expect((await kubectl(['get', 'secret', 'ptls', '-o', 'jsonpath={.type}'])).stdout).toBe('kubernetes.io/tls');
    }
    // serviceaccounts/token: a JWT naming the service account, for the asked audiences and time.
    const token = await kubectl(['create', 'token', 'psa', '--audience=api', '--duration=20m']);
    expect(token.stderr).toBe('');
    const claims = JSON.parse(Buffer.from(token.stdout.trim().split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ aud: ['api'], sub: 'system:serviceaccount:default:psa', 'kubernetes.io': { namespace: 'default', serviceaccount: { name: 'psa' } } });
    expect(claims.exp - claims.iat).toBe(1200);
    const short = await kubectl(['create', 'token', 'psa', '--duration=1m']);
    expect(short.stderr).toBe('error: failed to create token: TokenRequest.authentication.k8s.io "psa" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes\n');
    expect((await kubectl(['get', 'svc', 'pnp', 'plb', 'pen', '-o', 'jsonpath={.items[*].spec.type}'])).stdout).toBe('NodePort LoadBalancer ExternalName');
    expect((await kubectl(['get', 'secret', 'preg', '-o', 'jsonpath={.type}'])).stdout).toBe('kubernetes.io/dockerconfigjson');
    const get = async (what: string) => JSON.parse((await kubectl(['get', what, '-o', 'json'])).stdout);
    expect((await get('cm/pcm')).data).toEqual({ a: '1', b: 'two' });
    expect((await get('secret/psec')).data).toEqual({ user: Buffer.from('admin').toString('base64') });
    const dep = await get('deploy/pdep');
    // A pointer field's zero is kept (replicas: 0); a zero of a value field is left out, as Go's JSON does.
    expect(dep.spec.replicas).toBe(0);
    expect(dep.spec.template.metadata).toEqual({ creationTimestamp: null, labels: { app: 'pdep' } });
    expect(dep.spec.template.spec.containers).toEqual([expect.objectContaining({ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }] })]);
    expect((await get('job/pjob')).spec.template.spec.containers[0].command).toEqual(['echo', 'hi']);
    expect((await get('cronjob/pcron')).spec.schedule).toBe('*/5 * * * *');
    expect((await get('job/pfrom')).metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'CronJob', name: 'pcron' })]);
    expect((await get('svc/psvc')).spec.ports).toEqual([expect.objectContaining({ name: '80-8080', port: 80, targetPort: 8080, protocol: 'TCP' })]);
    expect((await get('hpa/pdep')).spec).toMatchObject({ minReplicas: 1, maxReplicas: 3, scaleTargetRef: { kind: 'Deployment', name: 'pdep' } });
    await ok(['delete', 'secret', 'psec'], 'secret "psec" deleted\n');
  });
});

describe.skipIf(!KUBECTL)('real kubectl on the shop example app', () => {
  beforeAll(async () => {
    const r = await cliProcess(home, ['apply', '-f', 'manifests/']);
    expect(r.code).toBe(0);
    for (const t of ['sts/db', 'ds/log-agent', 'deploy/api']) await cliProcess(home, ['rollout', 'status', t, '-n', 'shop', '--timeout=60s']);
    await cliProcess(home, ['wait', '--for=condition=complete', 'job/migrate', '-n', 'shop', '--timeout=60s']);
  });

  it.each([
    ['describe', 'job', 'migrate'],
    ['describe', 'statefulset', 'db'],
    ['describe', 'daemonset', 'log-agent'],
    ['describe', 'deploy', 'api'],
    ['describe', 'ingress', 'shop'],
    ['describe', 'hpa', 'api'],
    ['describe', 'pvc', 'data-db-0'],
    ['describe', 'pdb', 'api'],
    ['describe', 'cronjob', 'nightly-report'],
    ['get', 'sts,ds,job,cronjob,hpa,pdb,pvc,ingress'],
    ['get', 'pv,sc,ingressclass'],
    ['top', 'pods', '-l', 'app=api'],
    ['rollout', 'status', 'sts/db'],
    ['rollout', 'status', 'ds/log-agent'],
  ])('minikctl %s prints what kubectl prints', (...args) => expectSameAsKubectl([...args, '-n', 'shop']));

  // What CI scripts run after an apply: the objects of the files, waited for.
  it.each([
    ['get', '-f', 'manifests/'],
    ['get', '-f', 'manifests/20-web.yaml', '-o', 'name'],
    ['get', '-f', 'manifests/00-namespace.yaml'],
    ['rollout', 'status', '-f', 'manifests/37-shop-logs.yaml'],
    ['rollout', 'status', '-f', 'manifests/20-web.yaml'],
    ['wait', '--for=condition=available', '-f', 'manifests/34-shop-api.yaml', '--timeout=1s'],
    ['wait', '--for=condition=Ready', 'pods', '-l', 'app=api', '-A'],
  ])('minikctl %s %s prints what kubectl prints', (...args) => expectSameAsKubectl(args));
});
