// Simulated containers: what a manifest's command or annotations make them do, and how the
// kubelet restarts them, all under a fake clock.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/types.js';
import { backoffDelay } from '../../src/kubelet/containers.js';
import { containerUsage, programOf, readScript } from '../../src/sim/program.js';
import { TestCluster, pod } from '../cluster.js';

describe('reading a command', () => {
  it.each([
    ['nginx -g daemon off;', { loops: false, finite: false }],
    ['sh -c echo hello; sleep 5', { finite: true, seconds: 5, output: ['hello'] }],
    ['sh -c sleep 1m; exit 3', { finite: true, seconds: 60, exitCode: 3 }],
    ['sh -c exit 1', { finite: true, seconds: undefined, exitCode: 1 }],
    ['sh -c while true; do echo tick; sleep 5; done', { loops: true, finite: false }],
    ['sh -c false', { finite: true, exitCode: 1 }],
    ['tail -f /dev/null', { loops: true }],
    ["sh -c echo 'a b' && exit 300", { exitCode: 44, output: ['a b'] }],
  ])('%s', (script, want) => {
    expect(readScript(script)).toMatchObject(want);
  });
});

describe('what a container does', () => {
  const p = (spec: any, annotations?: Record<string, string>): KubeObject => pod('p', spec, annotations);
  it.each([
    ['a server in an Always pod runs until stopped', p({ containers: [{ name: 'app', image: 'nginx' }] }), 'app', { runSeconds: Infinity, exitCode: 0 }],
    ['a Job container runs its command for 2 s and succeeds', p({ restartPolicy: 'Never', containers: [{ name: 'app', image: 'perl', command: ['perl', '-e', 'print 1'] }] }), 'app', { runSeconds: 2, exitCode: 0 }],
    ['sleep and exit in the script are honoured', p({ restartPolicy: 'OnFailure', containers: [{ name: 'app', command: ['sh', '-c', 'sleep 7; exit 2'] }] }), 'app', { runSeconds: 7, exitCode: 2 }],
    ['an Always pod whose script exits crashes', p({ containers: [{ name: 'app', command: ['sh', '-c', 'exit 1'] }] }), 'app', { runSeconds: 0, exitCode: 1 }],
    ['annotations win', p({ restartPolicy: 'Never', containers: [{ name: 'app', command: ['sleep', '100'] }] }, { 'minik.dev/run-seconds': '3', 'minik.dev/exit-code': '4' }), 'app', { runSeconds: 3, exitCode: 4 }],
    ['a per-container annotation wins over the pod-wide one', p({ containers: [{ name: 'app' }] }, { 'minik.dev/exit-code': '1', 'minik.dev/exit-code.app': '0', 'minik.dev/run-seconds': 'forever' }), 'app', { runSeconds: Infinity, exitCode: 0 }],
    ['an exit code on a server makes it crash after 2 s', p({ containers: [{ name: 'app' }] }, { 'minik.dev/exit-code': '1' }), 'app', { runSeconds: 2, exitCode: 1 }],
  ])('%s', (_title, pd, container, want) => {
    const c = (pd.spec.containers as any[]).find((x) => x.name === container);
    expect(programOf(pd, c, 'app')).toMatchObject(want);
  });

  it('uses annotated usage, or a tenth of the CPU request and half the memory request', () => {
    const c = { name: 'app', resources: { requests: { cpu: '500m', memory: '256Mi' } } };
    expect(containerUsage(p({ containers: [c] }), c)).toEqual({ milliCPU: 50, memory: 128 * 1024 * 1024 });
    expect(containerUsage(p({ containers: [c] }, { 'minik.dev/cpu-usage': '1', 'minik.dev/memory-usage': '1Gi' }), c)).toEqual({ milliCPU: 1000, memory: 1024 ** 3 });
  });

  it.each([
    [0, 0, 0],
    [1, 1000, 10_000],
    [2, 1000, 20_000],
    [5, 1000, 160_000],
    [6, 1000, 300_000],
    [9, 1000, 300_000],
    [4, 600_000, 0],
  ])('back-off after %i restarts (ran %i ms) is %i ms', (restarts, ran, want) => {
    expect(backoffDelay(restarts, ran)).toBe(want);
  });
});

describe('pods on a simulated node', () => {
  it('a Never pod whose command succeeds is Completed; one that fails is Error with its exit code', () => {
    const k = new TestCluster();
    k.create(pod('ok', { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'echo done; sleep 3'] }] }));
    k.create(pod('bad', { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'exit 3'] }] }));
    k.run(1000);
    expect(k.podStatus('ok')).toBe('Running');
    k.run(4000);
    expect(k.podStatus('ok')).toBe('Completed');
    expect(k.get('pods', 'ok')!.status).toMatchObject({ phase: 'Succeeded', containerStatuses: [{ state: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
    expect(k.podStatus('bad')).toBe('Error');
    expect(k.get('pods', 'bad')!.status).toMatchObject({ phase: 'Failed', containerStatuses: [{ restartCount: 0, state: { terminated: { exitCode: 3, reason: 'Error' } } }] });
  });

  it('a crashing container restarts with CrashLoopBackOff: 10 s, 20 s, 40 s', () => {
    const k = new TestCluster();
    k.create(pod('crash', { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'exit 1'] }] }));
    const restarts = () => k.get('pods', 'crash')!.status.containerStatuses[0].restartCount;
    k.run(1000);
    expect(restarts()).toBe(1); // the first restart is immediate
    expect(k.podStatus('crash')).toBe('CrashLoopBackOff');
    // Each wait: from the last exit to the next start (the restarted run's startedAt).
    const waits: number[] = [];
    for (let n = 2; n <= 4; n++) {
      const before = k.get('pods', 'crash')!.status.containerStatuses[0].lastState.terminated.finishedAt;
      k.until(() => restarts() === n);
      waits.push((Date.parse(k.get('pods', 'crash')!.status.containerStatuses[0].lastState.terminated.startedAt) - Date.parse(before)) / 1000);
    }
    expect(waits).toEqual([10, 20, 40]);
    const st = k.get('pods', 'crash')!.status.containerStatuses[0];
    expect(st.lastState.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    expect(st.state.waiting.message).toMatch(/^back-off 1m20s restarting failed container=app pod=crash_default\(/);
    expect(k.events('BackOff')[0].message).toMatch(/^Back-off restarting failed container app in pod crash_default\(/);
  });

  it('OnFailure restarts a failed container but not a succeeded one', () => {
    const k = new TestCluster();
    k.create(pod('retry', { restartPolicy: 'OnFailure', containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'exit 2'] }] }));
    k.create(pod('once', { restartPolicy: 'OnFailure', containers: [{ name: 'app', image: 'busybox', command: ['true'] }] }));
    k.run(5000);
    expect(k.get('pods', 'retry')!.status.phase).toBe('Running');
    expect(k.get('pods', 'retry')!.status.containerStatuses[0].restartCount).toBeGreaterThan(0);
    expect(k.get('pods', 'once')!.status.phase).toBe('Succeeded');
  });

  it('runs init containers in order (Init:0/2, Init:1/2), then the app', () => {
    const k = new TestCluster();
    k.create(pod('init', { initContainers: [{ name: 'a', image: 'busybox', command: ['sleep', '3'] }, { name: 'b', image: 'busybox', command: ['sleep', '3'] }], containers: [{ name: 'app', image: 'nginx' }] }));
    k.run(200);
    expect(k.podStatus('init')).toBe('Init:0/2');
    k.run(3500);
    expect(k.podStatus('init')).toBe('Init:1/2');
    k.run(3500);
    expect(k.podStatus('init')).toBe('Running');
    const p = k.get('pods', 'init')!;
    expect(p.status.initContainerStatuses.map((s: any) => s.state.terminated.reason)).toEqual(['Completed', 'Completed']);
    expect(p.status.conditions.find((c: any) => c.type === 'Initialized').status).toBe('True');
  });

  it('a failing init container crash-loops (Init:CrashLoopBackOff) and the app never starts', () => {
    const k = new TestCluster();
    k.create(pod('init-fail', { initContainers: [{ name: 'migrate', image: 'busybox', command: ['sh', '-c', 'exit 1'] }], containers: [{ name: 'app', image: 'nginx' }] }));
    k.run(3000);
    expect(k.podStatus('init-fail')).toBe('Init:CrashLoopBackOff');
    expect(k.get('pods', 'init-fail')!.status.containerStatuses[0].state.waiting.reason).toBe('PodInitializing');
  });

  it('a sidecar init container starts before the app and stays running; READY counts it', () => {
    const k = new TestCluster();
    k.create(pod('side', { initContainers: [{ name: 'proxy', image: 'envoy', restartPolicy: 'Always' }], containers: [{ name: 'app', image: 'nginx' }] }));
    k.run(2000);
    const p = k.get('pods', 'side')!;
    expect(k.podStatus('side')).toBe('Running');
    expect(p.status.initContainerStatuses[0]).toMatchObject({ started: true, ready: true, state: { running: {} } });
    expect(p.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
  });

  it('stops a finished Job pod\'s sidecars', () => {
    const k = new TestCluster();
    k.create(pod('job-side', { restartPolicy: 'Never', initContainers: [{ name: 'log', image: 'fluent-bit', restartPolicy: 'Always' }], containers: [{ name: 'app', image: 'busybox', command: ['sleep', '2'] }] }));
    k.run(4000);
    const p = k.get('pods', 'job-side')!;
    expect(p.status.phase).toBe('Succeeded');
    expect(p.status.initContainerStatuses[0].state.terminated).toBeDefined();
    expect(k.podStatus('job-side')).toBe('Completed');
  });

  it('restarts a container whose liveness probe fails, after initialDelay + period x threshold', () => {
    const k = new TestCluster();
    k.create(pod('live', { containers: [{ name: 'app', image: 'nginx', livenessProbe: { httpGet: { path: '/healthz', port: 80 }, initialDelaySeconds: 5, periodSeconds: 10, failureThreshold: 3 } }] }, { 'minik.dev/liveness': 'fail' }));
    k.until(() => k.get('pods', 'live')!.status.containerStatuses?.[0]?.restartCount === 1);
    const last = k.get('pods', 'live')!.status.containerStatuses[0].lastState.terminated;
    expect((Date.parse(last.finishedAt) - Date.parse(last.startedAt)) / 1000).toBe(35); // 5 + 10 x 3
    expect(k.events('Unhealthy')[0].message).toBe('Liveness probe failed: HTTP probe failed with statuscode: 500');
    expect(k.events('Killing')[0].message).toBe('Container app failed liveness probe, will be restarted');
    expect(k.get('pods', 'live')!.status.containerStatuses[0].lastState.terminated).toMatchObject({ exitCode: 143, reason: 'Error' });
  });

  it('OOMKills a container whose simulated memory use exceeds its limit', () => {
    const k = new TestCluster();
    k.create(pod('oom', { containers: [{ name: 'app', image: 'nginx', resources: { limits: { memory: '128Mi' } } }] }, { 'minik.dev/memory-usage': '200Mi' }));
    k.run(1700);
    const st = k.get('pods', 'oom')!.status.containerStatuses[0];
    expect(st.restartCount).toBe(1);
    expect(st.lastState.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
  });

  it('a failing readiness probe keeps the pod Running but not Ready', () => {
    const k = new TestCluster();
    k.create(pod('unready', { containers: [{ name: 'app', image: 'nginx', readinessProbe: { httpGet: { path: '/', port: 80 } } }] }, { 'minik.dev/readiness': 'fail' }));
    k.run(5000);
    const p = k.get('pods', 'unready')!;
    expect(p.status.phase).toBe('Running');
    expect(p.status.conditions.find((c: any) => c.type === 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
    expect(k.events('Unhealthy')[0].message).toMatch(/^Readiness probe failed/);
  });
});

describe('wake-ups', () => {
  it('runs a due step on time after unrelated changes (a settled pod still asks to be woken)', () => {
    const k = new TestCluster();
    k.create(pod('job-like', { restartPolicy: 'Never', initContainers: [{ name: 'wait', image: 'busybox', command: ['sleep', '3'] }], containers: [{ name: 'app', image: 'busybox', command: ['sleep', '2'] }] }));
    // The init container is running; an unrelated write, then quiet until it is due.
    k.run(1500);
    k.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'noise' } });
    k.run(6500);
    const st = k.get('pods', 'job-like')!.status;
    expect(st.phase).toBe('Succeeded');
    const init = st.initContainerStatuses[0].state.terminated;
    const app = st.containerStatuses[0].state.terminated;
    expect(Date.parse(app.startedAt) - Date.parse(init.finishedAt)).toBeLessThanOrEqual(1000);
  });
});

describe('volumes', () => {
  it('a projected volume with a missing Secret keeps the pod in ContainerCreating until it appears', () => {
    const k = new TestCluster();
    k.create(pod('proj', { containers: [{ name: 'app', image: 'nginx' }], volumes: [{ name: 'creds', projected: { sources: [{ secret: { name: 'api-token' } }, { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }] } }, { name: 'tmp', emptyDir: {} }, { name: 'logs', hostPath: { path: '/var/log' } }] }));
    k.run(2000);
    expect(k.podStatus('proj')).toBe('ContainerCreating');
    expect(k.events('FailedMount')[0].message).toBe('MountVolume.SetUp failed for volume "creds" : secret "api-token" not found');
    k.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'api-token' }, stringData: { token: 'x' } });
    k.run(1000);
    expect(k.podStatus('proj')).toBe('Running');
  });
});

describe('images', () => {
  it('pulls an IfNotPresent image once per node, an Always image every time', () => {
    const k = new TestCluster();
    for (const [name, image] of [['a', 'nginx:1.27'], ['b', 'nginx:1.27'], ['c', 'nginx'], ['d', 'nginx']]) {
      k.create(pod(name, { nodeName: 'node-1', containers: [{ name: 'app', image }] }));
    }
    k.run(1000);
    const pulled = (n: string) => k.events().filter((e) => e.involvedObject.name === n && (e.reason === 'Pulling' || e.reason === 'Pulled')).map((e) => e.message).sort();
    expect(pulled('a')).toEqual(['Pulling image "nginx:1.27"', 'Successfully pulled image "nginx:1.27" in 412ms (412ms including waiting). Image size: 72188133 bytes.']);
    expect(pulled('b')).toEqual(['Container image "nginx:1.27" already present on machine']);
    expect(pulled('d')).toHaveLength(2); // no tag: imagePullPolicy Always
  });
});

describe('a deleted pod that finalizers keep', () => {
  it.each([
    ['exits on SIGTERM within the grace period: 143', '5', 143],
    ['outlives the grace period and is killed: 137', '60', 137],
  ])('%s', (_name, appSeconds, exitCode) => {
    const k = new TestCluster();
    k.create({ ...pod('kept', { terminationGracePeriodSeconds: 10 }, { 'minik.dev/termination-seconds': appSeconds }), metadata: { name: 'kept', finalizers: ['example.com/hold'], annotations: { 'minik.dev/termination-seconds': appSeconds } } });
    k.run(2000);
    k.reg.delete(k.reg.resources.resolve('pods')[0], 'default', 'kept');
    k.run(12_000);
    const p = k.get('pods', 'kept')!;
    // The kubelet reports a terminal phase before its final delete, as since v1.27.
    expect(p.status.phase).toBe('Failed');
    expect(p.status.containerStatuses[0].state.terminated).toMatchObject({ exitCode, reason: 'Error' });
  });
});
