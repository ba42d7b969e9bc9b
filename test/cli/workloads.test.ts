// The workload commands added with the second wave, through the CLI against a fast-forwarded
// in-process daemon: generators, autoscale, top nodes, DaemonSet history and undo, managed fields.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, fastDaemonForSuite } from '../helpers.js';

const suite = fastDaemonForSuite(beforeAll, afterAll);
const run = (...args: string[]) => cli(suite.env.home, args);

const DS = (image: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: c, image: "${image}"}]
`;

describe('workload commands', () => {
  it('create deployment and create namespace build what kubectl builds', async () => {
    expect((await run('create', 'namespace', 'team-a')).stdout).toBe('namespace/team-a created\n');
    expect((await run('create', 'deployment', 'hello', '--image=nginx:1.27', '--replicas=2', '--port=80', '-n', 'team-a')).stdout).toBe('deployment.apps/hello created\n');
    const d = JSON.parse((await run('get', 'deploy', 'hello', '-n', 'team-a', '-o', 'json')).stdout);
    expect(d.metadata.labels).toEqual({ app: 'hello' });
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.template.spec.containers).toMatchObject([{ name: 'nginx', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }]);
    expect((await run('rollout', 'status', 'deploy/hello', '-n', 'team-a', '--timeout=30s')).code).toBe(0);
  });

  it('creates the RBAC, policy, ingress and cron job kinds from flags, and asks for a service account token', async () => {
    const created = [
      [['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 2 * * *', '--', 'date'], 'cronjob.batch/nightly created'],
      [['create', 'pdb', 'web', '--selector=app=web', '--min-available=1'], 'poddisruptionbudget.policy/web created'],
      [['create', 'priorityclass', 'batch', '--value=100'], 'priorityclass.scheduling.k8s.io/batch created'],
      [['create', 'quota', 'small', '--hard=pods=5'], 'resourcequota/small created'],
      [['create', 'role', 'reader', '--verb=get,list', '--resource=pods,deploy'], 'role.rbac.authorization.k8s.io/reader created'],
      [['create', 'clusterrole', 'node-reader', '--verb=get', '--resource=nodes'], 'clusterrole.rbac.authorization.k8s.io/node-reader created'],
      [['create', 'rolebinding', 'reader', '--role=reader', '--serviceaccount=default:default'], 'rolebinding.rbac.authorization.k8s.io/reader created'],
      [['create', 'clusterrolebinding', 'node-reader', '--clusterrole=node-reader', '--user=alice'], 'clusterrolebinding.rbac.authorization.k8s.io/node-reader created'],
      [['create', 'ingress', 'web', '--rule=web.example/*=web:80'], 'ingress.networking.k8s.io/web created'],
    ] as const;
    for (const [args, line] of created) expect((await run(...args)).stdout).toBe(`${line}\n`);
    const role = JSON.parse((await run('get', 'role', 'reader', '-o', 'json')).stdout);
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list'] },
    ]);
    const ing = JSON.parse((await run('get', 'ingress', 'web', '-o', 'json')).stdout);
    expect(ing.spec.rules).toEqual([{ host: 'web.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }]);
    const token = await run('create', 'token', 'default', '--duration=1h');
    const claims = JSON.parse(Buffer.from(token.stdout.trim().split('.')[1], 'base64url').toString());
    expect([claims.sub, claims.exp - claims.iat]).toEqual(['system:serviceaccount:default:default', 3600]);
    expect((await run('create', 'pdb', 'bad', '--selector=app=x')).stderr).toBe('error: one of min-available or max-unavailable must be specified\n');
  });

  it('create configmap and create secret build their data from literals, files, folders and env files, as kubectl does', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minik-create-'));
    try {
      fs.writeFileSync(path.join(dir, 'greeting.txt'), 'hello');
      fs.writeFileSync(path.join(dir, 'bin.dat'), Buffer.from([0xff, 0xfe]));
      fs.mkdirSync(path.join(dir, 'conf'));
      fs.writeFileSync(path.join(dir, 'conf', 'a.conf'), 'x\n');
      fs.writeFileSync(path.join(dir, 'app.env'), '# settings\nLOG=debug\n\nMODE=fast=yes\n');
      const f = (n: string) => path.join(dir, n);
      expect((await run('create', 'configmap', 'cfg', '--from-literal=k=v', `--from-file=${f('greeting.txt')}`, `--from-file=g2=${f('greeting.txt')}`, `--from-file=${f('conf')}`, `--from-file=${f('bin.dat')}`)).stdout).toBe('configmap/cfg created\n');
      const cm = JSON.parse((await run('get', 'cm', 'cfg', '-o', 'json')).stdout);
      expect(cm.data).toEqual({ k: 'v', 'greeting.txt': 'hello', g2: 'hello', 'a.conf': 'x\n' });
      expect(cm.binaryData).toEqual({ 'bin.dat': '//4=' });
      // A bare KEY line takes its value from the environment (and is left out when unset).
      fs.appendFileSync(f('app.env'), 'FROM_ENV\nUNSET_KEY\n');
      const fromEnv = await cli(suite.env.home, ['create', 'cm', 'envvars', `--from-env-file=${f('app.env')}`, '--dry-run=client', '-o', 'json'], '', { FROM_ENV: 'here' });
      expect(JSON.parse(fromEnv.stdout).data).toEqual({ LOG: 'debug', MODE: 'fast=yes', FROM_ENV: 'here' });
      fs.writeFileSync(f('app.env'), '# settings\nLOG=debug\n\nMODE=fast=yes\n');
      const env = await run('create', 'cm', 'envcfg', `--from-env-file=${f('app.env')}`, '--dry-run=client', '-o', 'yaml');
      expect(env.stdout).toBe('apiVersion: v1\ndata:\n  LOG: debug\n  MODE: fast=yes\nkind: ConfigMap\nmetadata:\n  creationTimestamp: null\n  name: envcfg\n');
      expect((await run('create', 'secret', 'generic', 'creds', '--from-literal=user=admin', '--from-literal=pass=p@ss')).stdout).toBe('secret/creds created\n');
      const sec = JSON.parse((await run('get', 'secret', 'creds', '-o', 'json')).stdout);
      expect(sec).toMatchObject({ type: 'Opaque', data: { user: 'YWRtaW4=', pass: 'cEBzcw==' } });
      const reg = JSON.parse((await run('create', 'secret', 'docker-registry', 'pull', '--docker-username=u', '--docker-password=p', '-o', 'json')).stdout);
      expect(reg.type).toBe('kubernetes.io/dockerconfigjson');
      expect((await run('create', 'secret', 'docker-registry', 'half', '--docker-username=u')).stderr).toBe('error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required\n');
      expect(JSON.parse(Buffer.from(reg.data['.dockerconfigjson'], 'base64').toString())).toEqual({ auths: { 'https://index.docker.io/v1/': { username: 'u', password: 'p', auth: 'dTpw' } } });
      // kubectl's refusals.
      expect((await run('create', 'cm', 'dup', '--from-literal=k=v', '--from-literal=k=w')).stderr).toBe('error: cannot add key "k", another key by that name already exists in Data for ConfigMap "dup"\n');
      expect((await run('create', 'cm', 'mixed', '--from-literal=k=v', `--from-env-file=${f('app.env')}`)).stderr).toBe('error: from-env-file cannot be combined with from-file or from-literal\n');
      expect((await run('create', 'cm', 'bad', '--from-literal=a/b=v')).stderr).toMatch(/^error: "a\/b" is not a valid key name for a ConfigMap: a valid config key must consist of alphanumeric characters/);
      expect((await run('create', 'secret', 'tls', 'cert', `--cert=${f('greeting.txt')}`, `--key=${f('greeting.txt')}`)).stderr).toMatch(/^error: failed to load key pair tls: /);
      // A real pair, where openssl is there to make one.
      const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('tls.key'), '-out', f('tls.crt'), '-days', '1', '-subj', '/CN=minik.test'], { stdio: 'ignore' });
      if (made.status === 0) {
        expect((await run('create', 'secret', 'tls', 'site', `--cert=${f('tls.crt')}`, `--key=${f('tls.key')}`)).stdout).toBe('secret/site created\n');
        const tls = JSON.parse((await run('get', 'secret', 'site', '-o', 'json')).stdout);
        expect(tls.type).toBe('kubernetes.io/tls');
        expect(Buffer.from(tls.data['tls.crt'], 'base64').toString()).toBe(fs.readFileSync(f('tls.crt'), 'utf8'));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('run creates a pod as kubectl run builds it, and it runs', async () => {
    const y = await run('run', 'web', '--image=nginx:1.27', '--port=80', '--env=A=1', '--labels=app=web,tier=fe', '--restart=Never', '--dry-run=client', '-o', 'yaml', '--', 'sh', '-c', 'echo hi');
    expect(y.stdout).toBe(
      'apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: null\n  labels:\n    app: web\n    tier: fe\n  name: web\nspec:\n  containers:\n  - args:\n    - sh\n    - -c\n    - echo hi\n    env:\n    - name: A\n      value: "1"\n' +
        '    image: nginx:1.27\n    name: web\n    ports:\n    - containerPort: 80\n    resources: {}\n  dnsPolicy: ClusterFirst\n  restartPolicy: Never\nstatus: {}\n',
    );
    expect((await run('run', 'sleeper', '--image=busybox', '--command', '--', 'sleep', '3600')).stdout).toBe('pod/sleeper created\n');
    const pod = JSON.parse((await run('get', 'pod', 'sleeper', '-o', 'json')).stdout);
    expect(pod.metadata.labels).toEqual({ run: 'sleeper' });
    expect(pod.spec.containers[0].command).toEqual(['sleep', '3600']);
    expect((await run('wait', '--for=condition=Ready', 'pod/sleeper', '--timeout=30s')).code).toBe(0);
    expect((await run('run', 'sleeper', '--image=busybox')).stderr).toBe('Error from server (AlreadyExists): pods "sleeper" already exists\n');
    expect((await run('run', 'x', '--image=busybox', '--restart=Bogus')).stderr).toBe('error: invalid restart policy: Bogus\n');
  });

  it('expose puts a Service in front of a workload: its labels, its selector, its container ports', async () => {
    // hello (team-a) was created above with --port=80.
    const y = await run('expose', 'deploy', 'hello', '-n', 'team-a', '--dry-run=client', '-o', 'yaml');
    expect(y.stdout).toBe('apiVersion: v1\nkind: Service\nmetadata:\n  creationTimestamp: null\n  labels:\n    app: hello\n  name: hello\n  namespace: team-a\nspec:\n  ports:\n  - port: 80\n    protocol: TCP\n    targetPort: 80\n  selector:\n    app: hello\nstatus:\n  loadBalancer: {}\n');
    expect((await run('expose', 'deploy/hello', '-n', 'team-a', '--name=hello-np', '--port=8080', '--target-port=80', '--type=NodePort')).stdout).toBe('service/hello-np exposed\n');
    const svc = JSON.parse((await run('get', 'svc', 'hello-np', '-n', 'team-a', '-o', 'json')).stdout);
    expect(svc.spec).toMatchObject({ type: 'NodePort', selector: { app: 'hello' }, ports: [{ port: 8080, targetPort: 80, protocol: 'TCP' }] });
    expect(svc.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    await run('create', 'deployment', 'bare', '--image=nginx', '-n', 'team-a');
    expect((await run('expose', 'deploy', 'bare', '-n', 'team-a')).stderr).toBe("error: couldn't find port via --port flag or introspection\n");
    expect((await run('expose', 'cm', 'x')).stderr).toBe('error: cannot expose a ConfigMap\n');
  });

  it('create service and create serviceaccount build what kubectl builds', async () => {
    const y = await run('create', 'service', 'clusterip', 'web', '--tcp=80:8080', '--tcp=443', '--dry-run=client', '-o', 'yaml');
    expect(y.stdout).toBe(
      'apiVersion: v1\nkind: Service\nmetadata:\n  creationTimestamp: null\n  labels:\n    app: web\n  name: web\nspec:\n  ports:\n  - name: 80-8080\n    port: 80\n    protocol: TCP\n    targetPort: 8080\n' +
        '  - name: "443"\n    port: 443\n    protocol: TCP\n    targetPort: 443\n  selector:\n    app: web\n  type: ClusterIP\nstatus:\n  loadBalancer: {}\n',
    );
    expect((await run('create', 'service', 'nodeport', 'np', '--tcp=80:8080', '--node-port=30080')).stdout).toBe('service/np created\n');
    expect(JSON.parse((await run('get', 'svc', 'np', '-o', 'json')).stdout).spec.ports[0]).toMatchObject({ name: '80-8080', nodePort: 30080, port: 80, targetPort: 8080 });
    expect((await run('create', 'svc', 'externalname', 'db', '--external-name=db.example.com')).stdout).toBe('service/db created\n');
    expect((await run('create', 'service', 'clusterip', 'headless', '--clusterip=None')).stdout).toBe('service/headless created\n');
    expect((await run('create', 'service', 'clusterip', 'bad')).stderr).toBe('error: at least one tcp port specifier must be provided\n');
    expect((await run('create', 'serviceaccount', 'robot')).stdout).toBe('serviceaccount/robot created\n');
  });

  it('autoscale creates an autoscaling/v2 HorizontalPodAutoscaler for the target', async () => {
    expect((await run('autoscale', 'deployment', 'hello', '-n', 'team-a', '--min=2', '--max=5', '--cpu-percent=60')).stdout).toBe('horizontalpodautoscaler.autoscaling/hello autoscaled\n');
    const h = JSON.parse((await run('get', 'hpa', 'hello', '-n', 'team-a', '-o', 'json')).stdout);
    expect(h.spec).toMatchObject({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'hello' }, minReplicas: 2, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }] });
    // An autoscaling/v1 manifest (served by conversion) is mapped too, as kubectl maps it.
    const v1 = 'apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: hello-v1, namespace: team-a}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: hello}\n  minReplicas: 1\n  maxReplicas: 3\n  targetCPUUtilizationPercentage: 70\n';
    expect(await cli(suite.env.home, ['apply', '-f', '-'], v1)).toEqual({ code: 0, stdout: 'horizontalpodautoscaler.autoscaling/hello-v1 created\n', stderr: '' });
    expect((await cli(suite.env.home, ['apply', '-f', '-'], v1)).stdout).toBe('horizontalpodautoscaler.autoscaling/hello-v1 unchanged\n');
    const hv1 = JSON.parse((await run('get', 'hpa', 'hello-v1', '-n', 'team-a', '-o', 'json')).stdout);
    expect(hv1.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
    const bad = await run('autoscale', 'deployment', 'hello', '-n', 'team-a', '--min=6', '--max=5');
    expect(bad.stderr).toBe('error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: 5, min: 6\n');
  });

  it('top nodes shows each node\'s usage and its share of allocatable', async () => {
    const r = await run('top', 'nodes');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)\s*$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['node-1', 'node-2', 'node-3']);
    for (const l of lines.slice(1)) expect(l).toMatch(/^node-\d\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%\s*$/);
  });

  it('rollout history and undo work for a DaemonSet (from its ControllerRevisions)', async () => {
    await cli(suite.env.home, ['apply', '-f', '-'], DS('fluentd:1'));
    expect((await run('rollout', 'status', 'ds/agent', '--timeout=30s')).code).toBe(0);
    await cli(suite.env.home, ['apply', '-f', '-'], DS('fluentd:2'));
    expect((await run('rollout', 'status', 'ds/agent', '--timeout=30s')).stdout).toMatch(/daemon set "agent" successfully rolled out\n$/);
    expect((await run('rollout', 'history', 'ds/agent')).stdout).toBe('daemonset.apps/agent \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    expect((await run('rollout', 'undo', 'ds/agent')).stdout).toBe('daemonset.apps/agent rolled back\n');
    expect((await run('rollout', 'status', 'ds/agent', '--timeout=30s')).code).toBe(0);
    const images = (await run('get', 'pods', '-l', 'app=agent', '-o', 'jsonpath={.items[*].spec.containers[0].image}')).stdout.split(' ');
    expect(new Set(images)).toEqual(new Set(['fluentd:1']));
    expect((await run('rollout', 'pause', 'ds/agent')).stderr).toBe('error: daemonsets.apps "agent" pausing is not supported\n');
  });

  it('get shows managedFields only with --show-managed-fields', async () => {
    const hidden = JSON.parse((await run('get', 'ds', 'agent', '-o', 'json')).stdout);
    expect(hidden.metadata.managedFields).toBeUndefined();
    const shown = JSON.parse((await run('get', 'ds', 'agent', '-o', 'json', '--show-managed-fields')).stdout);
    expect(shown.metadata.managedFields.map((e: any) => e.manager)).toContain('kubectl-client-side-apply');
  });
});
