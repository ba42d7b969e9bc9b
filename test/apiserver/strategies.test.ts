// The per-kind strategies: what a create starts an object with, what an update carries over, and
// how a delete goes, kind by kind (the registry itself is generic).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveResource, resourceNamed } from '../../src/api/resources.js';
import type { KubeObject } from '../../src/api/types.js';
import { prepareForCreate, prepareForUpdate, strategyFor } from '../../src/apiserver/strategies/index.js';
import { type TestServer, api, startServer } from '../reliability/harness.js';

const created = (plural: string, o: Partial<KubeObject>): KubeObject => {
  const r = resolveResource(plural)[0];
  const obj = { apiVersion: 'v1', kind: r.kind, metadata: { name: 'x' }, ...o } as KubeObject;
  prepareForCreate(r, obj);
  return obj;
};

describe('create', () => {
  it.each([
    ['pods', { spec: { containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }, status: { phase: 'Running' } }, { phase: 'Pending', qosClass: 'Guaranteed' }],
    ['pods', { spec: { containers: [{ name: 'c', image: 'i' }] } }, { phase: 'Pending', qosClass: 'BestEffort' }],
    ['namespaces', { status: { phase: 'Terminating' } }, { phase: 'Active' }],
    ['services', { spec: { ports: [{ port: 80 }] } }, { loadBalancer: {} }],
    ['deployments', { status: { replicas: 3 } }, {}],
    ['nodes', { status: { capacity: { cpu: '4' } } }, { capacity: { cpu: '4' } }],
    ['persistentvolumeclaims', { status: { phase: 'Bound' } }, { phase: 'Bound' }],
    ['configmaps', { data: { a: '1' } }, undefined],
  ])('%s starts with its status', (plural, body, status) => {
    expect(created(plural, body as Partial<KubeObject>).status).toEqual(status);
  });

  it('folds a Secret\'s stringData into data', () => {
    expect(created('secrets', { data: { a: 'eA==' }, stringData: { b: 'y' } } as Partial<KubeObject>)).toMatchObject({ data: { a: 'eA==', b: 'eQ==' } });
  });
});

describe('update', () => {
  it('keeps a Service\'s allocated cluster IP and node port when the update leaves them out', () => {
    const r = resolveResource('services')[0];
    const old = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', uid: 'u' }, spec: { type: 'NodePort', clusterIP: '10.96.0.9', clusterIPs: ['10.96.0.9'], ports: [{ port: 80, nodePort: 30001 }] } } as KubeObject;
    const next = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } } as KubeObject;
    prepareForUpdate(r, next, old);
    expect([next.spec.clusterIP, next.spec.ports[0].nodePort, next.metadata.uid]).toEqual(['10.96.0.9', 30001, 'u']);
  });
});

describe('delete', () => {
  it.each([
    ['a running pod gets its grace period', { spec: { nodeName: 'n', terminationGracePeriodSeconds: 45 }, status: { phase: 'Running' } }, undefined, 45],
    ['a requested grace period wins', { spec: { nodeName: 'n' }, status: { phase: 'Running' } }, 5, 5],
    ['a pod never scheduled goes at once', { spec: {}, status: { phase: 'Pending' } }, undefined, 0],
    ['a finished pod goes at once', { spec: { nodeName: 'n' }, status: { phase: 'Succeeded' } }, 30, 0],
  ])('%s', (_n, pod, requested, grace) => {
    expect(strategyFor(resourceNamed('pods')).gracePeriod!(pod as KubeObject, requested)).toBe(grace);
  });

  it('marks a Namespace Terminating instead of removing it; other kinds have no such rule', () => {
    const ns = strategyFor(resourceNamed('namespaces')).markDeleted!({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' }, status: { phase: 'Active' } }, [], '2026-11-30T10:00:00Z');
    expect([ns.metadata.deletionTimestamp, ns.status.phase, ns.metadata.finalizers]).toEqual(['2026-11-30T10:00:00Z', 'Terminating', undefined]);
    expect(strategyFor(resourceNamed('configmaps')).markDeleted).toBeUndefined();
    expect(strategyFor(resourceNamed('deployments')).statusTakesAnnotations).toBe(true);
  });
});

describe('subresource writes', () => {
  const now = { now: '2026-12-01T00:00:00Z' };
  const pod = (extra: object = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] }, status: { phase: 'Pending' }, ...extra }) as KubeObject;

  it('binding sets the node once, with the PodScheduled condition', () => {
    const bound = strategyFor(resourceNamed('pods')).writeSubresource!('binding', pod(), { target: { name: 'node-1' } }, now)!;
    expect(bound.spec.nodeName).toBe('node-1');
    expect(bound.status.conditions).toEqual([{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now.now }]);
    expect(() => strategyFor(resourceNamed('pods')).writeSubresource!('binding', bound, { target: { name: 'node-2' } }, now)).toThrow('pod p is already assigned to node "node-1"');
    expect(() => strategyFor(resourceNamed('pods')).writeSubresource!('binding', pod({ metadata: { name: 'p', deletionTimestamp: now.now } }), { target: { name: 'n' } }, now)).toThrow('pod is being deleted, cannot be assigned to a host');
    expect(() => strategyFor(resourceNamed('pods')).writeSubresource!('binding', pod(), {}, now)).toThrow('Binding.target.name: Required value');
  });

  it('finalize takes the body\'s spec.finalizers and nothing else', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', labels: { a: 'b' } }, spec: { finalizers: ['kubernetes', 'example.com/x'] } } as KubeObject;
    const out = strategyFor(resourceNamed('namespaces')).writeSubresource!('finalize', ns, { metadata: { labels: { c: 'd' } }, spec: { finalizers: ['example.com/x'] } }, now)!;
    expect(out).toEqual({ ...ns, spec: { finalizers: ['example.com/x'] } });
    // Nothing to change: the stored object itself, so the registry writes nothing.
    expect(strategyFor(resourceNamed('namespaces')).writeSubresource!('finalize', ns, { spec: { finalizers: ['kubernetes', 'example.com/x'] } }, now)).toBe(ns);
  });

  it('kinds without such a subresource have none', () => {
    expect(strategyFor(resourceNamed('pods')).writeSubresource!('finalize', pod(), {}, now)).toBeUndefined();
    expect(strategyFor(resourceNamed('configmaps')).writeSubresource).toBeUndefined();
  });
});

describe('subresource writes over HTTP', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(() => s.close());

  it('POST pods/NAME/binding answers a Success Status and binds; PUT namespaces/NAME/finalize lets a terminating namespace go', async () => {
    await api(s.port, 'POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    const bound = await api(s.port, 'POST', '/api/v1/namespaces/default/pods/b/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'b' }, target: { kind: 'Node', name: 'node-9' } });
    expect([bound.status, bound.json.status]).toEqual([201, 'Success']);
    expect((await api(s.port, 'GET', '/api/v1/namespaces/default/pods/b')).json.spec.nodeName).toBe('node-9');
    expect((await api(s.port, 'POST', '/api/v1/namespaces/default/pods/b/binding', { target: { name: 'node-8' } })).status).toBe(409);
    expect((await api(s.port, 'PUT', '/api/v1/namespaces/default/pods/b/binding', { target: { name: 'node-8' } })).status).toBe(405);

    await api(s.port, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'stuck' } });
    await api(s.port, 'DELETE', '/api/v1/namespaces/stuck');
    const terminating = (await api(s.port, 'GET', '/api/v1/namespaces/stuck')).json;
    expect(terminating.status.phase).toBe('Terminating');
    // What people run to unstick a namespace: its JSON with spec.finalizers emptied, PUT to finalize.
    const finalized = await api(s.port, 'PUT', '/api/v1/namespaces/stuck/finalize', { ...terminating, spec: { finalizers: [] } });
    expect(finalized.status).toBe(200);
    expect((await api(s.port, 'GET', '/api/v1/namespaces/stuck')).status).toBe(404);
    expect((await api(s.port, 'PUT', '/api/v1/namespaces/default/configmaps/x/finalize', {})).status).toBe(404);
  });
});
