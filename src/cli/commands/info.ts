// `version`, `cluster-info`, `api-resources` and `api-versions`: what the cluster is and what it serves.
import type { Command } from 'commander';
import { type ResourceInfo, groupVersion, resourceVerbs, versionPriority } from '../../api/resources.js';
import { tabulate } from '../../printers/tabwriter.js';
import { toJson } from '../../printers/json.js';
import { type Context, loadColors } from '../context.js';
import { CliError } from '../errors.js';

/** minikctl's own version (the package version). */
export const CLIENT_VERSION = 'v0.1.0';

async function runVersion(ctx: Context, opts: { client?: boolean; output?: string }): Promise<number> {
  const clientInfo = { gitVersion: CLIENT_VERSION, platform: `${process.platform}/${process.arch}` };
  let server: Record<string, string> | undefined;
  if (!opts.client) server = (await (await ctx.client()).get('/version')).body as unknown as Record<string, string>;
  if (opts.output === 'json' || opts.output === 'yaml') {
    const doc = { clientVersion: clientInfo, ...(server ? { serverVersion: server } : {}) };
    ctx.out(opts.output === 'json' ? toJson(doc, { sorted: false }) : (await import('../../printers/yaml.js')).toYaml(doc));
    return 0;
  }
  if (opts.output) throw new CliError('error: --output must be \'yaml\' or \'json\'');
  ctx.out(`Client Version: ${CLIENT_VERSION}\n`);
  if (server) ctx.out(`Server Version: ${server.gitVersion}\n`);
  return 0;
}

async function runClusterInfo(ctx: Context): Promise<number> {
  const client = await ctx.client();
  await client.get('/api/v1/namespaces/kube-system/services', { labelSelector: 'kubernetes.io/cluster-service=true' });
  const c = await loadColors(ctx.io, 'stdout', ctx.noColor);
  // The address the kubeconfig gives clients (minikctl itself talks plain HTTP to the same port).
  const url = `https://${client.host}:${client.port}`;
  ctx.out(`${c.green('Kubernetes control plane')} is running at ${c.yellow(url)}\n`);
  ctx.out(`\nTo further debug and diagnose cluster problems, use 'minikctl cluster-info dump'.\n`);
  return 0;
}

/** `api-versions`: every group/version the server's discovery lists, sorted, one per line. */
async function runApiVersions(ctx: Context): Promise<number> {
  const client = await ctx.client();
  const core = (await client.get('/api')).body as { versions?: string[] };
  const groups = (await client.get('/apis')).body as { groups?: { versions: { groupVersion: string }[] }[] };
  const all = [...(core.versions ?? []), ...(groups.groups ?? []).flatMap((g) => g.versions.map((v) => v.groupVersion))];
  ctx.out([...new Set(all)].sort().map((v) => v + '\n').join(''));
  return 0;
}

async function runApiResources(ctx: Context, opts: { output?: string; namespaced?: string; apiGroup?: string; noHeaders?: boolean }): Promise<number> {
  // One row per resource, in its group's preferred version (custom resources may have several).
  const preferred = new Map<string, ResourceInfo>();
  for (const r of (await ctx.catalog()).all) {
    const key = `${r.group}/${r.plural}`;
    const seen = preferred.get(key);
    if (!seen || versionPriority(r.version, seen.version) < 0) preferred.set(key, r);
  }
  let rs = [...preferred.values()];
  if (opts.namespaced !== undefined) rs = rs.filter((r) => r.namespaced === (opts.namespaced !== 'false'));
  if (opts.apiGroup !== undefined) rs = rs.filter((r) => r.group === opts.apiGroup);
  rs.sort((a, b) => (a.group === b.group ? (a.plural < b.plural ? -1 : 1) : a.group === '' ? -1 : b.group === '' ? 1 : a.group < b.group ? -1 : 1));
  if (opts.output === 'name') {
    ctx.out(rs.map((r) => (r.group ? `${r.plural}.${r.group}` : r.plural) + '\n').join(''));
    return 0;
  }
  const wide = opts.output === 'wide';
  const rows: string[][] = opts.noHeaders ? [] : [['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND', ...(wide ? ['VERBS', 'CATEGORIES'] : [])]];
  for (const r of rs) {
    rows.push([
      r.plural,
      r.shortNames.join(','),
      groupVersion(r),
      String(r.namespaced),
      r.kind,
      ...(wide ? [resourceVerbs(r).join(','), r.categories.join(',')] : []),
    ]);
  }
  ctx.out(tabulate(rows));
  return 0;
}

/** Registers `version`, `cluster-info`, `api-resources` and `api-versions`. */
export function registerInfo(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('version')
    .description('Print the client and server version information')
    .option('--client', 'If true, shows client version only (no server required)')
    .option('-o, --output <format>', 'yaml or json')
    .action((o) => done(runVersion(ctx(), o)));
  const clusterInfo = program
    .command('cluster-info')
    .description('Display addresses of the control plane')
    .action(() => done(runClusterInfo(ctx())));
  clusterInfo
    .command('dump')
    .description('Dump relevant information for debugging and diagnosis')
    .option('-n, --namespace <namespace>', 'The namespace dumped besides kube-system')
    .option('--namespaces <list>', 'A comma separated list of namespaces to dump')
    .option('-A, --all-namespaces', 'If true, dump all namespaces')
    .option('--output-directory <dir>', 'Where to output the files; if empty or \'-\' uses stdout')
    .option('-o, --output <format>', 'Output format: json or yaml', 'json')
    .action(async (o) => {
      const { runClusterInfoDump } = await import('./cluster-info-dump.js');
      done(runClusterInfoDump(ctx(), { ...o, outputDirectory: o.outputDirectory === '-' ? undefined : o.outputDirectory }));
    });
  program
    .command('api-versions')
    .description('Print the supported API versions on the server, in the form of "group/version"')
    .action(() => done(runApiVersions(ctx())));
  program
    .command('api-resources')
    .description('Print the supported API resources on the server')
    .option('-o, --output <format>', 'wide or name')
    .option('--namespaced <bool>', 'true for namespaced resources only, false for cluster-scoped only')
    .option('--api-group <group>', 'Limit to resources in the specified API group ("" for core)')
    .option('--no-headers', 'Do not print headers')
    .action((o) => done(Promise.resolve(runApiResources(ctx(), { ...o, noHeaders: o.headers === false }))));
}
