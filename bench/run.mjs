// minik benchmarks (not part of `npm test`): medians over repeated runs, on this machine.
//   node bench/run.mjs            all benchmarks
//   node bench/run.mjs get apply  a subset
// 1. `minikctl get pods` with 100 pods against `node -e 0` (the floor of any Node CLI); target: within 2x.
// 2. `minikctl apply -f` of one file with 1,000 objects; target: under 1 s.
//   node bench/run.mjs apply --etcd   the same on a daemon whose store is etcd (a fresh one-member
//                                     etcd per daemon); target: under 3 s.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, startEtcd } from './lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'minikctl');
const ETCD = process.argv.includes('--etcd');
const which = process.argv.slice(2).filter((a) => a !== '--etcd');
const want = (name) => which.length === 0 || which.includes(name);

const fmt = (ms) => `${ms.toFixed(1)} ms`;

function time(cmd, args, env, stdin) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env, input: stdin, maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return ms;
}

async function freshHome() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'minik-bench-'));
  const etcd = ETCD ? await startEtcd() : undefined;
  const env = { ...process.env, MINIK_HOME: home, NO_COLOR: '1', ...(etcd ? { MINIK_STORE: etcd.store } : {}) };
  execFileSync(process.execPath, [BIN, 'daemon', 'start'], { env });
  return {
    home,
    env,
    stop: async () => {
      execFileSync(process.execPath, [BIN, 'daemon', 'stop'], { env });
      fs.rmSync(home, { recursive: true, force: true });
      await etcd?.stop();
    },
  };
}

function manifest(n, kind) {
  const docs = [];
  for (let i = 0; i < n; i++) {
    if (kind === 'pods') docs.push(`apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod-${i}\n  labels: {app: bench}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n`);
    else docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  labels: {app: bench}\ndata:\n  index: "${i}"\n  value: "some configuration value ${i}"\n`);
  }
  return docs.join('---\n');
}

const results = [];
console.log(`machine: ${os.cpus().length} x ${os.cpus()[0].model}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, store ${ETCD ? 'etcd (one member)' : 'SQLite'}`);

if (want('get')) {
  const RUNS = 30;
  const b = await freshHome();
  execFileSync(process.execPath, [BIN, 'apply', '-f', '-'], { env: b.env, input: manifest(100, 'pods') });
  for (let i = 0; i < 3; i++) time(process.execPath, [BIN, 'get', 'pods'], b.env); // warm the page cache
  const floor = [];
  const get = [];
  for (let i = 0; i < RUNS; i++) {
    floor.push(time(process.execPath, ['-e', '0'], b.env));
    get.push(time(process.execPath, [BIN, 'get', 'pods'], b.env));
  }
  await b.stop();
  const ratio = median(get) / median(floor);
  results.push(['`node -e 0`', fmt(median(floor)), `${RUNS} runs`]);
  results.push(['`minikctl get pods` (100 pods)', fmt(median(get)), `${ratio.toFixed(2)}x node start-up (target: within 2x)`]);
}

if (want('apply')) {
  const RUNS = 5;
  const file = path.join(os.tmpdir(), 'minik-bench-1000.yaml');
  fs.writeFileSync(file, manifest(1000, 'configmaps'));
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const b = await freshHome();
    runs.push(time(process.execPath, [BIN, 'apply', '-f', file], b.env));
    await b.stop();
  }
  results.push(['`minikctl apply -f` 1,000 objects (new)', fmt(median(runs)), `${RUNS} runs, fresh daemon each (target: under ${ETCD ? '3 s on etcd' : '1 s'})`]);
  const b = await freshHome();
  time(process.execPath, [BIN, 'apply', '-f', file], b.env);
  const again = [];
  for (let i = 0; i < RUNS; i++) again.push(time(process.execPath, [BIN, 'apply', '-f', file], b.env));
  await b.stop();
  results.push(['`minikctl apply -f` 1,000 objects (unchanged)', fmt(median(again)), `${RUNS} runs`]);
}

console.log('\n| benchmark | median | notes |\n|---|---|---|');
for (const r of results) console.log(`| ${r.join(' | ')} |`);
