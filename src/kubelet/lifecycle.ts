// A simulated pod's lifecycle as data (after kwok's stages): each stage says when it applies,
// how long after the pod's last step it waits, and what the pod's status becomes. The kubelet is
// a small engine that runs the first stage due for each pod.
import { rfc3339 } from '../api/duration.js';
import type { Container, KubeObject } from '../api/types.js';

/** What a stage sees about the cluster. */
export interface StageContext {
  now: number;
  hostIP: string;
  podIP: () => string;
  /** Why a container cannot be configured yet (a missing ConfigMap/Secret key reference), if so. */
  configProblem: (c: Container) => string | undefined;
  /** Why the pod's volumes cannot be mounted yet, if so. */
  mountProblem: () => string | undefined;
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
  applies(pod: KubeObject, ctx: StageContext): boolean;
  /** The clock time at which it may run (default: now). */
  dueAt?(pod: KubeObject, ctx: StageContext): number;
  /** The pod's new status, and events to record; `remove` deletes the pod object. */
  run(pod: KubeObject, ctx: StageContext): { status: any; events: StageEvent[]; remove?: boolean };
}

/**
 * How long a simulated app takes to exit after SIGTERM: the annotation
 * `minik.dev/termination-seconds` (default 1). Longer than the grace period means it is killed
 * (SIGKILL) when the grace period ends.
 */
export const TERMINATION_SECONDS_ANNOTATION = 'minik.dev/termination-seconds';

/** When a terminating pod's containers are gone: its app's exit time, capped by the grace period. */
export function stoppedAt(p: KubeObject): number {
  const grace = p.metadata.deletionGracePeriodSeconds ?? 0;
  const start = Date.parse(p.metadata.deletionTimestamp!) - grace * 1000;
  const appSeconds = Number(p.metadata.annotations?.[TERMINATION_SECONDS_ANNOTATION] ?? 1);
  return start + Math.min(Number.isFinite(appSeconds) ? appSeconds : 1, grace) * 1000;
}

/** Simulated time from the pod landing on the node to its containers running. */
export const CONTAINER_START_MS = 500;

const containers = (p: KubeObject): Container[] => p.spec?.containers ?? [];
const cond = (type: string, status: 'True' | 'False', now: string, extra: object = {}) => ({ type, status, lastProbeTime: null, lastTransitionTime: now, ...extra });

function setConditions(old: any[] | undefined, updates: any[]): any[] {
  const out = [...(old ?? [])];
  for (const u of updates) {
    const i = out.findIndex((c) => c.type === u.type);
    if (i < 0) out.push(u);
    else if (out[i].status !== u.status || out[i].reason !== u.reason) out[i] = u;
  }
  const order = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];
  return out.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}

const imageRef = (image = '') => (image.includes('/') ? image : `docker.io/library/${image}`);

function readyAfter(c: Container): number {
  return (c.readinessProbe?.initialDelaySeconds ?? 0) * 1000;
}

/** The stages every simulated pod goes through, in order of precedence. */
export const STAGES: Stage[] = [
  {
    // Deleted: each container is told to stop (SIGTERM); the pod shows Terminating meanwhile.
    name: 'kill',
    applies: (p) => !!p.metadata.deletionTimestamp && (p.status?.containerStatuses ?? []).some((s: any) => s.ready),
    run(p, ctx) {
      const now = rfc3339(ctx.now);
      return {
        status: {
          ...p.status,
          containerStatuses: (p.status?.containerStatuses ?? []).map((s: any) => ({ ...s, ready: false })),
          conditions: setConditions(p.status?.conditions, [cond('Ready', 'False', now), cond('ContainersReady', 'False', now)]),
        },
        events: (p.status?.containerStatuses ?? []).filter((s: any) => s.state?.running).map((s: any) => ({ type: 'Normal' as const, reason: 'Killing', message: `Stopping container ${s.name}`, fieldPath: `spec.containers{${s.name}}` })),
      };
    },
  },
  {
    // The containers have exited (at once for a simulated app, or SIGKILL at the end of the grace
    // period): the pod object is removed.
    name: 'remove',
    applies: (p) => !!p.metadata.deletionTimestamp,
    dueAt: (p) => stoppedAt(p),
    run: (p) => ({ status: p.status, events: [], remove: true }),
  },
  {
    // Bound to this node: accepted, containers being created.
    name: 'accept',
    applies: (p) => !p.status?.startTime,
    run(p, ctx) {
      const now = rfc3339(ctx.now);
      return {
        status: {
          ...p.status,
          phase: 'Pending',
          hostIP: ctx.hostIP,
          hostIPs: [{ ip: ctx.hostIP }],
          startTime: now,
          conditions: setConditions(p.status?.conditions, [
            cond('PodReadyToStartContainers', 'False', now),
            cond('Initialized', 'True', now),
            cond('Ready', 'False', now, { reason: 'ContainersNotReady', message: `containers with unready status: [${containers(p).map((c) => c.name).join(' ')}]` }),
            cond('ContainersReady', 'False', now, { reason: 'ContainersNotReady', message: `containers with unready status: [${containers(p).map((c) => c.name).join(' ')}]` }),
          ]),
          containerStatuses: containers(p).map((c) => ({ name: c.name, image: c.image, imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'ContainerCreating' } }, lastState: {} })),
        },
        events: [],
      };
    },
  },
  {
    // Volumes that reference missing ConfigMaps/Secrets keep the pod in ContainerCreating.
    name: 'mount-failed',
    applies: (p, ctx) => p.status?.phase === 'Pending' && !!ctx.mountProblem(),
    dueAt: (p) => Date.parse(p.status.startTime) + CONTAINER_START_MS,
    run(p, ctx) {
      const problem = ctx.mountProblem()!;
      const already = (p.status?.conditions ?? []).some((c: any) => c.type === 'PodReadyToStartContainers' && c.reason === 'MountFailed' && c.message === problem);
      if (already) return { status: p.status, events: [] };
      const now = rfc3339(ctx.now);
      return { status: { ...p.status, conditions: setConditions(p.status.conditions, [cond('PodReadyToStartContainers', 'False', now, { reason: 'MountFailed', message: problem })]) }, events: [{ type: 'Warning', reason: 'FailedMount', message: problem }] };
    },
  },
  {
    // Containers start once created; a missing env/envFrom reference is CreateContainerConfigError.
    name: 'start',
    applies: (p) => (p.status?.containerStatuses ?? []).some((s: any) => s.state?.waiting),
    dueAt: (p) => Date.parse(p.status.startTime) + CONTAINER_START_MS,
    run(p, ctx) {
      const now = rfc3339(ctx.now);
      const events: StageEvent[] = [];
      const podIP = p.status?.podIP ?? ctx.podIP();
      const statuses = containers(p).map((c) => {
        const prev = (p.status?.containerStatuses ?? []).find((s: any) => s.name === c.name) ?? {};
        if (prev.state?.running) return prev;
        const fieldPath = `spec.containers{${c.name}}`;
        const problem = ctx.configProblem(c);
        if (problem) {
          if (prev.state?.waiting?.message !== problem) {
            events.push({ type: 'Normal', reason: 'Pulled', message: `Container image "${c.image}" already present on machine`, fieldPath });
            events.push({ type: 'Warning', reason: 'Failed', message: `Error: ${problem}`, fieldPath });
          }
          return { ...prev, name: c.name, image: c.image, ready: false, started: false, restartCount: 0, state: { waiting: { reason: 'CreateContainerConfigError', message: problem } } };
        }
        events.push(
          { type: 'Normal', reason: 'Pulling', message: `Pulling image "${c.image}"`, fieldPath },
          { type: 'Normal', reason: 'Pulled', message: `Successfully pulled image "${c.image}" in 412ms (412ms including waiting). Image size: 72188133 bytes.`, fieldPath },
          { type: 'Normal', reason: 'Created', message: `Created container ${c.name}`, fieldPath },
          { type: 'Normal', reason: 'Started', message: `Started container ${c.name}`, fieldPath },
        );
        const id = `minik://${p.metadata.uid!.replace(/-/g, '').slice(0, 12)}${c.name}`;
        return { name: c.name, image: c.image, imageID: `${imageRef(c.image)}@sha256:${'0'.repeat(64)}`, containerID: id, ready: false, started: true, restartCount: 0, state: { running: { startedAt: now } }, lastState: {} };
      });
      const allRunning = statuses.every((s: any) => s.state?.running);
      return {
        status: {
          ...p.status,
          phase: allRunning ? 'Running' : 'Pending',
          ...(allRunning ? { podIP, podIPs: [{ ip: podIP }] } : {}),
          conditions: setConditions(p.status.conditions, allRunning ? [cond('PodReadyToStartContainers', 'True', now)] : []),
          containerStatuses: statuses,
        },
        events,
      };
    },
  },
  {
    // Ready once every container's readiness probe has passed its initial delay.
    name: 'ready',
    applies: (p) => p.status?.phase === 'Running' && (p.status?.containerStatuses ?? []).some((s: any) => !s.ready),
    dueAt(p) {
      return Math.max(...containers(p).map((c) => {
        const s = (p.status?.containerStatuses ?? []).find((x: any) => x.name === c.name);
        return Date.parse(s?.state?.running?.startedAt ?? p.status.startTime) + readyAfter(c);
      }));
    },
    run(p, ctx) {
      const now = rfc3339(ctx.now);
      return {
        status: {
          ...p.status,
          containerStatuses: (p.status.containerStatuses ?? []).map((s: any) => ({ ...s, ready: true })),
          conditions: setConditions(p.status.conditions, [cond('Ready', 'True', now), cond('ContainersReady', 'True', now)]),
        },
        events: [],
      };
    },
  },
];
