// NodeAffinity: the pod's nodeSelector and required node affinity must match the node
// (matchExpressions on labels, matchFields on metadata.name).
import { matches } from '../../api/labels.js';
import { type FilterPlugin, SKIP } from '../framework.js';

export const REASON_AFFINITY = "node(s) didn't match Pod's node affinity/selector";

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

/** True when a node satisfies a pod's nodeSelector and requiredDuringScheduling node affinity. */
export function nodeMatchesPod(pod: { spec?: any }, node: { metadata: { name?: string; labels?: Record<string, string> } }): boolean {
  const sel: Record<string, string> | undefined = pod.spec?.nodeSelector;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required && (!sel || Object.keys(sel).length === 0)) return true; // the common case, per node per pod
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

export const nodeAffinity: FilterPlugin = {
  name: 'NodeAffinity',
  preFilter: (pod) => (!pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution && Object.keys(pod.spec?.nodeSelector ?? {}).length === 0 ? SKIP : undefined),
  filter: (pod, n) => (nodeMatchesPod(pod, n.node) ? undefined : REASON_AFFINITY),
};
