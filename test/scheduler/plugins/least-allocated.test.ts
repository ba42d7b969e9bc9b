// NodeResourcesLeastAllocated: the node with the most free cpu and memory after the pod scores highest.
import { describe, expect, it } from 'vitest';
import { leastAllocated } from '../../../src/scheduler/plugins/least-allocated.js';
import { pod, scoresOf, snapshot } from '../fixtures.js';

const asking = (cpu: string, memory: string) => pod({}, { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu, memory } } }] });

describe('NodeResourcesLeastAllocated', () => {
  it('scores the mean free share of cpu and memory (worked example: 62.5 and 50 -> 56.25)', () => {
    const snap = snapshot([{ name: 'busy' }, { name: 'idle' }], [['busy', asking('1', '2Gi')]]);
    // busy: cpu (4000 - 1500) / 4000 = 62.5, memory (8Gi - 4Gi) / 8Gi = 50; idle: 87.5 and 75.
    expect(scoresOf(leastAllocated, asking('500m', '2Gi'), snap)).toEqual({ busy: 56.25, idle: 81.25 });
  });

  it('counts a pod without requests as 100m and 200Mi', () => {
    const s = scoresOf(leastAllocated, pod(), snapshot([{ name: 'n' }])) as Record<string, number>;
    expect(s.n).toBeCloseTo(((3900 / 4000) * 100 + ((8192 - 200) / 8192) * 100) / 2, 6);
  });
});
