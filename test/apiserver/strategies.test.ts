// The per-kind strategies: what a create starts an object with, what an update carries over, and
// how a delete goes, kind by kind (the registry itself is generic).
import { describe, expect, it } from 'vitest';
import { resolveResource } from '../../src/api/resources.js';
import type { KubeObject } from '../../src/api/types.js';
import { prepareForCreate, prepareForUpdate, strategyFor } from '../../src/apiserver/strategies/index.js';

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
    expect(strategyFor('Pod').gracePeriod!(pod as KubeObject, requested)).toBe(grace);
  });

  it('marks a Namespace Terminating instead of removing it; other kinds have no such rule', () => {
    const ns = strategyFor('Namespace').markDeleted!({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' }, status: { phase: 'Active' } }, [], '2026-11-30T10:00:00Z');
    expect([ns.metadata.deletionTimestamp, ns.status.phase, ns.metadata.finalizers]).toEqual(['2026-11-30T10:00:00Z', 'Terminating', undefined]);
    expect(strategyFor('ConfigMap').markDeleted).toBeUndefined();
    expect(strategyFor('Deployment').statusTakesAnnotations).toBe(true);
  });
});
