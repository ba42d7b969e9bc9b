// What apply, create, replace and delete -f share: reading manifests, mapping each object to its
// resource and namespace, running the per-object work with bounded concurrency while keeping
// kubectl's order of output, and collecting every error.
import { resolveServed } from '../api/conversion.js';
import type { ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { isManifestCRD } from '../api/custom-resources.js';
import type { Context } from './context.js';
import { CliError, type Origin, formatError } from './errors.js';
import type { ManifestObject } from '../manifests/reader.js';

/** A manifest object resolved to its resource and namespace. */
export interface Resolved extends ManifestObject {
  r: ResourceInfo;
  namespace: string;
  name: string;
}

/** Options for reading -f. */
export interface FileOptions {
  filename?: string[];
  recursive?: boolean;
  namespace?: string;
}

/** How many objects are sent at once. Namespaces are applied alone, so later objects can use them. */
const CONCURRENCY = 8;

/** Reads -f and resolves every object; errors (parse, unknown kinds, namespace mismatch) are collected. */
export async function resolveManifests(ctx: Context, opts: FileOptions): Promise<{ objects: Resolved[]; errors: string[] }> {
  if (!opts.filename || opts.filename.length === 0) throw new CliError('error: must specify one of -f and -k');
  const { readManifests } = await import('../manifests/reader.js');
  const read = await readManifests(opts.filename, !!opts.recursive, () => ctx.io.readStdin());
  const errors = read.errors.map((e) => e.text);
  const objects: Resolved[] = [];
  // Kinds minik does not build in are looked up among the cluster's custom resources, and those
  // of the CRDs in these files (applied first: a CRD's objects can follow it in the same files).
  // A version the server serves only by conversion (autoscaling/v1 HPAs): sent as the stored one.
  let served = read.objects.map((m) => resolveServed(m.object));
  if (served.some((x) => !x.r)) {
    const cat = await ctx.catalog(read.objects.map((m) => m.object).filter(isManifestCRD));
    served = served.map((x, i) => (x.r ? x : resolveServed(read.objects[i].object, cat)));
  }
  for (const [i, m] of read.objects.entries()) {
    const { r, object: o } = served[i];
    const name = o.metadata.name ?? '';
    if (!r) {
      errors.push(
        `error: resource mapping not found for name: "${name}" namespace: "${o.metadata.namespace ?? ''}" from "${m.source}": no matches for kind "${o.kind}" in version "${o.apiVersion}"\nensure CRDs are installed first`,
      );
      continue;
    }
    let namespace = '';
    if (r.namespaced) {
      if (opts.namespace && o.metadata.namespace && o.metadata.namespace !== opts.namespace) {
        errors.push(`error: the namespace from the provided object "${o.metadata.namespace}" does not match the namespace "${opts.namespace}". You must pass '--namespace=${o.metadata.namespace}' to perform this operation.`);
        continue;
      }
      namespace = o.metadata.namespace || opts.namespace || (await ctx.defaultNamespace());
      o.metadata.namespace = namespace;
    }
    objects.push({ ...m, object: o, r, namespace, name });
  }
  return { objects, errors };
}

/**
 * The objects of -f for a command that otherwise names resources as arguments (get, wait,
 * rollout status): kubectl refuses both at once.
 */
export function resolveFileTargets(ctx: Context, args: string[], opts: FileOptions): Promise<{ objects: Resolved[]; errors: string[] }> {
  if (args.length) throw new CliError('error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well');
  return resolveManifests(ctx, opts);
}

/** The result line (or error) of one object's work. */
export type Outcome = { line?: string; error?: string; warnings?: string[] };

/**
 * Runs `work` for each object, up to CONCURRENCY at a time, printing outcomes in manifest order.
 * A Namespace waits for everything before it and holds back everything after it; two writes to
 * the same object never overlap. Returns the number of failed objects.
 */
export async function forEachObject(ctx: Context, objects: Resolved[], work: (o: Resolved) => Promise<Outcome>): Promise<number> {
  const results: (Outcome | undefined)[] = new Array(objects.length);
  let printed = 0;
  let failed = 0;
  // When the daemon itself goes away, the rest is not sent: one clear error instead of thousands.
  let unreachable: string | undefined;
  let launched = 0;
  const flush = () => {
    while (printed < launched && results[printed]) {
      const res = results[printed]!;
      for (const w of res.warnings ?? []) ctx.warn(w);
      if (res.line) ctx.out(res.line + '\n');
      if (res.error) {
        ctx.err(res.error);
        failed++;
      }
      printed++;
    }
  };
  const inFlight = new Map<number, Promise<void>>();
  const keys = new Map<string, Promise<void>>();
  for (let i = 0; i < objects.length && !unreachable; i++) {
    const o = objects[i];
    const key = `${o.r.plural}/${o.namespace}/${o.name}`;
    const barrier = o.r.kind === 'Namespace' || o.r.kind === 'CustomResourceDefinition';
    if (barrier) await Promise.all(inFlight.values());
    while (inFlight.size >= CONCURRENCY) await Promise.race(inFlight.values());
    if (unreachable) break;
    const before = keys.get(key);
    launched = i + 1;
    const p = (async () => {
      if (before) await before;
      try {
        results[i] = await work(o);
      } catch (e) {
        if (isConnectionError(e)) {
          unreachable ??= formatError(e);
          results[i] = {};
          failed++;
        } else results[i] = { error: formatError(e) };
      }
      flush();
    })().finally(() => inFlight.delete(i));
    inFlight.set(i, p);
    keys.set(key, p);
    if (barrier) await p;
  }
  await Promise.all(inFlight.values());
  flush();
  if (unreachable) {
    const notSent = objects.length - launched + results.slice(0, launched).filter((r) => r && !r.line && !r.error).length;
    ctx.err(`${unreachable}; ${notSent} of ${objects.length} objects were not sent`);
    failed += objects.length - launched;
  }
  return failed;
}

/** A failure of the connection itself (daemon gone), as opposed to an API answer. */
function isConnectionError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE';
}

/** The origin of an object for error messages. */
export function originOf(o: Resolved, verb: Origin['verb']): Origin {
  return { verb, source: o.source, document: o.document, line: o.line };
}

/** Copies an object for sending (the manifest object stays as read). */
export function bodyOf(o: Resolved): KubeObject {
  return structuredClone(o.object);
}

/**
 * The patch type apply sends for a resource: a strategic merge patch, or for a custom resource
 * (which has no patch strategies) a JSON merge patch, as kubectl does. The three-way patch is the
 * same either way for such kinds: no keyed lists, no directives.
 */
export function patchContentType(r: ResourceInfo): string {
  return r.custom ? 'application/merge-patch+json' : 'application/strategic-merge-patch+json';
}

/** The `fieldValidation` query value for kubectl's --validate flag (strict by default). */
export function fieldValidation(validate: string | boolean | undefined): string {
  if (validate === false || validate === 'false' || validate === 'ignore') return 'Ignore';
  if (validate === 'warn') return 'Warn';
  return 'Strict';
}
