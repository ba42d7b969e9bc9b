// Pods: they start Pending with their QoS class; a delete gives a running pod its termination
// grace period (pkg/registry/core/pod/strategy.go).
import { parseQuantity } from '../../api/quantity.js';
import { resourceNamed } from '../../api/resources.js';
import type { Container, Pod } from '../../api/types.js';
import * as E from '../errors.js';
import { defineStrategy } from './strategy.js';

const PODS = resourceNamed('pods');

/**
 * POST pods/NAME/binding: sets spec.nodeName once, and the PodScheduled condition. A pod already
 * bound, or being deleted, is a Conflict, as in Kubernetes.
 */
function bind(cur: Pod, body: unknown, { now }: { now: string }): Pod {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { target?: { name?: unknown } };
  const nodeName = b.target?.name;
  if (typeof nodeName !== 'string' || nodeName === '') throw E.badRequest('Binding.target.name: Required value');
  const name = cur.metadata.name ?? '';
  if (cur.metadata.deletionTimestamp) throw E.conflict(PODS, name, 'pod is being deleted, cannot be assigned to a host');
  if (cur.spec?.nodeName) throw E.conflict(PODS, name, `pod ${name} is already assigned to node "${cur.spec.nodeName}"`);
  const conditions = (cur.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
  conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now });
  return { ...cur, spec: { ...cur.spec, nodeName }, status: { ...cur.status, conditions } };
}

/** The pod's QoS class (Guaranteed, Burstable or BestEffort), as the apiserver computes it on create. */
export function qosClass(containers: Container[]): string {
  let some = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) some = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || parseQuantity(q) !== parseQuantity(l)) guaranteed = false;
    }
  }
  if (!some) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** The condition a pod with scheduling gates is created with (the apiserver sets it, not the scheduler). */
export const SCHEDULING_GATED_MESSAGE = 'Scheduling is blocked due to non-empty scheduling gates';

/**
 * Folds a pod-affinity term's matchLabelKeys (and mismatchLabelKeys) into its labelSelector as
 * `key In (value)` (`NotIn`) with the pod's own label values, as v1.32's apiserver does on create.
 */
function applyMatchLabelKeys(pod: Pod): void {
  const labels = pod.metadata.labels ?? {};
  const a = pod.spec?.affinity;
  const terms = [a?.podAffinity, a?.podAntiAffinity].flatMap((x) => [...(x?.requiredDuringSchedulingIgnoredDuringExecution ?? []), ...(x?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm)]);
  for (const t of terms) {
    if (!t?.labelSelector) continue;
    const add = (keys: string[] | undefined, operator: 'In' | 'NotIn') => {
      for (const key of keys ?? []) if (key in labels) (t.labelSelector!.matchExpressions ??= []).push({ key, operator, values: [labels[key]] });
    };
    add(t.matchLabelKeys, 'In');
    add(t.mismatchLabelKeys, 'NotIn');
  }
}

defineStrategy(['Pod'], {
  internsParts: true,
  prepareForCreate(o) {
    applyMatchLabelKeys(o);
    if (o.spec?.schedulingGates?.length) {
      const conditions = (o.status?.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
      conditions.push({ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: SCHEDULING_GATED_MESSAGE, lastProbeTime: null, lastTransitionTime: o.metadata.creationTimestamp ?? undefined });
      o.status = { ...o.status, conditions };
    }
  },
  writeSubresource: (subresource, cur, body, ctx) => (subresource === 'binding' ? bind(cur, body, ctx) : undefined),
  initialStatus: (o) => ({ phase: 'Pending', qosClass: qosClass([...(o.spec?.initContainers ?? []), ...(o.spec?.containers ?? [])]) }),
  gracePeriod(cur, requested) {
    // A pod that never reached a node, or has finished, has nothing to stop: it goes at once.
    const terminal = cur.status?.phase === 'Succeeded' || cur.status?.phase === 'Failed';
    if (!cur.spec?.nodeName || terminal) return 0;
    return requested ?? cur.spec?.terminationGracePeriodSeconds ?? 30;
  },
});
