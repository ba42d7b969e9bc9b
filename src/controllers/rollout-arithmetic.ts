// The arithmetic of a Deployment rollout, as pure functions (kube-controller-manager's
// deployment util). Tested with the examples from the Kubernetes docs.

/**
 * Resolves maxSurge/maxUnavailable against the replica count: maxSurge rounds up,
 * maxUnavailable rounds down, and they are never both 0 (then maxUnavailable becomes 1).
 * Worked example (the defaults, 25%/25%, 10 replicas): surge ceil(2.5) = 3, unavailable floor(2.5) = 2.
 * With 1 replica: surge ceil(0.25) = 1, unavailable floor(0.25) = 0.
 */
export function resolveFenceposts(maxSurge: number | string | undefined, maxUnavailable: number | string | undefined, replicas: number): { surge: number; unavailable: number } {
  const scaled = (v: number | string | undefined, def: string, roundUp: boolean) => {
    const x = v ?? def;
    if (typeof x === 'number') return x;
    const pct = Number(x.replace('%', ''));
    const raw = (pct * replicas) / 100;
    return roundUp ? Math.ceil(raw) : Math.floor(raw);
  };
  const surge = scaled(maxSurge, '25%', true);
  let unavailable = scaled(maxUnavailable, '25%', false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/**
 * How many replicas the new ReplicaSet should have now during a rolling update: it may grow
 * until all ReplicaSets together reach replicas + maxSurge.
 * Worked example: 10 replicas, surge 3, old RS at 10, new RS at 0 -> max total 13, room 3 -> new RS 3.
 */
export function newRSReplicas(replicas: number, surge: number, totalCurrent: number, newCurrent: number): number {
  const maxTotal = replicas + surge;
  if (totalCurrent >= maxTotal) return newCurrent;
  const scaleUp = Math.min(maxTotal - totalCurrent, replicas - newCurrent);
  return newCurrent + Math.max(0, scaleUp);
}

/**
 * How many old replicas may go now: enough to keep replicas - maxUnavailable available,
 * counting the new ReplicaSet's not-yet-available pods as unavailable.
 * Worked example: 10 replicas, unavailable 2, 13 pods in total (10 old available, 3 new not
 * yet available) -> min available 8; 13 - 8 - 3 = 2 old pods may be scaled down.
 */
export function maxScaleDown(replicas: number, unavailable: number, totalCurrent: number, newRSUnavailable: number): number {
  const minAvailable = replicas - unavailable;
  return Math.max(0, totalCurrent - minAvailable - newRSUnavailable);
}

/**
 * A ReplicaSet's share of a scaling event (getProportion): its size times the new total over the
 * total it was sized for (the max-replicas annotation), rounded, minus its size; never more than
 * what is left to hand out. Worked example from the Deployment docs: 10 replicas (surge 3) scaled
 * to 15 mid-rollout, old RS 8 and new RS 5, both annotated max-replicas 13: 18 allowed, 5 to add;
 * old 8 * 18 / 13 = 11.08 -> +3, new 5 * 18 / 13 = 6.92 -> +2.
 */
export function proportion(rsReplicas: number, annotatedMax: number, allowedTotal: number, toAdd: number, added: number, deploymentReplicas: number): number {
  if (rsReplicas === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = deploymentReplicas === 0 ? -rsReplicas : Math.round((rsReplicas * allowedTotal) / annotatedMax) - rsReplicas;
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}
