// `minikctl diff -f FILE`: what `apply -f` would change, as kubectl diff shows it. Each object's
// live version and the version an apply would make (the server's dry run of the same patch,
// without updating last-applied-configuration, as kubectl diff does) are written as YAML to two
// temporary directories and compared with `diff -u -N` (or $KUBECTL_EXTERNAL_DIFF). Secret
// values are masked. Exit code: 0 no differences, 1 differences, above 1 an error.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { KubeObject } from '../../api/types.js';
import { ApiError, type Client, resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { CliError, formatApiError } from '../errors.js';
import { collect } from '../flags.js';
import { type FileOptions, type Resolved, bodyOf, originOf, patchContentType, resolveManifests } from '../manifest-objects.js';
import { lastApplied, withoutLastApplied } from './apply.js';

interface DiffOptions extends FileOptions {
  fieldManager?: string;
}

/** The object as an apply would leave it: a dry-run create, or a dry-run patch of the live one. */
async function merged(client: Client, o: Resolved, live: KubeObject | undefined, fieldManager: string): Promise<KubeObject> {
  const query = { fieldManager, dryRun: 'All' };
  const body = bodyOf(o);
  if (!live) return (await client.request('POST', resourcePath(o.r, o.namespace), { query, body })).body;
  // As apply builds it, but without recording itself as the last applied configuration (kubectl diff does not).
  // Loaded when needed: the patch code carries the API's type tables, which `get` need not parse.
  const { threeWayPatch } = await import('../../api/patch.js');
  const patch = threeWayPatch(lastApplied(live), withoutLastApplied(body), live);
  if (Object.keys(patch).length === 0) return live;
  return (await client.request('PATCH', resourcePath(o.r, o.namespace, o.name), { query, body: patch, contentType: patchContentType(o.r) })).body;
}

/** The file name kubectl gives an object: `apps.v1.Deployment.default.web`. */
function fileName(o: Resolved): string {
  const [group, version] = o.r.group ? [o.r.group, o.r.version] : ['', o.r.version];
  return [group, version, o.r.kind, o.r.namespaced ? o.namespace : '', o.name].filter(Boolean).join('.');
}

/** As kubectl diff shows objects: no managedFields; a Secret's values masked, marked where they differ. */
function shown(live: KubeObject | undefined, after: KubeObject): [KubeObject | undefined, KubeObject] {
  const strip = (x: KubeObject): KubeObject => {
    const { managedFields: _, ...metadata } = x.metadata;
    return { ...x, metadata };
  };
  const a = live && strip(live);
  const b = strip(after);
  if (b.kind === 'Secret') {
    const before = (a?.data ?? {}) as Record<string, string>;
    const now = (b.data ?? {}) as Record<string, string>;
    // Marked only where both versions have the key with different values, as kubectl marks them.
    const mask = (mine: Record<string, string>, other: Record<string, string>, which: string) =>
      Object.fromEntries(Object.keys(mine).map((k) => [k, k in other && mine[k] !== other[k] ? `*** (${which})` : '***']));
    if (a?.data) a.data = mask(before, now, 'before');
    if (b.data) b.data = mask(now, before, 'after');
  }
  return [a, b];
}

export async function runDiff(ctx: Context, opts: DiffOptions): Promise<number> {
  const { objects, errors } = await resolveManifests(ctx, opts);
  for (const e of errors) ctx.err(e);
  if (errors.length) return 2;
  if (objects.length === 0) throw new CliError('error: must specify one of -f and -k');
  const client = await ctx.client();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minikctl-diff-'));
  // Loaded when needed: the YAML library is not parsed at every minikctl start.
  const { toYaml } = await import('../../printers/yaml.js');
  const liveDir = fs.mkdtempSync(path.join(dir, 'LIVE-'));
  const mergedDir = fs.mkdtempSync(path.join(dir, 'MERGED-'));
  try {
    for (const o of objects) {
      const live = await client.get(resourcePath(o.r, o.namespace, o.name)).then(
        (r) => r.body,
        (e) => (e instanceof ApiError && e.httpStatus === 404 ? undefined : Promise.reject(e)),
      );
      let after: KubeObject;
      try {
        after = await merged(client, o, live, opts.fieldManager ?? 'kubectl-client-side-apply');
      } catch (e) {
        if (e instanceof ApiError) {
          ctx.err(formatApiError(e, originOf(o, live ? 'applying patch' : 'creating')));
          return 2;
        }
        throw e;
      }
      const [a, b] = shown(live, after);
      if (a) fs.writeFileSync(path.join(liveDir, fileName(o)), toYaml(a));
      fs.writeFileSync(path.join(mergedDir, fileName(o)), toYaml(b));
    }
    const [program, ...args] = (process.env.KUBECTL_EXTERNAL_DIFF || 'diff -u -N').split(/\s+/);
    const r = spawnSync(program, [...args, liveDir, mergedDir], { encoding: 'utf8' });
    if (r.error) throw new CliError(`error: failed to run "${program}": ${r.error.message}`);
    // diff names each differing pair with the command that compared it, as kubectl's output shows.
    ctx.out(r.stdout);
    if (r.stderr) ctx.err(r.stderr);
    return r.status ?? 2;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Registers `diff`. */
export function registerDiff(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('diff')
    .description('Diff the live version against a would-be applied version')
    .option('-f, --filename <file>', 'Files, directories or URLs that contain the configuration to diff (repeatable; - for stdin)', collect)
    .option('-R, --recursive', 'Process the directory used in -f recursively')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('--field-manager <name>', 'Name of the manager used to track field ownership', 'kubectl-client-side-apply')
    .action((o: DiffOptions) => done(runDiff(ctx(), o)));
}
