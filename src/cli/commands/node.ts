// `minikctl cordon`, `uncordon`, `drain` and `taint`: node maintenance, worded as kubectl.
import { controllerOf } from '../../api/pods.js';
import type { Command } from 'commander';
import { resourceNamed } from '../../api/resources.js';
import type { KubeList, KubeObject, Node, Pod } from '../../api/types.js';
import { ApiError, type Client, resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { CliError, formatError } from '../errors.js';
import { parseDuration, waitUntilGone } from '../waiting.js';
import { removalOf, withProgress } from '../progress.js';

const nodesR = resourceNamed('nodes'), podsR = resourceNamed('pods');

async function setUnschedulable(ctx: Context, client: Client, name: string, value: boolean): Promise<void> {
  const node = (await client.get<Node>(resourcePath(nodesR, undefined, name))).body;
  const verb = value ? 'cordoned' : 'uncordoned';
  if (!!node.spec?.unschedulable === value) {
    ctx.out(`node/${name} already ${verb}\n`);
    return;
  }
  await client.request('PATCH', resourcePath(nodesR, undefined, name), { body: { spec: { unschedulable: value ? true : null } }, contentType: 'application/strategic-merge-patch+json' });
  ctx.out(`node/${name} ${verb}\n`);
}

async function cordon(ctx: Context, names: string[], value: boolean): Promise<number> {
  const client = await ctx.client();
  let exit = 0;
  for (const n of names) {
    try {
      await setUnschedulable(ctx, client, n, value);
    } catch (e) {
      ctx.err(formatError(e));
      exit = 1;
    }
  }
  return exit;
}

interface DrainOptions {
  ignoreDaemonsets?: boolean;
  force?: boolean;
  deleteEmptydirData?: boolean;
  timeout?: string;
  gracePeriod?: string;
}

async function drain(ctx: Context, name: string, opts: DrainOptions): Promise<number> {
  const client = await ctx.client();
  await setUnschedulable(ctx, client, name, true);
  const pods = (await client.get<KubeList<Pod>>(resourcePath(podsR, undefined), { fieldSelector: `spec.nodeName=${name}` })).body.items.filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
  const daemon: string[] = [];
  const unmanaged: string[] = [];
  const emptyDir: string[] = [];
  const evict: KubeObject[] = [];
  for (const p of pods) {
    const id = `${p.metadata.namespace}/${p.metadata.name}`;
    const ctrl = controllerOf(p);
    if (ctrl?.kind === 'DaemonSet') {
      daemon.push(id);
      continue;
    }
    if (!ctrl) unmanaged.push(id);
    if ((p.spec?.volumes ?? []).some((v) => v.emptyDir)) emptyDir.push(id);
    evict.push(p);
  }
  const problems: string[] = [];
  if (daemon.length && !opts.ignoreDaemonsets) problems.push(`cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ${daemon.join(', ')}`);
  if (unmanaged.length && !opts.force) problems.push(`cannot delete Pods that declare no controller (use --force to override): ${unmanaged.join(', ')}`);
  if (emptyDir.length && !opts.deleteEmptydirData) problems.push(`cannot delete Pods with local storage (use --delete-emptydir-data to override): ${emptyDir.join(', ')}`);
  if (problems.length) {
    ctx.err(`error: unable to drain node "${name}" due to error: ${problems.join(', ')}, continuing command...\nThere are pending nodes to be drained:\n ${name}\n${problems.join('\n')}`);
    return 1;
  }
  if (daemon.length) ctx.warn(`ignoring DaemonSet-managed Pods: ${daemon.join(', ')}`);
  if (unmanaged.length) ctx.warn(`deleting Pods that declare no controller: ${unmanaged.join(', ')}`);
  const body = opts.gracePeriod !== undefined && Number(opts.gracePeriod) >= 0 ? { deleteOptions: { gracePeriodSeconds: Number(opts.gracePeriod) } } : {};
  const deadline = opts.timeout ? Date.now() + parseDuration(opts.timeout) : undefined;
  for (const p of evict) {
    ctx.out(`evicting pod ${p.metadata.namespace}/${p.metadata.name}\n`);
    // A PodDisruptionBudget may refuse (429): kubectl retries every 5 s until the timeout.
    for (;;) {
      try {
        await client.request('POST', resourcePath(podsR, p.metadata.namespace, p.metadata.name, 'eviction'), {
          body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: p.metadata.name, namespace: p.metadata.namespace }, ...body },
        });
        break;
      } catch (e) {
        if (!(e instanceof ApiError) || e.httpStatus !== 429) throw e;
        if (deadline !== undefined && Date.now() + 5000 > deadline) {
          ctx.err(`error: unable to drain node "${name}" due to error: global timeout reached: ${opts.timeout}, continuing command...`);
          return 1;
        }
        ctx.err(`error when evicting pods/"${p.metadata.name}" -n "${p.metadata.namespace}" (will retry after 5s): ${e.message}`);
        await new Promise((r) => setTimeout(r, 5000));
      }
    }
  }
  for (const p of evict) {
    const gone = waitUntilGone(client, podsR, p.metadata.namespace!, p.metadata.name!, p.metadata.uid, deadline);
    if (!(await withProgress(ctx, () => removalOf(client, podsR, p.metadata.namespace!, p.metadata.name!), gone))) {
      ctx.err(`error: unable to drain node "${name}" due to error: global timeout reached: ${opts.timeout}, continuing command...`);
      return 1;
    }
    ctx.out(`pod/${p.metadata.name} evicted\n`);
  }
  ctx.out(`node/${name} drained\n`);
  return 0;
}

/** Parses `key=value:Effect`, `key:Effect`, `key:Effect-` or `key-`. */
export function parseTaint(spec: string): { key: string; value?: string; effect?: string; remove: boolean } {
  const remove = spec.endsWith('-');
  const s = remove ? spec.slice(0, -1) : spec;
  const m = /^([^=:]+)(?:=([^:]*))?(?::(NoSchedule|PreferNoSchedule|NoExecute))?$/.exec(s);
  if (!m || (!remove && !m[3])) throw new CliError(`error: invalid taint spec: ${spec}, unknown taint spec`);
  return { key: m[1], value: m[2], effect: m[3], remove };
}

async function taint(ctx: Context, args: string[], opts: { overwrite?: boolean }): Promise<number> {
  const [type, name, ...specs] = args;
  if (!type || !['node', 'nodes', 'no'].includes(type) || !name) throw new CliError('error: at least one taint update is required');
  if (specs.length === 0) throw new CliError('error: at least one taint update is required');
  const client = await ctx.client();
  const node = (await client.get<Node>(resourcePath(nodesR, undefined, name))).body;
  let taints: { key: string; value?: string; effect: string }[] = [...(node.spec?.taints ?? [])];
  let removed = false;
  let added = false;
  for (const spec of specs.map(parseTaint)) {
    if (spec.remove) {
      const before = taints.length;
      taints = taints.filter((t) => !(t.key === spec.key && (!spec.effect || t.effect === spec.effect)));
      if (taints.length === before) throw new CliError(`error: taint "${spec.key}${spec.effect ? `:${spec.effect}` : ''}" not found`);
      removed = true;
    } else {
      const same = taints.find((t) => t.key === spec.key && t.effect === spec.effect);
      if (same && !opts.overwrite) throw new CliError(`error: node ${name} already has ${spec.key} taint(s) with same effect(s) and --overwrite is false`);
      taints = taints.filter((t) => t !== same);
      taints.push({ key: spec.key, ...(spec.value ? { value: spec.value } : {}), effect: spec.effect! });
      added = true;
    }
  }
  await client.request('PATCH', resourcePath(nodesR, undefined, name), { body: { spec: { taints: taints.length ? taints : null } }, contentType: 'application/merge-patch+json' });
  ctx.out(`node/${name} ${added && !removed ? 'tainted' : removed && !added ? 'untainted' : 'modified'}\n`);
  return 0;
}

/** Registers `cordon`, `uncordon`, `drain` and `taint`. */
export function registerNodeCommands(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program.command('cordon').description('Mark node as unschedulable').argument('<nodes...>').action((n: string[]) => done(cordon(ctx(), n, true)));
  program.command('uncordon').description('Mark node as schedulable').argument('<nodes...>').action((n: string[]) => done(cordon(ctx(), n, false)));
  program
    .command('drain')
    .description('Drain node in preparation for maintenance')
    .argument('<node>')
    .option('--ignore-daemonsets', 'Ignore DaemonSet-managed pods')
    .option('--force', 'Also delete pods that declare no controller')
    .option('--delete-emptydir-data', 'Continue even if there are pods using emptyDir')
    .option('--grace-period <seconds>', 'Period of time in seconds given to each pod to terminate gracefully')
    .option('--timeout <duration>', 'The length of time to wait before giving up')
    .action((n: string, o: DrainOptions) => done(drain(ctx(), n, o)));
  program
    .command('taint')
    .description('Update the taints on one or more nodes')
    .argument('<args...>', 'node NAME KEY[=VALUE]:EFFECT ... or KEY[:EFFECT]- to remove')
    .option('--overwrite', 'Allow taints to be overwritten')
    .action((a: string[], o: { overwrite?: boolean }) => done(taint(ctx(), a, o)));
}
