// Every delay of a simulated node, in one table: what happens when, from a pod's binding to its
// removal, and how the node reports itself. Change a timing here; the stages (lifecycle.ts) and
// container steps (containers.ts) read it. How long a simulated program runs is the program's
// (sim/program.ts: DEFAULT_RUN_SECONDS, OOM_AFTER_SECONDS), set per container by annotations.
export const TIMINGS = {
  /** Node status and Lease renewal (the kubelet's --node-status-update-frequency). */
  heartbeatMs: 10_000,
  /** A bound pod's containers start this long after the kubelet accepts it (sandbox, pull, create). */
  containerStartMs: 500,
  /** How long ErrImagePull shows before the kubelet's next sync turns it into ImagePullBackOff. */
  errImagePullMs: 1000,
  /** Restart back-off after a crash (and image pull back-off): the first restart is immediate, then 10 s doubling... */
  backoffInitialMs: 10_000,
  /** ...up to 5 minutes (the kubelet's MaxContainerBackOff)... */
  backoffMaxMs: 300_000,
  /** ...and reset for a container that ran this long before exiting. */
  backoffResetMs: 600_000,
  /** How long a simulated app takes to exit after SIGTERM, unless `minik.dev/termination-seconds` says. */
  terminationSeconds: 1,
} as const;
