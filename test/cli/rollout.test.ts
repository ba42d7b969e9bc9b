// Rollouts through the CLI, in-process, against a daemon whose fake clock is fast-forwarded:
// 200 ms of cluster time every 5 ms, so a rollout takes milliseconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, fastDaemonForSuite } from '../helpers.js';
import { lastSeenCell } from '../../src/cli/commands/events.js';
import { run as runCli } from '../../src/cli/main.js';

const suite = fastDaemonForSuite(beforeAll, afterAll);

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: "nginx:1.27"}]
`;


describe('rollouts with minikctl', () => {
  it('waits for a rollout with kubectl\'s progress lines', async () => {
    await cli(suite.env.home, ['apply', '-f', '-'], DEPLOY);
    const r = await cli(suite.env.home, ['rollout', 'status', 'deployment/web', '--timeout=30s']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').pop()).toBe('deployment "web" successfully rolled out');
    const pods = await cli(suite.env.home, ['get', 'pods', '--no-headers', '-o', 'custom-columns=STATUS:.status.phase,NODE:.spec.nodeName']);
    expect(pods.stdout.trim().split('\n').sort()).toEqual(['Running   node-1', 'Running   node-2', 'Running   node-3']);
  });

  it('rolls out a new image, keeps history, and undoes it', async () => {
    expect((await cli(suite.env.home, ['set', 'image', 'deploy/web', 'nginx=nginx:1.28'])).stdout).toBe('deployment.apps/web image updated\n');
    const status = await cli(suite.env.home, ['rollout', 'status', 'deploy/web', '--timeout=30s']);
    expect(status.stdout).toMatch(/Waiting for deployment "web" rollout to finish: \d out of 3 new replicas have been updated\.\.\.\n/);
    expect(status.stdout).toMatch(/deployment "web" successfully rolled out\n$/);
    expect((await cli(suite.env.home, ['rollout', 'history', 'deploy/web'])).stdout).toBe('deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    // One revision's template as kubectl describes it: tabs, not laid out (byte for byte as kubectl 1.32 printed it against minik).
    const rev1 = (await cli(suite.env.home, ['rollout', 'history', 'deploy/web', '--revision=1'])).stdout;
    expect(rev1).toMatch(/^deployment\.apps\/web with revision #1\nPod Template:\n  Labels:\tapp=web\n\tpod-template-hash=[a-z0-9]+\n  Containers:\n   nginx:\n    Image:\tnginx:1\.27\n    Port:\t<none>\n    Host Port:\t<none>\n    Environment:\t<none>\n    Mounts:\t<none>\n  Volumes:\t<none>\n  Node-Selectors:\t<none>\n  Tolerations:\t<none>\n\n$/);
    expect((await cli(suite.env.home, ['rollout', 'undo', 'deploy/web'])).stdout).toBe('deployment.apps/web rolled back\n');
    await cli(suite.env.home, ['rollout', 'status', 'deploy/web', '--timeout=30s']);
    const images = await cli(suite.env.home, ['get', 'rs', '-o', 'custom-columns=IMAGE:.spec.template.spec.containers[0].image,DESIRED:.spec.replicas,REV:.metadata.annotations.deployment\\.kubernetes\\.io/revision', '--sort-by=.spec.replicas']);
    expect(images.stdout).toBe('IMAGE        DESIRED   REV\nnginx:1.28   0         2\nnginx:1.27   3         3\n');
    // describe lists every old ReplicaSet, scaled down too (kubectl since 1.27).
    const rs = (await cli(suite.env.home, ['get', 'rs', '--sort-by=.spec.replicas', '-o', 'name'])).stdout.trim().split('\n').map((n) => n.split('/')[1]);
    const described = (await cli(suite.env.home, ['describe', 'deploy', 'web'])).stdout;
    expect(described).toContain(`OldReplicaSets:  ${rs[0]} (0/0 replicas created)\n`);
    expect(described).toContain(`NewReplicaSet:   ${rs[1]} (3/3 replicas created)\n`);
    expect((await cli(suite.env.home, ['rollout', 'undo', 'deploy/web', '--to-revision=9'])).stderr).toBe('error: unable to find specified revision 9 in history\n');
  });

  it('scales, and waits for conditions', async () => {
    expect((await cli(suite.env.home, ['scale', 'deploy/web', '--replicas=5'])).stdout).toBe('deployment.apps/web scaled\n');
    expect((await cli(suite.env.home, ['wait', '--for=jsonpath={.status.readyReplicas}=5', 'deploy/web', '--timeout=30s'])).stdout).toBe('deployment.apps/web condition met\n');
    expect((await cli(suite.env.home, ['wait', '--for=condition=Available', 'deployment/web'])).stdout).toBe('deployment.apps/web condition met\n');
    const pods = (await cli(suite.env.home, ['get', 'pods', '-o', 'name'])).stdout.trim().split('\n');
    expect(pods).toHaveLength(5);
    const w = await cli(suite.env.home, ['wait', '--for=delete', pods[0], '--timeout=1s']);
    expect(w).toEqual({ code: 1, stdout: '', stderr: `error: timed out waiting for the condition on pods/${pods[0].split('/')[1]}\n` });
    expect((await cli(suite.env.home, ['wait', '--for=condition=Ready', 'pod/nope'])).stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
  });

  it('gets, waits for and follows the rollout of the objects of a file (-f), and waits across namespaces (-A)', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minik-f-'));
    const file = path.join(dir, 'app.yaml');
    fs.writeFileSync(file, `${DEPLOY.replace('name: web', 'name: filed').replace(/app: web/g, 'app: filed')}---\napiVersion: v1\nkind: Service\nmetadata: {name: filed}\nspec:\n  selector: {app: filed}\n  ports: [{port: 80}]\n`);
    try {
      await cli(suite.env.home, ['apply', '-f', file]);
      expect((await cli(suite.env.home, ['rollout', 'status', '-f', file, '--timeout=30s'])).stderr).toBe('error: no status viewer has been implemented for Service\n');
      expect((await cli(suite.env.home, ['wait', '--for=condition=Available', '-f', file, '--timeout=1s'])).stdout).toBe('deployment.apps/filed condition met\n');
      expect((await cli(suite.env.home, ['get', '-f', file, '-o', 'name'])).stdout).toBe('deployment.apps/filed\nservice/filed\n');
      const all = await cli(suite.env.home, ['wait', '--for=condition=Ready', 'pods', '-l', 'app=filed', '-A', '--timeout=30s']);
      expect(all.stdout.trim().split('\n')).toHaveLength(3);
      expect((await cli(suite.env.home, ['get', 'deploy', 'filed', '-f', file])).stderr).toBe('error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows an unschedulable pod as Pending, with the scheduler\'s event', async () => {
    await cli(suite.env.home, ['apply', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata: {name: huge}\nspec:\n  containers: [{name: c, image: busybox, resources: {requests: {cpu: "64"}}}]\n');
    await cli(suite.env.home, ['wait', '--for=jsonpath={.status.conditions[0].reason}=Unschedulable', 'pod/huge', '--timeout=30s']);
    expect((await cli(suite.env.home, ['get', 'pod', 'huge'])).stdout).toMatch(/^NAME   READY   STATUS    RESTARTS   AGE\nhuge   0\/1     Pending   0          \S+\n$/);
    const d = await cli(suite.env.home, ['describe', 'pod', 'huge']);
    expect(d.stdout).toMatch(/Warning  FailedScheduling  \S+\s+default-scheduler  0\/3 nodes are available: 3 Insufficient cpu\. preemption: 0\/3 nodes are available: 3 No preemption victims found for incoming pod\.\n/);
  });
});

describe('progress deadline', () => {
  it('events shows a repeated event\'s count and span in LAST SEEN, as kubectl events does', () => {
    const now = Date.parse('2026-11-23T10:10:00Z');
    const ev = (extra: object) => ({ metadata: { name: 'e', creationTimestamp: '2026-11-23T10:05:00Z' }, ...extra });
    expect(lastSeenCell(ev({ count: 3, firstTimestamp: '2026-11-23T10:05:00Z', lastTimestamp: '2026-11-23T10:09:00Z' }), now)).toBe('60s (x3 over 5m)');
    expect(lastSeenCell(ev({ count: 1, firstTimestamp: '2026-11-23T10:09:30Z', lastTimestamp: '2026-11-23T10:09:30Z' }), now)).toBe('30s');
    // events.k8s.io style: a series counts, eventTime is the first occurrence.
    expect(lastSeenCell(ev({ eventTime: '2026-11-23T10:00:00.000000Z', series: { count: 4, lastObservedTime: '2026-11-23T10:08:00.000000Z' } }), now)).toBe('2m (x4 over 10m)');
  });

  it('events lists what happened, oldest first, as kubectl events prints it', async () => {
    const all = (await cli(suite.env.home, ['events'])).stdout.split('\n');
    expect(all[0]).toMatch(/^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE$/);
    expect(all.some((l) => /^\S+ +Normal +ScalingReplicaSet +Deployment\/web +Scaled up replica set web-/.test(l))).toBe(true);
    const huge = await cli(suite.env.home, ['events', '--for', 'pod/huge', '--types=Warning', '--no-headers']);
    expect(huge.stdout).toMatch(/^\S+( \(x\d+ over \S+\))? +Warning +FailedScheduling +Pod\/huge +0\/3 nodes are available: 3 Insufficient cpu\. preemption: 0\/3 nodes are available: 3 No preemption victims found for incoming pod\.\n$/);
    expect((await cli(suite.env.home, ['events', '-A'])).stdout.split('\n')[0]).toMatch(/^NAMESPACE +LAST SEEN/);
    expect((await cli(suite.env.home, ['events', '-n', 'nope'])).stderr).toBe('No events found in nope namespace.\n');
    expect((await cli(suite.env.home, ['events', '--types=Bogus'])).stderr).toBe('error: valid --types are Normal or Warning\n');
  });

  it('rollout status exits 1 when the deadline is exceeded', async () => {
    await cli(suite.env.home, ['apply', '-f', '-'], DEPLOY.replace('name: web', 'name: stuck').replace(/app: web/g, 'app: stuck').replace('replicas: 3', 'replicas: 1\n  progressDeadlineSeconds: 10').replace('image: "nginx:1.27"', 'image: "nginx:1.27", resources: {requests: {cpu: "64"}}'));
    const r = await cli(suite.env.home, ['rollout', 'status', 'deploy/stuck', '--timeout=60s']);
    expect(r.code).toBe(1);
    // kubectl's error, then why: what the deployment's pods lack.
    expect(r.stderr).toMatch(/^error: deployment "stuck" exceeded its progress deadline\n0\/1 pods ready; stuck-[a-z0-9]+-[a-z0-9]{5} Pending: 0\/3 nodes are available: 3 Insufficient cpu\./);
  });

  it('on a terminal, rollout status, wait and delete say what they are still waiting for; in a pipe, nothing more than kubectl', async () => {
    const run = async (args: string[], tty: boolean) => {
      let stderr = '';
      const io = { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s), isTTY: tty }, readStdin: async () => '', env: { MINIK_HOME: suite.env.home, NO_COLOR: '1' } };
      const code = await runCli(args, io);
      return { code, stderr };
    };
    await cli(suite.env.home, ['apply', '-f', '-'], 'apiVersion: v1\nkind: Pod\nmetadata: {name: big}\nspec:\n  containers: [{name: app, image: nginx, resources: {requests: {cpu: "64"}}}]\n');
    const waited = await run(['wait', '--for=condition=Ready', 'pod/big', '--timeout=2s'], true);
    expect(waited.code).toBe(1);
    expect(waited.stderr).toMatch(/^big Pending: 0\/3 nodes are available: 3 Insufficient cpu\..*\nerror: timed out waiting for the condition on pods\/big\n$/s);
    expect((await run(['wait', '--for=condition=Ready', 'pod/big', '--timeout=2s'], false)).stderr).toBe('error: timed out waiting for the condition on pods/big\n');
    const rollout = await run(['rollout', 'status', 'deploy/web', '--timeout=2s'], true);
    expect(rollout.code).toBe(0);
    // delete --wait: what the object still waits for.
    await cli(suite.env.home, ['apply', '-f', '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, finalizers: [example.com/hold]}\n');
    const deleted = await run(['delete', 'cm', 'held', '--timeout=2s'], true);
    expect(deleted.code).toBe(1);
    expect(deleted.stderr).toBe('held: waiting for finalizers: example.com/hold\nerror: timed out waiting for the condition on configmaps/held\n');
    await cli(suite.env.home, ['patch', 'cm', 'held', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
  });
});

describe('logs', () => {
  it('prints a simulated container\'s lifecycle, by pod or by workload, as kubectl words its errors', async () => {
    const pod = (await cli(suite.env.home, ['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout;
    const r = await cli(suite.env.home, ['logs', pod]);
    expect(r.stdout).toMatch(/^minik: container nginx started \(image nginx:\S+, simulated: no process runs\)\nminik: container nginx is ready\n$/);
    const ts = await cli(suite.env.home, ['logs', pod, '--timestamps', '--tail=1']);
    expect(ts.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z minik: container nginx is ready\n$/);
    const byDeploy = await cli(suite.env.home, ['logs', 'deploy/web']);
    expect(byDeploy.stderr).toMatch(/^Found \d+ pods, using pod\/web-/);
    expect((await cli(suite.env.home, ['logs', 'nope'])).stderr).toBe('error: error from server (NotFound): pods "nope" not found in namespace "default"\n');
    expect((await cli(suite.env.home, ['logs', 'pod/nope'])).stderr).toBe('error: error from server (NotFound): pods "nope" not found in namespace "default"\n');
    // A Service stands for its pods (its selector is a map); a kind that selects no pods is refused.
    await cli(suite.env.home, ['apply', '-f', '-'], 'apiVersion: v1\nkind: Service\nmetadata: {name: web-logs}\nspec: {selector: {app: web}, ports: [{port: 80}]}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: no-pods}\n');
    expect((await cli(suite.env.home, ['logs', 'svc/web-logs'])).stdout).toMatch(/^minik: container nginx started/);
    expect(await cli(suite.env.home, ['logs', 'cm/no-pods'])).toMatchObject({ code: 1, stderr: 'error: cannot attach to ConfigMap: selector for ConfigMap not implemented\n' });
    expect((await cli(suite.env.home, ['logs', 'huge'])).stderr).toBe('Error from server (BadRequest): container "c" in pod "huge" is waiting to start: ContainerCreating\n');
  });
});
