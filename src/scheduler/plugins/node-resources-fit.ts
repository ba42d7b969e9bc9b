// NodeResourcesFit: the pod's requests must fit in what the node has left: cpu, memory, the pod
// count, and any other resource the pod requests against the node's allocatable amount of it.
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
    let short: string[] | undefined;
    // Every other resource (ephemeral-storage, hugepages, extended resources such as
    // example.com/dongle): a node that does not advertise it has none.
    if (r.scalar) {
      for (const [name, amount] of r.scalar) {
        if (amount > (n.allocatableScalar.get(name) ?? 0) - (n.requestedScalar?.get(name) ?? 0)) (short ??= []).push(`Insufficient ${name}`);
      }
    }
    if (!pods && !cpu && !memory && !short) return undefined;
    const reasons: string[] = [];
    if (pods) reasons.push(REASON_PODS);
    if (cpu) reasons.push(REASON_CPU);
    if (memory) reasons.push(REASON_MEMORY);
    if (short) reasons.push(...short);
    return reasons.length === 1 ? reasons[0] : reasons;
  },
};
