// Scheduler and controller throughput on a large simulated cluster (issue 3's benchmark):
//   node bench/scale.mjs [--nodes 5000] [--pods 150000]
// and with inter-pod rules (issue 16's): nodes in zones, every Deployment with required pod
// anti-affinity on hostname (even ones) or a DoNotSchedule topology spread constraint on zone
// (odd ones):
//   node bench/scale.mjs --nodes 5000 --pods 30000 --zones 3 --workload affinity
// and on etcd instead of SQLite (issue 17's): add --etcd (a fresh one-member etcd), e.g.
//   node bench/scale.mjs --nodes 200 --pods 10000 --etcd
// One daemon (store on disk, as users run it) with N nodes; pods come from Deployments of 100
// replicas. The control loop is ticked as fast as it goes while the cluster clock moves 100 ms per
// tick, so the simulated delays (container start, readiness) cost no wall time. Reports pods
// scheduled per second, wall time until every pod is Running, peak RSS, and `minikctl get pods -A`
// latency at that size. Targets: >= 10,000 pods/s scheduled, all Running within 60 s, < 2 GiB.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { FakeClock } from '../dist/api/clock.js';
import { DAEMON_NODE_FLAGS } from '../dist/state/daemon-flags.js';
import { resolveResource } from '../dist/api/resources.js';
import { startDaemon } from '../dist/daemon/daemon.js';
import { numberArg, startEtcd } from './lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The daemon runs in this process: give it the Node.js flags a daemon started by minikctl has.
if (!DAEMON_NODE_FLAGS.every((f) => process.execArgv.includes(f))) {
  const r = spawnSync(process.execPath, [...process.execArgv, ...DAEMON_NODE_FLAGS, fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
const NODES = numberArg('nodes', 5000);
const PODS = numberArg('pods', 150000);
const ZONES = numberArg('zones', 0);
const WORKLOAD = process.argv.includes('--workload') ? process.argv[process.argv.indexOf('--workload') + 1] : 'plain';
if (!['plain', 'affinity'].includes(WORKLOAD)) throw new Error(`--workload must be plain or affinity, got ${WORKLOAD}`);
const REPLICAS = 100;
const DEPLOYS = Math.ceil(PODS / REPLICAS);

// --etcd: the daemon's store is a fresh one-member etcd (issue 17's comparison with SQLite).
const etcd = process.argv.includes('--etcd') ? await startEtcd() : undefined;
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'minik-scale-'));
const clock = new FakeClock();
let peak = 0;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
const t0 = Date.now();
const daemon = await startDaemon({ home, clock, tickMs: 0, store: etcd?.store, nodes: { count: NODES, cpu: '32', memory: '256Gi', pods: 110, zones: ZONES ? Array.from({ length: ZONES }, (_, i) => `zone-${String.fromCharCode(97 + i)}`) : undefined } });
const reg = daemon.registry;
// Time spent inside each component (the scheduler's is its throughput); the rest of a tick is
// the commit (serialising and storing what changed) and the loop itself.
const componentMs = new Map();
for (const c of daemon.loop.controllers) {
  const sync = c.sync.bind(c);
  c.sync = (r) => {
    const t = performance.now();
    try {
      return sync(r);
    } finally {
      componentMs.set(c.name, (componentMs.get(c.name) ?? 0) + performance.now() - t);
    }
  };
}
daemon.loop.tick();
componentMs.clear();
console.log(`${NODES} nodes up in ${Date.now() - t0} ms`);

/** The scheduling rules of Deployment `i` in the affinity workload. */
function rules(app, i) {
  if (WORKLOAD !== 'affinity') return {};
  const selector = { matchLabels: { app } };
  if (i % 2 === 0) return { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: selector }] } } };
  return { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: selector }] };
}

const [deployR, podsR] = ['deployments', 'pods'].map((n) => resolveResource(n)[0]);
reg.transaction(() => {
  for (let i = 0; i < DEPLOYS; i++) {
    const replicas = Math.min(REPLICAS, PODS - i * REPLICAS);
    reg.create(deployR, 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: `app-${i}` },
      spec: { replicas, selector: { matchLabels: { app: `app-${i}` } }, template: { metadata: { labels: { app: `app-${i}` } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '10m', memory: '16Mi' } } }], ...rules(`app-${i}`, i) } } },
    });
  }
});

const start = Date.now();
let ticks = 0;
let tickMs = 0;
for (;;) {
  clock.advance(100);
  const t = performance.now();
  daemon.loop.tick();
  tickMs += performance.now() - t;
  ticks++;
  // Over etcd the leader election renews its Lease on a timer: let it run between ticks.
  if (etcd) await new Promise((r) => setImmediate(r));
  sample();
  let bound = 0;
  let running = 0;
  for (const p of reg.scan(podsR)) {
    if (p.spec?.nodeName) bound++;
    if (p.status?.phase === 'Running') running++;
  }
  if (ticks % 5 === 0) console.log(`  tick ${ticks}: ${bound} bound, ${running} running, ${((Date.now() - start) / 1000).toFixed(1)} s, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
  if (running === PODS) break;
  if (Date.now() - start > 600_000) throw new Error('gave up after 10 minutes');
}
const allRunning = Date.now() - start;
const schedSeconds = componentMs.get('scheduler') / 1000;
const inComponents = [...componentMs.values()].reduce((a, b) => a + b, 0);
const breakdown = [...componentMs].sort((a, b) => b[1] - a[1]).filter(([, ms]) => ms >= 100).map(([n, ms]) => `${n} ${(ms / 1000).toFixed(1)} s`);
breakdown.push(`commit and loop ${((tickMs - inComponents) / 1000).toFixed(1)} s`, `outside ticks ${((allRunning - tickMs) / 1000).toFixed(1)} s`);

// `minikctl get pods -A` against this daemon, as a separate process (median of 5).
const env = { ...process.env, MINIK_HOME: home, NO_COLOR: '1' };
const lat = [];
for (let i = 0; i < 5; i++) {
  const t = Date.now();
  // Asynchronous: the daemon answering it runs in this very process.
  await promisify(execFile)(process.execPath, [path.join(ROOT, 'bin/minikctl'), 'get', 'pods', '-A', '--no-headers'], { env, maxBuffer: 1 << 30 });
  lat.push(Date.now() - t);
}
lat.sort((a, b) => a - b);
// Over etcd: what went to etcd, the time waiting for it, and etcd's own CPU time.
const etcdStats = etcd && daemon.store.stats;
const etcdCpu = etcd?.cpuSeconds();
await daemon.stop();
fs.rmSync(home, { recursive: true, force: true });
await etcd?.stop();

console.log(`\n| measure | value | target |\n|---|---|---|`);
const affinity = WORKLOAD === 'affinity';
console.log(`| store | ${etcd ? 'etcd (one member)' : 'SQLite'} | |`);
console.log(`| nodes / pods | ${NODES}${ZONES ? ` in ${ZONES} zones` : ''} / ${PODS}${affinity ? ' (anti-affinity or zone spread)' : ''} | ${affinity ? '5,000 in 3 zones / 30,000' : '5,000 / 150,000'} |`);
console.log(`| pods scheduled per second (time inside the scheduler) | ${Math.round(PODS / schedSeconds)} (${schedSeconds.toFixed(1)} s in all) | >= ${affinity ? '500' : '10,000'} |`);
console.log(`| wall time until all Running | ${(allRunning / 1000).toFixed(1)} s (${ticks} ticks) | < 60 s |`);
console.log(`| peak RSS | ${(peak / 2 ** 20).toFixed(0)} MiB | < 2 GiB |`);
console.log(`| \`minikctl get pods -A\` | ${lat[2]} ms median of 5 | |`);
console.log(`\nwhere the wall time went: ${breakdown.join(', ')}`);
if (etcdStats) {
  console.log(`etcd: ${etcdStats.commits} commits in ${etcdStats.txns} etcd transactions, ${etcdStats.ops} keys written, ${(etcdStats.bytes / 2 ** 20).toFixed(0)} MiB sent; ` +
    `${(etcdStats.waitMs / 1000).toFixed(1)} s waiting for etcd; etcd used ${etcdCpu.toFixed(1)} s of CPU`);
}
