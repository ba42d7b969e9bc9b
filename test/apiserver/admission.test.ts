// Admission plugins in process: Priority (a pod's priority from its PriorityClass).
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/api/clock.js';
import { resourceNamed } from '../../src/api/resources.js';
import type { Pod, PriorityClass } from '../../src/api/types.js';
import { Registry } from '../../src/apiserver/registry.js';
import { bootstrap } from '../../src/daemon/bootstrap.js';
import { Store } from '../../src/store/store.js';
import { refusal } from '../helpers.js';

const podsR = resourceNamed('pods');
const pcR = resourceNamed('priorityclasses');

function registry(): Registry {
  const reg = new Registry(new Store(':memory:'), new FakeClock(Date.parse('2026-12-01T10:00:00Z')));
  bootstrap(reg);
  return reg;
}

const pod = (name: string, spec: Partial<Pod['spec']> = {}): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } });
const pc = (name: string, value: number, extra: Partial<PriorityClass> = {}): PriorityClass => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name }, value, ...extra });


describe('Priority admission', () => {
  it('has the two system classes in a new cluster, with the default preemption policy', () => {
    const reg = registry();
    expect(reg.list(pcR, undefined).items.map((c) => [c.metadata.name, c.value, c.preemptionPolicy])).toEqual([
      ['system-cluster-critical', 2000000000, 'PreemptLowerPriority'],
      ['system-node-critical', 2000001000, 'PreemptLowerPriority'],
    ]);
  });

  it("gives a pod its class's priority and preemption policy, and 0 without a class", () => {
    const reg = registry();
    reg.create(pcR, '', pc('batch', 100, { preemptionPolicy: 'Never' }));
    const p = reg.create(podsR, 'default', pod('a', { priorityClassName: 'batch' })) as Pod;
    expect([p.spec.priority, p.spec.preemptionPolicy]).toEqual([100, 'Never']);
    const q = reg.create(podsR, 'default', pod('b')) as Pod;
    expect([q.spec.priority, q.spec.preemptionPolicy, q.spec.priorityClassName]).toEqual([0, 'PreemptLowerPriority', undefined]);
  });

  it('uses the global default class (the lowest of several) for a pod that names none', () => {
    const reg = registry();
    reg.create(pcR, '', pc('medium', 500, { globalDefault: true }));
    reg.create(pcR, '', pc('low', 10, { globalDefault: true }));
    const p = reg.create(podsR, 'default', pod('a')) as Pod;
    expect([p.spec.priorityClassName, p.spec.priority]).toEqual(['low', 10]);
  });

  it('refuses a class that does not exist, and a priority that disagrees with the class', () => {
    const reg = registry();
    expect(refusal(() => reg.create(podsR, 'default', pod('a', { priorityClassName: 'nope' })))).toEqual({ code: 403, message: 'pods "a" is forbidden: no PriorityClass with name nope was found' });
    expect(refusal(() => reg.create(podsR, 'default', pod('b', { priorityClassName: 'system-node-critical', priority: 5 })))).toEqual({
      code: 403,
      message: 'pods "b" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 2000001000 from the given PriorityClass name',
    });
    // The same value is accepted (a pod read back and created again carries it).
    expect((reg.create(podsR, 'default', pod('c', { priorityClassName: 'system-node-critical', priority: 2000001000 })) as Pod).spec.priority).toBe(2000001000);
  });
});

describe('ServiceAccount admission', () => {
  const saR = resourceNamed('serviceaccounts');

  it('runs a pod as `default` unless it names an account, which must exist', () => {
    const reg = registry();
    const p = reg.create(podsR, 'default', pod('a')) as Pod;
    expect([p.spec.serviceAccountName, p.spec.serviceAccount]).toEqual(['default', 'default']);
    expect(refusal(() => reg.create(podsR, 'default', pod('b', { serviceAccountName: 'builder' })))).toEqual({
      code: 403,
      message: 'pods "b" is forbidden: error looking up service account default/builder: serviceaccount "builder" not found',
    });
    reg.create(saR, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder' } });
    expect((reg.create(podsR, 'default', pod('b', { serviceAccountName: 'builder' })) as Pod).spec.serviceAccount).toBe('builder');
    // The deprecated field alone names the account too.
    expect((reg.create(podsR, 'default', pod('c', { serviceAccount: 'builder' } as Partial<Pod['spec']>)) as Pod).spec.serviceAccountName).toBe('builder');
  });

  it('lets a mirror pod be', () => {
    const reg = registry();
    const mirror = { ...pod('m', { serviceAccountName: 'nobody' }), metadata: { name: 'm', annotations: { 'kubernetes.io/config.mirror': 'x' } } };
    expect((reg.create(podsR, 'default', mirror) as Pod).spec.serviceAccountName).toBe('nobody');
  });
});

describe('the admission chain', () => {
  it('runs plugins on the operations they ask for, an UPDATE with the stored object', async () => {
    const { MUTATING } = await import('../../src/apiserver/admission/index.js');
    const seen: string[] = [];
    const plugin = { name: 'Test', kinds: ['ConfigMap'], operations: ['CREATE', 'UPDATE'] as ('CREATE' | 'UPDATE')[], admit: (a: any, o: any) => seen.push(`${a.operation} ${o.data?.v} ${a.old?.data?.v ?? '-'}`) };
    MUTATING.push(plugin);
    try {
      const reg = registry();
      const cmR = resourceNamed('configmaps');
      reg.create(cmR, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { v: '1' } });
      reg.patch(cmR, 'default', 'c', 'merge', { data: { v: '2' } });
      expect(seen).toEqual(['CREATE 1 -', 'UPDATE 2 1']);
    } finally {
      MUTATING.splice(MUTATING.indexOf(plugin), 1);
    }
  });
});
