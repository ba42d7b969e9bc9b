// Scheduling predicates the API defines and more than one component applies: whether a node
// satisfies a pod's nodeSelector and required node affinity, and whether tolerations match a
// taint. kube-scheduler's NodeAffinity and TaintToleration plugins and the DaemonSet controller
// (which places its pods itself) share them.
import { matches } from './labels.js';
import type { PodSpec, Toleration } from './types.js';

interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(values[0]);
  }
  return false;
}

type NodeConstrained = { spec?: Pick<PodSpec, 'nodeSelector' | 'affinity'> };

/** True when a pod restricts its nodes: a nodeSelector or required node affinity. */
export function constrainsNodes(pod: NodeConstrained): boolean {
  const sel = pod.spec?.nodeSelector;
  return !!pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution || (!!sel && Object.keys(sel).length > 0);
}

/** True when a node satisfies a pod's nodeSelector and requiredDuringScheduling node affinity. */
export function nodeMatchesPod(pod: NodeConstrained, node: { metadata: { name?: string; labels?: Record<string, string> } }): boolean {
  if (!constrainsNodes(pod)) return true; // the common case, per node per pod
  const sel = pod.spec?.nodeSelector;
  const labels = node.metadata.labels ?? {};
  if (sel && !matches(Object.entries(sel).map(([key, v]) => ({ key, op: '=' as const, values: [v] })), labels)) return false;
  const terms: { matchExpressions?: NodeSelectorRequirement[]; matchFields?: NodeSelectorRequirement[] }[] =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length === 0) return true;
  // Terms are ORed; the requirements inside one term are ANDed.
  return terms.some(
    (t) =>
      (t.matchExpressions?.length || t.matchFields?.length) &&
      (t.matchExpressions ?? []).every((r) => requirementMatches(r, labels[r.key])) &&
      (t.matchFields ?? []).every((r) => requirementMatches(r, r.key === 'metadata.name' ? node.metadata.name : undefined)),
  );
}

/** A node taint. */
export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

/** True when one of the tolerations matches the taint (key, value and effect, as the API defines). */
export function tolerates(tolerations: Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (!t.key) return t.operator === 'Exists';
    if (t.key !== taint.key) return false;
    return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
  });
}
