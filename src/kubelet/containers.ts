// One container's life on a simulated node: created, started, probed, exited, restarted with
// CrashLoopBackOff. Pure: given the container's last status and the time, it says what the status
// is now, which events the kubelet records, and when something happens next.
import { rfc3339 } from '../api/duration.js';
import type { Container, ContainerState, ContainerStatus, Pod, Probe } from '../api/types.js';
import { OOM_AFTER_SECONDS, exceedsMemoryLimit, programOf } from '../sim/program.js';
import { TIMINGS } from './timings.js';

/** What the kubelet needs from the node to start a container. */
export interface ContainerContext {
  now: number;
  /** Why the container cannot be configured (a missing ConfigMap/Secret reference), if so. */
  configProblem: (c: Container) => string | undefined;
  /** Whether the node must pull the image (imagePullPolicy, and what it pulled before); records the pull. */
  pull?: (c: Container) => boolean;
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

/** One step of one container: what it is, and how to record and start it. */
interface Run {
  pod: Pod;
  c: Container;
  restartPolicy: string;
  kind: 'init' | 'sidecar' | 'app';
  ctx: ContainerContext;
  program: ReturnType<typeof programOf>;
  ev(type: 'Normal' | 'Warning', reason: string, message: string): ContainerEvent;
}

/**
 * Advances one container. `restartPolicy` is its effective policy (init containers of an
 * `Always` pod restart `OnFailure`; sidecars `Always`); `kind` says how its program runs. A
 * container is in one of three states, each with its own step: waiting for its first start,
 * running, or exited (restarted per policy after the back-off).
 */
export function stepContainer(pod: Pod, c: Container, prev: ContainerStatus | undefined, restartPolicy: string, kind: 'init' | 'sidecar' | 'app', ctx: ContainerContext): ContainerStep {
  const fieldPath = kind === 'app' ? `spec.containers{${c.name}}` : `spec.initContainers{${c.name}}`;
  const run: Run = { pod, c, restartPolicy, kind, ctx, program: programOf(pod, c, kind), ev: (type, reason, message) => ({ type, reason, message, fieldPath }) };
  const st: ContainerStatus = prev ?? waitingStatus(c, 'ContainerCreating');
  if (st.state?.waiting && st.state.waiting.reason !== 'CrashLoopBackOff') return firstStart(run, st);
  if (st.state?.running) return stepRunning(run, st, st.state.running);
  return stepExited(run, st);
}

/** A new run of the container (restart `restartCount`), stepped on at once (it may be ready already). */
function start(run: Run, restartCount: number, lastState: ContainerStatus['lastState'], events: ContainerEvent[]): ContainerStep {
  const { pod, c, ctx } = run;
  const status: ContainerStatus = {
    name: c.name,
    image: c.image ?? '',
    imageID: `${imageRef(c.image)}@sha256:${'0'.repeat(64)}`,
    // Each run of a container has its own ID (the restart count tells them apart).
    containerID: `minik://${(pod.metadata.uid ?? '').replace(/-/g, '').slice(0, 12)}${c.name}${restartCount ? `-${restartCount}` : ''}`,
    ready: false,
    started: true,
    restartCount,
    state: { running: { startedAt: rfc3339(ctx.now) } },
    lastState: lastState ?? {},
  };
  const next = stepContainer(pod, c, status, run.restartPolicy, run.kind, ctx);
  return { status: next.status, events: [...events, ...next.events], wakeAt: next.wakeAt };
}

/** First start: configuration problems keep it waiting (and are retried on every change); else pull, create, start. */
function firstStart(run: Run, st: ContainerStatus): ContainerStep {
  const { c, ctx, ev } = run;
  const problem = ctx.configProblem(c);
  if (problem) {
    if (st.state?.waiting?.message === problem) return { status: st, events: [], wakeAt: Infinity };
    return {
      status: { ...st, state: { waiting: { reason: 'CreateContainerConfigError', message: problem } } },
      events: [ev('Normal', 'Pulled', `Container image "${c.image}" already present on machine`), ev('Warning', 'Failed', `Error: ${problem}`)],
      wakeAt: Infinity,
    };
  }
  const pulled = ctx.pull?.(c) ?? true
    ? [ev('Normal', 'Pulling', `Pulling image "${c.image}"`), ev('Normal', 'Pulled', `Successfully pulled image "${c.image}" in 412ms (412ms including waiting). Image size: 72188133 bytes.`)]
    : [ev('Normal', 'Pulled', `Container image "${c.image}" already present on machine`)];
  return start(run, 0, {}, [
    ...pulled,
    ev('Normal', 'Created', `Created container ${c.name}`),
    ev('Normal', 'Started', `Started container ${c.name}`),
    ...(run.program.readinessFails ? [ev('Warning', 'Unhealthy', `Readiness probe failed: ${probeFailure(c.readinessProbe!)}`)] : []),
  ]);
}

/** Running: it ends by its own exit, an OOM kill or a failing liveness probe, whichever comes first; it becomes ready after the readiness probe's delay. */
function stepRunning(run: Run, st: ContainerStatus, running: NonNullable<ContainerState['running']>): ContainerStep {
  const { pod, c, ctx, ev, program, kind } = run;
  const now = ctx.now;
  const startedAt = Date.parse(running.startedAt ?? rfc3339(now));
  const ends: { at: number; exitCode: number; reason: string; events: ContainerEvent[] }[] = [];
  if (program.runSeconds !== Infinity) ends.push({ at: startedAt + program.runSeconds * 1000, exitCode: program.exitCode, reason: program.exitCode === 0 ? 'Completed' : 'Error', events: [] });
  if (exceedsMemoryLimit(pod, c)) ends.push({ at: startedAt + OOM_AFTER_SECONDS * 1000, exitCode: 137, reason: 'OOMKilled', events: [] });
  if (program.livenessFails && c.livenessProbe) {
    const msg = `Liveness probe failed: ${probeFailure(c.livenessProbe)}`;
    ends.push({ at: startedAt + livenessKillAfterMs(c.livenessProbe), exitCode: 143, reason: 'Error', events: [ev('Warning', 'Unhealthy', msg), ev('Normal', 'Killing', `Container ${c.name} failed liveness probe, will be restarted`)] });
  }
  ends.sort((a, b) => a.at - b.at);
  const end = ends[0];
  if (end && end.at <= now) {
    const terminated = { exitCode: end.exitCode, reason: end.reason, startedAt: running.startedAt, finishedAt: rfc3339(end.at), containerID: st.containerID };
    // A finished init container counts as ready once it has succeeded.
    const next = stepContainer(pod, c, { ...st, ready: kind === 'init' && end.exitCode === 0, started: false, state: { terminated } }, run.restartPolicy, kind, ctx);
    return { status: next.status, events: [...end.events, ...next.events], wakeAt: next.wakeAt };
  }
  let wakeAt = end?.at ?? Infinity;
  // Readiness: after the probe's initial delay, unless the probe is set to fail (then never;
  // the failure was reported when the container started).
  if (!st.ready && !program.readinessFails && kind !== 'init') {
    const readyAt = startedAt + (c.readinessProbe?.initialDelaySeconds ?? 0) * 1000;
    if (readyAt <= now) return { status: { ...st, ready: true }, events: [], wakeAt };
    wakeAt = Math.min(wakeAt, readyAt);
  }
  return { status: st, events: [], wakeAt };
}

/** Exited (or waiting in back-off): restarted per policy once the back-off has passed, CrashLoopBackOff meanwhile. */
function stepExited(run: Run, st: ContainerStatus): ContainerStep {
  const { pod, c, ctx, ev, restartPolicy } = run;
  const now = ctx.now;
  const ts = rfc3339(now);
  const last = st.state?.terminated ?? st.lastState?.terminated;
  if (!last) return { status: st, events: [], wakeAt: Infinity };
  const restarts = restartPolicy === 'Always' || (restartPolicy === 'OnFailure' && last.exitCode !== 0);
  if (!restarts) return { status: st, events: [], wakeAt: Infinity };
  const finishedAt = Date.parse(last.finishedAt ?? ts);
  const ranMs = finishedAt - Date.parse(last.startedAt ?? last.finishedAt ?? ts);
  const delay = backoffDelay(st.restartCount, ranMs);
  const lastState = { terminated: last };
  if (finishedAt + delay <= now) {
    return start(run, st.restartCount + 1, lastState, [
      ev('Normal', 'Pulled', `Container image "${c.image}" already present on machine`),
      ev('Normal', 'Created', `Created container ${c.name}`),
      ev('Normal', 'Started', `Started container ${c.name}`),
    ]);
  }
  if (st.state?.waiting?.reason === 'CrashLoopBackOff') return { status: st, events: [], wakeAt: finishedAt + delay };
  return {
    status: { ...st, ready: false, started: false, state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off ${formatBackoff(delay)} restarting failed container=${c.name} pod=${podKey(pod)}` } }, lastState },
    events: [ev('Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${podKey(pod)}`)],
    wakeAt: finishedAt + delay,
  };
}

/** Go's duration text for a back-off: `10s`, `1m20s`, `5m0s`. */
function formatBackoff(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}
