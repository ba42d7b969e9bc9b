// `minikctl set resources TYPE/NAME --limits=cpu=200m,memory=512Mi --requests=...` and
// `minikctl set serviceaccount TYPE/NAME SA`: kubectl's `set` commands for a pod template's
// container resources and service account.
import type { Command } from 'commander';
import type { Container } from '../../api/types.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';
import { patchPodTemplates, selects } from './set-template.js';

interface SetResourcesOptions {
  namespace?: string;
  containers?: string;
  limits?: string;
  requests?: string;
}

/** `cpu=100m,memory=256Mi` as a resource list. */
function resourceList(spec: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (spec ?? '').split(',').filter(Boolean)) {
    const [k, v, extra] = part.split('=');
    if (!k || v === undefined || extra !== undefined) throw new CliError(`error: invalid argument syntax ${part}, expected <resource>=<value>`);
    out[k] = v;
  }
  return out;
}

/** Runs `set resources`; returns the exit code. */
export async function runSetResources(ctx: Context, args: string[], opts: SetResourcesOptions): Promise<number> {
  if (!opts.limits && !opts.requests) throw new CliError('error: you must specify an update to requests or limits (in the form of --requests/--limits)');
  const limits = resourceList(opts.limits);
  const requests = resourceList(opts.requests);
  const selector = opts.containers ?? '*';
  let missing = false;
  const code = await patchPodTemplates(ctx, args, { ...opts, verb: 'set resources', operation: 'resource requirements updated' }, (_obj, spec) => {
    const chosen = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].filter((c: Container) => selects(c.name, selector));
    if (chosen.length === 0) missing = true;
    for (const c of chosen) {
      c.resources ??= {};
      if (opts.limits) c.resources.limits = { ...(c.resources.limits ?? {}), ...limits };
      if (opts.requests) c.resources.requests = { ...(c.resources.requests ?? {}), ...requests };
    }
  });
  if (missing) {
    ctx.err(`error: unable to find container named ${selector}`);
    return 1;
  }
  return code;
}

/** Runs `set serviceaccount`; returns the exit code. */
export async function runSetServiceAccount(ctx: Context, args: string[], opts: { namespace?: string }): Promise<number> {
  if (args.length < 2) throw new CliError('error: serviceaccount is required');
  const sa = args[args.length - 1];
  // kubectl patches and prints every object, whether or not its service account changes.
  return patchPodTemplates(ctx, args.slice(0, -1), { ...opts, verb: 'set serviceaccount', operation: 'serviceaccount updated', printUnchanged: true }, (_obj, spec) => {
    spec.serviceAccountName = sa;
  });
}

/** Registers `set resources` and `set serviceaccount` under `set`. */
export function registerSetResources(set: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  set
    .command('resources')
    .description('Update resource requests/limits on objects with pod templates')
    .argument('<args...>', 'TYPE/NAME ...')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('-c, --containers <names>', 'The names of containers in the selected pod templates to change, all containers are selected by default - may use wildcards', '*')
    .option('--limits <list>', "The resource requirement limits for this container.  For example, 'cpu=100m,memory=256Mi'.")
    .option('--requests <list>', "The resource requirement requests for this container.  For example, 'cpu=100m,memory=256Mi'.")
    .action((args: string[], o: SetResourcesOptions) => done(runSetResources(ctx(), args, o)));
  set
    .command('serviceaccount')
    .alias('sa')
    .description('Update the service account of a resource')
    .argument('<args...>', 'TYPE/NAME SERVICE_ACCOUNT')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .action((args: string[], o: { namespace?: string }) => done(runSetServiceAccount(ctx(), args, o)));
}
