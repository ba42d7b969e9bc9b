// NodeResourcesFit: requests against what each node has left, with kube-scheduler's reasons.
import { describe, expect, it } from 'vitest';
import { REASON_CPU, REASON_MEMORY, REASON_PODS, nodeResourcesFit } from '../../../src/scheduler/plugins/node-resources-fit.js';
import { pod, snapshot, verdicts } from '../fixtures.js';

const asking = (requests: Record<string, string>, extra: Record<string, unknown> = {}) => pod({}, { containers: [{ name: 'c', image: 'i', resources: { requests, limits: Object.fromEntries(Object.entries(requests).filter(([k]) => k.includes('/'))) } }], ...extra });

describe('NodeResourcesFit', () => {
  it.each([
    ['fits beside what runs', asking({ cpu: '1' }), [['n', asking({ cpu: '2' })]], {}, 'ok'],
    ['too much cpu', asking({ cpu: '3' }), [['n', asking({ cpu: '2' })]], {}, REASON_CPU],
    ['too much memory', asking({ memory: '9Gi' }), [], {}, REASON_MEMORY],
    ['every short resource is a reason', asking({ cpu: '5', memory: '9Gi' }), [], {}, [REASON_CPU, REASON_MEMORY]],
    ['an extended resource the node does not have', asking({ 'example.com/dongle': '1' }), [], {}, 'Insufficient example.com/dongle'],
    ['an extended resource the node has', asking({ 'example.com/dongle': '3' }), [], { 'example.com/dongle': '4' }, 'ok'],
    ['an extended resource already taken', asking({ 'example.com/dongle': '2' }), [['n', asking({ 'example.com/dongle': '3' })]], { 'example.com/dongle': '4' }, 'Insufficient example.com/dongle'],
    ['hugepages count like any other resource', asking({ 'hugepages-2Mi': '100Mi' }), [], { 'hugepages-2Mi': '64Mi' }, 'Insufficient hugepages-2Mi'],
    ['pod overhead is added to the requests', asking({ cpu: '3500m' }, { overhead: { cpu: '600m' } }), [], {}, REASON_CPU],
    ['init containers: the largest one counts if bigger', pod({}, { initContainers: [{ name: 'i', image: 'i', resources: { requests: { cpu: '5' } } }], containers: [{ name: 'c', image: 'i' }] }), [], {}, REASON_CPU],
    ['sidecars add to the app containers', pod({}, { initContainers: [{ name: 's', image: 'i', restartPolicy: 'Always', resources: { requests: { cpu: '2' } } }], containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '2500m' } } }] }), [], {}, REASON_CPU],
  ] as const)('%s', (_name, p, placed, extra, expected) => {
    expect(verdicts(nodeResourcesFit, p, snapshot([{ name: 'n', extra }], placed as never))).toEqual({ n: expected });
  });

  it('counts pods against the node\'s pod capacity', () => {
    const snap = snapshot([{ name: 'n', extra: { pods: '1' } }], [['n', pod()]]);
    expect(verdicts(nodeResourcesFit, pod(), snap)).toEqual({ n: REASON_PODS });
  });
});
