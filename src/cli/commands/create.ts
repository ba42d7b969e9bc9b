// `minikctl create -f`: create each object; an existing one is an error.
import type { Command } from 'commander';
import { qualifiedSingular } from '../../api/resources.js';
import { ApiError, resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { formatApiError } from '../errors.js';
import { bodyOf, fieldValidation, forEachObject, originOf, resolveManifests } from '../manifest-objects.js';
import { preparePrinter, renderObjects } from '../output.js';
import { withLastApplied } from './apply.js';
import { registerCreateGenerators } from './create-generators.js';
import { collect } from '../flags.js';

interface CreateOptions {
  filename?: string[];
  recursive?: boolean;
  namespace?: string;
  output?: string;
  dryRun?: string;
  saveConfig?: boolean;
  validate?: string;
}

/** Runs `create -f`; returns the exit code. */
export async function runCreate(ctx: Context, opts: CreateOptions): Promise<number> {
  const fmt = opts.output ? await preparePrinter(opts.output) : undefined;
  const { objects, errors } = await resolveManifests(ctx, opts);
  const client = await ctx.client();
  const suffix = opts.dryRun === 'server' ? ' (server dry run)' : opts.dryRun === 'client' ? ' (dry run)' : '';
  const failed = await forEachObject(ctx, objects, async (o) => {
    const body = opts.saveConfig ? withLastApplied(bodyOf(o)) : bodyOf(o);
    try {
      const res =
        opts.dryRun === 'client'
          ? { body, warnings: [] as string[] }
          : await client.request('POST', resourcePath(o.r, o.namespace), {
              query: { fieldManager: 'kubectl-create', fieldValidation: fieldValidation(opts.validate), dryRun: opts.dryRun === 'server' ? 'All' : undefined },
              body,
            });
      const line = fmt && fmt.kind !== 'table' ? renderObjects(fmt, [{ r: o.r, o: res.body }], true).replace(/\n$/, '') : `${qualifiedSingular(o.r)}/${res.body.metadata?.name ?? o.name} created${suffix}`;
      return { line, warnings: res.warnings };
    } catch (e) {
      if (e instanceof ApiError) return { error: formatApiError(e, originOf(o, 'creating')) };
      throw e;
    }
  });
  for (const e of errors) ctx.err(e);
  return failed > 0 || errors.length > 0 ? 1 : 0;
}

/** Registers `create`. */
export function registerCreate(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  const create = program
    .command('create')
    .description('Create a resource from a file or from stdin')
    .option('-f, --filename <file>', 'Files, directories or URLs to use to create the resource (repeatable)', collect)
    .option('-R, --recursive', 'Process the directory used in -f recursively')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('-o, --output <format>', 'Output format: yaml|json|name')
    .option('--dry-run <mode>', 'none, client or server')
    .option('--save-config', 'Store the configuration in the last-applied annotation (for later apply)')
    .option('--validate <mode>', 'strict (default), warn, or false/ignore', 'strict')
    .action((o: CreateOptions) => done(runCreate(ctx(), o)));
  registerCreateGenerators(create, ctx, done);
}
