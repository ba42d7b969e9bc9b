// `minikctl top nodes|pods`: resource usage from the metrics API (metrics.k8s.io), laid out as
// kubectl top does (CPU in millicores, memory in Mi, percentages of allocatable for nodes).
import type { Command } from 'commander';
import { milliCPU, parseQuantity } from '../../api/quantity.js';
import type { KubeList, KubeObject, Node, NodeMetrics, PodMetrics, QuantityValue } from '../../api/types.js';
import { ApiError } from '../../client/client.js';
import { layoutCells } from '../../printers/tabwriter.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';
import { resolveNamespace } from '../flags.js';

interface TopOptions {
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  containers?: boolean;
  noHeaders?: boolean;
  /** commander's name for `--no-headers`. */
  headers?: boolean;
  sortBy?: string;
}

const cpu = (q: QuantityValue | undefined) => `${milliCPU(q ?? '0')}m`;
/** Bytes in whole mebibytes, as kubectl top prints memory. */
const mebibytes = (bytes: number) => `${Math.floor(bytes / (1024 * 1024))}Mi`;
const mem = (q: QuantityValue | undefined) => mebibytes(parseQuantity(q ?? '0'));

/** kubectl top's layout: every column padded (a trailing tab), padding 3. */
function table(headers: string[], rows: string[][], noHeaders?: boolean): string {
  const lines = (noHeaders ? rows : [headers, ...rows]).map((r) => [...r, '']);
  return layoutCells(lines, 0, 3);
}

async function metrics<M extends NodeMetrics | PodMetrics>(ctx: Context, path: string, query: Record<string, string | undefined>): Promise<M[]> {
  const client = await ctx.client();
  try {
    return (await client.get<KubeList<M>>(path, query)).body.items;
  } catch (e) {
    if (e instanceof ApiError && e.httpStatus === 404) throw new CliError('error: Metrics API not available');
    throw e;
  }
}

function sortRows<T>(items: T[], by: string | undefined, usage: (t: T) => { cpu: number; memory: number }): T[] {
  if (!by) return items;
  if (by !== 'cpu' && by !== 'memory') throw new CliError(`error: --sort-by accepts only cpu or memory`);
  return [...items].sort((a, b) => usage(b)[by] - usage(a)[by]);
}

/** `top node [NAME]`. */
export async function runTopNodes(ctx: Context, name: string | undefined, opts: TopOptions): Promise<number> {
  const client = await ctx.client();
  let items = await metrics<NodeMetrics>(ctx, '/apis/metrics.k8s.io/v1beta1/nodes', { labelSelector: opts.selector });
  if (name) {
    items = items.filter((m) => m.metadata.name === name);
    if (items.length === 0) throw new CliError(`error: metrics not available yet`);
  }
  const nodes = new Map((await client.get<KubeList<Node>>('/api/v1/nodes')).body.items.map((n) => [n.metadata.name, n]));
  const usage = (m: NodeMetrics) => ({ cpu: milliCPU(m.usage?.cpu ?? '0'), memory: parseQuantity(m.usage?.memory ?? '0') });
  const rows = sortRows(items, opts.sortBy, usage).map((m) => {
    const alloc = nodes.get(m.metadata.name)?.status?.allocatable ?? {};
    const u = usage(m);
    const pct = (v: number, total: number) => (total > 0 ? `${Math.floor((v * 100) / total)}%` : '<unknown>');
    return [m.metadata.name!, `${u.cpu}m`, pct(u.cpu, milliCPU(alloc.cpu ?? '0')), mem(m.usage?.memory), pct(u.memory, parseQuantity(alloc.memory ?? '0'))];
  });
  if (rows.length === 0) throw new CliError('error: metrics not available yet');
  ctx.out(table(['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)'], rows, opts.noHeaders));
  return 0;
}

/** `top pod [NAME]`. */
export async function runTopPods(ctx: Context, name: string | undefined, opts: TopOptions): Promise<number> {
  const ns = await resolveNamespace(ctx, opts);
  const path = opts.allNamespaces ? '/apis/metrics.k8s.io/v1beta1/pods' : `/apis/metrics.k8s.io/v1beta1/namespaces/${ns}/pods`;
  let items = await metrics<PodMetrics>(ctx, path, { labelSelector: opts.selector });
  if (name) {
    items = items.filter((m) => m.metadata.name === name);
    if (items.length === 0) {
      const client = await ctx.client();
      const pod = (await client.get(`/api/v1/namespaces/${ns}/pods/${encodeURIComponent(name)}`)).body as KubeObject;
      throw new CliError(`error: Metrics not available for pod ${ns}/${name}, age: ${pod.metadata.creationTimestamp ? Math.round((Date.now() - Date.parse(pod.metadata.creationTimestamp)) / 1000) + 's' : 'unknown'}`);
    }
  }
  if (items.length === 0) {
    ctx.err(opts.allNamespaces ? 'No resources found' : `No resources found in ${ns} namespace.`);
    return 0;
  }
  const sum = (m: PodMetrics) => (m.containers ?? []).reduce((a: { cpu: number; memory: number }, c) => ({ cpu: a.cpu + milliCPU(c.usage?.cpu ?? '0'), memory: a.memory + parseQuantity(c.usage?.memory ?? '0') }), { cpu: 0, memory: 0 });
  const sorted = sortRows([...items].sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`)), opts.sortBy, sum);
  const nsCol = (m: PodMetrics) => (opts.allNamespaces ? [m.metadata.namespace!] : []);
  const nsHead = opts.allNamespaces ? ['NAMESPACE'] : [];
  if (opts.containers) {
    const rows = sorted.flatMap((m) => (m.containers ?? []).map((c) => [...nsCol(m), m.metadata.name!, c.name, cpu(c.usage?.cpu), mem(c.usage?.memory)]));
    ctx.out(table([...nsHead, 'POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)'], rows, opts.noHeaders));
  } else {
    const rows = sorted.map((m) => {
      const u = sum(m);
      return [...nsCol(m), m.metadata.name!, `${u.cpu}m`, mebibytes(u.memory)];
    });
    ctx.out(table([...nsHead, 'NAME', 'CPU(cores)', 'MEMORY(bytes)'], rows, opts.noHeaders));
  }
  return 0;
}

/** Registers `top node` and `top pod`. */
export function registerTop(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  const top = program.command('top').description('Display resource (CPU/memory) usage');
  top
    .command('node')
    .aliases(['nodes', 'no'])
    .description('Display resource (CPU/memory) usage of nodes')
    .argument('[name]')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--no-headers', "If present, print output without headers")
    .option('--sort-by <field>', 'cpu or memory')
    .action((name: string | undefined, o: TopOptions) => done(runTopNodes(ctx(), name, { ...o, noHeaders: o.headers === false })));
  top
    .command('pod')
    .aliases(['pods', 'po'])
    .description('Display resource (CPU/memory) usage of pods')
    .argument('[name]')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('-A, --all-namespaces', 'List the pods in all namespaces')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--containers', 'Print usage of containers within a pod')
    .option('--no-headers', "If present, print output without headers")
    .option('--sort-by <field>', 'cpu or memory')
    .action((name: string | undefined, o: TopOptions) => done(runTopPods(ctx(), name, { ...o, noHeaders: o.headers === false })));
}
