// `minikctl daemon start|stop|status|logs`: the background process that is the cluster.
import fs from 'node:fs';
import type { Command } from 'commander';
import { runningDaemon, spawnDaemon } from '../../client/connect.js';
import { processAlive, statePaths } from '../../state/state.js';
import { parseStoreSetting } from '../../state/store-setting.js';
import path from 'node:path';
import { IDENTITY_LABEL, liveApiServers } from '../../api/apiserver-identity.js';
import type { KubeList, Lease } from '../../api/types.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function start(ctx: Context, opts: { store?: string; runtimeConfig?: string }): Promise<number> {
  let runtimeConfig: string | undefined;
  try {
    if (opts.store !== undefined) parseStoreSetting(opts.store);
    if (opts.runtimeConfig !== undefined) {
      runtimeConfig = path.resolve(opts.runtimeConfig);
      const { loadRuntimeConfig } = await import('../../state/runtime-config.js');
      loadRuntimeConfig(runtimeConfig);
    }
  } catch (e) {
    throw new CliError(`error: ${(e as Error).message}`);
  }
  const info = await runningDaemon(ctx.home);
  if (info) {
    ctx.out(`minik daemon is already running (pid ${info.pid}, listening on 127.0.0.1:${info.port})\n`);
    return 0;
  }
  const env = { ...ctx.io.env, ...(opts.store !== undefined ? { MINIK_STORE: opts.store } : {}), ...(runtimeConfig ? { MINIK_RUNTIME_CONFIG: runtimeConfig } : {}) };
  const started = await spawnDaemon(ctx.home, env);
  // Another `daemon start` (or command) started it first.
  if (!started.ours) ctx.out(`minik daemon is already running (pid ${started.pid}, listening on 127.0.0.1:${started.port})\n`);
  else ctx.out(`minik daemon started (pid ${started.pid}, listening on 127.0.0.1:${started.port}, state in ${ctx.home})\n`);
  return 0;
}

async function stop(ctx: Context): Promise<number> {
  // Only a daemon that answers on its port is signalled: a stale daemon.json may name a pid that
  // now belongs to another process.
  const info = await runningDaemon(ctx.home);
  if (!info) {
    ctx.out('minik daemon is not running\n');
    return 0;
  }
  process.kill(info.pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  // The kernel releases the daemon's lock when its process ends; a detached daemon may linger as
  // an unreaped zombie, which processAlive counts as gone.
  while (processAlive(info.pid)) {
    if (Date.now() > deadline) throw new CliError(`error: the minik daemon (pid ${info.pid}) did not stop within 15s`);
    await sleep(20);
  }
  ctx.out(`minik daemon stopped (pid ${info.pid})\n`);
  return 0;
}

async function status(ctx: Context): Promise<number> {
  const info = await runningDaemon(ctx.home);
  if (!info) {
    ctx.out(`minik daemon is not running (state in ${ctx.home})\n`);
    return 1;
  }
  ctx.out(`minik daemon is running (pid ${info.pid}, listening on 127.0.0.1:${info.port}, since ${info.startedAt}, state in ${ctx.home}${info.store ? `, store ${info.store}` : ''})\n`);
  if (info.store) {
    // Daemons on one etcd: every API server of the cluster, from their identity Leases.
    const client = await ctx.client();
    const res = await client.get(`/apis/coordination.k8s.io/v1/namespaces/kube-system/leases?labelSelector=${encodeURIComponent(IDENTITY_LABEL)}`);
    const servers = liveApiServers((res.body as unknown as KubeList<Lease>).items, Date.now());
    const own = `https://127.0.0.1:${info.port}`;
    ctx.out(`API servers of this cluster:\n${servers.map((s) => `  ${s.server}${s.server === own ? ' (this daemon)' : ''}\n`).join('')}`);
  }
  return 0;
}

function logs(ctx: Context, opts: { tail?: string }): number {
  const file = statePaths(ctx.home).log;
  if (!fs.existsSync(file)) throw new CliError(`error: no daemon log yet at ${file}`);
  let text = fs.readFileSync(file, 'utf8');
  if (opts.tail !== undefined && Number(opts.tail) >= 0) {
    const lines = text.replace(/\n$/, '').split('\n');
    text = lines.slice(Math.max(0, lines.length - Number(opts.tail))).join('\n') + '\n';
  }
  ctx.out(text);
  return 0;
}

/** Registers `daemon`. */
export function registerDaemon(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  const d = program.command('daemon').description('Start, stop and inspect the minik daemon (the cluster)');
  d.command('start')
    .description('Start the daemon in the background')
    .option('--store <store>', 'The store: sqlite (default, in the state dir) or etcd://HOST:PORT[,HOST:PORT...] (kept for later starts)')
    .option('--runtime-config <file>', 'What may run on this machine: images that run as processes, exec and port-forward rules (docs/runtime.md). Without it nothing a pod asks for runs on the host')
    .action((o) => done(start(ctx(), o)));
  d.command('stop').description('Stop the daemon (SIGTERM, clean shutdown)').action(() => done(stop(ctx())));
  d.command('status').description('Say whether the daemon runs, and where').action(() => done(status(ctx())));
  d.command('logs')
    .description("Print the daemon's log")
    .option('--tail <lines>', 'Lines of recent log to display')
    .action((o) => done(Promise.resolve(logs(ctx(), o))));
}
