// `minikctl autoscale TYPE NAME --min --max --cpu-percent`: creates an autoscaling/v2
// HorizontalPodAutoscaler for a scalable workload, as kubectl autoscale does.
import type { Command } from 'commander';
import { groupVersion, resourceNamed } from '../../api/resources.js';
import { resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { CliError, formatError } from '../errors.js';
import { parseResourceArgs } from '../resource-args.js';
import { resolveNamespace } from '../flags.js';

interface AutoscaleOptions {
  namespace?: string;
  min?: string;
  max?: string;
  cpuPercent?: string;
  name?: string;
  dryRun?: string;
}

export async function runAutoscale(ctx: Context, args: string[], opts: AutoscaleOptions): Promise<number> {
  const max = Number(opts.max);
  if (opts.max === undefined || !Number.isInteger(max) || max < 1) throw new CliError('error: --max=MAXPODS is required and must be at least 1, max: ' + (opts.max ?? '-1'));
  const min = opts.min !== undefined ? Number(opts.min) : undefined;
  if (min !== undefined && min > max) throw new CliError(`error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: ${max}, min: ${min}`);
  const ns = await resolveNamespace(ctx, opts);
  const hpaR = resourceNamed('horizontalpodautoscalers');
  const client = await ctx.client();
  let exit = 0;
  for (const q of await parseResourceArgs(ctx, args, 'autoscale')) {
    if (!q.r.subresources.includes('scale')) throw new CliError(`error: cannot autoscale a ${q.r.kind}: cannot autoscale a ${q.r.kind}`);
    for (const name of q.names) {
      try {
        await client.get(resourcePath(q.r, ns, name));
        const hpa = {
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: { name: opts.name ?? name },
          spec: {
            scaleTargetRef: { apiVersion: groupVersion(q.r), kind: q.r.kind, name },
            ...(min !== undefined ? { minReplicas: min } : {}),
            maxReplicas: max,
            ...(opts.cpuPercent !== undefined && Number(opts.cpuPercent) >= 0 ? { metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: Number(opts.cpuPercent) } } }] } : {}),
          },
        };
        await client.request('POST', resourcePath(hpaR, ns), { body: hpa, query: { fieldManager: 'kubectl-autoscale', dryRun: opts.dryRun === 'server' ? 'All' : undefined } });
        ctx.out(`horizontalpodautoscaler.autoscaling/${hpa.metadata.name} autoscaled${opts.dryRun === 'server' ? ' (server dry run)' : ''}\n`);
      } catch (e) {
        ctx.err(formatError(e));
        exit = 1;
      }
    }
  }
  return exit;
}

export function registerAutoscale(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('autoscale')
    .description('Auto-scale a deployment, replica set, stateful set, or replication controller')
    .argument('<args...>', 'TYPE NAME or TYPE/NAME')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('--min <n>', 'The lower limit for the number of pods')
    .option('--max <n>', 'The upper limit for the number of pods')
    .option('--cpu-percent <n>', 'The target average CPU utilization (represented as a percent of requested CPU)')
    .option('--name <name>', 'The name for the newly created object')
    .option('--dry-run <mode>', 'none or server')
    .action((args: string[], o: AutoscaleOptions) => done(runAutoscale(ctx(), args, o)));
}
