// The Job controller: runs pods until `completions` succeed (or, without completions, until one
// succeeds and the rest finish), `parallelism` at a time; retries failures with back-off up to
// `backoffLimit`, or per index with `backoffLimitPerIndex` and `maxFailedIndexes`; judges failed
// pods by the `podFailurePolicy` (FailJob, Ignore, Count, FailIndex; job-policies.ts); completes
// early by a `successPolicy`; replaces terminating pods at once or only once they have failed
// (`podReplacementPolicy`); enforces `activeDeadlineSeconds`; suspends; counts finished pods
// through the `batch.kubernetes.io/job-tracking` finalizer as Kubernetes does; and (the
// TTL-after-finished controller's part) deletes finished Jobs after `ttlSecondsAfterFinished`.
import { pushTo } from '../api/collections.js';
import { rfc3339 } from '../api/duration.js';
import { isPodReady } from '../api/pods.js';
import { resourceNamed } from '../api/resources.js';
import type { Condition, Job, JobStatus, Pod } from '../api/types.js';
import { StatusError } from '../apiserver/errors.js';
import type { Registry } from '../apiserver/registry.js';
import { type Controller, RevisionGate } from '../runtime/controller.js';
import { recordEvent } from '../runtime/events.js';
import { matchFailurePolicy, metSuccessRule } from './job-policies.js';
import { podFromTemplate } from './replicaset.js';

const podsR = resourceNamed('pods'), jobsR = resourceNamed('jobs');

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
export const INDEX_FAILURE_COUNT = 'batch.kubernetes.io/job-index-failure-count';
export const INDEX_IGNORED_FAILURE_COUNT = 'batch.kubernetes.io/job-index-ignored-failure-count';

/** Delay before re-creating pods after `failures` failures: 10 s doubling, capped at 6 min. */
export function jobBackoffMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(10_000 * 2 ** (failures - 1), 360_000);
}

/** `0-2,4`: the compact form of a set of completion indexes. */
export function formatIndexes(indexes: number[]): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The indexes in `0-2,4`. */
export function parseIndexes(text: string | undefined): number[] {
  const out: number[] = [];
  for (const part of (text ?? '').split(',').filter(Boolean)) {
    const [a, b] = part.split('-').map(Number);
    for (let i = a; i <= (b ?? a); i++) out.push(i);
  }
  return out;
}

/** A Job's status while a sync counts into it: the counts are set. */
type CountedStatus = JobStatus & { succeeded: number; failed: number };

/** What a sync learns from the Job's finished pods. */
interface Tally {
  /** The last failure's time (the Job-wide retry back-off). */
  lastFailure: number;
  /** Pods whose tracking finalizer goes once the status is written. */
  toRelease: Pod[];
  /** The message of a FailJob rule a failed pod matched. */
  failJob?: string;
  /** Per index: failures so far (a new pod's failure-count annotation) and the last one's time. */
  indexFailures: Map<number, { count: number; ignored: number; last: number }>;
}

const indexOf = (p: Pod) => Number(p.metadata.annotations?.[COMPLETION_INDEX]);
const finishedAt = (p: Pod) => Math.max(0, ...(p.status?.containerStatuses ?? []).map((s) => Date.parse(s.state?.terminated?.finishedAt ?? '') || 0));

const isTerminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
/** A Job's conditions as one pass changes them: a condition's times move only when its status does. */
class JobConditions {
  constructor(
    readonly list: Condition[],
    /** This pass's time, RFC 3339. */
    readonly ts: string,
  ) {
    this.list = [...list];
  }

  isTrue(type: string): boolean {
    return this.list.some((c) => c.type === type && c.status === 'True');
  }

  set(type: string, reason: string, message: string, status: 'True' | 'False' = 'True'): void {
    const i = this.list.findIndex((c) => c.type === type);
    const c: Condition = { type, status, lastProbeTime: this.ts, lastTransitionTime: this.ts, reason, message };
    if (i < 0) this.list.push(c);
    else if (this.list[i].status !== status) this.list[i] = c;
  }
}

/** A Job's Complete or Failed condition once it has finished, else undefined. */
export const finishedCondition = (job: Job) => (job.status?.conditions ?? []).find((c: Condition) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

export class JobController implements Controller {
  readonly name = 'job-controller';
  private gate = new RevisionGate();
  private hadJobs = true;

  sync(reg: Registry): void {
    if (!this.gate.changed(reg)) return;
    const jobs = reg.list(jobsR, undefined).items;
    // Without Jobs (now and at the last pass, when some may have gone) there are no pods to look at.
    const hadJobs = this.hadJobs;
    this.hadJobs = jobs.length > 0;
    if (jobs.length === 0 && !hadJobs) return;
    const byOwner = new Map<string, Pod[]>();
    const tracked: Pod[] = [];
    for (const p of reg.scan(podsR)) {
      const ctrl = (p.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === 'Job');
      if (ctrl) pushTo(byOwner, ctrl.uid, p);
      if ((p.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER)) tracked.push(p);
    }
    const jobUids = new Set<string>();
    for (const job of jobs) {
      jobUids.add(job.metadata.uid!);
      try {
        this.syncJob(reg, job, byOwner.get(job.metadata.uid!) ?? []);
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
    // Pods of Jobs that are gone keep nothing to count: let them go.
    for (const p of tracked) {
      const ctrl = (p.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === 'Job');
      if (!ctrl || !jobUids.has(ctrl.uid)) this.releasePod(reg, p);
    }
  }

  private releasePod(reg: Registry, p: Pod): void {
    const finalizers = (p.metadata.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER);
    try {
      reg.patchTrusted(podsR, p.metadata.namespace!, p.metadata.name!, { metadata: { finalizers: finalizers.length ? finalizers : null } });
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }

  private syncJob(reg: Registry, job: Job, pods: Pod[]): void {
    const now = reg.clock.now();
    const spec = job.spec ?? {};
    const clone = structuredClone(job.status ?? {});
    const status: CountedStatus = Object.assign(clone, { succeeded: clone.succeeded ?? 0, failed: clone.failed ?? 0 });
    const completed = new Set(parseIndexes(status.completedIndexes));
    const failedIndexes = new Set(parseIndexes(status.failedIndexes));
    const tally = this.countFinished(job, pods, status, completed, failedIndexes, now);
    if (spec.completionMode === 'Indexed') status.completedIndexes = formatIndexes([...completed]);
    if (spec.backoffLimitPerIndex != null) status.failedIndexes = formatIndexes([...failedIndexes]);

    const active = pods.filter((p) => !isTerminal(p) && !p.metadata.deletionTimestamp);
    const terminating = pods.filter((p) => p.metadata.deletionTimestamp && !isTerminal(p));
    const conditions = new JobConditions(status.conditions ?? [], rfc3339(now));
    if (!finishedCondition(job)) {
      if (spec.suspend) this.suspend(reg, job, active, status, conditions);
      else this.run(reg, job, { active, terminating }, status, conditions, { completed, failedIndexes }, tally, now);
    }

    for (const p of tally.toRelease) this.releasePod(reg, p);
    status.active = active.length;
    status.ready = active.filter(isPodReady).length;
    status.terminating = terminating.length;
    status.uncountedTerminatedPods ??= {};
    if (conditions.list.length) status.conditions = conditions.list;
    const written: JobStatus = status;
    for (const k of ['active', 'succeeded', 'failed'] as const) if (written[k] === 0) delete written[k];
    reg.writeStatus(jobsR, job.metadata.namespace!, job.metadata.name!, written);
    this.expire(reg, job, status, now);
  }

  /**
   * Counts the pods that have finished (or are being deleted) once each, into `status`,
   * `completed` and `failedIndexes`, judging failures by the pod failure policy. A pod being
   * deleted counts as failed at once, unless the Job waits for pods to finish (a failure
   * policy, or podReplacementPolicy Failed). Failed pods stay until the Job goes.
   */
  private countFinished(job: Job, pods: Pod[], status: CountedStatus, completed: Set<number>, failedIndexes: Set<number>, now: number): Tally {
    const spec = job.spec ?? {};
    const indexed = spec.completionMode === 'Indexed';
    const rules = spec.podFailurePolicy?.rules;
    const perIndex = spec.backoffLimitPerIndex;
    const waitsForFailure = !!rules || spec.podReplacementPolicy === 'Failed';
    const tally: Tally = { lastFailure: 0, toRelease: [], indexFailures: new Map() };
    // Each failed pod judged once by the failure policy.
    const verdicts = new Map<Pod, ReturnType<typeof matchFailurePolicy>>();
    for (const p of pods) if (rules && p.status?.phase === 'Failed') verdicts.set(p, matchFailurePolicy(rules, p));
    for (const p of pods) {
      if (p.status?.phase !== 'Failed') continue;
      tally.lastFailure = Math.max(tally.lastFailure, finishedAt(p));
      if (!indexed) continue;
      const ignored = verdicts.get(p)?.action === 'Ignore';
      const count = Number(p.metadata.annotations?.[INDEX_FAILURE_COUNT] ?? 0) + (ignored ? 0 : 1);
      const ignoredCount = Number(p.metadata.annotations?.[INDEX_IGNORED_FAILURE_COUNT] ?? 0) + (ignored ? 1 : 0);
      const prev = tally.indexFailures.get(indexOf(p));
      tally.indexFailures.set(indexOf(p), { count: Math.max(count, prev?.count ?? 0), ignored: Math.max(ignoredCount, prev?.ignored ?? 0), last: Math.max(finishedAt(p), prev?.last ?? 0) });
    }
    for (const p of pods) {
      if (!(p.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER)) continue;
      if (!isTerminal(p) && !(p.metadata.deletionTimestamp && !waitsForFailure)) continue;
      if (p.status?.phase === 'Succeeded') {
        const idx = indexOf(p);
        if (!indexed) status.succeeded++;
        else if (!completed.has(idx)) {
          completed.add(idx);
          status.succeeded++;
        }
      } else {
        const verdict = verdicts.get(p);
        const action = verdict?.action ?? 'Count';
        if (action !== 'Ignore') status.failed++;
        if (action === 'FailJob') tally.failJob ??= verdict!.message;
        if (indexed && perIndex != null && (action === 'FailIndex' || (action === 'Count' && (tally.indexFailures.get(indexOf(p))?.count ?? 1) > perIndex))) failedIndexes.add(indexOf(p));
        if (p.status?.phase !== 'Failed') tally.lastFailure = Math.max(tally.lastFailure, now);
      }
      tally.toRelease.push(p);
    }
    return tally;
  }

  /** A suspended Job: its pods go, and it says so once. */
  private suspend(reg: Registry, job: Job, active: Pod[], status: CountedStatus, conditions: JobConditions): void {
    for (const p of active) this.deletePod(reg, job, p);
    if (!conditions.isTrue('Suspended')) {
      conditions.set('Suspended', 'JobSuspended', 'Job suspended');
      recordEvent(reg, { component: this.name }, job, 'Normal', 'Suspended', 'Job suspended');
    }
    delete status.startTime;
    active.length = 0;
  }

  /** A running Job: complete (completions, success policy), failed (failure policy, back-off limits, deadline), or more pods. */
  private run(reg: Registry, job: Job, pods: { active: Pod[]; terminating: Pod[] }, status: CountedStatus, conditions: JobConditions, indexes: { completed: Set<number>; failedIndexes: Set<number> }, tally: Tally, now: number): void {
    const spec = job.spec ?? {};
    const source = { component: this.name };
    const { active } = pods;
    const { completed, failedIndexes } = indexes;
    if (conditions.isTrue('Suspended')) {
      conditions.set('Suspended', 'JobResumed', 'Job resumed', 'False');
      recordEvent(reg, source, job, 'Normal', 'Resumed', 'Job resumed');
    }
    status.startTime ??= conditions.ts;
    let stopped = 0;
    const stopAll = () => {
      for (const p of active) this.deletePod(reg, job, p);
      stopped += active.length;
      active.length = 0;
    };
    // Since v1.31 the terminal condition waits until every pod has terminated: first
    // FailureTarget (or SuccessCriteriaMet) while the pods are stopped, then Failed (Complete).
    const settle = () => {
      const target = conditions.list.find((c) => (c.type === 'FailureTarget' || c.type === 'SuccessCriteriaMet') && c.status === 'True');
      if (!target) return false;
      stopAll();
      if (stopped > 0 || pods.terminating.length > 0) return true;
      if (target.type === 'FailureTarget') {
        conditions.set('Failed', target.reason!, target.message!);
        recordEvent(reg, source, job, 'Warning', target.reason!, target.message!);
      } else {
        conditions.set('Complete', target.reason!, target.message!);
        status.completionTime = conditions.ts;
        recordEvent(reg, source, job, 'Normal', 'Completed', 'Job completed');
      }
      return true;
    };
    if (settle()) return;
    const failJob = (reason: string, message: string) => {
      conditions.set('FailureTarget', reason, message);
      settle();
    };
    const complete = (reason: string, message: string) => {
      conditions.set('SuccessCriteriaMet', reason, message);
      settle();
    };
    const restarts = spec.template?.spec?.restartPolicy === 'OnFailure' ? active.reduce((n, p) => n + (p.status?.containerStatuses ?? []).reduce((m, s) => m + (s.restartCount ?? 0), 0), 0) : 0;
    const deadline = spec.activeDeadlineSeconds != null ? Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000 : Infinity;
    const completions: number | undefined = spec.completions ?? undefined;
    const succeededEnough = completions != null ? status.succeeded >= completions : status.succeeded > 0 && active.length === 0;
    const successRule = spec.completionMode === 'Indexed' && spec.successPolicy ? metSuccessRule(spec.successPolicy.rules ?? [], completed, parseIndexes) : undefined;
    if (tally.failJob) {
      failJob('PodFailurePolicy', tally.failJob);
    } else if (successRule !== undefined) {
      complete('SuccessPolicy', `Matched rules at index ${successRule}`);
    } else if (succeededEnough) {
      complete('CompletionsReached', 'Reached expected number of succeeded pods');
    } else if (status.failed + restarts > (spec.backoffLimit ?? 6)) {
      failJob('BackoffLimitExceeded', 'Job has reached the specified backoff limit');
    } else if (spec.maxFailedIndexes != null && failedIndexes.size > spec.maxFailedIndexes) {
      failJob('MaxFailedIndexesExceeded', 'Job has exceeded the specified maximal number of failed indexes');
    } else if (failedIndexes.size > 0 && completed.size + failedIndexes.size >= (completions ?? 0) && active.length === 0) {
      failJob('FailedIndexes', 'Job has failed indexes');
    } else if (now >= deadline) {
      failJob('DeadlineExceeded', 'Job was active longer than specified deadline');
    } else {
      if (deadline !== Infinity) this.gate.wakeAt(deadline);
      this.createPods(reg, job, pods, status, indexes, tally, now);
    }
  }

  /** TTL after finished: the Job (and, in the background, its pods) goes. */
  private expire(reg: Registry, job: Job, status: CountedStatus, now: number): void {
    const done = finishedCondition({ ...job, status });
    if (!done || job.spec?.ttlSecondsAfterFinished == null) return;
    const at = Date.parse(done.lastTransitionTime!) + job.spec.ttlSecondsAfterFinished * 1000;
    if (now >= at) reg.delete(jobsR, job.metadata.namespace!, job.metadata.name!, { propagationPolicy: 'Background' });
    else this.gate.wakeAt(at);
  }

  /**
   * Starts pods up to parallelism (and the completions left), after any failure back-off (per
   * index with backoffLimitPerIndex). With podReplacementPolicy Failed a terminating pod still
   * holds its place.
   */
  private createPods(reg: Registry, job: Job, pods: { active: Pod[]; terminating: Pod[] }, status: CountedStatus, indexes: { completed: Set<number>; failedIndexes: Set<number> }, tally: Tally, now: number): void {
    const spec = job.spec ?? {};
    const { active } = pods;
    const parallelism = spec.parallelism ?? 1;
    const completions: number | undefined = spec.completions ?? undefined;
    const indexed = spec.completionMode === 'Indexed';
    const perIndex = indexed && spec.backoffLimitPerIndex != null;
    const left = completions != null ? completions - status.succeeded - (indexed ? indexes.failedIndexes.size : 0) : undefined;
    let want = left != null ? Math.min(parallelism, left) : status.succeeded > 0 ? 0 : parallelism;
    want = Math.max(0, want);
    if (active.length > want) {
      for (const p of active.slice(want)) this.deletePod(reg, job, p);
      return;
    }
    const holding = spec.podReplacementPolicy === 'Failed' ? pods.terminating : [];
    if (active.length + holding.length >= want) return;
    const retryAt = tally.lastFailure + jobBackoffMs(status.failed);
    if (!perIndex && status.failed > 0 && now < retryAt) {
      this.gate.wakeAt(retryAt);
      return;
    }
    const taken = new Set([...active, ...holding].map(indexOf));
    const freeIndexes: number[] = [];
    if (indexed) {
      for (let i = 0; i < (completions ?? 0); i++) {
        if (indexes.completed.has(i) || indexes.failedIndexes.has(i) || taken.has(i)) continue;
        const f = perIndex ? tally.indexFailures.get(i) : undefined;
        if (f && f.count > 0 && now < f.last + jobBackoffMs(f.count)) {
          this.gate.wakeAt(f.last + jobBackoffMs(f.count));
          continue;
        }
        freeIndexes.push(i);
      }
    }
    for (let n = active.length + holding.length; n < want; n++) {
      const pod = podFromTemplate(job, spec.template);
      pod.metadata.finalizers = [...(pod.metadata.finalizers ?? []), JOB_TRACKING_FINALIZER];
      if (indexed) {
        const idx = freeIndexes.shift();
        if (idx === undefined) break;
        pod.metadata.generateName = `${job.metadata.name}-${idx}-`;
        // With a per-index limit, the index's failures so far (and ignored ones, when there are any).
        const f = tally.indexFailures.get(idx);
        const counts = perIndex ? { [INDEX_FAILURE_COUNT]: String(f?.count ?? 0), ...(f?.ignored ? { [INDEX_IGNORED_FAILURE_COUNT]: String(f.ignored) } : {}) } : {};
        pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [COMPLETION_INDEX]: String(idx), ...counts };
        pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [COMPLETION_INDEX]: String(idx) };
        pod.spec.hostname ??= `${job.metadata.name}-${idx}`;
        for (const c of pod.spec.containers ?? []) c.env = [...(c.env ?? []), { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } } }];
      }
      try {
        const created = reg.createTrusted(podsR, job.metadata.namespace!, pod);
        active.push(created);
        recordEvent(reg, { component: this.name }, job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
        recordEvent(reg, { component: this.name }, job, 'Warning', 'FailedCreate', `Error creating: ${e.message}`);
        break;
      }
    }
  }

  private deletePod(reg: Registry, job: Job, p: Pod): void {
    try {
      reg.delete(podsR, p.metadata.namespace!, p.metadata.name!);
      recordEvent(reg, { component: this.name }, job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
    } catch (e) {
      if (!(e instanceof StatusError)) throw e;
    }
  }
}
