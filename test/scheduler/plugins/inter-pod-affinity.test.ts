// InterPodAffinity: filter and score cases with kube-scheduler's reasons.
import { describe, expect, it } from 'vitest';
import { SKIP } from '../../../src/scheduler/framework.js';
import { REASON_AFFINITY, REASON_ANTI_AFFINITY, REASON_EXISTING_ANTI_AFFINITY, interPodAffinity, interPodAffinityScore } from '../../../src/scheduler/plugins/inter-pod-affinity.js';
import { ZONED, pod, scoresOf, snapshot, verdicts } from '../fixtures.js';

const HOST = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const term = (key: string, labelSelector: object | undefined, extra: object = {}) => ({ topologyKey: key, ...(labelSelector ? { labelSelector } : {}), ...extra });
const affinity = (...required: object[]) => ({ affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required } } });
const anti = (...required: object[]) => ({ affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: required } } });
const cache = { app: 'cache' };
const web = { app: 'web' };

describe('InterPodAffinity filter', () => {
  const ok = 'ok';
  it.each([
    ['affinity to a zone with a matching pod', pod(web, affinity(term(ZONE, { matchLabels: cache }))), [['b2', pod(cache)]], { a1: REASON_AFFINITY, a2: REASON_AFFINITY, b1: ok, b2: ok, c1: REASON_AFFINITY, c2: REASON_AFFINITY }],
    ['affinity on hostname: only the node itself', pod(web, affinity(term(HOST, { matchLabels: cache }))), [['b2', pod(cache)]], { a1: REASON_AFFINITY, a2: REASON_AFFINITY, b1: REASON_AFFINITY, b2: ok, c1: REASON_AFFINITY, c2: REASON_AFFINITY }],
    ['no matching pod anywhere, and the pod does not match itself: Pending', pod(web, affinity(term(ZONE, { matchLabels: cache }))), [], Object.fromEntries(ZONED.map((n) => [n.name, REASON_AFFINITY]))],
    ['no matching pod anywhere, but the pod matches itself: the first of its group goes anywhere', pod(cache, affinity(term(ZONE, { matchLabels: cache }))), [], Object.fromEntries(ZONED.map((n) => [n.name, ok]))],
    ['a term without labelSelector matches no pod', pod(web, affinity(term(ZONE, undefined))), [['a1', pod(cache)]], Object.fromEntries(ZONED.map((n) => [n.name, REASON_AFFINITY]))],
    ['a node without the topology key cannot satisfy affinity', pod(web, affinity(term('rack', { matchLabels: cache }))), [['a1', pod(cache)]], Object.fromEntries(ZONED.map((n) => [n.name, REASON_AFFINITY]))],
    ['pods of other namespaces do not count by default', pod(web, affinity(term(ZONE, { matchLabels: cache }))), [['a1', pod(cache, {}, { namespace: 'other' })]], Object.fromEntries(ZONED.map((n) => [n.name, REASON_AFFINITY]))],
    ['namespaces lists the other namespace', pod(web, affinity(term(ZONE, { matchLabels: cache }, { namespaces: ['other'] }))), [['a1', pod(cache, {}, { namespace: 'other' })]], { a1: ok, a2: ok, b1: REASON_AFFINITY, b2: REASON_AFFINITY, c1: REASON_AFFINITY, c2: REASON_AFFINITY }],
    ['an empty namespaceSelector means every namespace', pod(web, affinity(term(ZONE, { matchLabels: cache }, { namespaceSelector: {} }))), [['c1', pod(cache, {}, { namespace: 'other' })]], { a1: REASON_AFFINITY, a2: REASON_AFFINITY, b1: REASON_AFFINITY, b2: REASON_AFFINITY, c1: ok, c2: ok }],
    ['a namespaceSelector matches namespace labels', pod(web, affinity(term(ZONE, { matchLabels: cache }, { namespaceSelector: { matchLabels: { team: 'x' } } }))), [['c1', pod(cache, {}, { namespace: 'teamx' })], ['a1', pod(cache, {}, { namespace: 'teamy' })]], { a1: REASON_AFFINITY, a2: REASON_AFFINITY, b1: REASON_AFFINITY, b2: REASON_AFFINITY, c1: ok, c2: ok }],
    ['every affinity term must be met by the same pods', pod(web, affinity(term(ZONE, { matchLabels: cache }), term(HOST, { matchLabels: { tier: 'db' } }))), [['a1', pod(cache)], ['a2', pod({ tier: 'db' })]], Object.fromEntries(ZONED.map((n) => [n.name, REASON_AFFINITY]))],
    ['anti-affinity on hostname keeps replicas apart', pod(web, anti(term(HOST, { matchLabels: web }))), [['a1', pod(web)], ['b1', pod(web)]], { a1: REASON_ANTI_AFFINITY, a2: ok, b1: REASON_ANTI_AFFINITY, b2: ok, c1: ok, c2: ok }],
    ['anti-affinity on zone rules out the whole zone', pod(web, anti(term(ZONE, { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] }))), [['a1', pod({ app: 'api' })]], { a1: REASON_ANTI_AFFINITY, a2: REASON_ANTI_AFFINITY, b1: ok, b2: ok, c1: ok, c2: ok }],
    ['anti-affinity without labelSelector repels nothing', pod(web, anti(term(HOST, undefined))), [['a1', pod(web)]], Object.fromEntries(ZONED.map((n) => [n.name, ok]))],
    ["an existing pod's anti-affinity repels the incoming pod", pod(web), [['b1', pod(cache, anti(term(ZONE, { matchLabels: web })))]], { a1: ok, a2: ok, b1: REASON_EXISTING_ANTI_AFFINITY, b2: REASON_EXISTING_ANTI_AFFINITY, c1: ok, c2: ok }],
    ["an existing pod's anti-affinity that does not match is no obstacle", pod({ app: 'other' }), [['b1', pod(cache, anti(term(ZONE, { matchLabels: web })))]], Object.fromEntries(ZONED.map((n) => [n.name, ok]))],
  ] as const)('%s', (_name, p, placed, expected) => {
    const snap = snapshot(ZONED, placed as never, { teamx: { team: 'x' }, teamy: { team: 'y' } });
    expect(verdicts(interPodAffinity, p, snap)).toEqual(expected);
  });

  it('skips pods without terms when no running pod has required anti-affinity', () => {
    expect(interPodAffinity.preFilter!(pod(web), snapshot(ZONED, [['a1', pod(web)]]))).toBe(SKIP);
  });

  it('only the affinity rejection is beyond preemption', () => {
    const u = interPodAffinity.unresolvable as (r: string) => boolean;
    expect([REASON_AFFINITY, REASON_ANTI_AFFINITY, REASON_EXISTING_ANTI_AFFINITY].map(u)).toEqual([true, false, false]);
  });
});

describe('InterPodAffinity score', () => {
  const scores = (p: ReturnType<typeof pod>, placed: [string, ReturnType<typeof pod>][]) => scoresOf(interPodAffinityScore, p, snapshot(ZONED, placed));
  const preferred = (kind: 'podAffinity' | 'podAntiAffinity', weight: number, t: object) => ({ affinity: { [kind]: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight, podAffinityTerm: t }] } } });

  it.each([
    ['preferred affinity ranks the zone with the matching pod highest', pod(web, preferred('podAffinity', 50, term(ZONE, { matchLabels: cache }))), [['b1', pod(cache)]], { a1: 0, a2: 0, b1: 100, b2: 100, c1: 0, c2: 0 }],
    ['preferred anti-affinity ranks that zone lowest', pod(web, preferred('podAntiAffinity', 50, term(ZONE, { matchLabels: cache }))), [['b1', pod(cache)]], { a1: 100, a2: 100, b1: 0, b2: 0, c1: 100, c2: 100 }],
    ['weights add up per matching pod', pod(web, preferred('podAffinity', 10, term(ZONE, { matchLabels: cache }))), [['a1', pod(cache)], ['b1', pod(cache)], ['b2', pod(cache)]], { a1: 50, a2: 50, b1: 100, b2: 100, c1: 0, c2: 0 }],
    ["an existing pod's required affinity that the pod matches draws it (hardPodAffinityWeight 1)", pod(web), [['c2', pod(cache, affinity(term(HOST, { matchLabels: web })))]], { a1: 0, a2: 0, b1: 0, b2: 0, c1: 0, c2: 100 }],
    ['nothing to prefer: skipped', pod(web), [['a1', pod(cache)]], 'skip'],
  ] as const)('%s', (_name, p, placed, expected) => {
    expect(scores(p, placed as never)).toEqual(expected);
  });
});
