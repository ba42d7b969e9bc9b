// The multi-tier example app in manifests/ (front end, API, PostgreSQL StatefulSet, cache,
// migrations Job, nightly CronJob, log DaemonSet, Ingress, HPA, PDB), walked with minikctl as a
// user would: apply, wait for everything, look around, scale, move time to the nightly run.
// The real CLI code runs in-process against an in-process daemon whose fake clock is
// fast-forwarded (200 ms every 5 ms), so minutes of cluster time take seconds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, fastDaemonForSuite } from '../helpers.js';

const suite = fastDaemonForSuite(beforeAll, afterAll);
const run = (...args: string[]) => cli(suite.env.home, args);
const shop = (...args: string[]) => cli(suite.env.home, [...args, '-n', 'shop']);
const rows = (out: string) => out.trim().split('\n').slice(1).map((l) => l.split(/\s+/));


describe('the shop example app', () => {
  it('applies and converges: every workload rolled out, the migration done, claims bound', async () => {
    const apply = await run('apply', '-f', 'manifests/');
    expect(apply.code).toBe(0);
    expect(apply.stdout).toContain('statefulset.apps/db created\n');
    expect(apply.stdout).toContain('cronjob.batch/nightly-report created\n');
    for (const target of ['deployment/api', 'deployment/frontend', 'deployment/cache', 'statefulset/db', 'daemonset/log-agent']) {
      const r = await shop('rollout', 'status', target, '--timeout=60s');
      expect(r.code, `${target}: ${r.stderr}`).toBe(0);
    }
    // kubectl's wording for a StatefulSet whose (defaulted) partition is 0.
    expect((await shop('rollout', 'status', 'statefulset/db')).stdout).toBe('partitioned roll out complete: 2 new pods have been updated...\n');
    expect((await shop('get', 'sts', 'db', '-o', 'jsonpath={.status.currentRevision}')).stdout).toMatch(/^db-[0-9a-f]+$/);
    expect((await shop('rollout', 'status', 'daemonset/log-agent')).stdout).toBe('daemon set "log-agent" successfully rolled out\n');
    const wait = await shop('wait', '--for=condition=complete', 'job/migrate', '--timeout=60s');
    expect(wait.stdout).toBe('job.batch/migrate condition met\n');
    expect((await shop('logs', 'job/migrate')).stdout).toContain('applying migrations\ndone\n');

    const pods = rows((await shop('get', 'pods')).stdout);
    expect(pods.filter((p) => p[0].startsWith('migrate-')).map((p) => p[2])).toEqual(['Completed']);
    expect(pods.filter((p) => !p[0].startsWith('migrate-')).every((p) => p[2] === 'Running' && p[1] === '1/1')).toBe(true);
    expect(pods.filter((p) => p[0].startsWith('log-agent-'))).toHaveLength(3);
    expect(pods.filter((p) => /^db-\d$/.test(p[0])).map((p) => p[0])).toEqual(['db-0', 'db-1']);

    const pvc = rows((await shop('get', 'pvc')).stdout);
    expect(pvc.map((r) => [r[0], r[1], r[3], r[4], r[5]])).toEqual([
      ['data-db-0', 'Bound', '5Gi', 'RWO', 'standard'],
      ['data-db-1', 'Bound', '5Gi', 'RWO', 'standard'],
    ]);
    const ing = rows((await shop('get', 'ingress')).stdout);
    expect(ing[0].slice(0, 4)).toEqual(['shop', 'nginx', 'shop.local', '172.18.0.2']);
    const describe = (await shop('describe', 'ingress', 'shop')).stdout;
    expect(describe).toMatch(/\/api\s+api:8080 \(10\.244\.\d+\.\d+:8080,10\.244\.\d+\.\d+:8080,10\.244\.\d+\.\d+:8080\)/);
    const endpoints = rows((await shop('get', 'endpoints', 'db')).stdout);
    expect(endpoints[0][1]).toMatch(/^10\.244\.\d+\.\d+:5432,10\.244\.\d+\.\d+:5432$/);
  });

  it('shows usage, autoscales the API on load, and respects its disruption budget', async () => {
    const top = await shop('top', 'pods', '-l', 'app=api');
    expect(top.stdout.split('\n')[0]).toMatch(/^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s+$/);
    expect(rows(top.stdout).map((r) => r[1])).toEqual(['20m', '20m', '20m']); // a tenth of the 200m request
    // Load arrives: each API pod now uses 400m (200 % of its request; the target is 70 %).
    await shop('annotate', 'pods', '-l', 'app=api', 'minik.dev/cpu-usage=400m');
    let replicas = '';
    for (let i = 0; i < 200 && replicas !== '10'; i++) {
      replicas = (await shop('get', 'deployment', 'api', '-o', 'jsonpath={.spec.replicas}')).stdout;
      await new Promise((r) => setTimeout(r, 20));
    }
    // 3 pods at 200 % of a 70 % target ask for ceil(3 x 200 / 70) = 9; new pods start idle, so the
    // average falls, but the annotated ones keep it above target until the max of 10.
    expect(replicas).toBe('10');
    const hpa = rows((await shop('get', 'hpa', 'api')).stdout)[0];
    expect(hpa.slice(0, 2)).toEqual(['api', 'Deployment/api']);
    const pdb = rows((await shop('get', 'pdb', 'api')).stdout)[0];
    expect(pdb.slice(0, 3)).toEqual(['api', '1', 'N/A']);
  });

  it('runs the nightly report when the clock reaches 02:00 in Berlin, and on demand', async () => {
    const manual = await shop('create', 'job', 'report-now', '--from=cronjob/nightly-report');
    expect(manual.stdout).toBe('job.batch/report-now created\n');
    expect((await shop('wait', '--for=condition=complete', 'job/report-now', '--timeout=120s')).code).toBe(0);
    // 02:00 Europe/Berlin is 01:00 UTC; the test clock started at 10:00 UTC on 23 Nov.
    const target = Date.parse('2026-11-24T01:00:00Z');
    suite.env.clock.advance(target - suite.env.clock.now() + 1000);
    let jobs: string[][] = [];
    for (let i = 0; i < 100; i++) {
      jobs = rows((await shop('get', 'jobs')).stdout);
      if (jobs.some((j) => j[0] === `nightly-report-${target / 60_000}`)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(jobs.map((j) => j[0])).toContain(`nightly-report-${target / 60_000}`);
    const cj = rows((await shop('get', 'cronjob', 'nightly-report')).stdout)[0];
    expect(cj.slice(0, 4)).toEqual(['nightly-report', '0', '2', '*']);
  });

  it('deletes everything it applied (the migrations Job is already gone: ttlSecondsAfterFinished)', async () => {
    const del = await run('delete', '-f', 'manifests/', '--ignore-not-found');
    expect(del.code, del.stderr).toBe(0);
    expect(del.stdout).toContain('namespace "shop" deleted\n');
  });
});
