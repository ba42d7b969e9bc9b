// The Job controller's pure decisions for v1.32's failure and success policies: which
// podFailurePolicy rule a failed pod matches (and the Job condition message it gives), and
// whether a successPolicy rule is met. Worked example: rules [FailJob on exit code 42, Ignore on
// DisruptionTarget]: a pod whose container `main` exited 42 fails the Job with "Container main
// for pod default/p failed with exit code 42 matching FailJob rule at index 0"; a preempted pod
// is replaced without counting against backoffLimit.
import type { ContainerStatus, Pod, PodFailurePolicyRule, SuccessPolicyRule } from '../api/types.js';

export type FailureAction = PodFailurePolicyRule['action'];

/** The first container (app, then init) that exited non-zero and matches the requirement. */
function matchingContainer(req: NonNullable<PodFailurePolicyRule['onExitCodes']>, statuses: ContainerStatus[]): { name: string; code: number } | undefined {
  for (const s of statuses) {
    const code = s.state?.terminated?.exitCode;
    if (code === undefined || code === 0) continue;
    if (req.containerName && req.containerName !== s.name) continue;
    const listed = req.values.includes(code);
    if (req.operator === 'In' ? listed : !listed) return { name: s.name, code };
  }
  return undefined;
}

/**
 * The action of the first rule a failed pod matches, with the message kube-controller-manager
 * gives it; undefined when none matches (the failure counts, as with Count).
 */
export function matchFailurePolicy(rules: PodFailurePolicyRule[], pod: Pod): { action: FailureAction; message: string } | undefined {
  const who = `${pod.metadata.namespace}/${pod.metadata.name}`;
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    if (r.onExitCodes) {
      const c = matchingContainer(r.onExitCodes, [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]);
      if (c) return { action: r.action, message: `Container ${c.name} for pod ${who} failed with exit code ${c.code} matching ${r.action} rule at index ${i}` };
    }
    for (const want of r.onPodConditions ?? []) {
      if (!want) continue;
      const has = (pod.status?.conditions ?? []).some((c) => c.type === want.type && c.status === (want.status ?? 'True'));
      if (has) return { action: r.action, message: `Pod ${who} has condition ${want.type} matching ${r.action} rule at index ${i}` };
    }
  }
  return undefined;
}

/** The index of the first successPolicy rule the succeeded indexes meet, or undefined. */
export function metSuccessRule(rules: SuccessPolicyRule[], succeeded: Set<number>, parse: (s: string) => number[]): number | undefined {
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    const among = r.succeededIndexes !== undefined ? parse(r.succeededIndexes) : undefined;
    const done = among ? among.filter((x) => succeeded.has(x)).length : succeeded.size;
    // With indexes: all of them, or succeededCount of them; without: succeededCount indexes.
    const needed = r.succeededCount ?? (among ? among.length : Infinity);
    if (done >= needed) return i;
  }
  return undefined;
}
