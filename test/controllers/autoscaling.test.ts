// The HorizontalPodAutoscaler: Kubernetes' formula and tolerance, limits and stabilization, on
// simulated usage set by pod annotations.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/types.js';
import { HorizontalPodAutoscalerController, limitReplicas, replicasForRatio, scaleUpLimit, stabilize } from '../../src/controllers/horizontal-pod-autoscaler.js';
import { TestCluster } from '../cluster.js';

describe('the autoscaling formula', () => {
  it.each([
    // current, ready, usage/target, desired
    [3, 3, 1.05, 3], // within the 10 % tolerance
    [3, 3, 0.91, 3],
    [3, 3, 2.0, 6], // the docs' example: 200m used of a 100m target -> double
    [4, 4, 0.5, 2],
    [1, 1, 1.2, 2], // ceil(1.2)
    [4, 2, 2.0, 4], // two pods not ready count as using nothing: (2*2)/4 = 1 -> no change
    [4, 2, 0.4, 3], // ... and as exactly the target when scaling down: (0.4*2 + 2)/4 = 0.7 -> ceil(2.8)
  ])('%i replicas (%i ready) at ratio %f -> %i', (current, ready, ratio, want) => {
    expect(replicasForRatio(current, ready, ratio)).toBe(want);
  });
  it('limits a scale-up to double or +4 per period', () => {
    expect([1, 2, 4, 10].map(scaleUpLimit)).toEqual([5, 6, 8, 20]);
  });

  const s = 1000;
  const windows = { downMs: 300 * s, upMs: 0 };
  it.each([
    // history [t in s, recommendation], now (s), current, recommended, desired, kept history
    ['a scale-down waits for the highest of the window', [[0, 10], [100, 6]], 200, 10, 4, 10, [[0, 10], [100, 6], [200, 4]]],
    ['once the window passed, it goes to the highest since', [[0, 10], [100, 6]], 301, 10, 4, 6, [[100, 6], [301, 4]]],
    ['a scale-up goes at once, within max(2x, +4)', [[0, 2]], 15, 2, 20, 6, [[0, 2], [15, 20]]],
    ['no change when recommended equals current', [[0, 5]], 15, 5, 5, 5, [[0, 5], [15, 5]]],
  ] as [string, [number, number][], number, number, number, number, [number, number][]][])('%s', (_, history, now, current, recommended, desired, kept) => {
    const ms = (h: [number, number][]) => h.map(([t, d]) => [t * s, d]);
    expect(stabilize(ms(history) as [number, number][], now * s, current, recommended, windows)).toEqual({ desired, history: ms(kept) });
  });
  it('a scale-up window keeps the lowest recommendation of the window', () => {
    const r = stabilize([[0, 8], [10 * s, 6]], 20 * s, 4, 9, { downMs: 300 * s, upMs: 60 * s });
    expect(r.desired).toBe(6);
  });
  it.each([
    [5, 1, 10, { desired: 5 }],
    [12, 1, 10, { desired: 10, limit: 'max' }],
    [0, 2, 10, { desired: 2, limit: 'min' }],
  ])('limits %i to %i..%i', (desired, min, max, want) => {
    expect(limitReplicas(desired, min, max)).toEqual(want);
  });
});

const deployment = (name: string, replicas: number, annotations: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name }, annotations }, spec: { containers: [{ name: 'c', image: 'php-apache', resources: { requests: { cpu: '200m' } } }] } } },
});
const hpa = (name: string, min: number, max: number, cpu: number, behavior?: any): KubeObject => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, minReplicas: min, maxReplicas: max, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpu } } }], ...(behavior ? { behavior } : {}) },
});

describe('HorizontalPodAutoscaler', () => {
  it('scales up from simulated usage, capped at maxReplicas, with kubectl\'s event and conditions', () => {
    const k = new TestCluster();
    k.create(deployment('web', 2, { 'minik.dev/cpu-usage': '300m' })); // 150 % of the 200m request
    k.create(hpa('web', 1, 5, 50));
    k.run(2000);
    k.run(16_000);
    expect(k.get('deployments', 'web')!.spec.replicas).toBe(5); // ceil(2 * 3) = 6, capped at 5
    const h = k.get('horizontalpodautoscalers', 'web')!;
    expect(h.status.currentMetrics[0].resource.current.averageUtilization).toBe(150);
    expect(h.status.conditions.find((c: any) => c.type === 'ScalingLimited')).toMatchObject({ status: 'True', reason: 'TooManyReplicas' });
    expect(k.events('SuccessfulRescale')[0].message).toBe('New size: 5; reason: cpu resource utilization (percentage of request) above target');
  });

  it('scales down only after the 300 s stabilization window', () => {
    const k = new TestCluster();
    k.create(deployment('quiet', 4)); // default usage: a tenth of the request = 10 %
    k.create(hpa('quiet', 1, 10, 50));
    k.run(60_000, 500);
    expect(k.get('deployments', 'quiet')!.spec.replicas).toBe(4);
    k.run(260_000, 1000);
    expect(k.get('deployments', 'quiet')!.spec.replicas).toBe(1);
    expect(k.events('SuccessfulRescale')[0].message).toBe('New size: 1; reason: All metrics below target');
  });

  it('reads what processes measurably use, where the kubelet measures it', () => {
    const k = new TestCluster();
    // The kubelet's process runtime measured 400m for each of web's containers (twice the request).
    const i = k.loop.controllers.findIndex((c) => c.name === 'horizontal-pod-autoscaler');
    k.loop.controllers[i] = new HorizontalPodAutoscalerController((pod) => (pod.metadata.labels?.app === 'web' ? { milliCPU: 400, memory: 64 * 1024 * 1024 } : undefined));
    k.create(deployment('web', 2));
    k.create(hpa('web', 1, 10, 100));
    k.run(2000);
    k.run(16_000);
    expect(k.get('horizontalpodautoscalers', 'web')!.status.currentMetrics[0].resource.current.averageUtilization).toBe(200);
    expect(k.get('deployments', 'web')!.spec.replicas).toBe(4);
  });

  it('reports a missing CPU request', () => {
    const k = new TestCluster();
    const d = deployment('noreq', 1);
    d.spec.template.spec.containers[0].resources = {};
    k.create(d);
    k.create(hpa('noreq', 1, 3, 50));
    k.run(3000);
    k.run(15_000);
    const c = k.get('horizontalpodautoscalers', 'noreq')!.status.conditions.find((x: any) => x.type === 'ScalingActive');
    expect(c).toMatchObject({ status: 'False', reason: 'FailedGetResourceMetric' });
    expect(c.message).toMatch(/missing request for cpu in container c of Pod noreq-/);
  });
});
