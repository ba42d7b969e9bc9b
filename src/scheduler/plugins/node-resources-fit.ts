// NodeResourcesFit: the pod's requests must fit in what the node has left.
import { type PodRequests, podRequests } from '../../api/pods.js';
import type { FilterPlugin } from '../framework.js';

export const REASON_CPU = 'Insufficient cpu';
export const REASON_MEMORY = 'Insufficient memory';
export const REASON_PODS = 'Too many pods';

export const nodeResourcesFit: FilterPlugin = {
  name: 'NodeResourcesFit',
  preFilter: (pod) => podRequests(pod),
  filter(pod, n, state) {
    if (n.requestedPods + 1 > n.allocatablePods) return REASON_PODS;
    const r = (state as PodRequests | undefined) ?? podRequests(pod);
    if (r.milliCPU > 0 && n.requestedMilliCPU + r.milliCPU > n.allocatableMilliCPU) return REASON_CPU;
    if (r.memory > 0 && n.requestedMemory + r.memory > n.allocatableMemory) return REASON_MEMORY;
    return undefined;
  },
};
