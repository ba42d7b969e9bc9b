// `minikctl replace -f`: PUT each object as the manifest has it (`--force` deletes and recreates).
import type { Command } from 'commander';
import { qualifiedSingular } from '../../api/resources.js';
import { ApiError, resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { formatApiError } from '../errors.js';
import { bodyOf, fieldValidation, forEachObject, originOf, resolveManifests } from '../manifest-objects.js';
import { collect } from '../flags.js';

interface ReplaceOptions {
  filename?: string[];
  recursive?: boolean;
  namespace?: string;
  force?: boolean;
  validate?: string;
}

/** Runs `replace -f`; returns the exit code. */
export async function runReplace(ctx: Context, opts: ReplaceOptions): Promise<number> {
  const { objects, errors } = await resolveManifests(ctx, opts);
  const client = await ctx.client();
  const query = { fieldManager: 'kubectl-replace', fieldValidation: fieldValidation(opts.validate) };
  const failed = await forEachObject(ctx, objects, async (o) => {
    const path = resourcePath(o.r, o.namespace, o.name);
    try {
      if (opts.force) {
        await client.request('DELETE', path, { body: { propagationPolicy: 'Background', gracePeriodSeconds: 0 } }).catch((e) => {
          if (!(e instanceof ApiError && e.httpStatus === 404)) throw e;
        });
        await client.request('POST', resourcePath(o.r, o.namespace), { query, body: bodyOf(o) });
        return { line: `${qualifiedSingular(o.r)}/${o.name} replaced` };
      }
      const res = await client.request('PUT', path, { query, body: bodyOf(o) });
      return { line: `${qualifiedSingular(o.r)}/${o.name} replaced`, warnings: res.warnings };
    } catch (e) {
      if (e instanceof ApiError) return { error: formatApiError(e, originOf(o, 'replacing')) };
      throw e;
    }
  });
  for (const e of errors) ctx.err(e);
  return failed > 0 || errors.length > 0 ? 1 : 0;
}

/** Registers `replace`. */
export function registerReplace(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('replace')
    .description('Replace a resource by file name or stdin')
    .option('-f, --filename <file>', 'Files, directories or URLs that contain the configuration to replace (repeatable)', collect)
    .option('-R, --recursive', 'Process the directory used in -f recursively')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('--force', 'Delete and re-create the resource')
    .option('--validate <mode>', 'strict (default), warn, or false/ignore', 'strict')
    .action((o: ReplaceOptions) => done(runReplace(ctx(), o)));
}
