// DaemonSets, StatefulSets and persistent volumes under a fake clock.
import { describe, expect, it } from 'vitest';
import { isPodReady } from '../../src/api/pods.js';
import type { KubeObject } from '../../src/api/types.js';
import { resolveResource } from '../../src/api/resources.js';
import { TestCluster } from '../cluster.js';

const template = (labels: Record<string, string>, image = 'fluentd:1', extra: any = {}) => ({ metadata: { labels }, spec: { containers: [{ name: 'c', image }], ...extra } });
const ds = (name: string, spec: any = {}, image = 'fluentd:1'): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  metadata: { name },
  spec: { selector: { matchLabels: { app: name } }, template: template({ app: name }, image, spec.podSpec ?? {}), ...(spec.updateStrategy ? { updateStrategy: spec.updateStrategy } : {}) },
});
const sts = (name: string, spec: any = {}, image = 'postgres:16'): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name },
  spec: {
    serviceName: name,
    replicas: 3,
    selector: { matchLabels: { app: name } },
    template: template({ app: name }, image),
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    ...spec,
  },
});
const names = (k: TestCluster, ns = 'default') => k.list('pods', ns).filter((p) => !p.metadata.deletionTimestamp).map((p) => p.metadata.name!).sort();

describe('DaemonSets', () => {
  it('run one pod per node, pinned by node affinity and bound by the scheduler', () => {
    const k = new TestCluster();
    k.create(ds('logs'));
    k.run(2000);
    const pods = k.list('pods');
    expect(pods.map((p) => p.spec.nodeName).sort()).toEqual(['node-1', 'node-2', 'node-3']);
    for (const p of pods) {
      const terms = p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
      expect(terms[0].matchFields).toEqual([{ key: 'metadata.name', operator: 'In', values: [p.spec.nodeName] }]);
      expect(p.spec.tolerations).toContainEqual({ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' });
    }
    expect(k.events('Scheduled')).toHaveLength(3);
    expect(k.get('daemonsets', 'logs')!.status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 3, numberAvailable: 3, updatedNumberScheduled: 3, numberMisscheduled: 0 });
  });

  it('follow nodes: a new node gets a pod, a tainted node loses it, a cordoned node keeps it', () => {
    const k = new TestCluster();
    k.create(ds('logs'));
    k.run(1000);
    k.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-4', labels: { 'kubernetes.io/hostname': 'node-4' } } });
    k.run(2000);
    expect(k.list('pods').map((p) => p.spec.nodeName).sort()).toEqual(['node-1', 'node-2', 'node-3', 'node-4']);
    k.patch('nodes', 'node-2', { spec: { unschedulable: true } });
    k.patch('nodes', 'node-3', { spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] } });
    k.run(3000);
    expect(k.list('pods').filter((p) => !p.metadata.deletionTimestamp).map((p) => p.spec.nodeName).sort()).toEqual(['node-1', 'node-2', 'node-4']);
    expect(k.get('daemonsets', 'logs')!.status.desiredNumberScheduled).toBe(3);
  });

  it('honour the template nodeSelector', () => {
    const k = new TestCluster();
    k.patch('nodes', 'node-1', { metadata: { labels: { disk: 'ssd' } } });
    k.create(ds('ssd', { podSpec: { nodeSelector: { disk: 'ssd' } } }));
    k.run(2000);
    expect(k.list('pods').map((p) => p.spec.nodeName)).toEqual(['node-1']);
  });

  it('roll out a new template one node at a time (maxUnavailable 1), with ControllerRevisions', () => {
    const k = new TestCluster();
    k.create(ds('logs'));
    k.run(2000);
    k.patch('daemonsets', 'logs', { spec: { template: { spec: { containers: [{ name: 'c', image: 'fluentd:2' }] } } } });
    let maxUnavailable = 0;
    k.until(() => {
      const pods = k.list('pods').filter((p) => !p.metadata.deletionTimestamp);
      maxUnavailable = Math.max(maxUnavailable, 3 - pods.filter(isPodReady).length);
      const st = k.get('daemonsets', 'logs')!.status;
      return st.observedGeneration === 2 && st.updatedNumberScheduled === 3 && st.numberAvailable === 3;
    });
    expect(maxUnavailable).toBe(1);
    expect(k.list('pods').every((p) => p.spec.containers[0].image === 'fluentd:2')).toBe(true);
    expect(k.list('controllerrevisions').map((r) => r.revision).sort()).toEqual([1, 2]);
  });
});

describe('DaemonSet surge', () => {
  it('with maxSurge 1 starts the new pod beside the old one and removes the old once it is available', () => {
    const k = new TestCluster();
    k.create(ds('logs', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }));
    k.run(2000);
    k.patch('daemonsets', 'logs', { spec: { template: { spec: { containers: [{ name: 'c', image: 'fluentd:2' }] } } } });
    let minReady = 3;
    let maxPods = 3;
    k.until(() => {
      const live = k.list('pods').filter((p) => !p.metadata.deletionTimestamp);
      minReady = Math.min(minReady, live.filter(isPodReady).length);
      maxPods = Math.max(maxPods, live.length);
      const st = k.get('daemonsets', 'logs')!.status;
      return st.observedGeneration === 2 && st.updatedNumberScheduled === 3 && st.numberAvailable === 3 && live.length === 3;
    });
    expect(minReady).toBe(3); // never fewer than 3 ready pods
    expect(maxPods).toBe(4); // one extra at a time
  });
});

describe('StatefulSets', () => {
  it('create web-0, web-1, web-2 in order, each Running and Ready first, with one bound claim each', () => {
    const k = new TestCluster();
    k.create(sts('db'));
    k.run(300);
    expect(names(k)).toEqual(['db-0']);
    const order: string[] = [];
    k.until(() => {
      for (const n of names(k)) if (!order.includes(n)) order.push(n);
      return k.get('statefulsets', 'db')!.status?.readyReplicas === 3;
    });
    expect(order).toEqual(['db-0', 'db-1', 'db-2']);
    const p = k.get('pods', 'db-1')!;
    expect(p.spec).toMatchObject({ hostname: 'db-1', subdomain: 'db' });
    expect(p.metadata.labels).toMatchObject({ 'statefulset.kubernetes.io/pod-name': 'db-1', 'apps.kubernetes.io/pod-index': '1' });
    expect(p.spec.volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'data-db-1' } });
    const claims = k.list('persistentvolumeclaims');
    expect(claims.map((c) => [c.metadata.name, c.status.phase, c.spec.storageClassName])).toEqual([
      ['data-db-0', 'Bound', 'standard'],
      ['data-db-1', 'Bound', 'standard'],
      ['data-db-2', 'Bound', 'standard'],
    ]);
    const pvs = k.list('persistentvolumes', undefined);
    expect(pvs).toHaveLength(3);
    expect(pvs[0].status.phase).toBe('Bound');
    expect(k.get('statefulsets', 'db')!.status).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, availableReplicas: 3 });
  });

  it('are addressable by hostname through their headless governing Service', () => {
    const k = new TestCluster();
    k.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] } });
    k.create(sts('db', { replicas: 2 }));
    k.until(() => k.get('statefulsets', 'db')!.status?.readyReplicas === 2);
    k.run(200);
    const ep = k.get('endpoints', 'db')!;
    expect(ep.subsets[0].addresses.map((a: any) => a.hostname).sort()).toEqual(['db-0', 'db-1']);
    expect(k.get('services', 'db')!.spec.clusterIP).toBe('None');
  });

  it('scale down from the highest ordinal, keeping the claims', () => {
    const k = new TestCluster();
    k.create(sts('db'));
    k.until(() => k.get('statefulsets', 'db')!.status?.readyReplicas === 3);
    k.patch('statefulsets', 'db', { spec: { replicas: 1 } });
    const deleted: string[] = [];
    k.until(() => {
      for (const p of k.list('pods')) if (p.metadata.deletionTimestamp && !deleted.includes(p.metadata.name!)) deleted.push(p.metadata.name!);
      return k.list('pods').length === 1;
    });
    expect(deleted).toEqual(['db-2', 'db-1']);
    expect(names(k)).toEqual(['db-0']);
    expect(k.list('persistentvolumeclaims')).toHaveLength(3);
  });

  it('Parallel creates all pods at once', () => {
    const k = new TestCluster();
    k.create(sts('par', { podManagementPolicy: 'Parallel', volumeClaimTemplates: [] }));
    k.run(300);
    expect(names(k)).toEqual(['par-0', 'par-1', 'par-2']);
  });

  it('roll out in reverse ordinal order down to the partition', () => {
    const k = new TestCluster();
    k.create(sts('db', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }));
    k.until(() => k.get('statefulsets', 'db')!.status?.readyReplicas === 3);
    const rev1 = k.get('statefulsets', 'db')!.status.currentRevision;
    k.patch('statefulsets', 'db', { spec: { template: { spec: { containers: [{ name: 'c', image: 'postgres:17' }] } } } });
    const deletedOrder: string[] = [];
    k.until(() => {
      for (const p of k.list('pods')) if (p.metadata.deletionTimestamp && !deletedOrder.includes(p.metadata.name!)) deletedOrder.push(p.metadata.name!);
      return k.get('statefulsets', 'db')!.status.updatedReplicas === 2 && k.list('pods').filter(isPodReady).length === 3;
    });
    k.run(5000);
    expect(deletedOrder).toEqual(['db-2', 'db-1']);
    const image = (n: string) => k.get('pods', n)!.spec.containers[0].image;
    expect([image('db-0'), image('db-1'), image('db-2')]).toEqual(['postgres:16', 'postgres:17', 'postgres:17']);
    const st = k.get('statefulsets', 'db')!.status;
    expect(st.currentRevision).toBe(rev1);
    expect(st.updateRevision).not.toBe(rev1);
    k.patch('statefulsets', 'db', { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } });
    k.until(() => k.get('statefulsets', 'db')!.status.currentRevision !== rev1);
    expect(image('db-0')).toBe('postgres:17');
  });
});

describe('persistent volumes', () => {
  const claim = (name: string, spec: any): KubeObject => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } }, ...spec } });
  it('binds a claim to a matching static volume, smallest first', () => {
    const k = new TestCluster();
    for (const [name, size] of [['big', '100Gi'], ['small', '10Gi'], ['tiny', '1Gi']]) {
      k.create({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name }, spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], hostPath: { path: `/data/${name}` }, storageClassName: 'manual' } });
    }
    k.create(claim('c', { storageClassName: 'manual' }));
    k.run(300);
    expect(k.get('persistentvolumeclaims', 'c')!.spec.volumeName).toBe('small');
    expect(k.get('persistentvolumeclaims', 'c')!.status).toMatchObject({ phase: 'Bound', capacity: { storage: '10Gi' } });
    expect(k.get('persistentvolumes', 'small')!.spec.claimRef).toMatchObject({ name: 'c', namespace: 'default' });
    expect(k.get('persistentvolumes', 'big')!.status.phase).toBe('Available');
  });

  it('a pod with a missing claim stays Pending with the scheduler\'s message', () => {
    const k = new TestCluster();
    k.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }], volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'nope' } }] } });
    k.run(300);
    const cond = k.get('pods', 'p')!.status.conditions.find((c: any) => c.type === 'PodScheduled');
    expect(cond).toMatchObject({ status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available: persistentvolumeclaim "nope" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.' });
    k.create(claim('nope', {}));
    k.run(1500);
    expect(k.get('pods', 'p')!.status.phase).toBe('Running');
  });

  it('a claim of an unknown class stays Pending, and so does its pod', () => {
    const k = new TestCluster();
    k.create(claim('fast', { storageClassName: 'fast-ssd' }));
    k.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'x' }], volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'fast' } }] } });
    k.run(500);
    expect(k.get('persistentvolumeclaims', 'fast')!.status.phase).toBe('Pending');
    expect(k.events('ProvisioningFailed')[0].message).toBe('storageclass.storage.k8s.io "fast-ssd" not found');
    expect(k.get('pods', 'p')!.status.conditions[0].message).toBe('0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.');
    // Tried again every 15 s (the binder's resync), not on every write: one event, counted, not dozens.
    k.run(1500);
    expect(k.events('ProvisioningFailed').map((e) => e.count)).toEqual([1]);
    k.run(14_000);
    expect(k.events('ProvisioningFailed').map((e) => e.count)).toEqual([2]);
    // What it waits for appears: bound without waiting for the next retry.
    k.create({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast-ssd' }, provisioner: 'minik.dev/hostpath', volumeBindingMode: 'Immediate' });
    k.run(300);
    expect(k.get('persistentvolumeclaims', 'fast')!.status.phase).toBe('Bound');
  });
});

describe('pods made from one template', () => {
  it('share identical parts in memory, yet a change to one pod never shows in another', () => {
    const k = new TestCluster();
    k.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } });
    k.run(1500);
    const [a, b] = k.list('pods');
    // Each pod mounts its own token volume (kube-api-access-xxxxx): the rest of a container, and
    // the volume's source, are one shared instance.
    expect(a.spec.volumes[0].name).not.toBe(b.spec.volumes[0].name);
    expect(a.spec.volumes[0].projected).toBe(b.spec.volumes[0].projected);
    expect(a.spec.containers[0].resources).toBe(b.spec.containers[0].resources);
    expect(a.spec.tolerations).toBe(b.spec.tolerations);
    // Without the token, whole container lists are shared.
    k.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'quiet' }, spec: { replicas: 2, selector: { matchLabels: { app: 'quiet' } }, template: { metadata: { labels: { app: 'quiet' } }, spec: { automountServiceAccountToken: false, containers: [{ name: 'c', image: 'nginx' }] } } } });
    k.run(1500);
    const [q1, q2] = k.list('pods').filter((p) => p.metadata.labels?.app === 'quiet');
    expect(q1.spec.containers).toBe(q2.spec.containers);
    k.reg.patch(resolveResource('pods')[0], 'default', a.metadata.name!, 'strategic', { metadata: { labels: { extra: 'yes' } }, spec: { containers: [{ name: 'c', image: 'nginx:2' }] } });
    const b2 = k.get('pods', b.metadata.name!)!;
    expect(b2.metadata.labels).toEqual(b.metadata.labels);
    expect(b2.metadata.labels?.extra).toBeUndefined();
    expect(b2.spec.containers[0].image).toBe('nginx');
    expect(k.get('pods', a.metadata.name!)!.spec.containers[0].image).toBe('nginx:2');
  });
});
