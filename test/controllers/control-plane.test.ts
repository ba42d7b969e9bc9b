// The whole control plane on an in-memory store with a fake clock: time moves only when the test
// says so, and every step is checked.
import { beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/api/clock.js';
import { isPodReady } from '../../src/api/pods.js';
import { resolveResource } from '../../src/api/resources.js';
import type { KubeObject } from '../../src/api/types.js';
import { Registry } from '../../src/apiserver/registry.js';
import { bootstrap } from '../../src/daemon/bootstrap.js';
import { controlPlane } from '../../src/daemon/components.js';
import { ControlLoop } from '../../src/daemon/loop.js';
import { DEFAULT_NODES } from '../../src/sim/node-pool.js';
import { Store } from '../../src/store/store.js';
import { TEST_CA } from '../cluster.js';

const [podsR, deployR, rsR, cmR, eventsR, nodesR] = ['pods', 'deployments', 'replicasets', 'configmaps', 'events', 'nodes'].map((n) => resolveResource(n)[0]);
let reg: Registry;
let clock: FakeClock;
let loop: ControlLoop;

beforeEach(() => {
  clock = new FakeClock(Date.parse('2026-11-23T10:00:00Z'));
  reg = new Registry(new Store(':memory:'), clock);
  bootstrap(reg, DEFAULT_NODES);
  loop = new ControlLoop(reg, controlPlane(DEFAULT_NODES, TEST_CA.certPem));
});

/** Moves the clock in 100 ms ticks, checking `each` after every tick. */
function run(ms: number, each?: () => void): void {
  for (let t = 0; t < ms; t += 100) {
    clock.advance(100);
    loop.tick();
    each?.();
  }
}

const pods = (ns = 'default') => reg.list(podsR, ns).items;
const events = (reason: string) => reg.list(eventsR, undefined).items.filter((e) => e.reason === reason);
const deployment = (image = 'nginx:1.27', replicas = 3, extra: any = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image }] } }, ...extra },
});

describe('nodes and kubelets', () => {
  it('starts with 3 Ready nodes of 4 CPU / 8Gi / 110 pods, each with a Lease', () => {
    run(100);
    const nodes = reg.list(nodesR, undefined).items;
    expect(nodes.map((n) => n.metadata.name)).toEqual(['node-1', 'node-2', 'node-3']);
    for (const n of nodes) {
      expect(n.status.capacity).toMatchObject({ cpu: '4', memory: '8Gi', pods: '110' });
      expect(n.status.conditions.find((c: any) => c.type === 'Ready').status).toBe('True');
      expect(n.metadata.labels).toMatchObject({ 'kubernetes.io/hostname': n.metadata.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64' });
    }
    expect(reg.list(resolveResource('leases')[0], 'kube-node-lease').items).toHaveLength(3);
  });
});

describe('a Deployment', () => {
  it('gets pods that are scheduled, spread over the nodes, Running and Ready', () => {
    reg.create(deployR, 'default', deployment());
    run(2000);
    const ps = pods();
    expect(ps).toHaveLength(3);
    expect(new Set(ps.map((p) => p.spec.nodeName)).size).toBe(3);
    for (const p of ps) {
      expect(p.status.phase).toBe('Running');
      expect(isPodReady(p)).toBe(true);
      expect(p.status.podIP).toMatch(/^10\.244\.[123]\.\d+$/);
      expect(p.metadata.ownerReferences[0]).toMatchObject({ kind: 'ReplicaSet', controller: true, blockOwnerDeletion: true });
    }
    const d = reg.get(deployR, 'default', 'web');
    expect(d.status).toMatchObject({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    expect(d.status.conditions.map((c: any) => `${c.type}=${c.status}/${c.reason}`)).toEqual(['Available=True/MinimumReplicasAvailable', 'Progressing=True/NewReplicaSetAvailable']);
    expect(d.metadata.annotations['deployment.kubernetes.io/revision']).toBe('1');
    expect(events('Scheduled')).toHaveLength(3);
    expect(events('ScalingReplicaSet').map((e) => e.message)).toEqual([expect.stringMatching(/^Scaled up replica set web-[a-z0-9]+ from 0 to 3$/)]);
  });

  it('rolls out a new template within maxSurge and maxUnavailable, then rolls back to the old ReplicaSet', () => {
    reg.create(deployR, 'default', deployment('nginx:1.27', 4));
    run(2000);
    reg.patch(deployR, 'default', 'web', 'strategic', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.28' }] } } } });
    // 25%/25% of 4: at most 5 pods in total, at least 3 available, at every moment.
    run(10_000, () => {
      const active = pods().filter((p) => !p.metadata.deletionTimestamp);
      expect(active.length).toBeLessThanOrEqual(5);
      expect(active.filter(isPodReady).length).toBeGreaterThanOrEqual(3);
    });
    const rss = reg.list(rsR, 'default').items;
    expect(rss).toHaveLength(2);
    const byRev = Object.fromEntries(rss.map((rs) => [rs.metadata.annotations['deployment.kubernetes.io/revision'], rs]));
    expect(byRev['1'].spec.replicas).toBe(0);
    expect(byRev['2'].spec.replicas).toBe(4);
    expect(pods().every((p) => p.spec.containers[0].image === 'nginx:1.28')).toBe(true);
    // Rollback: the old template comes back, and its ReplicaSet is reused as revision 3.
    reg.patch(deployR, 'default', 'web', 'strategic', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } } });
    run(10_000);
    const after = reg.list(rsR, 'default').items;
    expect(after).toHaveLength(2);
    expect(after.find((rs) => rs.metadata.name === byRev['1'].metadata.name)!.metadata.annotations['deployment.kubernetes.io/revision']).toBe('3');
    expect(pods().filter((p) => !p.metadata.deletionTimestamp).every((p) => p.spec.containers[0].image === 'nginx:1.27')).toBe(true);
    expect(reg.get(deployR, 'default', 'web').status.updatedReplicas).toBe(4);
  });

  it('creates a new ReplicaSet at the size the surge allows (NewRSNewReplicas), not at 0 and scaled after', () => {
    reg.create(deployR, 'default', deployment('nginx:1.27', 10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    run(2000);
    const created: number[] = [];
    const stop = reg.subscribe((changes) => {
      for (const c of changes) if (c.resource === 'replicasets.apps' && c.type === 'ADDED') created.push(c.object.spec.replicas);
    });
    reg.patch(deployR, 'default', 'web', 'strategic', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.28' }] } } } });
    run(100);
    stop();
    // 10 old + 3 surge: the new ReplicaSet is stored with 3 from its first version.
    expect(created).toEqual([3]);
    expect(events('ScalingReplicaSet').map((e) => e.message)).toContainEqual(expect.stringMatching(/^Scaled up replica set web-[a-z0-9]+ from 0 to 3$/));
  });

  it('spreads a scale during a stuck rollout over the ReplicaSets in proportion (the docs example)', () => {
    reg.create(deployR, 'default', deployment('nginx:1.27', 10, { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    run(2000);
    // A new template whose pods never become ready: the rollout stops at old 8 / new 5.
    reg.patch(deployR, 'default', 'web', 'strategic', {
      spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:broken', readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 100000 } }] } } },
    });
    run(5000);
    const sizes = () => Object.fromEntries(reg.list(rsR, 'default').items.map((rs) => [rs.spec.template.spec.containers[0].image, rs.spec.replicas]));
    expect(sizes()).toEqual({ 'nginx:1.27': 8, 'nginx:broken': 5 });
    reg.patch(deployR, 'default', 'web', 'merge', { spec: { replicas: 15 } });
    run(300);
    expect(sizes()).toEqual({ 'nginx:1.27': 11, 'nginx:broken': 7 });
    expect(events('ScalingReplicaSet').map((e) => e.message)).toEqual(expect.arrayContaining([expect.stringMatching(/from 8 to 11$/), expect.stringMatching(/from 5 to 7$/)]));
  });

  it('with Recreate, stops every old pod before starting new ones', () => {
    reg.create(deployR, 'default', deployment('nginx:1.27', 2, { strategy: { type: 'Recreate' } }));
    run(2000);
    reg.patch(deployR, 'default', 'web', 'strategic', { spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.28' }] } } } });
    run(6000, () => {
      const images = new Set(pods().map((p) => p.spec.containers[0].image));
      expect(images.size).toBeLessThanOrEqual(1);
    });
    expect(pods().map((p) => p.spec.containers[0].image)).toEqual(['nginx:1.28', 'nginx:1.28']);
  });

  it('scales down, deleting pods gracefully (Terminating, then gone)', () => {
    reg.create(deployR, 'default', deployment('nginx:1.27', 3));
    run(2000);
    reg.patch(deployR, 'default', 'web', 'merge', { spec: { replicas: 1 } });
    run(200);
    const terminating = pods().filter((p) => p.metadata.deletionTimestamp);
    expect(terminating).toHaveLength(2);
    expect(terminating[0].metadata.deletionGracePeriodSeconds).toBe(30);
    run(1500);
    expect(pods()).toHaveLength(1);
    expect(reg.get(deployR, 'default', 'web').metadata.generation).toBe(2);
  });
});

describe('pods', () => {
  it('that fit nowhere stay Pending with kube-scheduler\'s reasons, and are scheduled once they fit', () => {
    run(100); // the nodes' first heartbeat
    reg.create(podsR, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'big' }, spec: { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '6' } } }] } });
    run(300);
    const p = reg.get(podsR, 'default', 'big');
    expect(p.status.phase).toBe('Pending');
    expect(p.status.conditions).toEqual([expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.' })]);
    expect(events('FailedScheduling').map((e) => [e.type, e.message])).toEqual([['Warning', '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.']]);
    // A bigger node joins: the pod is retried and lands there.
    reg.create(nodesR, '', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-4' }, status: { capacity: { cpu: '8', memory: '16Gi', pods: '110' } } });
    run(1000);
    expect(reg.get(podsR, 'default', 'big').spec.nodeName).toBe('node-4');
  });

  it('referring to a missing ConfigMap get CreateContainerConfigError, and recover when it appears', () => {
    reg.create(podsR, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'cfg' },
      spec: { containers: [{ name: 'c', image: 'i', env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'settings', key: 'a' } } }] }] },
    });
    run(1000);
    let p = reg.get(podsR, 'default', 'cfg');
    expect(p.status.phase).toBe('Pending');
    expect(p.status.containerStatuses[0].state).toEqual({ waiting: { reason: 'CreateContainerConfigError', message: 'configmap "settings" not found' } });
    reg.create(cmR, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } });
    run(300);
    p = reg.get(podsR, 'default', 'cfg');
    expect(p.status.phase).toBe('Running');
    expect(isPodReady(p)).toBe(true);
  });

  it('become Ready only after the readiness probe\'s initial delay', () => {
    reg.create(podsR, 'default', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'slow' },
      spec: { containers: [{ name: 'c', image: 'i', readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 5 } }] },
    });
    run(1000);
    expect(reg.get(podsR, 'default', 'slow').status.phase).toBe('Running');
    expect(isPodReady(reg.get(podsR, 'default', 'slow'))).toBe(false);
    run(5000);
    expect(isPodReady(reg.get(podsR, 'default', 'slow'))).toBe(true);
  });

  it('take the app\'s exit time to terminate, at most the grace period; --grace-period 0 is immediate', () => {
    for (const [name, seconds] of [['quick', '1'], ['stubborn', '600']] as const) {
      reg.create(podsR, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name, annotations: { 'minik.dev/termination-seconds': seconds } }, spec: { terminationGracePeriodSeconds: 10, containers: [{ name: 'c', image: 'i' }] } });
    }
    run(1000);
    reg.delete(podsR, 'default', 'quick');
    reg.delete(podsR, 'default', 'stubborn');
    run(1500);
    expect(pods().map((p) => p.metadata.name)).toEqual(['stubborn']);
    run(9000);
    expect(pods()).toEqual([]);
    reg.create(podsR, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'forced' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    run(1000);
    expect(reg.delete(podsR, 'default', 'forced', { gracePeriodSeconds: 0 }).deleted).toBe(true);
  });
});

describe('services', () => {
  const svc = (extra: any = {}) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...extra } });
  const withPort = (image = 'nginx:1.27', replicas = 2) => {
    const d = deployment(image, replicas);
    d.spec.template.spec.containers[0].ports = [{ name: 'http', containerPort: 8080 }];
    return d;
  };
  const [epR, sliceR] = ['endpoints', 'endpointslices'].map((n) => resolveResource(n)[0]);

  it('list ready pods as endpoints, with named target ports resolved, in Endpoints and EndpointSlices', () => {
    reg.create(resolveResource('services')[0], 'default', svc());
    reg.create(deployR, 'default', withPort());
    run(300);
    let ep = reg.get(epR, 'default', 'web');
    // Running but not yet Ready: not-ready addresses.
    expect((ep.subsets ?? []).flatMap((s: any) => s.addresses ?? [])).toEqual([]);
    run(2000);
    ep = reg.get(epR, 'default', 'web');
    expect(ep.subsets).toHaveLength(1);
    expect(ep.subsets[0].ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(ep.subsets[0].addresses.map((a: any) => a.targetRef.kind)).toEqual(['Pod', 'Pod']);
    const slices = reg.list(sliceR, 'default').items.filter((s) => s.metadata.labels['kubernetes.io/service-name'] === 'web');
    expect(slices).toHaveLength(1);
    expect(slices[0].endpoints.map((e: any) => e.conditions)).toEqual([
      { ready: true, serving: true, terminating: false },
      { ready: true, serving: true, terminating: false },
    ]);
    // A terminating pod leaves Endpoints at once, and stays in the slice as terminating.
    const victim = pods()[0];
    reg.delete(podsR, 'default', victim.metadata.name!);
    run(100);
    ep = reg.get(epR, 'default', 'web');
    expect(ep.subsets[0].addresses.map((a: any) => a.ip)).not.toContain(victim.status.podIP);
    const slice = reg.list(sliceR, 'default').items.find((s) => s.metadata.labels['kubernetes.io/service-name'] === 'web')!;
    expect(slice.endpoints.find((e: any) => e.addresses[0] === victim.status.podIP).conditions).toEqual({ ready: false, serving: true, terminating: true });
  });

  it('follow pods that change labels, Services that change selectors, edits and deletions (only what changed is synced)', () => {
    const svcR = resolveResource('services')[0];
    const ips = (name: string) => (reg.find(epR, 'default', name)?.subsets ?? []).flatMap((s: any) => (s.addresses ?? []).map((a: any) => a.targetRef.name)).sort();
    const sliceNames = (name: string) => reg.list(sliceR, 'default').items.filter((s) => s.metadata.labels['kubernetes.io/service-name'] === name).flatMap((s) => s.endpoints.map((e: any) => e.targetRef.name)).sort();
    reg.create(svcR, 'default', svc());
    reg.create(svcR, 'default', { ...svc(), metadata: { name: 'canary' }, spec: { ...svc().spec, selector: { track: 'canary' } } });
    reg.create(deployR, 'default', withPort());
    run(2500);
    const [a, b] = pods().map((p) => p.metadata.name!).sort();
    expect(ips('web')).toEqual([a, b]);
    expect(ips('canary')).toEqual([]);
    // A pod given another label joins the Service that selects it, and stays in the one it still matches.
    reg.patch(podsR, 'default', a, 'merge', { metadata: { labels: { track: 'canary' } } });
    run(100);
    expect(ips('canary')).toEqual([a]);
    expect(sliceNames('canary')).toEqual([a]);
    // A pod that no longer matches leaves (a bare pod: no owner replaces it, nothing else changes).
    reg.create(podsR, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'solo', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] } });
    run(2500);
    expect(ips('web')).toContain('solo');
    reg.patch(podsR, 'default', 'solo', 'merge', { metadata: { labels: { app: 'other' } } });
    run(100);
    expect(ips('web')).not.toContain('solo');
    expect(sliceNames('web')).not.toContain('solo');
    // A Service whose selector changes follows it.
    reg.patch(svcR, 'default', 'canary', 'merge', { spec: { selector: { track: null, app: 'other' } } });
    run(100);
    expect(ips('canary')).toEqual(['solo']);
    reg.patch(svcR, 'default', 'canary', 'merge', { spec: { selector: { app: 'nothing' } } });
    run(100);
    expect(ips('canary')).toEqual([]);
    // An edit of the controller's Endpoints is put back.
    reg.patch(epR, 'default', 'web', 'merge', { subsets: null });
    run(100);
    expect(ips('web')).toContain(b);
    // A deleted Service's Endpoints go.
    reg.delete(svcR, 'default', 'canary');
    run(100);
    expect(reg.find(epR, 'default', 'canary')).toBeUndefined();
  });

  it('publishNotReadyAddresses lists pods before they are ready', () => {
    reg.create(resolveResource('services')[0], 'default', svc({ publishNotReadyAddresses: true }));
    const d = withPort();
    d.spec.template.spec.containers[0].readinessProbe = { httpGet: { path: '/', port: 8080 }, initialDelaySeconds: 60 };
    reg.create(deployR, 'default', d);
    run(1500);
    expect(reg.get(epR, 'default', 'web').subsets[0].addresses).toHaveLength(2);
  });
});

describe('node failure', () => {
  it('a silent node becomes NotReady, and after the toleration its pods are replaced elsewhere', () => {
    reg.create(deployR, 'default', deployment('nginx:1.27', 3));
    run(2000);
    const victim = pods()[0].spec.nodeName;
    reg.patch(nodesR, '', victim, 'merge', { metadata: { annotations: { 'minik.dev/kubelet': 'stopped' } } });
    run(41_000);
    const node = reg.get(nodesR, '', victim);
    expect(node.status.conditions.find((c: any) => c.type === 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown' });
    expect(node.spec.taints.map((t: any) => `${t.key}:${t.effect}`)).toEqual(['node.kubernetes.io/unreachable:NoSchedule', 'node.kubernetes.io/unreachable:NoExecute']);
    expect(pods().filter((p) => !p.metadata.deletionTimestamp)).toHaveLength(3);
    // Pods tolerate `unreachable` for 300 s (DefaultTolerationSeconds); then they are evicted and replaced.
    run(301_000);
    const live = pods().filter((p) => !p.metadata.deletionTimestamp);
    expect(live).toHaveLength(3);
    expect(live.every((p) => p.spec.nodeName !== victim && p.status.phase === 'Running')).toBe(true);
    // The evicted pod stays Terminating while its kubelet is gone, as in Kubernetes.
    expect(pods().filter((p) => p.metadata.deletionTimestamp).map((p) => p.spec.nodeName)).toEqual([victim]);
    // The kubelet comes back: the node is Ready again, untainted, and the old pod is cleaned up.
    reg.patch(nodesR, '', victim, 'merge', { metadata: { annotations: { 'minik.dev/kubelet': null } } });
    run(3000);
    expect(reg.get(nodesR, '', victim).spec.taints).toBeUndefined();
    expect(pods()).toHaveLength(3);
  });
});

describe('progress deadline', () => {
  it('a rollout that cannot progress gets ProgressDeadlineExceeded after progressDeadlineSeconds', () => {
    const d = deployment('nginx:1.27', 2, { progressDeadlineSeconds: 30 });
    d.spec.template.spec.containers[0].resources = { requests: { cpu: '64' } };
    reg.create(deployR, 'default', d);
    run(10_000);
    expect(reg.get(deployR, 'default', 'web').status.conditions.find((c: any) => c.type === 'Progressing').status).toBe('True');
    run(25_000);
    run(60_000); // and it stays so
    expect(reg.get(deployR, 'default', 'web').status.conditions.find((c: any) => c.type === 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: expect.stringMatching(/^ReplicaSet "web-[a-z0-9]+" has timed out progressing\.$/),
    });
  });

  it('a ReplicaSet adopts matching orphans and releases pods whose labels stop matching', () => {
    for (const n of ['o1', 'o2']) reg.create(podsR, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: n, labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    reg.create(rsR, 'default', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'rs' }, spec: { replicas: 2, selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } });
    run(300);
    expect(pods().map((p) => p.metadata.name)).toEqual(['o1', 'o2']);
    expect(pods().every((p) => p.metadata.ownerReferences?.[0].name === 'rs')).toBe(true);
    reg.patch(podsR, 'default', 'o1', 'merge', { metadata: { labels: { app: 'other' } } });
    run(300);
    expect(reg.get(podsR, 'default', 'o1').metadata.ownerReferences).toBeUndefined();
    expect(pods().filter((p) => p.metadata.labels.app === 'x')).toHaveLength(2);
    // An orphan that appears later is adopted, and the surplus pod deleted.
    reg.create(podsR, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'o3', labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    run(300);
    const live = () => pods().filter((p) => p.metadata.labels.app === 'x' && !p.metadata.deletionTimestamp);
    expect(live()).toHaveLength(2);
    expect(live().every((p) => p.metadata.ownerReferences?.[0].name === 'rs')).toBe(true);
    // A pod whose owner reference someone removes (an orphan again, still matching) is adopted back.
    const name = live()[0].metadata.name!;
    reg.patch(podsR, 'default', name, 'merge', { metadata: { ownerReferences: null } });
    run(300);
    expect(reg.get(podsR, 'default', name).metadata.ownerReferences?.[0].name).toBe('rs');
    expect(live()).toHaveLength(2);
    expect(reg.get(rsR, 'default', 'rs').status.replicas).toBe(2);
  });
});

describe('a Deployment and orphaned ReplicaSets', () => {
  it('adopts a matching orphan ReplicaSet (with its template, it is the new one) and leaves others alone', () => {
    const tpl = deployment().spec.template;
    reg.create(rsR, 'default', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-orphan', labels: { app: 'web' } }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: tpl } });
    reg.create(rsR, 'default', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'other', labels: { app: 'other' } }, spec: { replicas: 1, selector: { matchLabels: { app: 'other' } }, template: { ...tpl, metadata: { labels: { app: 'other' } } } } });
    run(300);
    const d = reg.create(deployR, 'default', deployment());
    run(1000);
    const byName = new Map(reg.list(rsR, 'default').items.map((rs) => [rs.metadata.name, rs]));
    expect([...byName.keys()].sort()).toEqual(['other', 'web-orphan']);
    expect(byName.get('web-orphan')!.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true })]);
    expect(byName.get('other')!.metadata.ownerReferences).toBeUndefined();
    expect(reg.get(deployR, 'default', 'web').status).toMatchObject({ replicas: 3 });
  });
});

describe('kubelet writes', () => {
  it('a pod without a readiness delay is Running and Ready in the same write', () => {
    run(100);
    const from = reg.revision;
    reg.create(podsR, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'quick' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    run(1000);
    const versions = reg.changesSince(from).filter((c) => c.resource === 'pods' && c.name === 'quick').map((c) => c.object);
    const firstRunning = versions.find((p) => p.status?.phase === 'Running')!;
    expect(isPodReady(firstRunning)).toBe(true);
  });

  it('the final delete goes through the API, so a finalizer still holds the pod', () => {
    reg.create(podsR, 'default', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'held', finalizers: ['example.com/hold'] }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    run(1000);
    reg.delete(podsR, 'default', 'held');
    run(3000);
    expect(reg.get(podsR, 'default', 'held').metadata.deletionTimestamp).toBeDefined();
    reg.patch(podsR, 'default', 'held', 'merge', { metadata: { finalizers: null } });
    run(200);
    expect(reg.find(podsR, 'default', 'held')).toBeUndefined();
  });
});
