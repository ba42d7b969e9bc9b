// Admission plugins in process: Priority, ServiceAccount (and the token volume), the chain, LimitRanger, ResourceQuota.
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

  it('names a pod by its generateName prefix when refusing it (mutating admission runs before the name is generated)', () => {
    const reg = registry();
    const generated = { ...pod('', { serviceAccountName: 'nobody' }), metadata: { generateName: 'web-7d9c5-' } };
    expect(refusal(() => reg.create(podsR, 'default', generated)).message).toBe('pods "web-7d9c5-" is forbidden: error looking up service account default/nobody: serviceaccount "nobody" not found');
  });

  it('lets a mirror pod be', () => {
    const reg = registry();
    const mirror = { ...pod('m', { serviceAccountName: 'nobody' }), metadata: { name: 'm', annotations: { 'kubernetes.io/config.mirror': 'x' } } };
    expect((reg.create(podsR, 'default', mirror) as Pod).spec.serviceAccountName).toBe('nobody');
    expect((reg.create(podsR, 'default', { ...mirror, metadata: { ...mirror.metadata, name: 'm2' } }) as Pod).spec.volumes).toBeUndefined();
  });

  const MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';
  const tokenVolumes = (p: Pod) => (p.spec.volumes ?? []).filter((v) => v.name.startsWith('kube-api-access-'));

  it('adds the projected token volume as v1.32 does, and mounts it read-only in every container', () => {
    const reg = registry();
    const p = reg.create(podsR, 'default', pod('a', { initContainers: [{ name: 'init', image: 'busybox' }], containers: [{ name: 'c', image: 'nginx' }, { name: 'd', image: 'nginx' }] })) as Pod;
    const [v] = tokenVolumes(p);
    expect(v.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(v).toEqual({
      name: v.name,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' }] } },
        ],
      },
    });
    for (const c of [...p.spec.initContainers!, ...p.spec.containers]) expect(c.volumeMounts).toEqual([{ name: v.name, readOnly: true, mountPath: MOUNT }]);
  });

  // Whether a pod gets the token: the pod's automountServiceAccountToken, else its account's, else yes.
  it.each([
    { pod: undefined, account: undefined, mounted: true },
    { pod: false, account: undefined, mounted: false },
    { pod: undefined, account: false, mounted: false },
    { pod: true, account: false, mounted: true },
    { pod: false, account: true, mounted: false },
    { pod: undefined, account: true, mounted: true },
  ])('pod automount $pod, account automount $account: mounted $mounted', ({ pod: own, account, mounted }) => {
    const reg = registry();
    reg.create(saR, 'default', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder' }, ...(account === undefined ? {} : { automountServiceAccountToken: account }) });
    const p = reg.create(podsR, 'default', pod('a', { serviceAccountName: 'builder', ...(own === undefined ? {} : { automountServiceAccountToken: own }) })) as Pod;
    expect(tokenVolumes(p).length).toBe(mounted ? 1 : 0);
    expect(p.spec.containers[0].volumeMounts?.length ?? 0).toBe(mounted ? 1 : 0);
  });

  it('leaves a container that mounts something at the token path alone, and reuses a kube-api-access volume the pod has', () => {
    const reg = registry();
    const own = reg.create(podsR, 'default', pod('own', {
      volumes: [{ name: 'mine', emptyDir: {} }],
      containers: [{ name: 'c', image: 'nginx', volumeMounts: [{ name: 'mine', mountPath: MOUNT }] }, { name: 'd', image: 'nginx' }],
    })) as Pod;
    const [v] = tokenVolumes(own);
    expect(own.spec.containers[0].volumeMounts).toEqual([{ name: 'mine', mountPath: MOUNT }]);
    expect(own.spec.containers[1].volumeMounts).toEqual([{ name: v.name, readOnly: true, mountPath: MOUNT }]);
    // Every container has its own mount there: no volume added.
    const none = reg.create(podsR, 'default', pod('none', { volumes: [{ name: 'mine', emptyDir: {} }], containers: [{ name: 'c', image: 'nginx', volumeMounts: [{ name: 'mine', mountPath: MOUNT }] }] })) as Pod;
    expect(tokenVolumes(none)).toEqual([]);
    // A pod read back and created again keeps its volume (one, same name).
    const again = reg.create(podsR, 'default', { ...own, metadata: { name: 'again' }, spec: { ...own.spec, containers: [{ name: 'c', image: 'nginx' }] } }) as Pod;
    expect(tokenVolumes(again).map((x) => x.name)).toEqual([v.name]);
    expect(again.spec.containers[0].volumeMounts).toEqual([{ name: v.name, readOnly: true, mountPath: MOUNT }]);
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

describe('LimitRanger admission', () => {
  const lrR = resourceNamed('limitranges');
  const pvcR = resourceNamed('persistentvolumeclaims');
  const limits = (items: object[]) => ({ apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'limits' }, spec: { limits: items } });
  const withResources = (name: string, resources: object, extra: object = {}): Pod => pod(name, { containers: [{ name: 'app', image: 'nginx', resources }], ...extra } as Partial<Pod['spec']>);

  it('gives containers the default requests and limits they lack, and says so in an annotation', () => {
    const reg = registry();
    reg.create(lrR, 'default', limits([{ type: 'Container', default: { cpu: '500m', memory: '256Mi' }, defaultRequest: { cpu: '100m', memory: '128Mi' } }]));
    const p = reg.create(podsR, 'default', withResources('a', { limits: { memory: '1Gi' } })) as Pod;
    // The pod's own memory limit stays, and (as Kubernetes defaults it) requests as much.
    expect(p.spec.containers[0].resources).toEqual({ limits: { cpu: '500m', memory: '1Gi' }, requests: { cpu: '100m', memory: '1Gi' } });
    expect(p.metadata.annotations?.['kubernetes.io/limit-ranger']).toBe('LimitRanger plugin set: cpu request for container app; cpu limit for container app');
    const none = reg.create(podsR, 'default', withResources('b', { requests: { cpu: '200m', memory: '64Mi' }, limits: { cpu: '1', memory: '512Mi' } })) as Pod;
    expect(none.metadata.annotations?.['kubernetes.io/limit-ranger']).toBeUndefined();
  });

  it.each([
    [{ type: 'Container', min: { cpu: '100m' } }, { requests: { cpu: '50m' } }, 'minimum cpu usage per Container is 100m, but request is 50m'],
    [{ type: 'Container', min: { cpu: '100m' } }, {}, 'minimum cpu usage per Container is 100m.  No request is specified'],
    [{ type: 'Container', max: { memory: '1Gi' } }, { limits: { memory: '2Gi' } }, 'maximum memory usage per Container is 1Gi, but limit is 2Gi'],
    [{ type: 'Container', max: { memory: '1Gi' } }, { requests: { memory: '512Mi' } }, 'maximum memory usage per Container is 1Gi.  No limit is specified'],
    [{ type: 'Container', maxLimitRequestRatio: { cpu: '2' } }, { requests: { cpu: '250m' }, limits: { cpu: '1' } }, 'cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000'],
    [{ type: 'Pod', max: { cpu: '1' } }, { requests: { cpu: '500m' }, limits: { cpu: '1500m' } }, 'maximum cpu usage per Pod is 1, but limit is 1500m'],
    [
      { type: 'Container', min: { cpu: '100m', memory: '64Mi' } },
      { requests: { cpu: '50m', memory: '32Mi' } },
      '[minimum cpu usage per Container is 100m, but request is 50m, minimum memory usage per Container is 64Mi, but request is 32Mi]',
    ],
  ])('refuses a pod outside %j', (item, resources, why) => {
    const reg = registry();
    reg.create(lrR, 'default', limits([item]));
    expect(refusal(() => reg.create(podsR, 'default', withResources('p', resources)))).toEqual({ code: 403, message: `pods "p" is forbidden: ${why}` });
  });

  it('refuses a claim asking for more or less storage than allowed', () => {
    const reg = registry();
    reg.create(lrR, 'default', limits([{ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Gi' } }]));
    const claim = (name: string, storage: string) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage } } } });
    expect(refusal(() => reg.create(pvcR, 'default', claim('small', '500Mi')))).toEqual({ code: 403, message: 'persistentvolumeclaims "small" is forbidden: minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi' });
    expect(refusal(() => reg.create(pvcR, 'default', claim('big', '20Gi')))).toEqual({ code: 403, message: 'persistentvolumeclaims "big" is forbidden: maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi' });
    expect(reg.create(pvcR, 'default', claim('ok', '5Gi')).metadata.name).toBe('ok');
  });

  it.each([
    [[{ max: { cpu: '1' } }], 'LimitRange "limits" is invalid: spec.limits[0].type: Required value'],
    [[{ type: 'Container', min: { cpu: '2' }, max: { cpu: '1' } }], 'LimitRange "limits" is invalid: spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1'],
    [[{ type: 'Container', default: { cpu: '100m' }, defaultRequest: { cpu: '200m' } }], 'LimitRange "limits" is invalid: spec.limits[0].defaultRequest[cpu]: Invalid value: "200m": default request value 200m is greater than default limit value 100m'],
    [[{ type: 'Pod', default: { cpu: '1' } }], "LimitRange \"limits\" is invalid: spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'"],
  ])('refuses an invalid LimitRange: %j', (items, message) => {
    expect(refusal(() => registry().create(lrR, 'default', limits(items)))).toEqual({ code: 422, message });
  });
});

describe('ResourceQuota admission', () => {
  const quotaR = resourceNamed('resourcequotas');
  const svcR = resourceNamed('services');
  const quota = (hard: Record<string, string>, scopes?: string[]) => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard, ...(scopes ? { scopes } : {}) } });
  const sized = (name: string, cpu: string, memory = '64Mi'): Pod => pod(name, { containers: [{ name: 'app', image: 'nginx', resources: { requests: { cpu, memory }, limits: { cpu, memory } } }] });

  it('refuses a create past a hard limit with the apiserver\'s message, and counts what it admits at once', () => {
    const reg = registry();
    reg.create(quotaR, 'default', quota({ 'requests.cpu': '1', pods: '2' }));
    reg.create(podsR, 'default', sized('a', '600m'));
    expect(reg.get(quotaR, 'default', 'q').status).toEqual({ hard: { 'requests.cpu': '1', pods: '2' }, used: { pods: '1', 'requests.cpu': '600m' } });
    expect(refusal(() => reg.create(podsR, 'default', sized('b', '500m')))).toEqual({
      code: 403,
      message: 'pods "b" is forbidden: exceeded quota: q, requested: requests.cpu=500m, used: requests.cpu=600m, limited: requests.cpu=1',
    });
    reg.create(podsR, 'default', sized('c', '400m'));
    // Exactly at the limit is allowed; one more pod is not.
    expect(refusal(() => reg.create(podsR, 'default', sized('d', '0'))).message).toBe('pods "d" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2');
  });

  it('asks pods to state what a quota limits', () => {
    const reg = registry();
    reg.create(quotaR, 'default', quota({ 'limits.memory': '1Gi', 'requests.cpu': '2' }));
    expect(refusal(() => reg.create(podsR, 'default', pod('bare')))).toEqual({
      code: 403,
      message: 'pods "bare" is forbidden: failed quota: q: [must specify limits.memory for: c, must specify requests.cpu for: c]',
    });
  });

  it('counts objects by kind (count/… and the classic names), services by type, and pods only in its scopes', () => {
    const reg = registry();
    reg.create(quotaR, 'default', quota({ 'count/configmaps': '1', 'services.nodeports': '1' }));
    const cmR = resourceNamed('configmaps');
    // kube-root-ca.crt-like objects already there count too: none in a new namespace.
    reg.create(cmR, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'one' } });
    expect(refusal(() => reg.create(cmR, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'two' } })).message).toBe(
      'configmaps "two" is forbidden: exceeded quota: q, requested: count/configmaps=1, used: count/configmaps=1, limited: count/configmaps=1',
    );
    const svc = (name: string, type: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { type, ports: [{ port: 80 }] } });
    reg.create(svcR, 'default', svc('cluster', 'ClusterIP'));
    reg.create(svcR, 'default', svc('np', 'NodePort'));
    expect(refusal(() => reg.create(svcR, 'default', svc('np2', 'NodePort'))).code).toBe(403);
    const scoped = registry();
    scoped.create(quotaR, 'default', quota({ pods: '1' }, ['BestEffort']));
    scoped.create(podsR, 'default', pod('be1'));
    expect(refusal(() => scoped.create(podsR, 'default', pod('be2'))).code).toBe(403);
    expect(scoped.create(podsR, 'default', sized('burstable', '100m')).metadata.name).toBe('burstable');
  });

  it('charges nothing for a dry run', () => {
    const reg = registry();
    reg.create(quotaR, 'default', quota({ pods: '1' }));
    reg.create(podsR, 'default', pod('dry'), { dryRun: true });
    expect(reg.create(podsR, 'default', pod('real')).metadata.name).toBe('real');
  });
});
