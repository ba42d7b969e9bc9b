// `minikctl explain TYPE[.FIELD...]`: what a kind and its fields are, read from the server's
// OpenAPI v3 document of the kind's group-version (as kubectl 1.32 does), printed by
// printers/explain.ts. The longest dotted prefix that names a resource is the resource
// (`deployments.apps.spec` is deployments.apps, then spec); --api-version picks another version.
import type { Command } from 'commander';
import type { ResourceInfo } from '../../api/resources.js';
import { ExplainError, explain } from '../../printers/explain.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';

interface ExplainOptions {
  apiVersion?: string;
  recursive?: boolean;
  output?: string;
}

type Json = Record<string, unknown>;

/** The resource a path starts with (the longest dotted prefix naming exactly one), and the fields after it. */
async function splitPath(ctx: Context, input: string): Promise<{ r: ResourceInfo; fields: string[] }> {
  const parts = input.split('.');
  const cat = await ctx.catalogFor([parts[0]]);
  for (let i = parts.length; i > 0; i--) {
    const name = parts.slice(0, i).join('.');
    const rs = cat.resolve(name);
    if (rs.length === 1 && !rs[0].categories.includes(name.toLowerCase())) return { r: rs[0], fields: parts.slice(i) };
  }
  throw new CliError(`the server doesn't have a resource type "${parts[0]}"`);
}

/** Runs `explain`; returns the exit code. */
export async function runExplain(ctx: Context, args: string[], opts: ExplainOptions): Promise<number> {
  if (args.length === 0) throw new CliError('error: You must specify the type of resource to explain. Use "minikctl api-resources" for a complete list of supported resources.');
  if (args.length > 1) throw new CliError('error: We accept only this format: explain RESOURCE');
  const output = opts.output ?? 'plaintext';
  if (output !== 'plaintext') throw new CliError(`error: unsupported output format: ${output}`);
  const { r, fields } = await splitPath(ctx, args[0]);
  let gvr = { group: r.group, version: r.version, resource: r.plural };
  if (opts.apiVersion) {
    // As kubectl: the resource's name with the group and version given (a group-version without
    // a document, or a document without the resource, is said so below).
    const [group, version] = opts.apiVersion.includes('/') ? opts.apiVersion.split('/') : ['', opts.apiVersion];
    gvr = { group, version, resource: r.plural };
  }
  const client = await ctx.client();
  const gvPath = gvr.group ? `apis/${gvr.group}/${gvr.version}` : `api/${gvr.version}`;
  const index = (await client.get<{ paths?: Record<string, { serverRelativeURL?: string }> }>('/openapi/v3')).body;
  const url = index.paths?.[gvPath]?.serverRelativeURL;
  if (!url) throw new CliError(`error: couldn't find resource for "${gvr.group ? `${gvr.group}/` : ''}${gvr.version}, Resource=${gvr.resource}"`);
  const [p, q] = url.split('?');
  const doc = (await client.get<Json>(p, Object.fromEntries(new URLSearchParams(q ?? '')))).body;
  try {
    ctx.out(explain(doc, { gvr, fieldPath: fields, recursive: !!opts.recursive }));
  } catch (e) {
    if (!(e instanceof ExplainError)) throw e;
    ctx.out(e.printed);
    throw new CliError(e.message);
  }
  return 0;
}

/** Registers `explain`. */
export function registerExplain(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('explain')
    .description('Get documentation for a resource')
    .argument('[type...]', 'TYPE[.FIELD...]: a resource and the path of a field in it')
    .option('--api-version <version>', 'Use given api-version (group/version) of the resource')
    .option('--recursive', 'When true, print the name of all the fields recursively')
    .option('-o, --output <format>', 'Format in which to render the schema (plaintext)')
    .addHelpText(
      'after',
      `
Examples:
  # Get the documentation of the resource and its fields
  minikctl explain pods

  # Get all the fields in the resource
  minikctl explain pods --recursive

  # Get the explanation for deployment in supported api versions
  minikctl explain deployments --api-version=apps/v1

  # Get the documentation of a specific field of a resource
  minikctl explain pods.spec.containers

  # Get the documentation of resources in different format
  minikctl explain deployment --output=plaintext
`,
    )
    .action((types: string[], o: ExplainOptions) => done(runExplain(ctx(), types, o)));
}
