// The CronJob controller: creates a Job for each scheduled time (in the CronJob's time zone),
// honouring suspend, startingDeadlineSeconds and concurrencyPolicy; keeps status.active and the
// last schedule/success times; prunes finished Jobs beyond the history limits.
import { parseCron, nextRun } from '../api/cron.js';
import { rfc3339 } from '../api/duration.js';
import { resourceNamed } from '../api/resources.js';
import type { CronJob, CronJobStatus, Job } from '../api/types.js';
import { StatusError } from '../apiserver/errors.js';
import type { Registry } from '../apiserver/registry.js';
import { pushTo } from '../api/collections.js';
import { type Controller, RevisionGate } from '../runtime/controller.js';
import { recordEvent } from '../runtime/events.js';
import { finishedCondition } from './job.js';
import { controllerRef } from './replicaset.js';

const jobsR = resourceNamed('jobs'), cronJobsR = resourceNamed('cronjobs');

export const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

/** The most missed start times the controller looks through before it gives up on the oldest. */
const MAX_MISSED = 100;

/** The Job a CronJob creates for a scheduled time: `<name>-<minutes since the epoch>`. */
export function jobFromCronJob(cj: CronJob, scheduled: number | undefined, name?: string): Job {
  const tpl = cj.spec?.jobTemplate ?? {};
  const annotations = { ...(tpl.metadata?.annotations ?? {}) };
  if (scheduled !== undefined) annotations[SCHEDULED_TIMESTAMP] = rfc3339(scheduled);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: name ?? `${cj.metadata.name}-${Math.floor((scheduled ?? 0) / 60_000)}`,
      namespace: cj.metadata.namespace,
      ...(tpl.metadata?.labels ? { labels: { ...tpl.metadata.labels } } : {}),
      ...(Object.keys(annotations).length ? { annotations } : {}),
      ownerReferences: [controllerRef(cj)],
    },
    spec: structuredClone(tpl.spec ?? {}),
  };
}

export class CronJobController implements Controller {
  readonly name = 'cronjob-controller';
  private gate = new RevisionGate();

  sync(reg: Registry): void {
    if (!this.gate.changed(reg)) return;
    const byOwner = new Map<string, Job[]>();
    for (const j of reg.scan(jobsR)) {
      const ctrl = (j.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === 'CronJob');
      if (ctrl) pushTo(byOwner, ctrl.uid, j);
    }
    for (const cj of reg.list(cronJobsR, undefined).items) {
      if (cj.metadata.deletionTimestamp) continue;
      try {
        this.syncOne(reg, cj, byOwner.get(cj.metadata.uid!) ?? []);
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
  }

  private syncOne(reg: Registry, cj: CronJob, jobs: Job[]): void {
    const now = reg.clock.now();
    const ns = cj.metadata.namespace!;
    const source = { component: this.name };
    const status: CronJobStatus = structuredClone(cj.status ?? {});
    const wasActive = new Set((status.active ?? []).map((r) => r.uid));

    // Finished Jobs: note the success time, and prune beyond the history limits.
    let active = jobs.filter((j) => !finishedCondition(j) && !j.metadata.deletionTimestamp);
    for (const j of jobs) {
      const f = finishedCondition(j);
      if (f && wasActive.has(j.metadata.uid)) recordEvent(reg, source, cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${f.type}`);
      if (f?.type === 'Complete' && j.status?.completionTime && (!status.lastSuccessfulTime || Date.parse(j.status.completionTime) > Date.parse(status.lastSuccessfulTime))) status.lastSuccessfulTime = j.status.completionTime;
    }
    const byStart = (a: Job, b: Job) => Date.parse(a.status?.startTime ?? a.metadata.creationTimestamp!) - Date.parse(b.status?.startTime ?? b.metadata.creationTimestamp!);
    const prune = (list: Job[], limit: number) => {
      for (const j of list.sort(byStart).slice(0, Math.max(0, list.length - limit))) {
        reg.delete(jobsR, ns, j.metadata.name!, { propagationPolicy: 'Background' });
        recordEvent(reg, source, cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`);
      }
    };
    const live = jobs.filter((j) => !j.metadata.deletionTimestamp);
    prune(live.filter((j) => finishedCondition(j)?.type === 'Complete'), cj.spec?.successfulJobsHistoryLimit ?? 3);
    prune(live.filter((j) => finishedCondition(j)?.type === 'Failed'), cj.spec?.failedJobsHistoryLimit ?? 1);

    if (!cj.spec?.suspend) active = this.schedule(reg, cj, status, active, now);

    status.active = active.map((j) => ({ apiVersion: 'batch/v1', kind: 'Job', name: j.metadata.name, namespace: ns, resourceVersion: j.metadata.resourceVersion, uid: j.metadata.uid }));
    if (status.active.length === 0) delete status.active;
    reg.writeStatus(cronJobsR, ns, cj.metadata.name!, status);
  }

  /** Starts the Job of the latest missed time, if due and allowed; returns the active Jobs after. */
  private schedule(reg: Registry, cj: CronJob, status: CronJobStatus, active: Job[], now: number): Job[] {
    const ns = cj.metadata.namespace!;
    const source = { component: this.name };
    const tz = cj.spec?.timeZone ?? 'UTC';
    let sched;
    try {
      sched = parseCron(cj.spec?.schedule ?? '');
    } catch (e) {
      recordEvent(reg, source, cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: "${cj.spec?.schedule}" : ${(e as Error).message}`);
      return active;
    }
    const earliest = Date.parse(status.lastScheduleTime ?? cj.metadata.creationTimestamp!);
    // The most recent scheduled time that has passed since the last one started.
    let due: number | undefined;
    let missed = 0;
    for (let t = nextRun(sched, earliest, tz); t !== undefined && t <= now; t = nextRun(sched, t, tz)) {
      due = t;
      if (++missed > MAX_MISSED) {
        // Too many to walk: jump close to now and keep the latest.
        const jump = nextRun(sched, now - 3_600_000, tz);
        if (jump !== undefined && jump > t) t = jump - 1;
      }
    }
    if (missed > MAX_MISSED) recordEvent(reg, source, cj, 'Warning', 'TooManyMissedTimes', `too many missed start times: ${missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    const next = nextRun(sched, now, tz);
    if (next !== undefined) this.gate.wakeAt(next);
    if (due === undefined) return active;

    const deadline = cj.spec?.startingDeadlineSeconds;
    if (deadline != null && due + deadline * 1000 < now) {
      recordEvent(reg, source, cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc3339(due)}`);
      return active;
    }
    const policy = cj.spec?.concurrencyPolicy ?? 'Allow';
    if (policy === 'Forbid' && active.length > 0) {
      // Not started; tried again when the running Job finishes (a change) while still in time.
      recordEvent(reg, source, cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return active;
    }
    if (policy === 'Replace') {
      for (const j of active) {
        reg.delete(jobsR, ns, j.metadata.name!, { propagationPolicy: 'Background' });
        recordEvent(reg, source, cj, 'Normal', 'SuccessfulDelete', `Deleted job ${j.metadata.name}`);
      }
      active = [];
    }
    const job = jobFromCronJob(cj, due);
    try {
      const created = reg.createTrusted(jobsR, ns, job);
      active = [...active, created];
      recordEvent(reg, source, cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
      if (e.status.reason !== 'AlreadyExists') {
        recordEvent(reg, source, cj, 'Warning', 'FailedCreate', `Error creating job: ${e.message}`);
        return active;
      }
    }
    status.lastScheduleTime = rfc3339(due);
    return active;
  }
}
