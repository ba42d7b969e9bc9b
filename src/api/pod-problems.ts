// Why a pod is not ready yet, in one line, from what its status says: unschedulable (the
// scheduler's message), waiting to mount, a container waiting (CrashLoopBackOff, ImagePullBackOff,
// ... with its message or last exit), or running but not ready. What `rollout status` and `wait`
// show while they wait, and when a rollout exceeds its deadline.
import { isPodReady } from './pods.js';
import type { Pod } from './types.js';

/** The pod's problem, or undefined when it is ready or has none to tell yet. */
export function podProblem(pod: Pod): string | undefined {
  if (isPodReady(pod)) return undefined;
  const conditions = pod.status?.conditions ?? [];
  const scheduled = conditions.find((c) => c.type === 'PodScheduled');
  if (!pod.spec?.nodeName && scheduled?.status === 'False') return `Pending: ${scheduled.message ?? scheduled.reason ?? 'unschedulable'}`;
  const mount = conditions.find((c) => c.type === 'PodReadyToStartContainers' && c.status === 'False' && c.reason === 'MountFailed');
  if (mount) return `ContainerCreating: ${mount.message}`;
  for (const c of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = c.state?.waiting;
    if (!waiting?.reason || waiting.reason === 'ContainerCreating' || waiting.reason === 'PodInitializing') continue;
    const last = c.lastState?.terminated;
    const detail = waiting.reason === 'CrashLoopBackOff' && last ? `last exit: ${last.reason ?? 'Error'}, exit code ${last.exitCode}` : waiting.message;
    return `${c.name} ${waiting.reason}${detail ? `: ${detail}` : ''}`;
  }
  const phase = pod.status?.phase ?? 'Pending';
  if (phase === 'Failed' || phase === 'Succeeded') return phase;
  const ready = conditions.find((c) => c.type === 'Ready' && c.status === 'False');
  if (phase === 'Running' && ready?.message) return `not ready: ${ready.message}`;
  return phase;
}

/**
 * One line on a set of pods: how many are ready, and the first not-ready pod's problem:
 * `2/3 pods ready; web-x Pending: 0/3 nodes are available: 3 Insufficient cpu.`
 */
export function podsProgress(pods: Pod[]): string {
  const ready = pods.filter(isPodReady).length;
  const head = `${ready}/${pods.length} pods ready`;
  for (const p of pods) {
    const problem = podProblem(p);
    if (problem) return `${head}; ${p.metadata.name} ${problem}`;
  }
  return head;
}
