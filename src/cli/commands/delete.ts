// `minikctl delete`: by file, by TYPE NAME, by selector or --all; cascading policy, grace
// period, force, and waiting until the objects are gone (kubectl's default).
import type { Command } from 'commander';
import { type ResourceInfo, qualifiedSingular } from '../../api/resources.js';
import type { KubeList, KubeObject } from '../../api/types.js';
import { ApiError, type Client, resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { CliError, formatApiError, formatError } from '../errors.js';
import { forEachObject, originOf, resolveManifests } from '../manifest-objects.js';
import { parseResourceArgs } from '../resource-args.js';
import { collect, resolveNamespace } from '../flags.js';
import { parseDuration, waitUntilGone } from '../waiting.js';
import { removalOf, withProgress } from '../progress.js';

/** Options of `delete`. */
export interface DeleteOptions {
  filename?: string[];
  recursive?: boolean;
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  fieldSelector?: string;
  all?: boolean;
  gracePeriod?: string;
  force?: boolean;
  cascade?: string;
  ignoreNotFound?: boolean;
  wait?: boolean;
  timeout?: string;
  output?: string;
  now?: boolean;
}

function deleteBody(opts: DeleteOptions): Record<string, unknown> {
  const cascade = (opts.cascade ?? 'background').toLowerCase();
  const policy = cascade === 'true' || cascade === 'background' ? 'Background' : cascade === 'foreground' ? 'Foreground' : cascade === 'orphan' || cascade === 'false' ? 'Orphan' : undefined;
  if (!policy) throw new CliError(`error: invalid cascade value (${opts.cascade}). Must be "background", "foreground", or "orphan".`);
  const body: Record<string, unknown> = { propagationPolicy: policy };
  let grace = opts.gracePeriod !== undefined ? Number(opts.gracePeriod) : undefined;
  if (opts.now) grace = 1;
  if (opts.force && grace === undefined) grace = 0;
  if (grace !== undefined && grace >= 0) body.gracePeriodSeconds = grace;
  return body;
}

interface Target {
  r: ResourceInfo;
  namespace: string;
  name: string;
  uid?: string;
}

async function deleteTargets(ctx: Context, client: Client, targets: Target[], opts: DeleteOptions): Promise<number> {
  const body = deleteBody(opts);
  const forced = body.gracePeriodSeconds === 0;
  if (forced) ctx.warn('Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.');
  let exit = 0;
  const waitFor: Target[] = [];
  for (const t of targets) {
    try {
      const res = await client.request('DELETE', resourcePath(t.r, t.namespace, t.name), { body });
      t.uid = (res.body as KubeObject)?.metadata?.uid ?? (res.body as { details?: { uid?: string } })?.details?.uid;
      if (opts.output === 'name') ctx.out(`${qualifiedSingular(t.r)}/${t.name}\n`);
      else ctx.out(`${qualifiedSingular(t.r)} "${t.name}" ${forced ? 'force deleted' : 'deleted'}\n`);
      waitFor.push(t);
    } catch (e) {
      if (e instanceof ApiError && e.httpStatus === 404 && opts.ignoreNotFound) continue;
      ctx.err(formatError(e));
      exit = 1;
    }
  }
  if (opts.wait !== false && !forced && !(await waitAllGone(ctx, client, waitFor, opts.timeout))) exit = 1;
  return exit;
}

/** Waits (kubectl's --wait) until every deleted object is gone, sharing one --timeout. */
async function waitAllGone(ctx: Context, client: Client, targets: Target[], timeout: string | undefined): Promise<boolean> {
  const deadline = timeout ? Date.now() + parseDuration(timeout) : undefined;
  let ok = true;
  for (const t of targets) {
    if (!(await withProgress(ctx, () => removalOf(client, t.r, t.namespace, t.name), waitUntilGone(client, t.r, t.namespace, t.name, t.uid, deadline)))) {
      ctx.err(`error: timed out waiting for the condition on ${t.r.plural}/${t.name}`);
      ok = false;
    }
  }
  return ok;
}

/** Runs `delete`; returns the exit code. */
export async function runDelete(ctx: Context, args: string[], opts: DeleteOptions): Promise<number> {
  if (opts.filename?.length) {
    if (args.length > 0) throw new CliError('error: resource(s) were provided, but no name was specified');
    const { objects, errors } = await resolveManifests(ctx, opts);
    const client = await ctx.client();
    const targets: Target[] = [];
    // kubectl deletes file objects in order; a missing one is reported and the rest still go.
    const body = deleteBody(opts);
    const failed = await forEachObject(ctx, objects, async (o) => {
      try {
        const res = await client.request('DELETE', resourcePath(o.r, o.namespace, o.name), { body });
        targets.push({ r: o.r, namespace: o.namespace, name: o.name, uid: res.body?.metadata?.uid });
        return { line: opts.output === 'name' ? `${qualifiedSingular(o.r)}/${o.name}` : `${qualifiedSingular(o.r)} "${o.name}" deleted` };
      } catch (e) {
        if (e instanceof ApiError && e.httpStatus === 404 && opts.ignoreNotFound) return {};
        if (e instanceof ApiError) return { error: formatApiError(e, originOf(o, 'deleting')).replace(`error when deleting "${o.source}" (document ${o.document}, line ${o.line}): `, '') };
        throw e;
      }
    });
    for (const e of errors) ctx.err(e);
    let exit = failed > 0 || errors.length > 0 ? 1 : 0;
    if (opts.wait !== false && body.gracePeriodSeconds !== 0 && !(await waitAllGone(ctx, client, targets, opts.timeout))) exit = 1;
    return exit;
  }
  const requests = await parseResourceArgs(ctx, args, 'delete');
  const ns = await resolveNamespace(ctx, opts);
  const client = await ctx.client();
  const targets: Target[] = [];
  for (const q of requests) {
    if (q.names.length > 0) {
      if (opts.all || opts.selector) throw new CliError('error: name cannot be provided when a selector is specified');
      for (const name of q.names) targets.push({ r: q.r, namespace: ns, name });
      continue;
    }
    if (!opts.all && !opts.selector && !opts.fieldSelector) throw new CliError('error: resource(s) were provided, but no name was specified');
    const list = await client.get<KubeList>(resourcePath(q.r, q.r.namespaced && !opts.allNamespaces ? ns : undefined), { labelSelector: opts.selector, fieldSelector: opts.fieldSelector });
    for (const o of list.body.items) targets.push({ r: q.r, namespace: o.metadata.namespace ?? '', name: o.metadata.name! });
  }
  if (targets.length === 0) {
    ctx.err(opts.allNamespaces || requests.every((q) => !q.r.namespaced) ? 'No resources found' : `No resources found in ${ns} namespace.`);
    return 0;
  }
  return deleteTargets(ctx, client, targets, opts);
}

/** Registers `delete`. */
export function registerDelete(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('delete')
    .description('Delete resources by file names, stdin, resources and names, or by resources and label selector')
    .argument('[args...]', 'TYPE NAME... or TYPE/NAME...')
    .option('-f, --filename <file>', 'Files or directories containing the resources to delete (repeatable)', collect)
    .option('-R, --recursive', 'Process the directory used in -f recursively')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('-A, --all-namespaces', 'If present, delete the requested object(s) across all namespaces')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--field-selector <selector>', 'Selector (field query) to filter on')
    .option('--all', 'Delete all resources of the requested types in the namespace')
    .option('--grace-period <seconds>', 'Seconds given to the resource to terminate gracefully (-1 uses the object default)')
    .option('--now', 'Signal resources for immediate shutdown (same as --grace-period=1)')
    .option('--force', 'Immediately remove resources from the API (with --grace-period=0)')
    .option('--cascade <policy>', 'background (default), foreground or orphan', 'background')
    .option('--ignore-not-found', 'Treat "resource not found" as a successful delete')
    .option('--wait [bool]', 'Wait for resources to be gone before returning (default true)', (v: string) => v !== 'false')
    .option('--timeout <duration>', 'How long to wait before giving up (e.g. 30s, 1m)')
    .option('-o, --output <format>', 'name: print only resource/name')
    .action((args: string[], o: DeleteOptions) => done(runDelete(ctx(), args, o)));
}
