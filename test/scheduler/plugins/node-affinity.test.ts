// NodeAffinity: nodeSelector and required node affinity filter; preferred terms score.
import { describe, expect, it } from 'vitest';
import { REASON_AFFINITY, nodeAffinity, nodeAffinityScore } from '../../../src/scheduler/plugins/node-affinity.js';
import { pod, scoresOf, snapshot, verdicts } from '../fixtures.js';

const nodes = [{ name: 'n1', labels: { disk: 'ssd', gen: '3' } }, { name: 'n2', labels: { disk: 'hdd', gen: '5' } }, { name: 'n3' }];
const required = (...nodeSelectorTerms: object[]) => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms } } } });

describe('NodeAffinity filter', () => {
  it.each([
    ['nodeSelector', pod({}, { nodeSelector: { disk: 'ssd' } }), { n1: 'ok', n2: REASON_AFFINITY, n3: REASON_AFFINITY }],
    ['In', pod({}, required({ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd', 'hdd'] }] })), { n1: 'ok', n2: 'ok', n3: REASON_AFFINITY }],
    ['NotIn matches nodes without the label', pod({}, required({ matchExpressions: [{ key: 'disk', operator: 'NotIn', values: ['ssd'] }] })), { n1: REASON_AFFINITY, n2: 'ok', n3: 'ok' }],
    ['DoesNotExist', pod({}, required({ matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] })), { n1: REASON_AFFINITY, n2: REASON_AFFINITY, n3: 'ok' }],
    ['Gt', pod({}, required({ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['4'] }] })), { n1: REASON_AFFINITY, n2: 'ok', n3: REASON_AFFINITY }],
    ['terms are ORed', pod({}, required({ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n3'] }] })), { n1: 'ok', n2: REASON_AFFINITY, n3: 'ok' }],
    ['an empty term matches nothing', pod({}, required({})), { n1: REASON_AFFINITY, n2: REASON_AFFINITY, n3: REASON_AFFINITY }],
  ])('%s', (_name, p, expected) => {
    expect(verdicts(nodeAffinity, p, snapshot(nodes))).toEqual(expected);
  });
});

describe('NodeAffinity score', () => {
  const preferred = (...terms: [number, object][]) => pod({}, { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: terms.map(([weight, preference]) => ({ weight, preference })) } } });
  it.each([
    ['the summed weights of matching terms, scaled to the best', preferred([80, { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }], [20, { matchExpressions: [{ key: 'gen', operator: 'Exists' }] }]), { n1: 100, n2: 20, n3: 0 }],
    ['no preferences: skipped', pod(), 'skip'],
  ])('%s', (_name, p, expected) => {
    expect(scoresOf(nodeAffinityScore, p, snapshot(nodes))).toEqual(expected);
  });
});
