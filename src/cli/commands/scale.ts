// `minikctl scale`: set spec.replicas through the /scale subresource.
import type { Command } from 'commander';
import { qualifiedSingular } from '../../api/resources.js';
import type { Scale } from '../../api/types.js';
import { resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { CliError, formatError } from '../errors.js';
import { parseResourceArgs } from '../resource-args.js';
import { resolveNamespace } from '../flags.js';

interface ScaleOptions {
  namespace?: string;
  replicas?: string;
  currentReplicas?: string;
}

/** Runs `scale`; returns the exit code. */
export async function runScale(ctx: Context, args: string[], opts: ScaleOptions): Promise<number> {
  if (opts.replicas === undefined || !/^\d+$/.test(opts.replicas)) throw new CliError('error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0');
  const replicas = Number(opts.replicas);
  const ns = await resolveNamespace(ctx, opts);
  const client = await ctx.client();
  let exit = 0;
  for (const q of await parseResourceArgs(ctx, args, 'scale')) {
    if (!q.r.subresources.includes('scale')) throw new CliError(`error: cannot scale ${q.r.plural}: the server does not support scaling ${q.r.kind}`);
    for (const name of q.names) {
      try {
        const path = resourcePath(q.r, ns, name, 'scale');
        if (opts.currentReplicas !== undefined) {
          const cur = (await client.get<Scale>(path)).body;
          if (cur.spec?.replicas !== Number(opts.currentReplicas)) throw new CliError(`error: Expected replicas to be ${opts.currentReplicas}, was ${cur.spec?.replicas}`);
          await client.request('PUT', path, { body: { ...cur, spec: { replicas } } });
        } else {
          await client.request('PATCH', path, { body: { spec: { replicas } }, contentType: 'application/merge-patch+json' });
        }
        ctx.out(`${qualifiedSingular(q.r)}/${name} scaled\n`);
      } catch (e) {
        ctx.err(formatError(e));
        exit = 1;
      }
    }
  }
  return exit;
}

/** Registers `scale`. */
export function registerScale(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('scale')
    .description('Set a new size for a deployment, replica set, replication controller, or stateful set')
    .argument('<args...>', 'TYPE NAME or TYPE/NAME')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('--replicas <count>', 'The new desired number of replicas')
    .option('--current-replicas <count>', 'Precondition for current size')
    .action((args: string[], o: ScaleOptions) => done(runScale(ctx(), args, o)));
}
