// `minikctl get`: list or fetch objects and print them as kubectl does.
import type { Command } from 'commander';
import { type ResourceInfo, groupVersion } from '../../api/resources.js';
import type { Event, KubeList, KubeObject } from '../../api/types.js';
import { ApiError, type Client, resourcePath } from '../../client/client.js';
import { evalPath } from '../../api/jsonpath.js';
import { tableRows } from '../../printers/table.js';
import { RememberingTable, tabulate } from '../../printers/tabwriter.js';
import type { Context } from '../context.js';
import { CliError, formatError } from '../errors.js';
import { type OutputFormat, preparePrinter, renderObjects, renderWatchEvent, setShowManagedFields } from '../output.js';
import { type ResourceRequest, parseResourceArgs } from '../resource-args.js';
import { collect, namespaceOptions, resolveNamespace } from '../flags.js';
import { resolveFileTargets } from '../manifest-objects.js';

/** Options of `get`. */
export interface GetOptions {
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  fieldSelector?: string;
  output?: string;
  showLabels?: boolean;
  showManagedFields?: boolean;
  labelColumns?: string[];
  noHeaders?: boolean;
  sortBy?: string;
  watch?: boolean;
  watchOnly?: boolean;
  /** --output-watch-events: each change with its event type (an EVENT column, or WatchEvent objects). */
  outputWatchEvents?: boolean;
  ignoreNotFound?: boolean;
  raw?: string;
  filename?: string[];
  recursive?: boolean;
}

interface Fetched {
  r: ResourceInfo;
  objects: KubeObject[];
  listRv?: string;
}

function sortObjects(objects: KubeObject[], sortBy: string): KubeObject[] {
  const key = (o: KubeObject) => {
    const v = evalPath(sortBy.startsWith('{') || sortBy.startsWith('.') ? sortBy : `.${sortBy}`, o)[0];
    return v;
  };
  return [...objects].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === undefined) return y === undefined ? 0 : -1;
    if (y === undefined) return 1;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    const xs = String(x);
    const ys = String(y);
    const xt = Date.parse(xs);
    const yt = Date.parse(ys);
    if (/^\d{4}-\d\d-\d\dT/.test(xs) && !Number.isNaN(xt) && !Number.isNaN(yt)) return xt - yt;
    return xs < ys ? -1 : xs > ys ? 1 : 0;
  });
}

/** Runs `get`; returns the exit code. */
export async function runGet(ctx: Context, args: string[], opts: GetOptions): Promise<number> {
  setShowManagedFields(!!opts.showManagedFields);
  if (opts.raw !== undefined) {
    if (args.length > 0) throw new CliError('error: arguments may not be passed when --raw is specified');
    ctx.out(await (await ctx.client()).text(opts.raw));
    return 0;
  }
  const fmt = await preparePrinter(opts.output);
  if (opts.filename?.length) return getFromFiles(ctx, args, opts, fmt);
  const requests: ResourceRequest[] = await parseResourceArgs(ctx, args, 'get');
  const ns = await resolveNamespace(ctx, opts);
  const byName = requests.some((q) => q.names.length > 0);
  if (byName && opts.allNamespaces) {
    // kubectl: a name with --all-namespaces is an error.
    throw new CliError('error: a resource cannot be retrieved by name across all namespaces');
  }
  const { fetched, failures, now } = await fetchAll(await ctx.client(), requests, ns, opts);
  if (opts.sortBy) for (const f of fetched) f.objects = sortObjects(f.objects, opts.sortBy);
  // Events read best oldest first (as `kubectl events` shows them), not in name order.
  else for (const f of fetched) if (f.r.kind === 'Event') f.objects = sortEvents(f.objects as Event[]);
  // With --output-watch-events the listing is printed as ADDED events by the watch below.
  const watching = opts.watch || opts.watchOnly;
  if (!opts.watchOnly && !(watching && opts.outputWatchEvents)) print(ctx, fmt, fetched, requests, ns, opts, now);
  // Printed after what was found, as kubectl does.
  for (const f of failures) ctx.err(f);
  if (opts.watch || opts.watchOnly) return watchChanges(ctx, fetched, fmt, ns, opts, now);
  return failures.length ? 1 : 0;
}

/**
 * `get -f`: the objects the files define, each read from its own namespace, printed as kubectl
 * prints them (one table per run of objects of one kind, in file order).
 */
async function getFromFiles(ctx: Context, args: string[], opts: GetOptions, fmt: OutputFormat): Promise<number> {
  const { objects, errors } = await resolveFileTargets(ctx, args, opts);
  const client = await ctx.client();
  const fetched: Fetched[] = [];
  const failures: string[] = [...errors];
  let now = Date.now();
  for (const o of objects) {
    try {
      const res = await client.get(resourcePath(o.r, o.namespace, o.name));
      now = res.serverNow;
      const last = fetched[fetched.length - 1];
      if (last && last.r === o.r) last.objects.push(res.body);
      else fetched.push({ r: o.r, objects: [res.body] });
    } catch (e) {
      if (e instanceof ApiError && e.httpStatus === 404 && opts.ignoreNotFound) continue;
      failures.push(formatError(e));
    }
  }
  // One request per object: by name, so several objects print their kinds, one alone does not.
  const requests: ResourceRequest[] = objects.map((o) => ({ r: o.r, names: [o.name] }));
  print(ctx, fmt, fetched, requests, await resolveNamespace(ctx, opts), opts, now);
  for (const f of failures) ctx.err(f);
  return failures.length ? 1 : 0;
}

/** Each request's objects (by name, or listed), the errors of names not found, and the server's time. */
async function fetchAll(client: Client, requests: ResourceRequest[], ns: string, opts: GetOptions): Promise<{ fetched: Fetched[]; failures: string[]; now: number }> {
  const fetched: Fetched[] = [];
  const failures: string[] = [];
  let now = Date.now();
  for (const q of requests) {
    if (q.names.length > 0) {
      const objects: KubeObject[] = [];
      for (const name of q.names) {
        try {
          const res = await client.get(resourcePath(q.r, ns, name));
          now = res.serverNow;
          objects.push(res.body);
        } catch (e) {
          if (e instanceof ApiError && e.httpStatus === 404 && opts.ignoreNotFound) continue;
          failures.push(formatError(e));
        }
      }
      fetched.push({ r: q.r, objects });
    } else {
      const res = await client.get<KubeList>(resourcePath(q.r, q.r.namespaced && !opts.allNamespaces ? ns : undefined), {
        labelSelector: opts.selector,
        fieldSelector: opts.fieldSelector,
      });
      now = res.serverNow;
      fetched.push({ r: q.r, objects: res.body.items.map((o) => ({ apiVersion: groupVersion(q.r), kind: q.r.kind, ...o })), listRv: res.body.metadata.resourceVersion });
    }
  }
  return { fetched, failures, now };
}

/** Prints what was fetched: tables (one block per kind), or the objects in the output format. */
function print(ctx: Context, fmt: OutputFormat, fetched: Fetched[], requests: ResourceRequest[], ns: string, opts: GetOptions, now: number): void {
  const byName = requests.some((q) => q.names.length > 0);
  const total = fetched.reduce((n, f) => n + f.objects.length, 0);
  const kinds = fetched.filter((f) => f.objects.length > 0).length;
  if (total === 0 && !byName) {
    if (fmt.kind === 'table' || fmt.kind === 'name' || fmt.kind === 'custom-columns') {
      const clusterScoped = requests.every((q) => !q.r.namespaced);
      ctx.err(opts.allNamespaces || clusterScoped ? 'No resources found' : `No resources found in ${ns} namespace.`);
    } else if (fmt.kind !== 'jsonpath') {
      ctx.out(renderObjects(fmt, [], false));
    }
  } else if (fmt.kind === 'table') {
    const blocks: string[] = [];
    // kubectl keeps the NAMESPACE column (empty) for cluster-scoped blocks after a namespaced one.
    let namespacedBefore = false;
    for (const f of fetched) {
      if (f.objects.length === 0) continue;
      const withNamespace = !!opts.allNamespaces && (f.r.namespaced || namespacedBefore);
      namespacedBefore ||= f.r.namespaced;
      const rows = tableRows(f.r.columns, f.objects, {
        wide: fmt.wide,
        noHeaders: opts.noHeaders,
        withNamespace,
        kindPrefix: kinds > 1 || requests.length > 1 ? qualifiedKind(f.r) : undefined,
        showLabels: opts.showLabels,
        labelColumns: opts.labelColumns,
        now,
      });
      blocks.push(tabulate(rows));
    }
    ctx.out(blocks.join('\n'));
  } else if (total > 0 || fmt.kind !== 'jsonpath') {
    const single = byName && requests.length === 1 && requests[0].names.length === 1;
    ctx.out(renderObjects(fmt, fetched.flatMap((f) => f.objects.map((o) => ({ r: f.r, o }))), single, opts.noHeaders));
  }
}

/** Events by last occurrence, then first occurrence, then creation (resourceVersion). */
function sortEvents(events: Event[]): Event[] {
  const t = (e: Event, k: 'lastTimestamp' | 'firstTimestamp') => Date.parse(e[k] ?? e.eventTime ?? e.metadata.creationTimestamp ?? '') || 0;
  return [...events].sort((a, b) => t(a, 'lastTimestamp') - t(b, 'lastTimestamp') || t(a, 'firstTimestamp') - t(b, 'firstTimestamp') || Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
}

function qualifiedKind(r: ResourceInfo): string {
  return r.group ? `${r.kind.toLowerCase()}.${r.group}` : r.kind.toLowerCase();
}

/** `get -w`: streams a row per change until interrupted (kubectl prints no header again). */
async function watchChanges(ctx: Context, fetched: Fetched[], fmt: OutputFormat, ns: string, opts: GetOptions, now: number): Promise<number> {
  if (fetched.length !== 1) throw new CliError('error: you may only specify a single resource type');
  const { r, listRv, objects } = fetched[0];
  const client = await ctx.client();
  const table = new RememberingTable();
  const events = !!opts.outputWatchEvents;
  // An EVENT column first (ADDED, MODIFIED, DELETED) with --output-watch-events.
  // kubectl's EVENT column is as wide as its longest value (MODIFIED) from the first row on.
  const typed = (rows: string[][], type: string, withHeader: boolean) => (events ? rows.map((row, i) => [(withHeader && i === 0 ? 'EVENT' : type).padEnd(8), ...row]) : rows);
  const objectOut = (type: string, o: KubeObject) => (events ? renderWatchEvent(fmt, r, type, o) : renderObjects(fmt, [{ r, o }], true));
  if (!opts.watchOnly && objects.length > 0) {
    if (fmt.kind === 'table') {
      const rows = typed(tableRows(r.columns, objects, { wide: fmt.wide, noHeaders: opts.noHeaders, withNamespace: opts.allNamespaces, showLabels: opts.showLabels, labelColumns: opts.labelColumns, now }), 'ADDED', !opts.noHeaders);
      // Without events the listing was printed above: here it only sets the column widths.
      const text = table.write(rows);
      if (events) ctx.out(text);
    } else if (events) for (const o of objects) ctx.out(objectOut('ADDED', o));
  }
  let headerPrinted = !opts.watchOnly && objects.length > 0;
  return new Promise<number>((resolve) => {
    const w = client.watch(
      resourcePath(r, r.namespaced && !opts.allNamespaces ? ns : undefined),
      { resourceVersion: listRv ?? '0', labelSelector: opts.selector, fieldSelector: opts.fieldSelector, allowWatchBookmarks: undefined },
      (e) => {
        if (e.type === 'BOOKMARK' || e.type === 'ERROR') return;
        const o = e.object as KubeObject;
        if (fmt.kind === 'table') {
          const withHeader = !headerPrinted && !opts.noHeaders;
          const rows = typed(tableRows(r.columns, [o], { wide: fmt.wide, noHeaders: !withHeader, withNamespace: opts.allNamespaces, showLabels: opts.showLabels, labelColumns: opts.labelColumns, now: Date.now() }), e.type, withHeader);
          headerPrinted = true;
          ctx.out(table.write(rows));
        } else {
          ctx.out(objectOut(e.type, o));
        }
      },
      (err) => {
        if (err) ctx.err(formatError(err));
        resolve(err ? 1 : 0);
      },
    );
    const stop = () => {
      w.stop();
      resolve(0);
    };
    process.once('SIGINT', stop);
  });
}

/** Registers `get` on the program. */
export function registerGet(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  namespaceOptions(
    program
      .command('get')
      .description('Display one or many resources')
      .argument('[args...]', 'TYPE[,TYPE...] [NAME...] or TYPE/NAME ...')
      .option('-l, --selector <selector>', 'Selector (label query) to filter on')
      .option('--field-selector <selector>', 'Selector (field query) to filter on')
      .option('-o, --output <format>', 'Output format: json|yaml|name|wide|jsonpath=...|custom-columns=...')
      .option('--show-labels', 'Show all labels as the last column')
      .option('--show-managed-fields', 'Keep metadata.managedFields in JSON and YAML output')
      .option('-L, --label-columns <keys>', 'Labels to show as columns (comma separated)', (v: string, prev: string[] = []) => [...prev, ...v.split(',')])
      .option('--no-headers', 'Do not print headers')
      .option('--sort-by <jsonpath>', 'Sort list types using this field specification')
      .option('-w, --watch', 'After listing, watch for changes')
      .option('--watch-only', 'Watch for changes, without listing first')
      .option('--output-watch-events', 'Output watch event objects when --watch or --watch-only is used')
      .option('--ignore-not-found', 'Treat "resource not found" as a successful retrieval')
      .option('--raw <uri>', 'Raw URI to request from the server (e.g. /healthz)')
      .option('-f, --filename <file>', 'Files or directories identifying the resources to get (repeatable)', collect)
      .option('-R, --recursive', 'Process the directory used in -f recursively'),
  ).action((args: string[], o: GetOptions & { headers?: boolean }) => done(runGet(ctx(), args, { ...o, noHeaders: o.headers === false })));
}
