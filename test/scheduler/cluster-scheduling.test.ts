// The scheduler in a running cluster: gates, extended resources, preemption, spreading and
// affinity across zones, as a user sees them through pods, conditions and events.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/types.js';
import { DEFAULT_NODES } from '../../src/sim/node-pool.js';
import { TestCluster, pod } from '../cluster.js';

const deployment = (name: string, replicas: number, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } } },
});
const podsOf = (k: TestCluster, app: string) => k.list('pods').filter((p) => p.metadata.labels?.app === app);

describe('scheduling gates', () => {
  it('hold a pod SchedulingGated until the last gate is removed', () => {
    const k = new TestCluster();
    k.create(pod('gated', { schedulingGates: [{ name: 'example.com/foo' }, { name: 'example.com/bar' }] }));
    k.run(2000);
    const p = k.get('pods', 'gated')!;
    expect(p.spec.nodeName).toBeUndefined();
    expect(p.status.conditions).toEqual([expect.objectContaining({ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' })]);
    expect(k.podStatus('gated')).toBe('SchedulingGated');
    // Gates can only be removed.
    expect(() => k.patch('pods', 'gated', { spec: { schedulingGates: [{ name: 'example.com/foo' }, { name: 'example.com/new' }] } })).toThrow(/spec.schedulingGates: Forbidden: only deletion is allowed, but found new scheduling gate 'example.com\/new'/);
    k.patch('pods', 'gated', { spec: { schedulingGates: [{ name: 'example.com/foo' }] } });
    k.run(1000);
    expect(k.podStatus('gated')).toBe('SchedulingGated');
    // While gated, the node selector may grow.
    k.patch('pods', 'gated', { spec: { nodeSelector: { 'kubernetes.io/hostname': 'node-2' } } });
    k.patch('pods', 'gated', { spec: { schedulingGates: null } });
    k.run(2000);
    expect(k.get('pods', 'gated')!.spec.nodeName).toBe('node-2');
    expect(k.podStatus('gated')).toBe('Running');
  });

  it('a pod with gates cannot name its node', () => {
    const k = new TestCluster();
    expect(() => k.create(pod('p', { nodeName: 'node-1', schedulingGates: [{ name: 'g' }] }))).toThrow(/spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared/);
  });
});

describe('extended resources', () => {
  it('are advertised by patching node status, and pods asking for more than is left stay Pending', () => {
    const k = new TestCluster();
    k.run(100);
    const r = k.reg.resources.resolve('nodes')[0];
    k.reg.patch(r, '', 'node-1', 'json', [{ op: 'add', path: '/status/capacity/example.com~1dongle', value: '4' }], { subresource: 'status' } as never);
    k.run(11_000); // the kubelet's next status update makes it allocatable
    expect(k.get('nodes', 'node-1')!.status.allocatable['example.com/dongle']).toBe('4');
    const dongles = (n: string) => ({ containers: [{ name: 'c', image: 'i', resources: { requests: { 'example.com/dongle': n }, limits: { 'example.com/dongle': n } } }] });
    k.create(pod('one', dongles('3')));
    k.create(pod('two', dongles('3')));
    k.run(2000);
    expect(k.get('pods', 'one')!.spec.nodeName).toBe('node-1');
    expect(k.get('pods', 'two')!.status.conditions[0].message).toBe('0/3 nodes are available: 3 Insufficient example.com/dongle. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
  });
});

describe('preemption', () => {
  it('evicts lower-priority pods for a higher-priority one, which then runs on the nominated node', () => {
    const k = new TestCluster({ ...DEFAULT_NODES, count: 1 });
    k.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 } as KubeObject);
    k.create(deployment('filler', 3, { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '1' } } }] }));
    k.run(3000);
    expect(podsOf(k, 'filler').filter((p) => p.spec.nodeName)).toHaveLength(3);
    k.create(pod('vip', { priorityClassName: 'high', containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '2' } } }] }));
    k.run(300);
    const vip = k.get('pods', 'vip')!;
    expect(vip.status.nominatedNodeName).toBe('node-1');
    // The attempt that preempted says only why the pod did not fit; later ones wait for the victims.
    const failed = k.events('FailedScheduling').filter((e) => e.involvedObject.name === 'vip').map((e) => e.message);
    expect(failed).toEqual(['0/1 nodes are available: 1 Insufficient cpu.', '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to a terminating pod on the nominated node.']);
    const preempted = k.events('Preempted');
    expect(preempted).toHaveLength(1); // 1 CPU was free: one 1-CPU pod makes room for 2
    expect(preempted[0].message).toBe(`Preempted by pod ${vip.metadata.uid} on node node-1`);
    k.until(() => k.get('pods', 'vip')!.spec.nodeName === 'node-1', 60_000);
    k.until(() => k.podStatus('vip') === 'Running', 60_000);
    // The kubelet's status carries no nominated node.
    expect(k.get('pods', 'vip')!.status.nominatedNodeName).toBeUndefined();
    // The ReplicaSet replaces its pods; the new ones cannot preempt the higher-priority pod.
    k.run(3000);
    const pending = podsOf(k, 'filler').filter((p) => !p.spec.nodeName);
    expect(pending).toHaveLength(1);
    expect(pending[0].status.conditions.find((c: { type: string }) => c.type === 'PodScheduled').message).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');
  });

  it('marks victims with a DisruptionTarget condition before deleting them', () => {
    const k = new TestCluster({ ...DEFAULT_NODES, count: 1 });
    k.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 } as KubeObject);
    k.create(pod('low', { terminationGracePeriodSeconds: 30, containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '4' } } }] }, { 'minik.dev/termination-seconds': '20' }));
    k.run(2000);
    k.create(pod('vip', { priorityClassName: 'high', containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '1' } } }] }));
    k.run(300);
    const low = k.get('pods', 'low')!;
    expect(low.metadata.deletionTimestamp).toBeDefined();
    expect(low.status.conditions).toContainEqual(expect.objectContaining({ type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: 'default-scheduler: preempting to accommodate a higher priority pod' }));
    // While the victim terminates, the preemptor waits for it rather than preempting again.
    k.run(5000);
    expect(k.get('pods', 'vip')!.status.conditions[0].message).toBe('0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to a terminating pod on the nominated node.');
    k.until(() => k.get('pods', 'vip')!.spec.nodeName === 'node-1', 60_000);
  });
});

describe('preemption over a nomination', () => {
  it('a higher-priority pod preempting on the same node takes the nomination of a lower-priority one', () => {
    const k = new TestCluster({ ...DEFAULT_NODES, count: 1 });
    for (const [name, value] of [['mid', 100], ['high', 1000]] as const) k.create({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value } as KubeObject);
    const sized = (cpu: string, extra: Record<string, unknown> = {}) => ({ containers: [{ name: 'c', image: 'i', resources: { requests: { cpu } } }], ...extra });
    for (let i = 0; i < 4; i++) k.create(pod(`filler-${i}`, sized('1', { terminationGracePeriodSeconds: 60 }), { 'minik.dev/termination-seconds': '30' }));
    k.run(2000);
    k.create(pod('mid', sized('2', { priorityClassName: 'mid' })));
    k.run(300);
    expect(k.get('pods', 'mid')!.status.nominatedNodeName).toBe('node-1');
    k.create(pod('high', sized('4', { priorityClassName: 'high' })));
    k.run(300);
    expect(k.get('pods', 'high')!.status.nominatedNodeName).toBe('node-1');
    expect(k.get('pods', 'mid')!.status.nominatedNodeName).toBeUndefined();
    k.until(() => k.get('pods', 'high')!.spec.nodeName === 'node-1', 120_000);
  });
});

describe('zones, spreading and affinity', () => {
  const zoned = { ...DEFAULT_NODES, count: 6, zones: ['zone-a', 'zone-b', 'zone-c'], region: 'region-1' };

  it('nodes carry the zone and region labels given at cluster creation', () => {
    const k = new TestCluster(zoned);
    expect(k.list('nodes', undefined).map((n) => [n.metadata.name, n.metadata.labels['topology.kubernetes.io/zone'], n.metadata.labels['topology.kubernetes.io/region']])).toEqual([
      ['node-1', 'zone-a', 'region-1'],
      ['node-2', 'zone-b', 'region-1'],
      ['node-3', 'zone-c', 'region-1'],
      ['node-4', 'zone-a', 'region-1'],
      ['node-5', 'zone-b', 'region-1'],
      ['node-6', 'zone-c', 'region-1'],
    ]);
  });

  it('a zone spread constraint keeps replicas even across zones', () => {
    const k = new TestCluster(zoned);
    k.create(deployment('web', 7, { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }] }));
    k.run(3000);
    const zoneOf = new Map(k.list('nodes', undefined).map((n) => [n.metadata.name, n.metadata.labels['topology.kubernetes.io/zone']]));
    const perZone = new Map<string, number>();
    for (const p of podsOf(k, 'web')) perZone.set(zoneOf.get(p.spec.nodeName)!, (perZone.get(zoneOf.get(p.spec.nodeName)!) ?? 0) + 1);
    expect([...perZone.values()].sort()).toEqual([2, 2, 3]);
  });

  it('DoNotSchedule on a key no node has leaves the pod Pending', () => {
    const k = new TestCluster();
    k.create(pod('p', { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'x' } } }] }));
    k.run(1000);
    expect(k.get('pods', 'p')!.status.conditions[0].message).toBe("0/3 nodes are available: 3 node(s) didn't match pod topology spread constraints (missing required label). preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
  });

  it('required anti-affinity on hostname runs one replica per node and leaves the rest Pending', () => {
    const k = new TestCluster();
    const anti = { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'db' } } }] } } };
    k.create(deployment('db', 4, anti));
    k.run(3000);
    const pods = podsOf(k, 'db');
    expect(new Set(pods.filter((p) => p.spec.nodeName).map((p) => p.spec.nodeName)).size).toBe(3);
    const pending = pods.filter((p) => !p.spec.nodeName);
    expect(pending).toHaveLength(1);
    expect(pending[0].status.conditions[0].message).toBe("0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.");
  });

  it('unsatisfiable required pod affinity leaves the pod Pending', () => {
    const k = new TestCluster();
    k.create(pod('p', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'cache' } } }] } } }));
    k.run(1000);
    expect(k.get('pods', 'p')!.status.conditions[0].message).toBe("0/3 nodes are available: 3 node(s) didn't match pod affinity rules. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
    // Once a matching pod runs, it follows it.
    k.create({ ...pod('cache', {}), metadata: { name: 'cache', labels: { app: 'cache' } } });
    k.run(2000);
    expect(k.get('pods', 'p')!.spec.nodeName).toBe(k.get('pods', 'cache')!.spec.nodeName);
  });

  it('matchLabelKeys and mismatchLabelKeys are folded into the affinity term on create', () => {
    const k = new TestCluster();
    const term = { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'a' } }, matchLabelKeys: ['pod-template-hash'], mismatchLabelKeys: ['tenant'] };
    const created = k.create({ ...pod('p', { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } } }), metadata: { name: 'p', labels: { app: 'a', 'pod-template-hash': 'abc', tenant: 't1' } } });
    expect(created.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector).toEqual({
      matchLabels: { app: 'a' },
      matchExpressions: [
        { key: 'pod-template-hash', operator: 'In', values: ['abc'] },
        { key: 'tenant', operator: 'NotIn', values: ['t1'] },
      ],
    });
  });

  it('refuses null entries as the empty entries Go decodes them to, and keeps running', () => {
    const k = new TestCluster();
    expect(() => k.create(pod('a', { topologySpreadConstraints: [null] }))).toThrow(/spec.topologySpreadConstraints\[0\].maxSkew: Invalid value: .*must be greater than zero/);
    expect(() => k.create(pod('b', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [null] } } }))).toThrow(/requiredDuringSchedulingIgnoredDuringExecution\[0\].topologyKey: Required value: can not be empty/);
    expect(() => k.create(pod('c', { schedulingGates: [null] }))).toThrow(/spec.schedulingGates\[0\].name: Required value/);
    expect(() => k.create(pod('d', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'z', labelSelector: { matchExpressions: [null] } }] } } }))).toThrow(/matchExpressions\[0\].operator: Invalid value: "": not a valid selector operator/);
    expect(() => k.create(pod('e', { overhead: { cpu: 'lots' } }))).toThrow(/spec.overhead\[cpu\]: Invalid value: "lots": quantities must match/);
  });

  it('validates extended resource requests against their limits as the apiserver does', () => {
    const k = new TestCluster();
    const asking = (requests: object, limits?: object) => ({ containers: [{ name: 'c', image: 'i', resources: { requests, ...(limits ? { limits } : {}) } }] });
    expect(() => k.create(pod('a', asking({ 'example.com/dongle': '2' })))).toThrow(/spec.containers\[0\].resources.limits: Required value: Limit must be set for non overcommitable resources/);
    expect(() => k.create(pod('b', asking({ 'example.com/dongle': '2' }, { 'example.com/dongle': '3' })))).toThrow(/spec.containers\[0\].resources.requests: Invalid value: "2": must be equal to example.com\/dongle limit of 3/);
    expect(() => k.create(pod('c', asking({ 'example.com/dongle': '500m' }, { 'example.com/dongle': '500m' })))).toThrow(/resources.requests\[example.com\/dongle\]: Invalid value: "500m": must be an integer/);
    expect(() => k.create(pod('d', asking({ cpu: '2' }, { cpu: '1' })))).toThrow(/spec.containers\[0\].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1/);
    expect(k.create(pod('e', asking({ 'example.com/dongle': '2', cpu: '500m' }, { 'example.com/dongle': '2', cpu: '1' }))).metadata.name).toBe('e');
  });

  it('validates spread constraints and affinity terms as the apiserver does', () => {
    const k = new TestCluster();
    expect(() => k.create(pod('p', { topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'ScheduleAnyway', minDomains: 2 }] }))).toThrow(
      /spec.topologySpreadConstraints\[0\].maxSkew: Invalid value: 0: must be greater than zero, spec.topologySpreadConstraints\[0\].minDomains: Invalid value: 2: can only use minDomains if whenUnsatisfiable=DoNotSchedule, current value: ScheduleAnyway/,
    );
    expect(() => k.create(pod('r', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['x'] }] } }] } } }))).toThrow(
      /spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution\[0\].labelSelector.matchExpressions\[0\].operator: Invalid value: "Equals": not a valid selector operator/,
    );
    expect(() => k.create(pod('q', { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 101, podAffinityTerm: { topologyKey: '' } }] } } }))).toThrow(/weight: Invalid value: 101: must be in the range 1-100.*topologyKey: Required value: can not be empty/);
  });
});
