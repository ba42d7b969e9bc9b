// `minikctl wait --for=condition=C | --for=delete | --for=jsonpath='{...}'=V`: block until every
// named object meets the condition, sharing one --timeout, as kubectl does.
import type { Command } from 'commander';
import { qualifiedSingular } from '../../api/resources.js';
import type { Condition, KubeList, KubeObject } from '../../api/types.js';
import { ApiError, resourcePath } from '../../client/client.js';
import { evalPath } from '../../api/jsonpath.js';
import type { Context } from '../context.js';
import { CliError, formatError } from '../errors.js';
import { parseResourceArgs } from '../resource-args.js';
import { progressOf, withProgress } from '../progress.js';
import { parseDuration, waitFor } from '../waiting.js';
import { collect, resolveNamespace } from '../flags.js';
import { resolveFileTargets } from '../manifest-objects.js';
import type { ResourceInfo } from '../../api/resources.js';

interface WaitOptions {
  for?: string;
  namespace?: string;
  selector?: string;
  all?: boolean;
  allNamespaces?: boolean;
  filename?: string[];
  recursive?: boolean;
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
  const ns = await resolveNamespace(ctx, opts);
  const client = await ctx.client();
  const deadline = Date.now() + parseDuration(opts.timeout ?? '30s');
  const targets: { r: ResourceInfo; ns: string; name: string }[] = [];
  if (opts.filename?.length) {
    // The objects of the files (-f, -R), each in its own namespace.
    const { objects, errors } = await resolveFileTargets(ctx, args, opts);
    if (errors.length) {
      for (const e of errors) ctx.err(e);
      return 1;
    }
    for (const o of objects) targets.push({ r: o.r, ns: o.namespace, name: o.name });
  }
  if (!opts.filename?.length && args.length === 0) throw new CliError('error: you must provide one or more resources by argument or filename');
  for (const q of args.length ? await parseResourceArgs(ctx, args, 'wait') : []) {
    if (q.names.length) for (const n of q.names) targets.push({ r: q.r, ns, name: n });
    else if (opts.selector || opts.all) {
      // -A: every namespace (each object waited for in its own).
      const where = opts.allNamespaces ? undefined : ns;
      const items = (await client.get<KubeList>(resourcePath(q.r, where), { labelSelector: opts.selector })).body.items;
      if (items.length === 0) throw new CliError('error: no matching resources found');
      for (const o of items) targets.push({ r: q.r, ns: o.metadata.namespace ?? '', name: o.metadata.name! });
    } else throw new CliError('error: resource name may not be empty');
  }
  const timedOut: string[] = [];
  for (const t of targets) {
    if (opts.for !== 'delete') {
      try {
        await client.get(resourcePath(t.r, t.ns, t.name));
      } catch (e) {
        if (e instanceof ApiError && e.httpStatus === 404) {
          ctx.err(formatError(e));
          return 1;
        }
        throw e;
      }
    }
    const waiting = waitFor(client, t.r, t.ns, t.name, test, deadline);
    const ok = opts.for === 'delete' ? await waiting : await withProgress(ctx, () => progressOf(client, t.r, t.ns, t.name), waiting);
    if (!ok) timedOut.push(`timed out waiting for the condition on ${t.r.plural}/${t.name}`);
    else ctx.out(`${qualifiedSingular(t.r)}/${t.name} ${verb}\n`);
  }
  // As kubectl reports its errors: one with `error: `, several one per line.
  if (timedOut.length === 1) ctx.err(`error: ${timedOut[0]}`);
  else for (const t of timedOut) ctx.err(t);
  return timedOut.length ? 1 : 0;
}

/** Registers `wait`. */
export function registerWait(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('wait')
    .description('Wait for a specific condition on one or many resources')
    .argument('[args...]', 'TYPE NAME, TYPE/NAME, or TYPE with -l/--all (or -f)')
    .option('-f, --filename <file>', 'Files or directories identifying the resources to wait for (repeatable)', collect)
    .option('-R, --recursive', 'Process the directory used in -f recursively')
    .option('-A, --all-namespaces', 'With -l or --all: look in every namespace')
    .option('--for <condition>', 'condition=NAME[=VALUE], delete, or jsonpath={.path}=VALUE')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--all', 'Select all resources in the namespace of the specified resource types')
    .option('--timeout <duration>', 'How long to wait (default 30s)')
    .addHelpText('after', `\nExamples:\n  # Wait for every Deployment of a folder of manifests to be available\n  minikctl wait --for=condition=available -f k8s/\n\n  # Wait for every pod, in every namespace, to be Ready\n  minikctl wait --for=condition=Ready pods --all -A --timeout=2m\n`)
    .action((args: string[], o: WaitOptions) => done(runWait(ctx(), args, o)));
}
