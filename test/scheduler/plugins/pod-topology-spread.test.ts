// PodTopologySpread: filter and score cases with kube-scheduler's reasons.
import { describe, expect, it } from 'vitest';
import { SKIP } from '../../../src/scheduler/framework.js';
import { REASON_MISSING_LABEL, REASON_SPREAD, podTopologySpread, podTopologySpreadScore } from '../../../src/scheduler/plugins/pod-topology-spread.js';
import { type NodeSpec, ZONED, pod, scoresOf, snapshot, verdicts } from '../fixtures.js';

const ZONE = 'topology.kubernetes.io/zone';
const web = { app: 'web' };
const spread = (extra: object = {}, when = 'DoNotSchedule') => ({ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: ZONE, whenUnsatisfiable: when, labelSelector: { matchLabels: web }, ...extra }] });
const ok = 'ok';
const zoneVerdict = (a: string, b: string, c: string) => ({ a1: a, a2: a, b1: b, b2: b, c1: c, c2: c });

describe('PodTopologySpread filter', () => {
  it.each([
    ['zones a, b, c with 2, 1, 1 pods: maxSkew 1 refuses zone a', pod(web, spread()), [['a1', pod(web)], ['a2', pod(web)], ['b1', pod(web)], ['c1', pod(web)]], ZONED, zoneVerdict(REASON_SPREAD, ok, ok)],
    ['an empty cluster takes the first pod anywhere', pod(web, spread()), [], ZONED, zoneVerdict(ok, ok, ok)],
    ['maxSkew 2 allows one more', pod(web, spread({ maxSkew: 2 })), [['a1', pod(web)], ['b1', pod(web)]], ZONED, zoneVerdict(ok, ok, ok)],
    ['a pod that does not match its own selector does not count itself', pod({ app: 'other' }, spread()), [['a1', pod(web)]], ZONED, zoneVerdict(ok, ok, ok)],
    ['pods of other apps and terminating pods do not count', pod(web, spread()), [['a1', pod({ app: 'db' })], ['b1', pod(web, {}, { deletionTimestamp: '2026-01-01T00:00:00Z' })]], ZONED, zoneVerdict(ok, ok, ok)],
    ['a node without the key is refused as missing the label', pod(web, spread()), [], [...ZONED, { name: 'bare' }], { ...zoneVerdict(ok, ok, ok), bare: REASON_MISSING_LABEL }],
    ['minDomains above the domains there are makes the minimum 0', pod(web, spread({ minDomains: 4 })), [['a1', pod(web)], ['b1', pod(web)], ['c1', pod(web)]], ZONED, zoneVerdict(REASON_SPREAD, REASON_SPREAD, REASON_SPREAD)],
    ['minDomains met: the real minimum', pod(web, spread({ minDomains: 3 })), [['a1', pod(web)], ['b1', pod(web)], ['c1', pod(web)]], ZONED, zoneVerdict(ok, ok, ok)],
    [
      'nodeAffinityPolicy Honor (default): zones the pod cannot go to do not count',
      pod(web, { ...spread(), nodeSelector: { tier: 'x' } }),
      [['a1', pod(web)], ['b1', pod(web)]],
      ZONED.map((n) => (n.zone === 'c' ? n : { ...n, labels: { tier: 'x' } })),
      zoneVerdict(ok, ok, ok),
    ],
    [
      'nodeAffinityPolicy Ignore: every zone counts, and empty zone c holds the minimum at 0',
      pod(web, { ...spread({ nodeAffinityPolicy: 'Ignore' }), nodeSelector: { tier: 'x' } }),
      [['a1', pod(web)], ['b1', pod(web)]],
      ZONED.map((n) => (n.zone === 'c' ? n : { ...n, labels: { tier: 'x' } })),
      zoneVerdict(REASON_SPREAD, REASON_SPREAD, ok),
    ],
    ['nodeTaintsPolicy Ignore (default): a tainted empty zone still counts', pod(web, spread()), [['a1', pod(web)], ['b1', pod(web)]], ZONED.map((n) => (n.zone === 'c' ? { ...n, taints: [{ key: 'k', effect: 'NoSchedule' }] } : n)), zoneVerdict(REASON_SPREAD, REASON_SPREAD, ok)],
    ['nodeTaintsPolicy Honor: a zone of untolerated taints does not count', pod(web, spread({ nodeTaintsPolicy: 'Honor' })), [['a1', pod(web)], ['b1', pod(web)]], ZONED.map((n) => (n.zone === 'c' ? { ...n, taints: [{ key: 'k', effect: 'NoSchedule' }] } : n)), zoneVerdict(ok, ok, ok)],
    ['matchLabelKeys: only pods of the same revision count', pod({ ...web, 'pod-template-hash': 'new' }, spread({ matchLabelKeys: ['pod-template-hash'] })), [['a1', pod({ ...web, 'pod-template-hash': 'old' })], ['a2', pod({ ...web, 'pod-template-hash': 'old' })]], ZONED, zoneVerdict(ok, ok, ok)],
    ['without matchLabelKeys the old revision counts', pod({ ...web, 'pod-template-hash': 'new' }, spread()), [['a1', pod({ ...web, 'pod-template-hash': 'old' })], ['a2', pod({ ...web, 'pod-template-hash': 'old' })]], ZONED, zoneVerdict(REASON_SPREAD, ok, ok)],
  ] as const)('%s', (_name, p, placed, nodes, expected) => {
    expect(verdicts(podTopologySpread, p, snapshot(nodes as NodeSpec[], placed as never))).toEqual(expected);
  });

  it('ScheduleAnyway constraints are not filters', () => {
    expect(podTopologySpread.preFilter!(pod(web, spread({}, 'ScheduleAnyway')), snapshot(ZONED))).toBe(SKIP);
  });
});

describe('PodTopologySpread score', () => {
  const scores = (p: ReturnType<typeof pod>, placed: [string, ReturnType<typeof pod>][], nodes: NodeSpec[] = ZONED) => scoresOf(podTopologySpreadScore, p, snapshot(nodes, placed));
  const owned = (labels: Record<string, string>) => pod(labels, {}, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-1', controller: true }] });

  it('ScheduleAnyway prefers the zone with fewest matching pods (weights log(domains + 2))', () => {
    // a: 2 pods, b: 1, c: 0 -> raw round(n * log 5 + 0): 3, 2, 0 -> 100 * (3 + 0 - s) / 3.
    expect(scores(pod(web, spread({}, 'ScheduleAnyway')), [['a1', pod(web)], ['a2', pod(web)], ['b1', pod(web)]])).toEqual({ a1: 0, a2: 0, b1: 33, b2: 33, c1: 100, c2: 100 });
  });

  it('nodes without the key score 0 with explicit constraints', () => {
    expect(scores(pod(web, spread({}, 'ScheduleAnyway')), [], [...ZONED, { name: 'bare' }])).toMatchObject({ a1: 100, bare: 0 });
  });

  it('system defaults spread a controller\'s pods over nodes and zones', () => {
    const placed: [string, ReturnType<typeof pod>][] = [['a1', owned(web)], ['a2', owned(web)], ['b1', owned(web)]];
    const s = scores(owned(web), placed) as Record<string, number>;
    // Empty zone c scores highest, then b2 (zone b has one), then b1 and the nodes of zone a.
    expect(s.c1).toBe(100);
    expect(s.c1).toBe(s.c2);
    expect(s.b2).toBeGreaterThan(s.b1);
    expect(s.b1).toBeGreaterThan(s.a1);
  });

  it('system defaults leave a pod without a controller, or the first of its controller, alone', () => {
    expect(scores(pod(web), [['a1', pod(web)]])).toBe('skip');
    expect(scores(owned(web), [])).toBe('skip');
  });

  it('DoNotSchedule-only pods get no spread score', () => {
    expect(scores(pod(web, spread()), [['a1', pod(web)]])).toBe('skip');
  });
});
