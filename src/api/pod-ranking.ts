// Which pods a ReplicaSet deletes first when it scales down (kube-controller-manager's
// ActivePods ranking): unscheduled before scheduled, Pending before Unknown before Running, not
// ready before ready, ready for less time before longer, more restarts before fewer, newer
// before older. Pure, and tested with a table.
import { isPodReady, readySince } from './pods.js';
import type { Pod } from './types.js';

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function restarts(p: Pod): number {
  return (p.status?.containerStatuses ?? []).reduce((n, c) => Math.max(n, c.restartCount ?? 0), 0);
}

/** Compares two pods: negative when `a` should be deleted before `b`. */
export function deletionOrder(a: Pod, b: Pod): number {
  const assigned = (p: Pod) => (p.spec?.nodeName ? 1 : 0);
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
  const phase = (p: Pod) => PHASE_RANK[p.status?.phase ?? 'Pending'] ?? 0;
  if (phase(a) !== phase(b)) return phase(a) - phase(b);
  const ready = (p: Pod) => (isPodReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  if (ready(a) && ready(b)) {
    const sa = readySince(a) ?? 0;
    const sb = readySince(b) ?? 0;
    if (sa !== sb) return sb - sa; // ready more recently goes first
  }
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  const ca = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const cb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  if (ca !== cb) return cb - ca; // newer first
  return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? 1 : -1;
}

/** The `n` pods to delete, in the order they go. */
export function podsToDelete<P extends Pod>(pods: P[], n: number): P[] {
  return [...pods].sort(deletionOrder).slice(0, Math.max(0, n));
}

/**
 * Slow start (SlowStartInitialBatchSize = 1): creations go in batches of 1, 2, 4, 8, ... so that a
 * broken template fails fast. Returns the batch sizes for `n` creations: 7 -> [1, 2, 4].
 */
export function slowStartBatches(n: number): number[] {
  const out: number[] = [];
  let size = 1;
  let left = n;
  while (left > 0) {
    const b = Math.min(size, left);
    out.push(b);
    left -= b;
    size *= 2;
  }
  return out;
}
