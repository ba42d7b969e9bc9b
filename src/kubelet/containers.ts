// One container's life on a simulated node: created, started, probed, exited, restarted with
// CrashLoopBackOff. Pure: given the container's last status and the time, it says what the status
// is now, which events the kubelet records, and when something happens next.
import { rfc3339 } from '../api/duration.js';
import type { Container, ContainerStatus, Pod, Probe } from '../api/types.js';
import { OOM_AFTER_SECONDS, exceedsMemoryLimit, programOf } from '../sim/program.js';
import { invalidImage, pullAttempt, pullError } from './images.js';
import { TIMINGS } from './timings.js';
import type { ProcessObservation } from './process/runtime.js';

/** What the kubelet needs from the node to start a container. */
export interface ContainerContext {
  now: number;
  /** Why the container cannot be configured (a missing ConfigMap/Secret reference), if so. */
  configProblem: (c: Container) => string | undefined;
  /** Whether the node must pull the image (imagePullPolicy, and what it pulled before); records the pull. */
  pull?: (c: Container) => boolean;
  /** The process runtime, for containers whose image the operator's runtime config runs as processes. */
  processes?: ContainerProcesses;
}

/** What the kubelet asks of the process runtime for one pod (process/runtime.ts does it). */
export interface ContainerProcesses {
  /** Whether the container runs as a process. */
  runs(c: Container): boolean;
  /** Starts a run of it; an error message (containerd's words) when it cannot start. */
  start(pod: Pod, c: Container, containerID: string, restartCount: number): string | undefined;
  /** What a run has done so far. */
  observe(containerID: string | undefined): ProcessObservation | undefined;
}

export interface ContainerEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  fieldPath: string;
}

export interface ContainerStep {
  status: ContainerStatus;
  events: ContainerEvent[];
  /** When this container next changes on its own (Infinity: not by itself). */
  wakeAt: number;
}

/** The wait before restarting a container (the kubelet's back-off, TIMINGS) that has restarted `restartCount` times and just ran `ranMs`. */
export function backoffDelay(restartCount: number, ranMs: number): number {
  if (restartCount === 0 || ranMs >= TIMINGS.backoffResetMs) return 0;
  return Math.min(TIMINGS.backoffInitialMs * 2 ** (restartCount - 1), TIMINGS.backoffMaxMs);
}

/** When a failing liveness probe has failed `failureThreshold` times, from the container's start. */
export function livenessKillAfterMs(p: Probe): number {
  return ((p.initialDelaySeconds ?? 0) + (p.periodSeconds ?? 10) * (p.failureThreshold ?? 3)) * 1000;
}

function probeFailure(p: Probe): string {
  if (p.httpGet) return 'HTTP probe failed with statuscode: 500';
  if (p.tcpSocket) return `dial tcp: connect: connection refused`;
  if (p.grpc) return 'service unhealthy (responded with "NOT_SERVING")';
  return 'command terminated with non-zero exit code: 1';
}

const imageRef = (image = '') => (image.includes('/') ? image : `docker.io/library/${image}`);
const podKey = (pod: Pod) => `${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`;

/** The status of a container that has not started yet. */
export function waitingStatus(c: Container, reason: string): ContainerStatus {
  return { name: c.name, image: c.image ?? '', imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason } }, lastState: {} };
}

/** True when the container has exited and will not be restarted. */
export function isFinished(st: ContainerStatus | undefined, restartPolicy: string): boolean {
  const t = st?.state?.terminated;
  if (!t) return false;
  return restartPolicy === 'Never' || (restartPolicy === 'OnFailure' && t.exitCode === 0);
}

/** One container being stepped: what it is, and how to record events for it. */
interface Run {
  pod: Pod;
  c: Container;
  restartPolicy: string;
  kind: 'init' | 'sidecar' | 'app';
  ctx: ContainerContext;
  program: ReturnType<typeof programOf>;
  /** The process runtime, when this container runs as a process (then its rows decide from what the process did). */
  proc?: ContainerProcesses;
  ev(type: 'Normal' | 'Warning', reason: string, message: string): ContainerEvent;
}

/** Where a container is: waiting for its first start, running, or exited (or backing off). */
type Phase = 'waiting' | 'running' | 'exited';

function phaseOf(st: ContainerStatus): Phase {
  if (st.state?.waiting && st.state.waiting.reason !== 'CrashLoopBackOff') return 'waiting';
  return st.state?.running ? 'running' : 'exited';
}

/**
 * A transition of a container: from which phase, when it happens (undefined: not for this
 * container now), and what it does. The engine (stepContainer) takes the earliest due row of the
 * container's phase, again and again, until the next one lies in the future; on equal times the
 * row listed first wins.
 */
interface Transition {
  readonly name: string;
  readonly from: Phase;
  at(run: Run, st: ContainerStatus): number | undefined;
  apply(run: Run, st: ContainerStatus, at: number): { status: ContainerStatus; events: ContainerEvent[] };
}

/** The image cannot be used: the container stays waiting. */
const imageProblem = (run: Run) => run.program.pullFails || !!invalidImage(run.c.image ?? '');
/** When the kubelet first tried to pull: when the pod started on the node. */
const pullStart = (run: Run) => Date.parse(run.pod.status?.startTime ?? '') || run.ctx.now;

const startedAtOf = (run: Run, st: ContainerStatus) => Date.parse(st.state?.running?.startedAt ?? rfc3339(run.ctx.now));

/** A running container ends: the status it has after exiting with `exitCode`. */
function exit(run: Run, st: ContainerStatus, at: number, exitCode: number, reason: string, message?: string): ContainerStatus {
  const terminated = { exitCode, reason, ...(message ? { message } : {}), startedAt: st.state?.running?.startedAt, finishedAt: rfc3339(at), containerID: st.containerID };
  // A finished init container counts as ready once it has succeeded.
  return { ...st, ready: run.kind === 'init' && exitCode === 0, started: false, state: { terminated } };
}

/** An exited container's last run, whether it restarts, and after which back-off. */
function exited(run: Run, st: ContainerStatus) {
  const last = st.state?.terminated ?? st.lastState?.terminated;
  if (!last) return undefined;
  const restarts = run.restartPolicy === 'Always' || (run.restartPolicy === 'OnFailure' && last.exitCode !== 0);
  if (!restarts) return undefined;
  const ts = rfc3339(run.ctx.now);
  const finishedAt = Date.parse(last.finishedAt ?? ts);
  // A run that never started (StartError) ran for no time at all.
  const ranMs = last.reason === 'StartError' ? 0 : finishedAt - Date.parse(last.startedAt ?? last.finishedAt ?? ts);
  const delay = backoffDelay(st.restartCount, ranMs);
  return { last, finishedAt, restartAt: finishedAt + delay, delay };
}

/** A new run of the container (restart `restartCount`), started now. */
function running(run: Run, restartCount: number, lastState: ContainerStatus['lastState']): ContainerStatus {
  const { pod, c, ctx } = run;
  return {
    name: c.name,
    image: c.image ?? '',
    imageID: `${imageRef(c.image)}@sha256:${'0'.repeat(64)}`,
    // Each run of a container has its own ID (the restart count tells them apart).
    containerID: `minik://${(pod.metadata.uid ?? '').replace(/-/g, '').slice(0, 12)}${c.name}${restartCount ? `-${restartCount}` : ''}`,
    ready: false,
    // A process with a startup probe has started once the probe passes.
    started: !(run.proc && c.startupProbe),
    restartCount,
    state: { running: { startedAt: rfc3339(ctx.now) } },
    lastState: lastState ?? {},
  };
}

/**
 * A new run (`running`'s status) and its events; a process container's process is started here,
 * and when it cannot start the run ends at once as containerd's StartError (exit code 128).
 */
function launch(run: Run, status: ContainerStatus, events: ContainerEvent[]): { status: ContainerStatus; events: ContainerEvent[] } {
  if (!run.proc) return { status, events };
  const error = run.proc.start(run.pod, run.c, status.containerID!, status.restartCount);
  if (!error) return { status, events };
  const now = rfc3339(run.ctx.now);
  return {
    status: { ...status, started: false, state: { terminated: { exitCode: 128, reason: 'StartError', message: error, startedAt: '1970-01-01T00:00:00Z', finishedAt: now, containerID: status.containerID } } },
    events: [...events.filter((e) => e.reason !== 'Started'), run.ev('Warning', 'Failed', `Error: ${error}`)],
  };
}

/** What the container's process has done (process containers only). */
const observed = (run: Run, st: ContainerStatus) => run.proc?.observe(st.containerID);

/** Every transition of a simulated container, by phase; the delays come from TIMINGS and the container's program. */
const TRANSITIONS: Transition[] = [
  {
    // An image reference that does not parse: the container never starts.
    name: 'invalid image',
    from: 'waiting',
    at: (run, st) => (invalidImage(run.c.image ?? '') && st.state?.waiting?.reason !== 'InvalidImageName' ? run.ctx.now : undefined),
    apply: (run, st) => {
      const message = invalidImage(run.c.image ?? '')!;
      return { status: { ...st, state: { waiting: { reason: 'InvalidImageName', message } } }, events: [run.ev('Warning', 'InspectFailed', message), run.ev('Warning', 'Failed', 'Error: InvalidImageName')] };
    },
  },
  {
    // A pull that fails (an image marked unpullable): ErrImagePull at each attempt.
    name: 'pull error',
    from: 'waiting',
    at: (run, st) => {
      if (!run.program.pullFails || invalidImage(run.c.image ?? '')) return undefined;
      const reason = st.state?.waiting?.reason;
      if (reason === 'ErrImagePull') return undefined; // the back-off row comes next
      const { at, next } = pullAttempt(pullStart(run), run.ctx.now);
      // Backing off: a new attempt is due once the one in force shows no more ErrImagePull.
      if (reason === 'ImagePullBackOff') return run.ctx.now < at + TIMINGS.errImagePullMs ? at : next;
      return at;
    },
    apply: (run, st) => {
      const message = pullError(run.c.image ?? '');
      return {
        status: { ...st, state: { waiting: { reason: 'ErrImagePull', message } } },
        events: [run.ev('Normal', 'Pulling', `Pulling image "${run.c.image}"`), run.ev('Warning', 'Failed', `Failed to pull image "${run.c.image}": ${message}`), run.ev('Warning', 'Failed', 'Error: ErrImagePull')],
      };
    },
  },
  {
    // Between attempts: ImagePullBackOff.
    name: 'pull back-off',
    from: 'waiting',
    at: (run, st) => (st.state?.waiting?.reason === 'ErrImagePull' && run.program.pullFails ? pullAttempt(pullStart(run), run.ctx.now).at + TIMINGS.errImagePullMs : undefined),
    apply: (run, st) => {
      const message = `Back-off pulling image "${run.c.image}"`;
      return { status: { ...st, state: { waiting: { reason: 'ImagePullBackOff', message } } }, events: [run.ev('Normal', 'BackOff', message), run.ev('Warning', 'Failed', 'Error: ImagePullBackOff')] };
    },
  },
  {
    // A missing ConfigMap or Secret keeps it waiting; retried on every change (said once per problem).
    name: 'config error',
    from: 'waiting',
    at: (run, st) => {
      if (imageProblem(run)) return undefined;
      const problem = run.ctx.configProblem(run.c);
      return problem && st.state?.waiting?.message !== problem ? run.ctx.now : undefined;
    },
    apply: (run, st) => {
      const problem = run.ctx.configProblem(run.c)!;
      return {
        status: { ...st, state: { waiting: { reason: 'CreateContainerConfigError', message: problem } } },
        events: [run.ev('Normal', 'Pulled', `Container image "${run.c.image}" already present on machine`), run.ev('Warning', 'Failed', `Error: ${problem}`)],
      };
    },
  },
  {
    // First start: pull (or find the image present), create, start.
    name: 'start',
    from: 'waiting',
    at: (run) => (imageProblem(run) || run.ctx.configProblem(run.c) ? undefined : run.ctx.now),
    apply: (run) => {
      const { c, ev } = run;
      const pulled = run.ctx.pull?.(c) ?? true
        ? [ev('Normal', 'Pulling', `Pulling image "${c.image}"`), ev('Normal', 'Pulled', `Successfully pulled image "${c.image}" in 412ms (412ms including waiting). Image size: 72188133 bytes.`)]
        : [ev('Normal', 'Pulled', `Container image "${c.image}" already present on machine`)];
      return launch(run, running(run, 0, {}), [
        ...pulled,
        ev('Normal', 'Created', `Created container ${c.name}`),
        ev('Normal', 'Started', `Started container ${c.name}`),
        ...(run.program.readinessFails && !run.proc ? [ev('Warning', 'Unhealthy', `Readiness probe failed: ${probeFailure(c.readinessProbe!)}`)] : []),
      ]);
    },
  },
  {
    // Its program exits by itself (simulated run time and exit code).
    name: 'exit',
    from: 'running',
    at: (run, st) => {
      if (run.proc) {
        const o = observed(run, st);
        // No such process (the daemon restarted since): the run is over.
        return !o || o.exit ? run.ctx.now : undefined;
      }
      return run.program.runSeconds === Infinity ? undefined : startedAtOf(run, st) + run.program.runSeconds * 1000;
    },
    apply: (run, st, at) => {
      const o = observed(run, st);
      if (run.proc && !o) return { status: exit(run, st, at, 137, 'ContainerStatusUnknown', 'The container could not be located when the kubelet restarted'), events: [] };
      if (!o?.exit) return { status: exit(run, st, at, run.program.exitCode, run.program.exitCode === 0 ? 'Completed' : 'Error'), events: [] };
      // A process: its own exit code; killed for a failing probe, the kubelet said why first.
      const events = o.killedFor
        ? [run.ev('Warning', 'Unhealthy', `${o.killedFor.probe} probe failed: ${o.killedFor.message}`), run.ev('Normal', 'Killing', `Container ${run.c.name} failed ${o.killedFor.probe.toLowerCase()} probe, will be restarted`)]
        : o.exit.reason === 'StartError'
          ? [run.ev('Warning', 'Failed', `Error: ${o.exit.message}`)]
          : [];
      return { status: exit(run, st, at, o.exit.code, o.exit.reason, o.exit.message), events };
    },
  },
  {
    // A process whose startup probe has passed has started.
    name: 'started',
    from: 'running',
    at: (run, st) => (!st.started && observed(run, st)?.started ? run.ctx.now : undefined),
    apply: (_run, st) => ({ status: { ...st, started: true }, events: [] }),
  },
  {
    // It uses more memory than its limit allows.
    name: 'OOM kill',
    from: 'running',
    at: (run, st) => (!run.proc && exceedsMemoryLimit(run.pod, run.c) ? startedAtOf(run, st) + OOM_AFTER_SECONDS * 1000 : undefined),
    apply: (run, st, at) => ({ status: exit(run, st, at, 137, 'OOMKilled'), events: [] }),
  },
  {
    // Its liveness probe has failed failureThreshold times.
    name: 'liveness kill',
    from: 'running',
    at: (run, st) => (!run.proc && run.program.livenessFails && run.c.livenessProbe ? startedAtOf(run, st) + livenessKillAfterMs(run.c.livenessProbe) : undefined),
    apply: (run, st, at) => ({
      status: exit(run, st, at, 143, 'Error'),
      events: [run.ev('Warning', 'Unhealthy', `Liveness probe failed: ${probeFailure(run.c.livenessProbe!)}`), run.ev('Normal', 'Killing', `Container ${run.c.name} failed liveness probe, will be restarted`)],
    }),
  },
  {
    // Ready after the readiness probe's initial delay, unless the probe is set to fail (then never;
    // the failure was reported when it started). Init containers are never ready while running.
    name: 'ready',
    from: 'running',
    at: (run, st) => {
      if (st.ready || run.kind === 'init') return undefined;
      if (run.proc) return observed(run, st)?.ready ? run.ctx.now : undefined;
      return !run.program.readinessFails ? startedAtOf(run, st) + (run.c.readinessProbe?.initialDelaySeconds ?? 0) * 1000 : undefined;
    },
    apply: (_run, st) => ({ status: { ...st, ready: true }, events: [] }),
  },
  {
    // A process's readiness probe fails again: not ready.
    name: 'unready',
    from: 'running',
    at: (run, st) => {
      const o = st.ready ? observed(run, st) : undefined;
      return o && !o.ready && !o.exit ? run.ctx.now : undefined;
    },
    apply: (run, st) => ({ status: { ...st, ready: false }, events: [run.ev('Warning', 'Unhealthy', `Readiness probe failed: ${observed(run, st)?.readinessFailure ?? ''}`)] }),
  },
  {
    // Restarted per policy once the back-off has passed (at once for a first crash).
    name: 'restart',
    from: 'exited',
    at: (run, st) => exited(run, st)?.restartAt,
    apply: (run, st) =>
      launch(run, running(run, st.restartCount + 1, { terminated: exited(run, st)!.last }), [
        run.ev('Normal', 'Pulled', `Container image "${run.c.image}" already present on machine`),
        run.ev('Normal', 'Created', `Created container ${run.c.name}`),
        run.ev('Normal', 'Started', `Started container ${run.c.name}`),
      ]),
  },
  {
    // Meanwhile CrashLoopBackOff, from the moment it exited (entered once, and not when the restart is already due).
    name: 'back-off',
    from: 'exited',
    at: (run, st) => {
      const e = exited(run, st);
      return e && st.state?.waiting?.reason !== 'CrashLoopBackOff' && e.restartAt > run.ctx.now ? e.finishedAt : undefined;
    },
    apply: (run, st) => {
      const { c, pod, ev } = run;
      const e = exited(run, st)!;
      return {
        status: { ...st, ready: false, started: false, state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${formatBackoff(e.delay)} restarting failed container=${c.name} pod=${podKey(pod)}` } }, lastState: { terminated: e.last } },
        events: [ev('Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podKey(pod)}`)],
      };
    },
  },
];

/**
 * Advances one container to `ctx.now`. `restartPolicy` is its effective policy (init containers
 * of an `Always` pod restart `OnFailure`; sidecars `Always`); `kind` says how its program runs.
 * Applies the due transitions of its phase in time order; `wakeAt` is when the next one is due.
 */
export function stepContainer(pod: Pod, c: Container, prev: ContainerStatus | undefined, restartPolicy: string, kind: 'init' | 'sidecar' | 'app', ctx: ContainerContext): ContainerStep {
  const fieldPath = kind === 'app' ? `spec.containers{${c.name}}` : `spec.initContainers{${c.name}}`;
  const proc = ctx.processes?.runs(c) ? ctx.processes : undefined;
  const run: Run = { pod, c, restartPolicy, kind, ctx, program: programOf(pod, c, kind), proc, ev: (type, reason, message) => ({ type, reason, message, fieldPath }) };
  let status: ContainerStatus = prev ?? waitingStatus(c, 'ContainerCreating');
  const events: ContainerEvent[] = [];
  // Each transition moves the container on; a handful per step at most (start, ready, exit, back-off, restart, ...).
  for (let moves = 0; moves < 64; moves++) {
    const phase = phaseOf(status);
    let next: Transition | undefined;
    let nextAt = Infinity;
    for (const t of TRANSITIONS) {
      if (t.from !== phase) continue;
      const at = t.at(run, status);
      if (at !== undefined && at < nextAt) {
        next = t;
        nextAt = at;
      }
    }
    if (!next || nextAt > ctx.now) return { status, events, wakeAt: nextAt };
    const moved = next.apply(run, status, nextAt);
    status = moved.status;
    events.push(...moved.events);
  }
  return { status, events, wakeAt: ctx.now };
}

/** Go's duration text for a back-off: `10s`, `1m20s`, `5m0s`. */
function formatBackoff(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}
