// `minikctl apply -f`: client-side apply as kubectl does it. The manifest is stored in the
// `kubectl.kubernetes.io/last-applied-configuration` annotation; an update sends a three-way
// strategic merge patch (last applied, new manifest, live object), so a field removed from the
// manifest is removed from the object. `--server-side` sends an apply patch instead.
import type { Command } from 'commander';
import { qualifiedSingular } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { ApiError, resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { CliError, formatApiError } from '../errors.js';
import { type Resolved, bodyOf, fieldValidation, forEachObject, originOf, patchContentType, resolveManifests } from '../manifest-objects.js';
import { preparePrinter, renderObjects } from '../output.js';
import { collect } from '../flags.js';

/** The annotation client-side apply keeps the applied manifest in. */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Options of `apply`. */
export /** What kubectl adds to a server-side apply conflict. */
const CONFLICT_HELP = `Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the \`--force-conflicts\` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts`;

interface ApplyOptions {
  filename?: string[];
  recursive?: boolean;
  namespace?: string;
  output?: string;
  dryRun?: string;
  serverSide?: boolean;
  forceConflicts?: boolean;
  fieldManager?: string;
  validate?: string;
}

function sortedJson(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(
          Object.keys(x)
            .sort()
            .map((k) => [k, x[k]]),
        )
      : x,
  );
}

/** The manifest as kubectl's apply sends it before annotating: an annotation map (empty if none) without last-applied. */
export function withoutLastApplied(o: KubeObject): KubeObject {
  const copy = structuredClone(o);
  const annotations = { ...(copy.metadata.annotations ?? {}) };
  delete annotations[LAST_APPLIED];
  copy.metadata.annotations = annotations;
  return copy;
}

/** The manifest with its last-applied annotation set, as kubectl computes it (sorted compact JSON + "\n"). */
export function withLastApplied(o: KubeObject): KubeObject {
  const out = withoutLastApplied(o);
  out.metadata.annotations = { ...out.metadata.annotations, [LAST_APPLIED]: sortedJson(out) + '\n' };
  return out;
}

/** The configuration an object was last applied with (its annotation), or `{}` when it has none or it is not JSON. */
export function lastApplied(live: KubeObject): unknown {
  try {
    return JSON.parse(live.metadata.annotations?.[LAST_APPLIED] ?? '{}');
  } catch {
    return {};
  }
}

/** An API error with the step of apply it happened in (kubectl names it: creating / applying patch). */
class StepError extends Error {
  constructor(
    readonly step: 'creating' | 'applying patch',
    readonly apiError: ApiError,
  ) {
    super(apiError.message);
  }
}

async function applyOne(ctx: Context, o: Resolved, opts: ApplyOptions): Promise<{ verb: string; object: KubeObject; warnings: string[] }> {
  const client = await ctx.client();
  const dry = opts.dryRun === 'server' ? 'All' : undefined;
  const query = { fieldManager: opts.fieldManager ?? (opts.serverSide ? 'kubectl' : 'kubectl-client-side-apply'), fieldValidation: fieldValidation(opts.validate), dryRun: dry };
  const path = resourcePath(o.r, o.namespace);
  const objPath = resourcePath(o.r, o.namespace, o.name);
  if (!o.name) throw new CliError(`error: error when retrieving current configuration of:\nResource: "${o.r.plural}", GroupVersionKind: "${o.object.apiVersion}, Kind=${o.r.kind}"\nName: "", Namespace: "${o.namespace}"\nfrom server for: "${o.source}": resource name may not be empty`);

  if (opts.serverSide) {
    const res = await client.request('PATCH', objPath, { query: { ...query, force: opts.forceConflicts ? 'true' : 'false' }, body: bodyOf(o), contentType: 'application/apply-patch+yaml' });
    return { verb: 'serverside-applied', object: res.body, warnings: res.warnings };
  }
  const modified = withLastApplied(bodyOf(o));
  if (opts.dryRun === 'client') {
    const live = await client.get(objPath).catch((e) => (e instanceof ApiError && e.httpStatus === 404 ? undefined : Promise.reject(e)));
    return { verb: live ? 'configured' : 'created', object: modified, warnings: [] };
  }
  // Create first (one request for the common case); an existing object is patched instead.
  try {
    const res = await client.request('POST', path, { query, body: modified });
    return { verb: 'created', object: res.body, warnings: res.warnings };
  } catch (e) {
    if (!(e instanceof ApiError && e.httpStatus === 409 && e.reason === 'AlreadyExists')) throw e instanceof ApiError ? new StepError('creating', e) : e;
  }
  const warnings: string[] = [];
  for (let attempt = 0; ; attempt++) {
    const live = (await client.get(objPath)).body as KubeObject;
    const original = lastApplied(live);
    if (!live.metadata.annotations?.[LAST_APPLIED] && attempt === 0) {
      warnings.push(
        `resource ${o.r.plural}/${o.name} is missing the ${LAST_APPLIED} annotation which is required by minikctl apply. minikctl apply should only be used on resources created declaratively by either minikctl create --save-config or minikctl apply. The missing annotation will be patched automatically.`,
      );
    }
    const { threeWayPatch } = await import('../../api/patch.js');
    const patch = threeWayPatch(original, modified, live);
    if (Object.keys(patch).length === 0) return { verb: 'unchanged', object: live, warnings };
    try {
      const res = await client.request('PATCH', objPath, { query, body: patch, contentType: patchContentType(o.r) });
      return { verb: 'configured', object: res.body, warnings: [...warnings, ...res.warnings] };
    } catch (e) {
      // kubectl retries a conflicting patch a few times before giving up.
      if (e instanceof ApiError && e.httpStatus === 409 && attempt < 5) continue;
      throw e instanceof ApiError ? new StepError('applying patch', e) : e;
    }
  }
}

/** Runs `apply`; returns the exit code. */
export async function runApply(ctx: Context, opts: ApplyOptions): Promise<number> {
  const fmt = opts.output ? await preparePrinter(opts.output) : undefined;
  if (opts.dryRun && !['client', 'server', 'none'].includes(opts.dryRun))
    throw new CliError(`error: Invalid dry-run value (${opts.dryRun}). Must be "none", "server", or "client".`);
  const { objects, errors } = await resolveManifests(ctx, opts);
  if (objects.length === 0 && errors.length === 0) throw new CliError('error: no objects passed to apply');
  const suffix = opts.dryRun === 'server' ? ' (server dry run)' : opts.dryRun === 'client' ? ' (dry run)' : '';
  const failed = await forEachObject(ctx, objects, async (o) => {
    try {
      const { verb, object, warnings } = await applyOne(ctx, o, opts);
      const line = fmt && fmt.kind !== 'table' ? renderObjects(fmt, [{ r: o.r, o: object }], true).replace(/\n$/, '') : `${qualifiedSingular(o.r)}/${o.name} ${verb}${suffix}`;
      return { line, warnings };
    } catch (e) {
      if (e instanceof StepError) return { error: formatApiError(e.apiError, originOf(o, e.step)) };
      if (e instanceof ApiError && opts.serverSide && e.reason === 'Conflict' && (e.status.details?.causes ?? []).some((c) => c.reason === 'FieldManagerConflict')) return { error: `error: ${e.message}\n${CONFLICT_HELP}` };
      if (e instanceof ApiError) return { error: formatApiError(e, originOf(o, opts.serverSide ? 'applying patch' : 'creating')) };
      throw e;
    }
  });
  for (const e of errors) ctx.err(e);
  return failed > 0 || errors.length > 0 ? 1 : 0;
}

/** Registers `apply`. */
export function registerApply(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('apply')
    .description('Apply a configuration to a resource by file name or stdin')
    .option('-f, --filename <file>', 'Files, directories or URLs that contain the configuration to apply (repeatable; - for stdin)', collect)
    .option('-R, --recursive', 'Process the directory used in -f recursively')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('-o, --output <format>', 'Output format: yaml|json|name')
    .option('--dry-run <mode>', 'none, client or server')
    .option('--server-side', 'Run the apply on the server (apply patch) instead of the client')
    .option('--force-conflicts', 'With --server-side, take ownership of conflicting fields')
    .option('--field-manager <name>', 'Name of the manager used to track field ownership')
    .option('--validate <mode>', 'strict (default), warn, or false/ignore', 'strict')
    .action((o: ApplyOptions) => done(runApply(ctx(), o)));
}
