// Jobs and CronJobs under a fake clock: completions, parallelism, back-off, deadlines, TTL,
// cron schedules with time zones and concurrency policies.
import { describe, expect, it } from 'vitest';
import { nextRun, parseCron } from '../../src/api/cron.js';
import { jobColumns } from '../../src/api/columns/workloads.js';
import type { KubeObject } from '../../src/api/types.js';
import { formatIndexes, jobBackoffMs, parseIndexes } from '../../src/controllers/job.js';
import { resolveResource } from '../../src/api/resources.js';
import { TestCluster } from '../cluster.js';

const job = (name: string, spec: any, annotations?: Record<string, string>, command = ['sh', '-c', 'sleep 3']): KubeObject => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name },
  spec: { ...spec, template: { metadata: annotations ? { annotations } : {}, spec: { restartPolicy: spec.restartPolicy ?? 'Never', containers: [{ name: 'work', image: 'busybox', command }] } } },
});
const cond = (o: KubeObject | undefined, type: string) => (o?.status?.conditions ?? []).find((c: any) => c.type === type && c.status === 'True');
const column = (o: KubeObject, header: string, now: number) => String(jobColumns.find((c) => c.header === header)!.value(o, now));

describe('cron schedules', () => {
  const at = (iso: string) => Date.parse(iso);
  it.each([
    ['*/15 * * * *', 'UTC', '2026-11-23T10:07:00Z', '2026-11-23T10:15:00.000Z'],
    ['0 2 * * *', 'UTC', '2026-11-23T10:00:00Z', '2026-11-24T02:00:00.000Z'],
    ['@hourly', 'UTC', '2026-11-23T10:00:00Z', '2026-11-23T11:00:00.000Z'],
    ['@weekly', 'UTC', '2026-11-23T10:00:00Z', '2026-11-29T00:00:00.000Z'],
    ['@yearly', 'UTC', '2026-11-23T10:00:00Z', '2027-01-01T00:00:00.000Z'],
    ['30 9 * * mon-fri', 'UTC', '2026-11-27T10:00:00Z', '2026-11-30T09:30:00.000Z'],
    ['0 0 13 * 5', 'UTC', '2026-11-23T00:00:00Z', '2026-11-27T00:00:00.000Z'], // day 13 OR a Friday
    ['0 2 * * *', 'Europe/Berlin', '2026-11-23T10:00:00Z', '2026-11-24T01:00:00.000Z'],
    ['0 2 * * *', 'America/New_York', '2026-07-01T10:00:00Z', '2026-07-02T06:00:00.000Z'],
    ['0 0 29 2 *', 'UTC', '2026-11-23T00:00:00Z', '2028-02-29T00:00:00.000Z'],
    ['@every 90m', 'UTC', '2026-11-23T10:00:00Z', '2026-11-23T11:30:00.000Z'],
  ])('%s in %s after %s is %s', (expr, tz, after, want) => {
    expect(new Date(nextRun(parseCron(expr), at(after), tz)!).toISOString()).toBe(want);
  });

  it('formats and parses completed indexes', () => {
    expect(formatIndexes([4, 0, 1, 2, 7, 8])).toBe('0-2,4,7-8');
    expect(parseIndexes('0-2,4')).toEqual([0, 1, 2, 4]);
    expect([1, 2, 3, 7, 8].map(jobBackoffMs)).toEqual([10_000, 20_000, 40_000, 360_000, 360_000]);
  });
});

describe('Jobs', () => {
  it('runs completions pods, parallelism at a time, then is Complete with its duration', () => {
    const k = new TestCluster();
    k.create(job('pi', { completions: 4, parallelism: 2 }));
    k.run(1000);
    expect(k.list('pods').filter((p) => p.status?.phase === 'Running')).toHaveLength(2);
    const t = k.until(() => !!cond(k.get('jobs', 'pi'), 'Complete'));
    const j = k.get('jobs', 'pi')!;
    expect(j.status).toMatchObject({ succeeded: 4, ready: 0, terminating: 0 });
    expect(j.status.active).toBeUndefined();
    expect(cond(j, 'SuccessCriteriaMet')).toBeDefined();
    expect(column(j, 'STATUS', k.clock.now())).toBe('Complete');
    expect(column(j, 'COMPLETIONS', k.clock.now())).toBe('4/4');
    expect(t).toBeLessThan(10_000);
    expect(k.list('pods').map((p) => p.metadata.finalizers ?? [])).toEqual([[], [], [], []]);
    expect(k.list('pods').every((p) => p.metadata.labels?.['batch.kubernetes.io/job-name'] === 'pi')).toBe(true);
    expect(k.events('Completed').map((e) => e.message)).toEqual(['Job completed']);
  });

  it('retries failures with back-off and fails after backoffLimit', () => {
    const k = new TestCluster();
    k.create(job('fails', { backoffLimit: 2 }, undefined, ['sh', '-c', 'exit 1']));
    k.until(() => !!cond(k.get('jobs', 'fails'), 'Failed'));
    const j = k.get('jobs', 'fails')!;
    expect(j.status.failed).toBe(3);
    expect(cond(j, 'Failed')).toMatchObject({ reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(cond(j, 'FailureTarget')).toBeDefined();
    // Pods were created 10 s, then 20 s after the failures before them.
    const starts = k.list('pods').map((p) => Date.parse(p.metadata.creationTimestamp!)).sort();
    expect([starts[1] - starts[0], starts[2] - starts[1]].map((d) => Math.round(d / 1000))).toEqual([10, 20]);
    expect(k.list('pods').map((p) => k.podStatus(p.metadata.name!))).toEqual(['Error', 'Error', 'Error']);
  });

  it('a pod annotation chooses the exit code: minik.dev/exit-code', () => {
    const k = new TestCluster();
    k.create(job('chosen', { backoffLimit: 0 }, { 'minik.dev/exit-code': '42' }, ['./migrate']));
    k.until(() => !!cond(k.get('jobs', 'chosen'), 'Failed'));
    expect(k.list('pods')[0].status.containerStatuses[0].state.terminated.exitCode).toBe(42);
  });

  it('OnFailure restarts count against backoffLimit', () => {
    const k = new TestCluster();
    k.create(job('restarts', { backoffLimit: 2, restartPolicy: 'OnFailure' }, undefined, ['sh', '-c', 'exit 1']));
    k.until(() => !!cond(k.get('jobs', 'restarts'), 'Failed'));
    // One pod, restarted in place: never replaced.
    expect(k.events('SuccessfulCreate').map((e) => e.count ?? 1)).toEqual([1]);
  });

  it('fails with DeadlineExceeded after activeDeadlineSeconds and stops its pods', () => {
    const k = new TestCluster();
    k.create(job('slow', { activeDeadlineSeconds: 5 }, undefined, ['sleep', '60']));
    k.run(6000);
    // FailureTarget at once, while the pods stop; Failed once they have (as since v1.31).
    expect(cond(k.get('jobs', 'slow'), 'FailureTarget')).toMatchObject({ reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
    k.run(3000);
    expect(k.list('pods')).toHaveLength(0);
    expect(cond(k.get('jobs', 'slow'), 'Failed')).toMatchObject({ reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' });
  });

  it('is deleted with its pods ttlSecondsAfterFinished after it finishes', () => {
    const k = new TestCluster();
    k.create(job('ttl', { ttlSecondsAfterFinished: 10 }));
    k.until(() => !!cond(k.get('jobs', 'ttl'), 'Complete'));
    k.run(9000);
    expect(k.get('jobs', 'ttl')).toBeDefined();
    k.run(2000);
    expect(k.get('jobs', 'ttl')).toBeUndefined();
    k.run(1000);
    expect(k.list('pods')).toHaveLength(0);
  });

  it('a deleted Job\'s pods lose the tracking finalizer and go with it', () => {
    const k = new TestCluster();
    k.create(job('gone', { parallelism: 2, completions: 2 }, undefined, ['sleep', '60']));
    k.run(1000);
    expect(k.list('pods').map((p) => p.metadata.finalizers)).toEqual([['batch.kubernetes.io/job-tracking'], ['batch.kubernetes.io/job-tracking']]);
    k.reg.delete(resolveResource('jobs')[0], 'default', 'gone');
    k.until(() => k.list('pods').length === 0, 60_000);
  });

  it('Indexed: one pod per index, named <job>-<index>-, completedIndexes', () => {
    const k = new TestCluster();
    k.create(job('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    k.run(500);
    expect(k.list('pods').map((p) => p.metadata.name!.replace(/-[a-z0-9]{5}$/, '')).sort()).toEqual(['idx-0', 'idx-1', 'idx-2']);
    k.until(() => !!cond(k.get('jobs', 'idx'), 'Complete'));
    expect(k.get('jobs', 'idx')!.status.completedIndexes).toBe('0-2');
  });

  it('suspend deletes active pods; resume starts again', () => {
    const k = new TestCluster();
    k.create(job('sus', { suspend: true }));
    k.run(1000);
    expect(k.list('pods')).toHaveLength(0);
    expect(cond(k.get('jobs', 'sus'), 'Suspended')).toBeDefined();
    k.patch('jobs', 'sus', { spec: { suspend: false } });
    k.until(() => !!cond(k.get('jobs', 'sus'), 'Complete'));
  });
});

describe('CronJobs', () => {
  const cron = (name: string, spec: any, command = ['sh', '-c', 'echo hi; sleep 5']): KubeObject => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: { ...spec, jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox', command }] } } } } },
  });

  it('creates a Job when the clock reaches the schedule, named by the scheduled minute', () => {
    const k = new TestCluster(); // the clock starts at 10:00:00 UTC
    k.create(cron('nightly', { schedule: '30 10 * * *' }));
    k.run(29 * 60_000, 1000);
    expect(k.list('jobs')).toHaveLength(0);
    k.run(61_000, 1000);
    const jobs = k.list('jobs');
    expect(jobs.map((j) => j.metadata.name)).toEqual([`nightly-${Date.parse('2026-11-23T10:30:00Z') / 60_000}`]);
    expect(jobs[0].metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe('2026-11-23T10:30:00Z');
    const cj = k.get('cronjobs', 'nightly')!;
    expect(cj.status.lastScheduleTime).toBe('2026-11-23T10:30:00Z');
    expect(cj.status.active).toHaveLength(1);
    k.until(() => !!k.get('cronjobs', 'nightly')!.status.lastSuccessfulTime, 60_000, 1000);
    expect(k.get('cronjobs', 'nightly')!.status.active).toBeUndefined();
  });

  it('honours the time zone', () => {
    const k = new TestCluster();
    k.create(cron('berlin', { schedule: '0 12 * * *', timeZone: 'Europe/Berlin' })); // 11:00 UTC in winter
    k.run(60 * 60_000 + 1000, 5000);
    expect(k.get('cronjobs', 'berlin')!.status.lastScheduleTime).toBe('2026-11-23T11:00:00Z');
  });

  it('keeps successfulJobsHistoryLimit finished Jobs; suspend stops new ones', () => {
    const k = new TestCluster();
    k.create(cron('often', { schedule: '*/1 * * * *', successfulJobsHistoryLimit: 2 }));
    k.run(5 * 60_000 + 30_000, 1000);
    expect(k.list('jobs').length).toBe(2);
    k.patch('cronjobs', 'often', { spec: { suspend: true } });
    const before = k.get('cronjobs', 'often')!.status.lastScheduleTime;
    k.run(3 * 60_000, 1000);
    expect(k.get('cronjobs', 'often')!.status.lastScheduleTime).toBe(before);
  });

  it('Forbid skips a run while one is active; Replace replaces it', () => {
    const k = new TestCluster();
    k.create(cron('forbid', { schedule: '*/1 * * * *', concurrencyPolicy: 'Forbid' }, ['sleep', '150']));
    k.create(cron('replace', { schedule: '*/1 * * * *', concurrencyPolicy: 'Replace' }, ['sleep', '150']));
    k.run(2 * 60_000 + 30_000, 1000);
    const live = (cj: string) => k.list('jobs').filter((j) => j.metadata.name!.startsWith(cj) && !j.metadata.deletionTimestamp);
    expect(live('forbid')).toHaveLength(1);
    expect(live('replace')).toHaveLength(1);
    expect(live('replace')[0].metadata.name).toBe(`replace-${Date.parse('2026-11-23T10:02:00Z') / 60_000}`);
    expect(k.events('JobAlreadyActive').length).toBeGreaterThan(0);
  });

  it('skips a run missed by more than startingDeadlineSeconds', () => {
    const k = new TestCluster();
    const cj = k.create(cron('late', { schedule: '0 * * * *', startingDeadlineSeconds: 10 }));
    // The controller is away (no ticks) past 11:00 + 10 s.
    k.clock.advance(60 * 60_000 + 20_000);
    k.loop.tick();
    expect(k.list('jobs')).toHaveLength(0);
    expect(k.events('MissSchedule')[0].message).toBe('Missed scheduled time to start a job: 2026-11-23T11:00:00Z');
    expect(cj.metadata.name).toBe('late');
  });
});
