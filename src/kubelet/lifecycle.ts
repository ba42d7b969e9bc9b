// A simulated pod's lifecycle as data (after kwok's stages): each stage says when it applies,
// how long after the pod's last step it waits, and what the pod's status becomes. The kubelet is
// a small engine that runs the first stage due for each pod.
import { rfc3339 } from '../api/duration.js';
import type { Condition, Container, ContainerStatus, Pod, PodPhase, PodStatus } from '../api/types.js';
import { type ContainerProcesses, isFinished, stepContainer, waitingStatus } from './containers.js';
import { TIMINGS } from './timings.js';

/** What a stage sees about the cluster. */
export interface StageContext {
  now: number;
  hostIP: string;
  podIP: () => string;
  /** Why a container cannot be configured yet (a missing ConfigMap/Secret key reference), if so. */
  configProblem: (c: Container) => string | undefined;
  /** Why the pod's volumes cannot be mounted yet, if so. */
  mountProblem: () => string | undefined;
  /** Whether the node must pull a container's image (and records that it has it). */
  pull?: (c: Container) => boolean;
  /** The process runtime, when the operator's runtime config runs some images as processes. */
  processes?: ContainerProcesses;
  /** For a pod that has run processes: whether any still runs (its removal waits for them). */
  processesRunning?: () => boolean;
}

/** An event a stage asks the kubelet to record. */
export interface StageEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  fieldPath?: string;
}

/** A step of the lifecycle. */
export interface Stage {
  name: string;
  /** Whether this stage applies to the pod now (checked in order; the first that applies runs). */
  applies(pod: Pod, ctx: StageContext): boolean;
  /** The clock time at which it may run (default: now). */
  dueAt?(pod: Pod, ctx: StageContext): number;
  /** The pod's new status, and events to record; `remove` deletes the pod object. */
  run(pod: Pod, ctx: StageContext): StageResult;
}

/** What a stage does: the pod's new status, events, removal, and when it next wants to run. */
export interface StageResult {
  /** Undefined: the pod has none (a removed pod that never started). */
  status: PodStatus | undefined;
  events: StageEvent[];
  remove?: boolean;
  /** When something happens next without any outside change (Infinity or absent: never). */
  wakeAt?: number;
}

/**
 * How long a simulated app takes to exit after SIGTERM: the annotation
 * `minik.dev/termination-seconds` (default 1). Longer than the grace period means it is killed
 * (SIGKILL) when the grace period ends.
 */
export const TERMINATION_SECONDS_ANNOTATION = 'minik.dev/termination-seconds';

/** When a terminating pod's containers are gone: its app's exit time, capped by the grace period. */
export function stoppedAt(p: Pod): number {
  const grace = p.metadata.deletionGracePeriodSeconds ?? 0;
  const start = Date.parse(p.metadata.deletionTimestamp!) - grace * 1000;
  return start + Math.min(appExitSeconds(p), grace) * 1000;
}

/** How long the pod's app takes to exit after SIGTERM. */
function appExitSeconds(p: Pod): number {
  const appSeconds = Number(p.metadata.annotations?.[TERMINATION_SECONDS_ANNOTATION] ?? TIMINGS.terminationSeconds);
  return Number.isFinite(appSeconds) ? appSeconds : TIMINGS.terminationSeconds;
}

const containers = (p: Pod): Container[] => p.spec?.containers ?? [];
/**
 * A pod condition. Conditions are never mutated, so identical ones (every pod that became Ready in
 * the same second) share one object: a small cache, cleared when it grows.
 */
const condCache = new Map<string, Condition>();
const cond = (type: string, status: 'True' | 'False', now: string, extra: { reason?: string; message?: string } = {}): Condition => {
  const key = `${type}|${status}|${now}|${extra.reason ?? ''}|${extra.message ?? ''}`;
  let c = condCache.get(key);
  if (!c) {
    if (condCache.size > 10_000) condCache.clear();
    c = { type, status, lastProbeTime: null, lastTransitionTime: now, ...extra };
    condCache.set(key, c);
  }
  return c;
};

function setConditions(old: Condition[] | undefined, updates: Condition[]): Condition[] {
  const out = [...(old ?? [])];
  for (const u of updates) {
    const i = out.findIndex((c) => c.type === u.type);
    if (i < 0) out.push(u);
    else if (out[i].status !== u.status || out[i].reason !== u.reason) out[i] = u;
  }
  const order = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
  return out.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}


/**
 * The last status of a deleted pod that finalizers keep (a Job's): its containers stopped (143
 * after SIGTERM, 137 when the grace period ran out) and the phase terminal, as the kubelet
 * reports it since v1.27 (Succeeded only if every container had already exited 0).
 */
function terminalStatus(p: Pod, now: number): Pod['status'] {
  if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') return p.status;
  const at = rfc3339(now);
  const killed = appExitSeconds(p) > (p.metadata.deletionGracePeriodSeconds ?? 0);
  const stop = (s: ContainerStatus): ContainerStatus =>
    s.state?.terminated ? s : { ...s, ready: false, started: false, state: { terminated: { exitCode: killed ? 137 : 143, reason: 'Error', startedAt: s.state?.running?.startedAt, finishedAt: at, containerID: s.containerID } } };
  const containerStatuses = (p.status?.containerStatuses ?? []).map(stop);
  const ok = containerStatuses.length > 0 && containerStatuses.every((s) => s.state?.terminated?.exitCode === 0);
  return { ...p.status, phase: ok ? 'Succeeded' : 'Failed', containerStatuses, initContainerStatuses: (p.status?.initContainerStatuses ?? []).map(stop) };
}

/** The stages every simulated pod goes through, in order of precedence. */
export const STAGES: Stage[] = [
  {
    // Deleted: each container is told to stop (SIGTERM); the pod shows Terminating meanwhile.
    name: 'kill',
    applies: (p) => !!p.metadata.deletionTimestamp && (p.status?.containerStatuses ?? []).some((s) => s.ready),
    run(p, ctx) {
      const now = rfc3339(ctx.now);
      return {
        status: {
          ...p.status,
          containerStatuses: (p.status?.containerStatuses ?? []).map((s) => ({ ...s, ready: false })),
          conditions: setConditions(p.status?.conditions, [cond('Ready', 'False', now), cond('ContainersReady', 'False', now)]),
        },
        events: (p.status?.containerStatuses ?? []).filter((s) => s.state?.running).map((s) => ({ type: 'Normal' as const, reason: 'Killing', message: `Stopping container ${s.name}`, fieldPath: `spec.containers{${s.name}}` })),
      };
    },
  },
  {
    // The containers have exited (at once for a simulated app, or SIGKILL at the end of the grace
    // period): the pod object is removed.
    name: 'remove',
    applies: (p) => !!p.metadata.deletionTimestamp,
    dueAt: (p, ctx) => {
      if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') return ctx.now;
      // Real processes: once they have exited (the runtime says when; SIGKILL ends the grace period).
      if (ctx.processesRunning) return ctx.processesRunning() ? Infinity : ctx.now;
      return stoppedAt(p);
    },
    run: (p, ctx) => ({ status: p.metadata.finalizers?.length ? terminalStatus(p, ctx.now) : p.status, events: [], remove: true }),
  },
  {
    // Bound to this node: accepted, containers being created.
    name: 'accept',
    applies: (p) => !p.status?.startTime,
    run(p, ctx) {
      const now = rfc3339(ctx.now);
      const inits: Container[] = p.spec?.initContainers ?? [];
      const names = [...inits.filter((c) => c.restartPolicy === 'Always'), ...containers(p)].map((c) => c.name).join(' ');
      // The kubelet's status has no nominated node: its first update clears the scheduler's.
      const { nominatedNodeName: _, ...status } = p.status ?? {};
      return {
        status: {
          ...status,
          phase: 'Pending',
          hostIP: ctx.hostIP,
          hostIPs: [{ ip: ctx.hostIP }],
          startTime: now,
          conditions: setConditions(p.status?.conditions, [
            cond('PodReadyToStartContainers', 'False', now),
            inits.length
              ? cond('Initialized', 'False', now, { reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${inits.map((c) => c.name).join(' ')}]` })
              : cond('Initialized', 'True', now),
            cond('Ready', 'False', now, { reason: 'ContainersNotReady', message: `containers with unready status: [${names}]` }),
            cond('ContainersReady', 'False', now, { reason: 'ContainersNotReady', message: `containers with unready status: [${names}]` }),
          ]),
          ...(inits.length ? { initContainerStatuses: inits.map((c) => waitingStatus(c, 'PodInitializing')) } : {}),
          containerStatuses: containers(p).map((c) => waitingStatus(c, inits.length ? 'PodInitializing' : 'ContainerCreating')),
        },
        events: [],
      };
    },
  },
  {
    // Volumes that reference missing ConfigMaps/Secrets keep the pod in ContainerCreating.
    name: 'mount-failed',
    applies: (p, ctx) => p.status?.phase === 'Pending' && !!ctx.mountProblem(),
    dueAt: (p) => Date.parse(p.status?.startTime ?? '') + TIMINGS.containerStartMs,
    run(p, ctx) {
      const problem = ctx.mountProblem()!;
      const already = (p.status?.conditions ?? []).some((c) => c.type === 'PodReadyToStartContainers' && c.reason === 'MountFailed' && c.message === problem);
      if (already) return { status: p.status, events: [] };
      const now = rfc3339(ctx.now);
      return { status: { ...p.status, conditions: setConditions(p.status?.conditions, [cond('PodReadyToStartContainers', 'False', now, { reason: 'MountFailed', message: problem })]) }, events: [{ type: 'Warning' as const, reason: 'FailedMount', message: problem }] };
    },
  },
  {
    // The containers run: init containers one by one, then the app containers (with the
    // sidecars), each through its own life (containers.ts); the pod's phase and conditions follow.
    name: 'containers',
    applies: (p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed' && !p.metadata.deletionTimestamp,
    dueAt: (p) => Date.parse(p.status?.startTime ?? '') + TIMINGS.containerStartMs,
    run: (p, ctx) => runContainers(p, ctx),
  },
];

/** One pass of every container of a running pod; the pod's status that follows from them. */
export function runContainers(pod: Pod, ctx: StageContext): StageResult {
  const now = rfc3339(ctx.now);
  // A pod with processes has its address before its containers start (they may read it).
  let p = pod;
  const procs = ctx.processes;
  if (!p.status?.podIP && procs && [...(p.spec?.initContainers ?? []), ...containers(p)].some((c) => procs.runs(c))) {
    const ip = ctx.podIP();
    p = { ...p, status: { ...p.status, podIP: ip, podIPs: [{ ip }] } };
  }
  const policy = p.spec?.restartPolicy ?? 'Always';
  const inits: Container[] = p.spec?.initContainers ?? [];
  const events: StageEvent[] = [];
  let wakeAt = Infinity;
  const cctx = { now: ctx.now, configProblem: ctx.configProblem, pull: ctx.pull, processes: ctx.processes };
  const step: Step = (c, prev, restartPolicy, kind) => {
    const r = stepContainer(p, c, prev, restartPolicy, kind, cctx);
    events.push(...r.events);
    wakeAt = Math.min(wakeAt, r.wakeAt);
    return r.status;
  };

  const init = stepInitContainers(p, policy, step);
  let appStatuses = stepAppContainers(p, policy, init.initialized, step);
  const phase = podPhase(policy, init, appStatuses);
  const terminal = phase === 'Succeeded' || phase === 'Failed';
  if (terminal) {
    wakeAt = Infinity;
    appStatuses = appStatuses.map((s) => ({ ...s, ready: false, started: false }));
  }
  // A finished pod's sidecars are stopped; nothing runs any more.
  const initStatuses = terminal ? stopSidecars(init.statuses, now) : init.statuses;
  const sandbox = [...initStatuses, ...appStatuses].some((s) => s.started || s.state?.terminated || s.lastState?.terminated);
  const podIP = p.status?.podIP ?? (sandbox ? ctx.podIP() : undefined);
  const status: PodStatus = {
    ...p.status,
    phase,
    ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    conditions: setConditions(p.status?.conditions, podConditions(inits, initStatuses, appStatuses, { initialized: init.initialized, terminal, sandbox }, now)),
    containerStatuses: appStatuses,
  };
  if (inits.length) status.initContainerStatuses = initStatuses;
  return { status, events, wakeAt };
}

/** Steps one container (stepContainer), collecting its events and wake-up. */
type Step = (c: Container, prev: ContainerStatus | undefined, restartPolicy: string, kind: 'init' | 'sidecar' | 'app') => ContainerStatus;

const prevOf = (list: ContainerStatus[] | undefined, name: string) => (list ?? []).find((s) => s.name === name);

/** Init containers in order: each must succeed (a sidecar: start) before the next one runs. */
function stepInitContainers(p: Pod, policy: string, step: Step): { statuses: ContainerStatus[]; initialized: boolean; failed: boolean } {
  const statuses: ContainerStatus[] = [];
  let initialized = true;
  let failed = false;
  for (const c of p.spec?.initContainers ?? []) {
    const prev = prevOf(p.status?.initContainerStatuses, c.name);
    if (!initialized) {
      statuses.push(prev ?? waitingStatus(c, 'PodInitializing'));
      continue;
    }
    const sidecar = c.restartPolicy === 'Always';
    const alreadyDone = !sidecar && prev?.state?.terminated?.exitCode === 0;
    const st = alreadyDone ? prev! : step(c, prev?.state?.waiting?.reason === 'PodInitializing' ? waitingStatus(c, 'PodInitializing') : prev, sidecar ? 'Always' : policy === 'Never' ? 'Never' : 'OnFailure', sidecar ? 'sidecar' : 'init');
    statuses.push(st);
    if (sidecar ? !st.started : st.state?.terminated?.exitCode !== 0) {
      initialized = false;
      if (!sidecar && policy === 'Never' && st.state?.terminated) failed = true;
    }
  }
  return { statuses, initialized, failed };
}

/** App containers: stepped once the pod is initialized, waiting until then. */
function stepAppContainers(p: Pod, policy: string, initialized: boolean, step: Step): ContainerStatus[] {
  const waitingFor = (p.spec?.initContainers ?? []).length ? 'PodInitializing' : 'ContainerCreating';
  return containers(p).map((c) => {
    const prev = prevOf(p.status?.containerStatuses, c.name);
    if (!initialized) return prev ?? waitingStatus(c, waitingFor);
    return step(c, prev?.state?.waiting?.reason === 'PodInitializing' ? waitingStatus(c, 'ContainerCreating') : prev, policy, 'app');
  });
}

/** The pod's phase from its containers: Failed/Succeeded once every app container has exited for good. */
export function podPhase(policy: string, init: { initialized: boolean; failed: boolean }, apps: ContainerStatus[]): PodPhase {
  if (init.failed) return 'Failed';
  if (init.initialized && apps.every((s) => isFinished(s, policy))) return apps.every((s) => s.state?.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
  if (init.initialized && apps.some((s) => s.started || s.state?.terminated || s.lastState?.terminated)) return 'Running';
  return 'Pending';
}

/** Sidecars of a finished pod: stopped (a running one as Completed at `now`). */
function stopSidecars(list: ContainerStatus[], now: string): ContainerStatus[] {
  return list.map((s) => {
    const running = s.state?.running;
    if (!running) return s.state?.waiting ? { ...s, ready: false, started: false } : s;
    return { ...s, ready: false, started: false, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: running.startedAt, finishedAt: now, containerID: s.containerID } } };
  });
}

/** The pod conditions its containers make: sandbox ready, initialized, ready and containers ready. */
function podConditions(inits: Container[], initStatuses: ContainerStatus[], apps: ContainerStatus[], pod: { initialized: boolean; terminal: boolean; sandbox: boolean }, now: string): Condition[] {
  const sidecarNames = new Set(inits.filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  const unready = [...initStatuses.filter((s) => sidecarNames.has(s.name)), ...apps].filter((s) => !s.ready).map((s) => s.name);
  const incomplete = inits.filter((c, i) => !sidecarNames.has(c.name) && initStatuses[i]?.state?.terminated?.exitCode !== 0).map((c) => c.name);
  const readyCond = pod.terminal
    ? cond('Ready', 'False', now, { reason: 'PodCompleted' })
    : unready.length
      ? cond('Ready', 'False', now, { reason: 'ContainersNotReady', message: `containers with unready status: [${unready.join(' ')}]` })
      : cond('Ready', 'True', now);
  return [
    cond('PodReadyToStartContainers', pod.sandbox && !pod.terminal ? 'True' : 'False', now),
    incomplete.length && !pod.initialized ? cond('Initialized', 'False', now, { reason: 'ContainersNotInitialized', message: `containers with incomplete status: [${incomplete.join(' ')}]` }) : cond('Initialized', 'True', now),
    readyCond,
    { ...readyCond, type: 'ContainersReady' },
  ];
}
