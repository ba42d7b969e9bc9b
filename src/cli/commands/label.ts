// `minikctl label` and `minikctl annotate`: set or remove (`key-`) labels or annotations with a
// JSON merge patch, as kubectl does; `--overwrite` to change an existing value.
import type { Command } from 'commander';
import { qualifiedSingular } from '../../api/resources.js';
import type { KubeList, KubeObject } from '../../api/types.js';
import { resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { CliError, formatError } from '../errors.js';
import { parseResourceArgs } from '../resource-args.js';
import { resolveNamespace } from '../flags.js';

interface MetaOptions {
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  all?: boolean;
  overwrite?: boolean;
  output?: string;
}

type Field = 'labels' | 'annotations';

/** Splits `a=b c- d=e` from the resource arguments. */
function splitChanges(args: string[]): { resources: string[]; set: Record<string, string>; remove: string[] } {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  const resources: string[] = [];
  for (const a of args) {
    if (a.includes('=')) {
      const i = a.indexOf('=');
      set[a.slice(0, i)] = a.slice(i + 1);
    } else if (a.endsWith('-') && resources.length > 0) remove.push(a.slice(0, -1));
    else resources.push(a);
  }
  return { resources, set, remove };
}

/** Runs `label` or `annotate`; returns the exit code. */
export async function runMetadata(ctx: Context, field: Field, args: string[], opts: MetaOptions): Promise<number> {
  const verb = field === 'labels' ? 'labeled' : 'annotated';
  const { resources, set, remove } = splitChanges(args);
  if (Object.keys(set).length === 0 && remove.length === 0) throw new CliError(`error: at least one ${field === 'labels' ? 'label' : 'annotation'} update is required`);
  const requests = await parseResourceArgs(ctx, resources, field === 'labels' ? 'label' : 'annotate');
  const ns = await resolveNamespace(ctx, opts);
  const client = await ctx.client();
  let exit = 0;
  for (const q of requests) {
    let objects: KubeObject[] = [];
    if (q.names.length > 0) {
      for (const name of q.names) {
        try {
          objects.push((await client.get(resourcePath(q.r, ns, name))).body);
        } catch (e) {
          ctx.err(formatError(e));
          exit = 1;
        }
      }
    } else if (opts.all || opts.selector) {
      objects = (await client.get<KubeList>(resourcePath(q.r, q.r.namespaced && !opts.allNamespaces ? ns : undefined), { labelSelector: opts.selector })).body.items;
    } else throw new CliError('error: resource(s) were provided, but no name was specified');
    for (const o of objects) {
      const current = o.metadata[field] ?? {};
      for (const [k, v] of Object.entries(set)) {
        if (k in current && current[k] !== v && !opts.overwrite) {
          ctx.err(`error: '${k}' already has a value (${current[k]}), and --overwrite is false`);
          return 1;
        }
      }
      const patch: Record<string, string | null> = {};
      for (const [k, v] of Object.entries(set)) if (current[k] !== v) patch[k] = v;
      for (const k of remove) if (k in current) patch[k] = null;
      const id = `${qualifiedSingular(q.r)}/${o.metadata.name}`;
      if (Object.keys(patch).length === 0) {
        ctx.out(`${id} not ${verb}\n`);
        continue;
      }
      try {
        await client.request('PATCH', resourcePath(q.r, o.metadata.namespace ?? ns, o.metadata.name), {
          query: { fieldManager: field === 'labels' ? 'kubectl-label' : 'kubectl-annotate' },
          body: { metadata: { [field]: patch } },
          contentType: 'application/merge-patch+json',
        });
        ctx.out(opts.output === 'name' ? `${id}\n` : `${id} ${verb}\n`);
      } catch (e) {
        ctx.err(formatError(e));
        exit = 1;
      }
    }
  }
  return exit;
}

/** Registers `label` and `annotate`. */
export function registerLabelAndAnnotate(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  for (const [name, field, desc] of [
    ['label', 'labels', 'Update the labels on a resource'],
    ['annotate', 'annotations', 'Update the annotations on a resource'],
  ] as const) {
    program
      .command(name)
      .description(desc)
      .argument('<args...>', `TYPE NAME KEY=VAL ... or KEY- to remove`)
      .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
      .option('-A, --all-namespaces', 'With --all or -l, across all namespaces')
      .option('-l, --selector <selector>', 'Selector (label query) to filter on')
      .option('--all', 'Select all resources of the type in the namespace')
      .option('--overwrite', 'Allow existing values to be overwritten')
      .option('-o, --output <format>', 'name: print only resource/name')
      .action((args: string[], o: MetaOptions) => done(runMetadata(ctx(), field, args, o)));
  }
}
