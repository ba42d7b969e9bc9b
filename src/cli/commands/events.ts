// `minikctl events`: the Events of a namespace (or all, -A), oldest first, as `kubectl events`
// prints them: LAST SEEN (with "(xN over AGE)" for repeats), TYPE, REASON, OBJECT, MESSAGE.
// --for narrows to one object, --types to Normal and/or Warning.
import type { Command } from 'commander';
import { age } from '../../api/duration.js';
import { resourceNamed } from '../../api/resources.js';
import type { Event, KubeList } from '../../api/types.js';
import { resourcePath } from '../../client/client.js';
import { tabulate } from '../../printers/tabwriter.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';
import { resolveNamespace } from '../flags.js';
import { preparePrinter, renderObjects } from '../output.js';
import { parseResourceArgs } from '../resource-args.js';

interface EventsOptions {
  namespace?: string;
  allNamespaces?: boolean;
  for?: string;
  types?: string;
  output?: string;
  noHeaders?: boolean;
}

const TYPES = ['Normal', 'Warning'];

/** When an event last happened (kubectl's eventTime: series, then lastTimestamp, then eventTime). */
function lastSeen(e: Event): string | undefined {
  return e.series?.lastObservedTime ?? e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? undefined;
}

/** The LAST SEEN cell: its age, and for a repeated event how often over how long. */
export function lastSeenCell(e: Event, now: number): string {
  const last = age(lastSeen(e), now);
  const count = e.series?.count ?? e.count ?? 1;
  if (count > 1) return `${last} (x${count} over ${age(e.firstTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp, now)})`;
  return last;
}

/** Runs `events`; returns the exit code. */
export async function runEvents(ctx: Context, opts: EventsOptions): Promise<number> {
  const types = opts.types ? opts.types.split(',').map((t) => t.trim()) : [];
  for (const t of types) if (!TYPES.some((x) => x.toLowerCase() === t.toLowerCase())) throw new CliError('error: valid --types are Normal or Warning');
  const ns = await resolveNamespace(ctx, opts);
  const fieldSelector: string[] = [];
  if (opts.for) {
    const [q] = await parseResourceArgs(ctx, [opts.for], 'events');
    if (!q || q.names.length !== 1) throw new CliError('error: --for must be in resource/name form');
    fieldSelector.push(`involvedObject.kind=${q.r.kind}`, `involvedObject.name=${q.names[0]}`);
  }
  const fmt = opts.output ? await preparePrinter(opts.output) : undefined;
  const client = await ctx.client();
  const eventsR = resourceNamed('events');
  const res = await client.get<KubeList<Event>>(resourcePath(eventsR, opts.allNamespaces ? undefined : ns), { fieldSelector: fieldSelector.length ? fieldSelector.join(',') : undefined });
  const now = res.serverNow;
  const when = (e: Event) => Date.parse(lastSeen(e) ?? '') || 0;
  // Oldest first; ties keep the server's order (names sort in time order within an object).
  const events = res.body.items
    .filter((e) => types.length === 0 || types.some((t) => t.toLowerCase() === String(e.type ?? '').toLowerCase()))
    .map((e, i) => ({ e, i }))
    .sort((a, b) => when(a.e) - when(b.e) || a.i - b.i)
    .map((x) => x.e);
  if (fmt && fmt.kind !== 'table') {
    ctx.out(renderObjects(fmt, events.map((o) => ({ r: eventsR, o: { apiVersion: 'v1', kind: 'Event', ...o } })), false, opts.noHeaders));
    return 0;
  }
  if (events.length === 0) {
    ctx.err(opts.allNamespaces ? 'No events found.' : `No events found in ${ns} namespace.`);
    return 0;
  }
  const header = [...(opts.allNamespaces ? ['NAMESPACE'] : []), 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'];
  const rows = events.map((e) => [
    ...(opts.allNamespaces ? [e.metadata.namespace ?? ''] : []),
    lastSeenCell(e, now),
    e.type ?? '',
    e.reason ?? '',
    `${e.involvedObject?.kind ?? ''}/${e.involvedObject?.name ?? ''}`,
    String(e.message ?? '').trim(),
  ]);
  ctx.out(tabulate(opts.noHeaders ? rows : [header, ...rows]));
  return 0;
}

/** Registers `events`. */
export function registerEvents(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('events')
    .description('List events')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('-A, --all-namespaces', 'If present, list the requested object(s) across all namespaces')
    .option('--for <resource>', 'Filter events to only those pertaining to the specified resource (TYPE/NAME)')
    .option('--types <types>', 'Output only events of given types (Normal, Warning; comma separated)')
    .option('-o, --output <format>', 'Output format: yaml|json|name|jsonpath=...')
    .option('--no-headers', 'When using the default output format, don\'t print headers')
    .addHelpText(
      'after',
      `
Examples:
  # List recent events in the default namespace
  minikctl events

  # List recent events in all namespaces
  minikctl events --all-namespaces

  # List recent events for the specified pod
  minikctl events --for pod/web-pod-13je7

  # List recent only events of type 'Warning' or 'Normal'
  minikctl events --types=Warning,Normal
`,
    )
    .action((o) => done(runEvents(ctx(), { ...o, noHeaders: o.headers === false })));
}
