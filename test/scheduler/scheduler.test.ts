import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/types.js';
import { Snapshot, nodeInfo } from '../../src/scheduler/framework.js';
import { selectHost, unschedulableMessage } from '../../src/scheduler/select-host.js';

const node = (name: string, extra: { labels?: Record<string, string>; taints?: any[]; unschedulable?: boolean; cpu?: string; pods?: string } = {}): KubeObject => ({
  metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(extra.labels ?? {}) } },
  spec: { taints: extra.taints, unschedulable: extra.unschedulable },
  status: { allocatable: { cpu: extra.cpu ?? '4', memory: '8Gi', pods: extra.pods ?? '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
});
const pod = (spec: any = {}, name = 'p'): KubeObject => ({ metadata: { name, namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i', ...(spec.container ?? {}) }], ...spec } });
const cpu = (c: string) => ({ container: { resources: { requests: { cpu: c } } } });

describe('selectHost', () => {
  it('prefers the least allocated node and breaks ties by name', () => {
    const nodes = [nodeInfo(node('b'), []), nodeInfo(node('a'), []), nodeInfo(node('c'), [pod(cpu('1'))])];
    expect(selectHost(pod(cpu('1')), new Snapshot(nodes))).toMatchObject({ node: 'a' });
  });

  it('spreads the pods of one owner', () => {
    const owned = (name: string) => ({ ...pod({}, name), metadata: { name, namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }] } });
    const nodes = [nodeInfo(node('a'), [owned('x')]), nodeInfo(node('b'), [])];
    expect(selectHost(owned('y'), new Snapshot(nodes))).toMatchObject({ node: 'b' });
  });

  it('explains why no node fits, in kube-scheduler words', () => {
    const nodes = [nodeInfo(node('a', { cpu: '1' }), []), nodeInfo(node('b', { cpu: '1' }), []), nodeInfo(node('c', { labels: { zone: 'x' } }), [])];
    const r = selectHost(pod({ nodeSelector: { 'kubernetes.io/hostname': 'a' }, container: { resources: { requests: { cpu: '2' } } } }), new Snapshot(nodes));
    expect('reasons' in r && unschedulableMessage(r.reasons, r.total)).toBe("0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't match Pod's node affinity/selector.");
    const cpuOnly = selectHost(pod(cpu('100')), new Snapshot(nodes));
    expect('reasons' in cpuOnly && unschedulableMessage(cpuOnly.reasons, cpuOnly.total)).toBe('0/3 nodes are available: 3 Insufficient cpu.');
    // Each node counts once for every resource it is short of, as kube-scheduler words it.
    const both = selectHost(pod({ container: { resources: { requests: { cpu: '100', memory: '100Gi' } } } }), new Snapshot(nodes));
    expect('reasons' in both && unschedulableMessage(both.reasons, both.total)).toBe('0/3 nodes are available: 3 Insufficient cpu, 3 Insufficient memory.');
  });
});

describe('selectHost skips only filters that cannot reject (PreFilter Skip, clean nodes)', () => {
  const notReady = (name: string): KubeObject => ({ ...node(name), status: { ...node(name).status, conditions: [{ type: 'Ready', status: 'False' }] } });
  const tainted = node('t', { taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] });
  const cordoned = node('u', { unschedulable: true });
  it.each([
    ['a plain pod: node-state filters still apply to unclean nodes', pod(), "0/3 nodes are available: 1 node(s) had untolerated taint {gpu: true}, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable."],
    ['a pod tolerating everything lands on the first by name', pod({ tolerations: [{ operator: 'Exists' }] }), 'r'],
    ['a host port in use rules out only the node using it', pod({ container: { ports: [{ containerPort: 80, hostPort: 80 }] }, tolerations: [{ operator: 'Exists' }] }), 't'],
  ])('%s', (_name, p, expected) => {
    const withPort = pod({ container: { ports: [{ containerPort: 80, hostPort: 80 }] } }, 'other');
    const nodes = [nodeInfo(tainted, []), nodeInfo(cordoned, []), nodeInfo(notReady('r'), [withPort])];
    const r = selectHost(p, new Snapshot(nodes));
    expect('node' in r ? r.node : unschedulableMessage(r.reasons, r.total)).toBe(expected);
  });
});

describe('percentageOfNodesToScore', () => {
  it.each([
    [3, 3],
    [99, 99],
    [100, 100],
    [500, 230],
    [5000, 500],
    [10000, 500],
  ])('%d nodes -> stop after %d feasible ones', async (total, expected) => {
    const { numFeasibleNodesToFind } = await import('../../src/scheduler/select-host.js');
    expect(numFeasibleNodesToFind(total)).toBe(expected);
  });
});
