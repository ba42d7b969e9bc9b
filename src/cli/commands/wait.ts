// `minikctl wait --for=condition=C | --for=delete | --for=jsonpath='{...}'=V`: block until every
// named object meets the condition, sharing one --timeout, as kubectl does.
import type { Command } from 'commander';
import { qualifiedPlural, qualifiedSingular } from '../../api/resources.js';
import type { Condition, KubeList, KubeObject } from '../../api/types.js';
import { ApiError, resourcePath } from '../../client/client.js';
import { evalPath } from '../../printers/jsonpath.js';
import type { Context } from '../context.js';
import { CliError, formatError } from '../errors.js';
import { parseResourceArgs } from '../resource-args.js';
import { parseDuration, waitFor } from '../waiting.js';
import { resolveNamespace } from '../flags.js';

interface WaitOptions {
  for?: string;
  namespace?: string;
  selector?: string;
  all?: boolean;
  timeout?: string;
}

/** A parsed --for: a predicate on the object (undefined = deleted), and the verb kubectl prints. */
export function parseFor(spec: string): { test: (o: KubeObject | undefined) => boolean; verb: string } {
  if (spec === 'delete') return { test: (o) => !o, verb: 'deleted' };
  const c = /^condition=([^=]+)(?:=(.*))?$/.exec(spec);
  if (c) {
    const want = (c[2] ?? 'true').toLowerCase();
    const type = c[1].toLowerCase();
    return { test: (o) => !!o && ((o.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).some((x) => x.type.toLowerCase() === type && x.status.toLowerCase() === want), verb: 'condition met' };
  }
  const j = /^jsonpath=(\{.*\}|[^=]+)(?:=(.*))?$/.exec(spec);
  if (j) {
    const path = j[1].replace(/^'|'$/g, '');
    const want = j[2]?.replace(/^'|'$/g, '');
    return {
      test: (o) => {
        if (!o) return false;
        const got = evalPath(path, o);
        return want === undefined ? got.length > 0 : got.length > 0 && String(got[0]) === want;
      },
      verb: 'condition met',
    };
  }
  throw new CliError(`error: unrecognized condition: "${spec}"`);
}

/** Runs `wait`; returns the exit code. */
export async function runWait(ctx: Context, args: string[], opts: WaitOptions): Promise<number> {
  if (!opts.for) throw new CliError('error: --for must be specified');
  const { test, verb } = parseFor(opts.for);
  const ns = resolveNamespace(opts);
  const client = await ctx.client();
  const deadline = Date.now() + parseDuration(opts.timeout ?? '30s');
  const targets: { r: ReturnType<typeof parseResourceArgs>[number]['r']; name: string }[] = [];
  for (const q of parseResourceArgs(args, 'wait')) {
    if (q.names.length) for (const n of q.names) targets.push({ r: q.r, name: n });
    else if (opts.selector || opts.all) {
      const items = (await client.get<KubeList>(resourcePath(q.r, ns), { labelSelector: opts.selector })).body.items;
      if (items.length === 0) throw new CliError('error: no matching resources found');
      for (const o of items) targets.push({ r: q.r, name: o.metadata.name! });
    } else throw new CliError('error: resource name may not be empty');
  }
  for (const t of targets) {
    if (opts.for !== 'delete') {
      try {
        await client.get(resourcePath(t.r, ns, t.name));
      } catch (e) {
        if (e instanceof ApiError && e.httpStatus === 404) {
          ctx.err(formatError(e));
          return 1;
        }
        throw e;
      }
    }
    const ok = await waitFor(client, t.r, ns, t.name, test, deadline);
    if (!ok) {
      ctx.err(`error: timed out waiting for the condition on ${qualifiedPlural(t.r)}/${t.name}`);
      return 1;
    }
    ctx.out(`${qualifiedSingular(t.r)}/${t.name} ${verb}\n`);
  }
  return 0;
}

/** Registers `wait`. */
export function registerWait(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('wait')
    .description('Wait for a specific condition on one or many resources')
    .argument('<args...>', 'TYPE NAME, TYPE/NAME, or TYPE with -l/--all')
    .option('--for <condition>', 'condition=NAME[=VALUE], delete, or jsonpath={.path}=VALUE')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--all', 'Select all resources in the namespace of the specified resource types')
    .option('--timeout <duration>', 'How long to wait (default 30s)')
    .action((args: string[], o: WaitOptions) => done(runWait(ctx(), args, o)));
}
