// Golden timelines of simulated pods: each scenario is a pod (and what happens to it), run on an
// in-memory cluster under the fake clock; every change of what `kubectl get pods` and `describe`
// would show is recorded with its time since creation, and the events with theirs. The timeline
// must equal test/kubelet/golden/<scenario>.json. A new behaviour is a new scenario; a deliberate
// change of one is reviewed as a diff of its file: regenerate them with
//
//   UPDATE_GOLDEN=1 npx vitest run test/kubelet/lifecycle-golden.test.ts
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resourceNamed } from '../../src/api/resources.js';
import type { Event, KubeObject, Pod } from '../../src/api/types.js';
import { TestCluster, pod } from '../cluster.js';

const GOLDEN = path.join(__dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const podsR = resourceNamed('pods');

interface Scenario {
  name: string;
  pod: KubeObject;
  /** Simulated seconds to run. */
  seconds: number;
  /** Deletes the pod at this second (with its grace period). */
  deleteAt?: number;
  /** Objects created before the pod. */
  before?: KubeObject[];
}

const SCENARIOS: Scenario[] = [
  { name: 'server', pod: pod('web', { containers: [{ name: 'nginx', image: 'nginx' }] }), seconds: 15 },
  { name: 'job-completes', pod: pod('once', { restartPolicy: 'Never', containers: [{ name: 'task', image: 'busybox', command: ['sh', '-c', 'echo hi; sleep 5'] }] }), seconds: 15 },
  { name: 'job-fails', pod: pod('bad', { restartPolicy: 'Never', containers: [{ name: 'task', image: 'busybox', command: ['sh', '-c', 'sleep 3; exit 2'] }] }), seconds: 15 },
  { name: 'crash-loop', pod: pod('crash', { containers: [{ name: 'app', image: 'busybox', command: ['sh', '-c', 'exit 1'] }] }), seconds: 120 },
  { name: 'on-failure-retries', pod: pod('retry', { restartPolicy: 'OnFailure', containers: [{ name: 'app', image: 'busybox' }] }, { 'minik.dev/run-seconds': '3', 'minik.dev/exit-code': '1' }), seconds: 60 },
  {
    name: 'readiness-delay',
    pod: pod('slow', { containers: [{ name: 'app', image: 'nginx', readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 5 } }] }),
    seconds: 10,
  },
  {
    name: 'readiness-fails',
    pod: pod('never-ready', { containers: [{ name: 'app', image: 'nginx', readinessProbe: { httpGet: { path: '/', port: 80 } } }] }, { 'minik.dev/readiness': 'fail' }),
    seconds: 10,
  },
  {
    name: 'liveness-fails',
    pod: pod('sick', { containers: [{ name: 'app', image: 'nginx', livenessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 5, failureThreshold: 2 } }] }, { 'minik.dev/liveness': 'fail' }),
    seconds: 40,
  },
  {
    name: 'oom-killed',
    pod: pod('hungry', { containers: [{ name: 'app', image: 'nginx', resources: { limits: { memory: '64Mi' } } }] }, { 'minik.dev/memory-usage': '128Mi' }),
    seconds: 30,
  },
  {
    name: 'missing-configmap',
    pod: pod('needs-config', { containers: [{ name: 'app', image: 'nginx', env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'absent', key: 'x' } } }] }] }),
    seconds: 10,
  },
  {
    name: 'init-containers',
    pod: pod('staged', { initContainers: [{ name: 'migrate', image: 'busybox', command: ['sh', '-c', 'sleep 3'] }], containers: [{ name: 'app', image: 'nginx' }] }),
    seconds: 15,
  },
  {
    name: 'graceful-delete',
    pod: pod('leaving', { terminationGracePeriodSeconds: 30, containers: [{ name: 'app', image: 'nginx' }] }, { 'minik.dev/termination-seconds': '3' }),
    seconds: 20,
    deleteAt: 5,
  },
];

/** What `get pods` and `describe` show of a pod: the moments where any of it changes go in the timeline. */
function view(c: TestCluster, name: string): Record<string, unknown> {
  const p = c.reg.find(podsR, 'default', name) as Pod | undefined;
  if (!p) return { gone: true };
  const containers = [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])];
  return {
    status: c.podStatus(name),
    phase: p.status?.phase,
    conditions: Object.fromEntries((p.status?.conditions ?? []).map((x) => [x.type, x.status])),
    containers: Object.fromEntries(
      containers.map((s) => [s.name, { ready: s.ready, restarts: s.restartCount, state: Object.keys(s.state ?? {})[0], reason: s.state?.waiting?.reason ?? s.state?.terminated?.reason }]),
    ),
  };
}

/** Runs a scenario; the timeline of its pod, times in seconds since creation. */
function timeline(s: Scenario): unknown[] {
  const c = new TestCluster();
  c.run(1000); // a cluster that is up: its nodes have reported Ready
  for (const o of s.before ?? []) c.create(o);
  const created = c.create(s.pod);
  const name = created.metadata.name!;
  const uid = created.metadata.uid!;
  const out: unknown[] = [];
  let last = '';
  const seenEvents = new Set<string>();
  for (let ms = 0; ms <= s.seconds * 1000; ms += 100) {
    if (ms > 0) c.run(100);
    if (s.deleteAt !== undefined && ms === s.deleteAt * 1000) c.reg.delete(podsR, 'default', name);
    const t = ms / 1000;
    const events = (c.list('events') as Event[])
      .filter((e) => e.involvedObject?.name === name)
      .filter((e) => !seenEvents.has(e.metadata.name!))
      .map((e) => {
        seenEvents.add(e.metadata.name!);
        return `${e.type} ${e.reason}${e.involvedObject.fieldPath ? ` (${e.involvedObject.fieldPath})` : ''}: ${(e.message ?? '').replaceAll(uid, '<uid>')}${(e.count ?? 1) > 1 ? ` (x${e.count})` : ''}`;
      });
    const v = JSON.stringify(view(c, name));
    if (v !== last || events.length > 0) out.push({ t, ...(v !== last ? JSON.parse(v) : {}), ...(events.length ? { events } : {}) });
    last = v;
  }
  return out;
}

describe('golden pod timelines', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (name, s) => {
    const got = timeline(s);
    const file = path.join(GOLDEN, `${name}.json`);
    if (UPDATE) {
      fs.mkdirSync(GOLDEN, { recursive: true });
      fs.writeFileSync(file, JSON.stringify(got, null, 2) + '\n');
    }
    expect(fs.existsSync(file), `${file} missing: run with UPDATE_GOLDEN=1`).toBe(true);
    expect(got).toEqual(JSON.parse(fs.readFileSync(file, 'utf8')));
  });
});
