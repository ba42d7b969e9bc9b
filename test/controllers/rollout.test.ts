import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/types.js';
import { podsToDelete, slowStartBatches } from '../../src/api/pod-ranking.js';
import { podTemplateHash, sameTemplate } from '../../src/api/pod-template.js';
import { maxScaleDown, newRSReplicas, proportion, resolveFenceposts } from '../../src/controllers/rollout-arithmetic.js';

describe('rollout arithmetic', () => {
  it.each([
    // maxSurge rounds up, maxUnavailable rounds down (Deployment docs).
    ['25%', '25%', 10, { surge: 3, unavailable: 2 }],
    ['25%', '25%', 4, { surge: 1, unavailable: 1 }],
    ['25%', '25%', 3, { surge: 1, unavailable: 0 }],
    ['25%', '25%', 1, { surge: 1, unavailable: 0 }],
    [0, 0, 5, { surge: 0, unavailable: 1 }],
    [2, '50%', 5, { surge: 2, unavailable: 2 }],
    ['30%', '30%', 10, { surge: 3, unavailable: 3 }],
  ])('maxSurge %s, maxUnavailable %s of %d replicas', (surge, unavailable, replicas, expected) => {
    expect(resolveFenceposts(surge as any, unavailable as any, replicas)).toEqual(expected);
  });

  it.each([
    [10, 3, 10, 0, 3],
    [10, 3, 13, 3, 3],
    [10, 3, 11, 3, 5],
    [3, 1, 3, 0, 1],
    [3, 1, 4, 3, 3],
  ])('new RS of %d replicas, surge %d, %d total, %d new -> %d', (replicas, surge, total, cur, expected) => {
    expect(newRSReplicas(replicas, surge, total, cur)).toBe(expected);
  });

  it.each([
    [10, 2, 13, 3, 2],
    [10, 2, 13, 0, 5],
    [3, 0, 4, 1, 0],
    [3, 0, 4, 0, 1],
  ])('%d replicas, unavailable %d, %d total, %d new unavailable -> %d may go', (replicas, unavailable, total, newUnavailable, expected) => {
    expect(maxScaleDown(replicas, unavailable, total, newUnavailable)).toBe(expected);
  });

  it.each([
    // The Deployment docs' example: 10 -> 15 replicas (surge 3) mid-rollout, old RS 8, new RS 5.
    ['old RS of 8', 8, 13, 18, 5, 0, 15, 3],
    ['then the new RS of 5', 5, 13, 18, 5, 3, 15, 2],
    ['scaling down to 5: old RS of 8', 8, 13, 8, -5, 0, 5, -3],
    ['scaling to 0 takes everything', 8, 13, 0, -13, 0, 0, -8],
    ['an empty RS gets nothing', 0, 13, 18, 5, 0, 15, 0],
  ])('proportion: %s', (_name, size, annotated, allowed, toAdd, added, replicas, expected) => {
    expect(proportion(size, annotated, allowed, toAdd, added, replicas)).toBe(expected);
  });

  it('hashes templates stably, ignoring the hash label and key order', () => {
    const a = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } };
    const b = { spec: { containers: [{ image: 'nginx:1.27', name: 'c' }] }, metadata: { creationTimestamp: null, labels: { 'pod-template-hash': 'x', app: 'web' } } };
    expect(podTemplateHash(a)).toBe(podTemplateHash(b));
    expect(podTemplateHash(a)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(sameTemplate(a, b)).toBe(true);
    expect(podTemplateHash({ ...a, spec: { containers: [{ name: 'c', image: 'nginx:1.28' }] } })).not.toBe(podTemplateHash(a));
    expect(podTemplateHash(a, 1)).not.toBe(podTemplateHash(a));
  });
});

describe('ReplicaSet scale-down order and slow start', () => {
  const p = (name: string, opts: { node?: string; phase?: string; ready?: boolean; readyAt?: string; created?: string; restarts?: number } = {}): KubeObject => ({
    metadata: { name, creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z' },
    spec: { nodeName: opts.node, containers: [] },
    status: {
      phase: opts.phase ?? 'Running',
      conditions: opts.ready ? [{ type: 'Ready', status: 'True', lastTransitionTime: opts.readyAt ?? '2026-01-01T00:01:00Z' }] : [],
      containerStatuses: [{ name: 'c', restartCount: opts.restarts ?? 0 }],
    },
  });
  it('deletes unscheduled, then pending, then not ready, then recently ready, then restarting, then newer pods first', () => {
    const pods = [
      p('ready-old', { node: 'n', ready: true, readyAt: '2026-01-01T00:01:00Z' }),
      p('ready-new', { node: 'n', ready: true, readyAt: '2026-01-01T00:05:00Z' }),
      p('unscheduled', { phase: 'Pending' }),
      p('pending', { node: 'n', phase: 'Pending' }),
      p('not-ready', { node: 'n' }),
      p('not-ready-restarting', { node: 'n', restarts: 3 }),
    ];
    expect(podsToDelete(pods, 6).map((x) => x.metadata.name)).toEqual(['unscheduled', 'pending', 'not-ready-restarting', 'not-ready', 'ready-new', 'ready-old']);
    expect(podsToDelete(pods, 2).map((x) => x.metadata.name)).toEqual(['unscheduled', 'pending']);
  });
  it.each([
    [0, []],
    [1, [1]],
    [7, [1, 2, 4]],
    [10, [1, 2, 4, 3]],
  ])('slow start creates %d pods in batches %j', (n, batches) => expect(slowStartBatches(n)).toEqual(batches));
});
