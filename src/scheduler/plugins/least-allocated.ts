// NodeResourcesLeastAllocated: prefer the node with the most free CPU and memory after placing
// the pod. Score = mean over cpu and memory of (allocatable - requested) * 100 / allocatable.
// Worked example: 4000m allocatable, 1000m requested + 500m for the pod -> cpu 62.5; with memory
// at 50 the score is 56.25.
import { podRequests } from '../../api/pods.js';
import type { ScorePlugin } from '../framework.js';

function free(requested: number, allocatable: number): number {
  if (allocatable <= 0 || requested > allocatable) return 0;
  return ((allocatable - requested) * 100) / allocatable;
}

export const leastAllocated: ScorePlugin = {
  name: 'NodeResourcesLeastAllocated',
  weight: 1,
  // Once per pod: its requests, where pods without requests count as the scheduler's defaults
  // (100m CPU, 200Mi memory).
  preScore(pod) {
    const r = podRequests(pod);
    return { cpu: r.milliCPU || 100, mem: r.memory || 200 * 1024 * 1024 };
  },
  score(pod, n, state) {
    const s = (state ?? leastAllocated.preScore!(pod, [n], n.snapshot)) as { cpu: number; mem: number };
    return (free(n.requestedMilliCPU + s.cpu, n.allocatableMilliCPU) + free(n.requestedMemory + s.mem, n.allocatableMemory)) / 2;
  },
};
