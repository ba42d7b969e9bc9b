// `minikctl patch`: update fields of objects with a strategic merge patch (the default), a JSON
// merge patch or a JSON patch, given inline (-p, JSON or YAML) or in a file (--patch-file).
import fs from 'node:fs';
import type { Command } from 'commander';
import { jsonEqual } from '../../api/equal.js';
import type { PatchKind } from '../../api/patch.js';
import { type ResourceInfo, groupVersion, qualifiedSingular } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { ApiError, resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { CliError, formatError } from '../errors.js';
import { collect, resolveNamespace } from '../flags.js';
import { resolveManifests } from '../manifest-objects.js';
import { preparePrinter, renderObjects } from '../output.js';
import { parseResourceArgs } from '../resource-args.js';

interface PatchOptions {
  namespace?: string;
  patch?: string;
  patchFile?: string;
  type?: string;
  filename?: string[];
  recursive?: boolean;
  output?: string;
  dryRun?: string;
  subresource?: string;
  local?: boolean;
}

const CONTENT_TYPES: Record<string, string> = {
  strategic: 'application/strategic-merge-patch+json',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
};

/** The patch document: JSON or YAML (kubectl converts YAML to JSON first). */
async function readPatch(opts: PatchOptions): Promise<unknown> {
  if (opts.patch !== undefined && opts.patchFile !== undefined) throw new CliError('error: --patch and --patch-file are mutually exclusive');
  const text = opts.patch ?? (opts.patchFile !== undefined ? readFile(opts.patchFile) : undefined);
  if (text === undefined || text.trim() === '') throw new CliError('error: must specify --patch or --patch-file containing the contents of the patch');
  try {
    return JSON.parse(text);
  } catch {
    // Loaded only when the patch is not JSON (the yaml library is slow to load); bundled, its
    // named exports may sit on the default export.
    const yaml = (await import('yaml')) as typeof import('yaml') & { default?: typeof import('yaml') };
    const parse = yaml.parse ?? yaml.default!.parse;
    try {
      return parse(text);
    } catch (e) {
      throw new CliError(`error: unable to parse "${text}": yaml: ${(e as Error).message.split('\n')[0]}`);
    }
  }
}

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    throw new CliError(`error: unable to read patch file: open ${file}: no such file or directory`);
  }
}

/** The patch applied locally (--local, --dry-run=client), as the server would apply it. */
async function applyLocally(type: string, cur: KubeObject, patch: unknown): Promise<KubeObject> {
  // Loaded when needed: the patch code carries the API's type tables, which `get` need not parse.
  const { applyPatch } = await import('../../api/patch.js');
  try {
    // Any JSON, as the server's result before it decodes it; printed as it is.
    return applyPatch(type as PatchKind, cur, patch) as KubeObject;
  } catch (e) {
    throw new CliError(`error: ${(e as Error).message}`);
  }
}

/** Runs `patch`; returns the exit code. */
export async function runPatch(ctx: Context, args: string[], opts: PatchOptions): Promise<number> {
  const type = opts.type ?? 'strategic';
  if (!CONTENT_TYPES[type]) throw new CliError(`error: --type must be one of [json merge strategic], not "${type}"`);
  // Its shape is the server's to judge, as with kubectl (a merge patch that is not an object: 400).
  const patch = await readPatch(opts);
  const dryRun = opts.dryRun ?? 'none';
  if (!['none', 'client', 'server'].includes(dryRun)) throw new CliError(`error: Invalid dry-run value (${dryRun}). Must be "none", "server", or "client".`);
  const fmt = await preparePrinter(opts.output);
  const ns = await resolveNamespace(ctx, opts);

  const targets: { r: ResourceInfo; namespace: string; name: string; local?: KubeObject }[] = [];
  const errors: string[] = [];
  if (opts.filename?.length) {
    const read = await resolveManifests(ctx, opts);
    errors.push(...read.errors);
    for (const o of read.objects) targets.push({ r: o.r, namespace: o.namespace, name: o.name, local: opts.local ? o.object : undefined });
  } else {
    if (opts.local) throw new CliError('error: cannot specify --local and server resources');
    for (const q of await parseResourceArgs(ctx, args, 'patch')) {
      if (q.names.length === 0) throw new CliError('error: resource(s) were provided, but no name was specified');
      for (const name of q.names) targets.push({ r: q.r, namespace: q.r.namespaced ? ns : '', name });
    }
  }
  if (targets.length === 0 && errors.length === 0) throw new CliError('error: you must provide one or more resources by argument or filename');

  const client = opts.local ? undefined : await ctx.client();
  let exit = 0;
  for (const t of targets) {
    try {
      const label = `${qualifiedSingular(t.r)}/${t.name}`;
      let before: KubeObject;
      let after: KubeObject;
      if (t.local || dryRun === 'client') {
        before = t.local ?? (await client!.get(resourcePath(t.r, t.namespace, t.name, opts.subresource))).body;
        after = await applyLocally(type, before, patch);
      } else {
        const path = resourcePath(t.r, t.namespace, t.name, opts.subresource);
        before = (await client!.get(path)).body;
        try {
          after = (await client!.request('PATCH', path, { body: patch, contentType: CONTENT_TYPES[type], query: { dryRun: dryRun === 'server' ? 'All' : undefined, fieldManager: 'kubectl-patch' } })).body;
        } catch (e) {
          // As kubectl words a patch type the resource does not take (a strategic merge patch of a custom object).
          if (e instanceof ApiError && e.httpStatus === 415) throw new CliError(`error: ${CONTENT_TYPES[type]} is not supported by ${groupVersion(t.r)}, Kind=${t.r.kind}: ${e.message}`);
          throw e;
        }
      }
      if (fmt.kind !== 'table') {
        ctx.out(renderObjects(fmt, [{ r: t.r, o: after }], true));
        continue;
      }
      // Named after what came back (a Scale for --subresource=scale); kubectl adds no dry-run note here.
      const named = after.kind === 'Scale' ? `scale.autoscaling/${t.name}` : label;
      ctx.out(`${named} patched${jsonEqual(before, after) ? ' (no change)' : ''}\n`);
    } catch (e) {
      errors.push(formatError(e));
    }
  }
  for (const e of errors) {
    ctx.err(e);
    exit = 1;
  }
  return exit;
}

/** Registers `patch`. */
export function registerPatch(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('patch')
    .description('Update fields of a resource using strategic merge patch, a JSON merge patch, or a JSON patch')
    .argument('[args...]', 'TYPE NAME or TYPE/NAME')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('-p, --patch <patch>', 'The patch to be applied to the resource JSON file')
    .option('--patch-file <file>', 'A file containing a patch to be applied to the resource')
    .option('--type <type>', 'The type of patch being provided; one of [json merge strategic]', 'strategic')
    .option('-f, --filename <file>', 'Filename, directory, or URL to files identifying the resource to update', collect)
    .option('-R, --recursive', 'Process the directory used in -f recursively')
    .option('-o, --output <format>', 'Output format: yaml|json|name|jsonpath=...')
    .option('--dry-run <mode>', 'none, client or server', 'none')
    .option('--subresource <name>', 'If specified, patch will operate on the subresource of the requested object (status, scale)')
    .option('--local', 'If true, patch will operate on the content of the file, not the server-side resource')
    .addHelpText(
      'after',
      `
Examples:
  # Partially update a node using a strategic merge patch, specifying the patch as JSON
  minikctl patch node node-1 -p '{"spec":{"unschedulable":true}}'

  # Partially update a node using a strategic merge patch, specifying the patch as YAML
  minikctl patch node node-1 -p $'spec:\\n unschedulable: true'

  # Update a container's image; spec.containers[*].name is required because it's a merge key
  minikctl patch pod valid-pod -p '{"spec":{"containers":[{"name":"kubernetes-serve-hostname","image":"new image"}]}}'

  # Update a container's image using a JSON patch with positional arrays
  minikctl patch pod valid-pod --type='json' -p='[{"op": "replace", "path": "/spec/containers/0/image", "value":"new image"}]'

  # Update a deployment's replicas through the scale subresource using a merge patch
  minikctl patch deployment nginx-deployment --subresource='scale' --type='merge' -p '{"spec":{"replicas":2}}'
`,
    )
    .action((args: string[], o: PatchOptions) => done(runPatch(ctx(), args, o)));
}
