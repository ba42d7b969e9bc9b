// DefaultPreemption: which node and which victims, and why not, in kube-scheduler's words.
import { describe, expect, it } from 'vitest';
import type { Pod, PodDisruptionBudget } from '../../src/api/types.js';
import { preempt } from '../../src/scheduler/preemption.js';
import { ZONED, pod, snapshot } from './fixtures.js';

const sized = (cpu: string, priority: number, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}) => pod(labels, { priority, containers: [{ name: 'c', image: 'i', resources: { requests: { cpu } } }], ...extra });
const nodes = [{ name: 'n1' }, { name: 'n2' }];
const names = (r: ReturnType<typeof preempt>) => ('node' in r ? { node: r.node, victims: r.victims.map((v) => v.metadata.labels?.id) } : r.message);

describe('preemption', () => {
  it('takes the fewest, lowest-priority pods on the node where that costs least', () => {
    const placed: [string, Pod][] = [
      ['n1', sized('2', 100, { id: 'n1-mid' })],
      ['n1', sized('2', 10, { id: 'n1-low' })],
      ['n2', sized('2', 50, { id: 'n2-a' })],
      ['n2', sized('2', 50, { id: 'n2-b' })],
    ];
    // 2 CPU are needed: n1 can give its priority-10 pod, n2 one of its priority-50 pods: n1 wins (lower highest victim).
    expect(names(preempt(sized('2', 1000), snapshot(nodes, placed), []))).toEqual({ node: 'n1', victims: ['n1-low'] });
  });

  it('stops the dry run at kube-scheduler\'s candidate count (10 % of the nodes, at least 100)', () => {
    // 120 full nodes: the first 110 hold a priority-50 pod, the last 10 a priority-1 pod. The
    // cheapest victims lie past the first 100 candidates, so they are not considered.
    const many = Array.from({ length: 120 }, (_, i) => ({ name: `n${String(i).padStart(3, '0')}` }));
    const placed = many.map((n, i) => [n.name, sized('4', i < 110 ? 50 : 1, { id: n.name })] as [string, Pod]);
    expect(names(preempt(sized('2', 1000), snapshot(many, placed), []))).toEqual({ node: 'n000', victims: ['n000'] });
  });

  it('gives back every pod it can', () => {
    const placed: [string, Pod][] = [
      ['n1', sized('1', 1, { id: 'a' })],
      ['n1', sized('1', 2, { id: 'b' })],
      ['n1', sized('1', 3, { id: 'c' })],
      ['n1', sized('1', 4, { id: 'd' })],
    ];
    expect(names(preempt(sized('2', 1000), snapshot([{ name: 'n1' }], placed), []))).toEqual({ node: 'n1', victims: ['b', 'a'] });
  });

  it('avoids nodes where a PodDisruptionBudget would be violated', () => {
    const pdb = { metadata: { name: 'db', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'db' } } }, status: { disruptionsAllowed: 0 } } as PodDisruptionBudget;
    const placed: [string, Pod][] = [
      ['n1', sized('4', 1, { id: 'db-0', app: 'db' })],
      ['n2', sized('4', 5, { id: 'web-0', app: 'web' })],
    ];
    expect(names(preempt(sized('2', 1000), snapshot(nodes, placed), [pdb]))).toEqual({ node: 'n2', victims: ['web-0'] });
    // Where every choice violates one, it still preempts.
    expect(names(preempt(sized('2', 1000), snapshot([{ name: 'n1' }], placed.slice(0, 1)), [pdb]))).toEqual({ node: 'n1', victims: ['db-0'] });
  });

  it.each([
    ['no pod of lower priority', sized('2', 0), [['n1', sized('4', 0)], ['n2', sized('4', 0)]], 'preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.'],
    ['preemptionPolicy Never', sized('2', 1000, {}, { preemptionPolicy: 'Never' }), [['n1', sized('4', 0)]], 'preemption: not eligible due to preemptionPolicy=Never.'],
    ['more than a node has even when empty', sized('8', 1000), [['n1', sized('4', 0)], ['n2', sized('4', 0)]], 'preemption: 0/2 nodes are available: 2 Insufficient cpu.'],
    ['nodes that fail for reasons no eviction changes', sized('2', 1000, {}, { nodeSelector: { disk: 'ssd' } }), [['n1', sized('4', 0)]], 'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.'],
  ] as const)('says why not: %s', (_name, p, placed, message) => {
    expect(names(preempt(p, snapshot(nodes, placed as never), []))).toBe(message);
  });

  it('waits while an earlier preemption is still terminating pods on its nominated node', () => {
    const p = { ...sized('2', 1000), status: { nominatedNodeName: 'n1' } } as Pod;
    const dying = sized('4', 0, {}, {});
    dying.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    expect(names(preempt(p, snapshot(nodes, [['n1', dying], ['n2', sized('4', 0)]]), []))).toBe('preemption: not eligible due to a terminating pod on the nominated node.');
  });

  it('counts what anti-affinity and spreading would allow once victims are gone', () => {
    const anti = { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: { app: 'solo' } } }] } } };
    const pending = sized('100m', 1000, { app: 'solo' }, anti);
    const one = [{ name: 'a1', zone: 'a' }, { name: 'b1', zone: 'b' }];
    const placeAll = (ns: { name: string }[]) => ns.map((n) => [n.name, sized('100m', 0, { app: 'solo', id: n.name })] as [string, Pod]);
    expect(names(preempt(pending, snapshot(one, placeAll(one)), []))).toEqual({ node: 'a1', victims: ['a1'] });
    // Two nodes per zone: evicting on one node leaves the other's pod in the zone.
    expect(names(preempt(pending, snapshot(ZONED, placeAll(ZONED)), []))).toBe("preemption: 0/6 nodes are available: 6 node(s) didn't match pod anti-affinity rules.");
  });
});
