// NodeResourcesFit: the pod's requests must fit in what the node has left.
import { type PodRequests, podRequests } from '../../api/pods.js';
import type { FilterPlugin } from '../framework.js';

export const REASON_CPU = 'Insufficient cpu';
export const REASON_MEMORY = 'Insufficient memory';
export const REASON_PODS = 'Too many pods';

export const nodeResourcesFit: FilterPlugin = {
  name: 'NodeResourcesFit',
  preFilter: (pod) => podRequests(pod),
  // Every resource that is short is a reason, as kube-scheduler's fitsRequest lists them.
  filter(pod, n, state) {
    const r = (state as PodRequests | undefined) ?? podRequests(pod);
    const pods = n.requestedPods + 1 > n.allocatablePods;
    const cpu = r.milliCPU > 0 && n.requestedMilliCPU + r.milliCPU > n.allocatableMilliCPU;
    const memory = r.memory > 0 && n.requestedMemory + r.memory > n.allocatableMemory;
    if (!pods && !cpu && !memory) return undefined;
    const reasons: string[] = [];
    if (pods) reasons.push(REASON_PODS);
    if (cpu) reasons.push(REASON_CPU);
    if (memory) reasons.push(REASON_MEMORY);
    return reasons.length === 1 ? reasons[0] : reasons;
  },
};
