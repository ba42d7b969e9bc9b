// The registry's allocation index and size limit, in process: what the HTTP layer and controllers
// both rely on.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/api/clock.js';
import { resolveResource } from '../../src/api/resources.js';
import type { KubeObject } from '../../src/api/types.js';
import { Registry } from '../../src/apiserver/registry.js';
import { bootstrap } from '../../src/daemon/bootstrap.js';
import { Store } from '../../src/store/store.js';
import { refusal } from '../helpers.js';

const svcR = resolveResource('services')[0];
const nsR = resolveResource('namespaces')[0];
const cmR = resolveResource('configmaps')[0];

function registry(): Registry {
  const reg = new Registry(new Store(':memory:'), new FakeClock(Date.parse('2026-11-23T10:00:00Z')));
  bootstrap(reg);
  reg.create(nsR, '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } });
  return reg;
}

const service = (name: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], ...spec } });


describe('Service address allocation', () => {
  it('refuses a cluster IP another Service holds, in any namespace, and frees it when that Service goes', () => {
    const reg = registry();
    reg.create(svcR, 'default', service('a', { clusterIP: '10.96.0.50' }));
    expect(refusal(() => reg.create(svcR, 'other', service('a', { clusterIP: '10.96.0.50' })))).toEqual({
      code: 422,
      message: 'Service "a" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.50"]: failed to allocate IP 10.96.0.50: provided IP is already allocated',
    });
    reg.delete(svcR, 'default', 'a');
    expect(reg.create(svcR, 'other', service('a', { clusterIP: '10.96.0.50' })).spec?.clusterIP).toBe('10.96.0.50');
  });

  it.each([
    [{ ipFamilies: ['IPv6'] }, 'Service "v6" is invalid: spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster'],
    [{ ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4', 'IPv6'] }, 'Service "v6" is invalid: spec.ipFamilies[1]: Invalid value: "IPv6": not configured on this cluster'],
    [{ ipFamilyPolicy: 'RequireDualStack' }, 'Service "v6" is invalid: spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services'],
  ])('refuses what this IPv4 single-stack cluster cannot give: %j', (spec, message) => {
    expect(refusal(() => registry().create(svcR, 'default', service('v6', spec)))).toEqual({ code: 422, message });
  });

  it('lets a Service keep its own IP and node port on a replace', () => {
    const reg = registry();
    const s = reg.create(svcR, 'default', service('web', { type: 'NodePort', clusterIP: '10.96.0.60', ports: [{ port: 80, nodePort: 30080 }] }));
    const replaced = reg.update(svcR, 'default', 'web', { ...s, metadata: { ...s.metadata, labels: { v: '2' } } });
    expect([replaced.spec?.clusterIP, replaced.spec?.ports[0].nodePort]).toEqual(['10.96.0.60', 30080]);
  });

  it('refuses a node port another Service holds, and never hands out a taken one', () => {
    const reg = registry();
    reg.create(svcR, 'default', service('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
    expect(refusal(() => reg.create(svcR, 'other', service('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }))).code).toBe(422);
    // Two ports of one Service asking for the same node port.
    expect(refusal(() => reg.create(svcR, 'default', service('c', { type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30090 }, { name: 'b', port: 81, nodePort: 30090 }] }))).code).toBe(422);
    const ips = new Set<string>();
    const ports = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const s = reg.create(svcR, 'default', service(`s${i}`, { type: 'NodePort' }));
      ips.add(s.spec?.clusterIP);
      ports.add(s.spec?.ports[0].nodePort);
    }
    expect([ips.size, ports.size, ports.has(30080)]).toEqual([50, 50, false]);
  });
});

describe('the object size limit', () => {
  // A ConfigMap's data has its own 1 MiB limit; the bulk goes in an unknown field,
  // which minik keeps (fieldValidation Warn), so the store's 1.5 MiB limit is what decides.
  const big = (name: string, value: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, extra: value } as KubeObject);

  it.each([
    ['plain text', 'x'.repeat(1_600_000)],
    // 300,000 characters that JSON escapes to six bytes each: 1.8 MB stored, though the string is short.
    ['text that JSON escapes', '\u0001'.repeat(300_000)],
  ])('refuses an object over 1.5 MiB of %s with 413', (_, value) => {
    const reg = registry();
    expect(refusal(() => reg.create(cmR, 'default', big('big', value)))).toEqual({ code: 413, message: 'configmaps "big" is too large: etcdserver: request is too large' });
  });

  it('stores an object just under the limit (one the size bound alone cannot clear)', () => {
    const reg = registry();
    expect(reg.create(cmR, 'default', big('near', '\u0001'.repeat(240_000))).metadata.name).toBe('near');
  });
});

describe('trusted writes (controllers)', () => {
  const deployR = resolveResource('deployments')[0];
  const deployment = (): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });

  it('a merge patch goes through update admission: generation, validation, and a no-op writes nothing', () => {
    const reg = registry();
    const d = reg.create(deployR, 'default', deployment());
    const scaled = reg.patchTrusted(deployR, 'default', 'web', { spec: { replicas: 3 } });
    expect([scaled.spec?.replicas, scaled.metadata.generation]).toEqual([3, 2]);
    // Annotations only: the spec is the same, the generation stays.
    const annotated = reg.patchTrusted(deployR, 'default', 'web', { metadata: { annotations: { a: 'b' } } });
    expect(annotated.metadata.generation).toBe(2);
    expect(reg.patchTrusted(deployR, 'default', 'web', { spec: { replicas: 3 } }).metadata.resourceVersion).toBe(annotated.metadata.resourceVersion);
    expect(refusal(() => reg.patchTrusted(deployR, 'default', 'web', { spec: { replicas: -1 } })).code).toBe(422);
    // The stored versions it was merged from are not changed.
    expect(d.spec?.replicas).toBe(1);
    expect(reg.get(deployR, 'default', 'web').spec?.replicas).toBe(3);
  });

  it('a replacement keeps system metadata and may share parts with the stored object', () => {
    const reg = registry();
    const cm = reg.create(cmR, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1' } });
    const next = reg.updateTrusted(cmR, { ...cm, metadata: { ...cm.metadata, uid: 'forged', labels: { x: 'y' } }, data: { a: '2' } });
    expect([next.metadata.uid, next.metadata.labels, next.data]).toEqual([cm.metadata.uid, { x: 'y' }, { a: '2' }]);
    expect(cm.data).toEqual({ a: '1' });
  });
});

describe('no-op updates', () => {
  it('an update that differs only in key order is not written (the resourceVersion stays)', () => {
    const reg = registry();
    const cm = reg.create(cmR, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1', b: '2' } });
    const same = reg.update(cmR, 'default', 'c', { data: { b: '2', a: '1' }, metadata: { ...cm.metadata }, kind: 'ConfigMap', apiVersion: 'v1' });
    expect(same.metadata.resourceVersion).toBe(cm.metadata.resourceVersion);
  });
});

describe('status updates', () => {
  const deployR = resolveResource('deployments')[0];
  const rsR = resolveResource('replicasets')[0];
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
  const spec = { replicas: 1, selector: { matchLabels: { app: 'web' } }, template };

  it('a Deployment /status takes the annotations with the status (its strategy resets only spec and labels)', () => {
    const reg = registry();
    const d = reg.create(deployR, 'default', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { a: '1' } }, spec });
    const next = reg.update(
      deployR,
      'default',
      'web',
      { ...d, metadata: { ...d.metadata, labels: { a: '2' }, annotations: { 'deployment.kubernetes.io/revision': '1' } }, spec: { ...spec, replicas: 5 }, status: { observedGeneration: 1 } },
      { subresource: 'status' },
    );
    expect([next.metadata.annotations, next.metadata.labels, next.spec?.replicas, next.status]).toEqual([{ 'deployment.kubernetes.io/revision': '1' }, { a: '1' }, 1, { observedGeneration: 1 }]);
    expect(next.metadata.uid).toBe(d.metadata.uid);
  });

  it('a ReplicaSet /status keeps its stored annotations', () => {
    const reg = registry();
    const rs = reg.create(rsR, 'default', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web' }, spec });
    const next = reg.update(rsR, 'default', 'web', { ...rs, metadata: { ...rs.metadata, annotations: { x: 'y' } }, status: { replicas: 0 } }, { subresource: 'status' });
    expect(next.metadata.annotations).toBeUndefined();
    expect(() => reg.writeStatus(rsR, 'default', 'web', { replicas: 0 }, { x: 'y' })).toThrow();
  });

  it('the trusted status write records a Deployment revision and its status as one write', () => {
    const reg = registry();
    const d = reg.create(deployR, 'default', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec });
    const next = reg.writeStatus(deployR, 'default', 'web', { observedGeneration: 1 }, { 'deployment.kubernetes.io/revision': '1' });
    expect(Number(next.metadata.resourceVersion)).toBe(Number(d.metadata.resourceVersion) + 1);
    expect(next.metadata.annotations).toEqual({ 'deployment.kubernetes.io/revision': '1' });
    expect(reg.writeStatus(deployR, 'default', 'web', { observedGeneration: 1 }, { 'deployment.kubernetes.io/revision': '1' }).metadata.resourceVersion).toBe(next.metadata.resourceVersion);
  });
});
