// `minikctl check` at CI scale (issue 11's benchmark; not part of `npm test`): a generated set of
// 50,000 resources (100 Namespaces, and ConfigMaps, Services and Deployments of one replica in
// equal numbers across them, one file per namespace) checked by the built CLI as a process, with
// simulation and with --no-simulate. Medians of repeated runs.
//   node bench/check.mjs               3 runs of each
//   node bench/check.mjs --runs 5 --resources 50000
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { numberArg, median } from './lib.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'minikctl');
const RUNS = numberArg('runs', 3);
const RESOURCES = numberArg('resources', 50_000);
const NAMESPACES = 100;
// One replica per Deployment: enough nodes that every pod fits (110 pods a node).
const NODES = Math.ceil(((RESOURCES - NAMESPACES) / 3 / 110) * 1.2);

function generate(dir) {
  const triples = Math.floor((RESOURCES - NAMESPACES) / 3);
  let made = NAMESPACES;
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `team-${n}`;
    const docs = [`apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n`];
    const per = Math.floor(triples / NAMESPACES) + (n < triples % NAMESPACES ? 1 : 0);
    for (let i = 0; i < per; i++) {
      const app = `app-${i}`;
      docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${app}-config\n  namespace: ${ns}\ndata:\n  LOG_LEVEL: info\n  FEATURE: "${i}"\n`);
      docs.push(`apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\n  namespace: ${ns}\nspec:\n  selector:\n    app: ${app}\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n`);
      docs.push(
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\n  namespace: ${ns}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: ${app}\n  template:\n    metadata:\n      labels:\n        app: ${app}\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.27\n        ports:\n        - name: http\n          containerPort: 80\n        envFrom:\n        - configMapRef:\n            name: ${app}-config\n        resources:\n          requests:\n            cpu: 10m\n            memory: 16Mi\n`,
      );
      made += 3;
    }
    fs.writeFileSync(path.join(dir, `${ns}.yaml`), docs.join('---\n'));
  }
  return made;
}

function run(args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [BIN, 'check', ...args, '-o', 'json'], { env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 512 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`check exited ${r.status}: ${r.stderr}\n${r.stdout.toString().slice(0, 2000)}`);
  return { ms, summary: JSON.parse(r.stdout).summary };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minik-check-bench-'));
try {
  const made = generate(dir);
  const bytes = fs.readdirSync(dir).reduce((n, f) => n + fs.statSync(path.join(dir, f)).size, 0);
  console.log(`${made} resources in ${NAMESPACES} files (${(bytes / 1024 / 1024).toFixed(1)} MiB), ${NODES} nodes`);
  const results = {};
  for (const [name, args] of [
    ['--no-simulate', [dir, '--no-simulate']],
    ['simulated', [dir, '--nodes', String(NODES)]],
  ]) {
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      const { ms, summary } = run(args);
      times.push(ms);
      console.log(`  ${name} run ${i + 1}: ${(ms / 1000).toFixed(2)} s (${summary.objects} objects, ${summary.errors} errors, ${summary.warnings} warnings${summary.simulatedSeconds !== undefined ? `, ${summary.simulatedSeconds} s simulated` : ''})`);
    }
    results[name] = times;
  }
  console.log('\n| check | runs | median | target |\n|---|---|---|---|');
  console.log(`| ${made} resources, --no-simulate | ${results['--no-simulate'].map((t) => (t / 1000).toFixed(2)).join(' / ')} s | **${(median(results['--no-simulate']) / 1000).toFixed(2)} s** | < 3 s |`);
  console.log(`| ${made} resources, simulated | ${results.simulated.map((t) => (t / 1000).toFixed(2)).join(' / ')} s | **${(median(results.simulated) / 1000).toFixed(2)} s** | < 15 s |`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
