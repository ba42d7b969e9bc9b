// `minikctl config`: kubectl's config subcommands on minik's kubeconfig ($MINIK_HOME/kubeconfig,
// which the daemon keeps its `minik` entries up to date in), or on the file --kubeconfig names.
// view, current-context, get-contexts, use-context, set-context, delete-context, rename-context,
// get-clusters, get-users; the same output and errors as kubectl's. The current context's
// namespace is the namespace minikctl works in without -n.
import type { Command } from 'commander';
import { statePaths } from '../../state/state.js';
import type { KubeConfig } from '../../state/kubeconfig.js';
import { tabulate } from '../../printers/tabwriter.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';

interface FileOption {
  kubeconfig?: string;
}

type KubeconfigModule = typeof import('../../state/kubeconfig.js');

/** The kubeconfig module (YAML): loaded by the config commands only. */
const load = (): Promise<KubeconfigModule> => import('../../state/kubeconfig.js');

function fileOf(ctx: Context, opts: FileOption): string {
  return opts.kubeconfig ?? statePaths(ctx.home).kubeconfig;
}

async function read(ctx: Context, opts: FileOption): Promise<{ file: string; cfg: KubeConfig; exists: boolean; k: KubeconfigModule }> {
  const k = await load();
  const file = fileOf(ctx, opts);
  let cfg: KubeConfig | undefined;
  try {
    cfg = k.readKubeconfig(file);
  } catch (e) {
    throw new CliError(`error: ${(e as Error).message.replace(/^error: /, '')}`);
  }
  // A missing file is an empty config, as kubectl takes it (set-context then creates it).
  return { file, cfg: cfg ?? { apiVersion: 'v1', kind: 'Config', preferences: {} }, exists: cfg !== undefined, k };
}

const REDACTED = 'REDACTED';
const OMITTED = 'DATA+OMITTED';

/** What `config view` shows without --raw: secrets replaced as kubectl does (and minik's token in the server URL). */
function redact(cfg: KubeConfig): KubeConfig {
  const out = structuredClone(cfg);
  for (const c of out.clusters ?? []) {
    if (!c?.cluster) continue;
    if (typeof c.cluster.server === 'string') c.cluster.server = c.cluster.server.replace(/\/t\/[^/]+/, `/t/${REDACTED}`);
    if (c.cluster['certificate-authority-data']) c.cluster['certificate-authority-data'] = OMITTED;
  }
  for (const u of out.users ?? []) {
    if (!u?.user) continue;
    for (const k of ['token', 'password']) if (u.user[k]) u.user[k] = REDACTED;
    for (const k of ['client-certificate-data', 'client-key-data']) if (u.user[k]) u.user[k] = OMITTED;
  }
  return out;
}

/** Only what the current context uses (--minify). */
function minify(cfg: KubeConfig): KubeConfig {
  const current = cfg['current-context'];
  const ctx = cfg.contexts?.find((c) => c.name === current);
  if (!current) throw new CliError('error: current-context must exist in order to minify');
  if (!ctx) throw new CliError(`error: cannot locate context ${current}`);
  return {
    ...cfg,
    contexts: [ctx],
    clusters: (cfg.clusters ?? []).filter((c) => c.name === ctx.context.cluster),
    users: (cfg.users ?? []).filter((u) => u.name === ctx.context.user),
  };
}

/** Keys in the order given first, the rest after (kubectl's JSON follows its Go structs' field order). */
function ordered(o: Record<string, unknown> | undefined, order: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (o?.[k] !== undefined) out[k] = o[k];
  for (const [k, v] of Object.entries(o ?? {})) if (!(k in out)) out[k] = v;
  return out;
}

/** A kubeconfig as kubectl's `-o json` prints it: v1.Config's field order. */
function asJson(cfg: KubeConfig): Record<string, unknown> {
  return ordered(
    {
      ...cfg,
      preferences: cfg.preferences ?? {},
      clusters: (cfg.clusters ?? []).map((c) => ({ name: c.name, cluster: ordered(c.cluster, ['server', 'tls-server-name', 'insecure-skip-tls-verify', 'certificate-authority', 'certificate-authority-data', 'proxy-url', 'disable-compression']) })),
      users: (cfg.users ?? []).map((u) => ({ name: u.name, user: ordered(u.user, ['client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'token', 'tokenFile', 'as', 'as-uid', 'as-groups', 'as-user-extra', 'username', 'password', 'auth-provider', 'exec']) })),
      contexts: (cfg.contexts ?? []).map((c) => ({ name: c.name, context: ordered(c.context, ['cluster', 'user', 'namespace']) })),
      'current-context': cfg['current-context'] ?? '',
    },
    ['kind', 'apiVersion', 'preferences', 'clusters', 'users', 'contexts', 'current-context'],
  );
}

async function runView(ctx: Context, opts: FileOption & { raw?: boolean; minify?: boolean; output?: string }): Promise<number> {
  const { file, cfg, exists, k } = await read(ctx, opts);
  if (!opts.kubeconfig && !exists) {
    throw new CliError(`error: no kubeconfig yet at ${file}: the daemon writes it when it starts (minikctl daemon start)`);
  }
  let shown = opts.minify ? minify(cfg) : cfg;
  if (!opts.raw) shown = redact(shown);
  const output = opts.output ?? 'yaml';
  if (output === 'json') ctx.out(JSON.stringify(asJson(shown), null, 4) + '\n');
  else if (output === 'yaml') ctx.out(k.kubeconfigText(shown));
  else throw new CliError(`error: unable to match a printer suitable for the output format "${output}", allowed formats are: json,yaml`);
  return 0;
}

async function runCurrentContext(ctx: Context, opts: FileOption): Promise<number> {
  const { cfg } = await read(ctx, opts);
  const current = cfg['current-context'];
  if (!current) throw new CliError('error: current-context is not set');
  ctx.out(`${current}\n`);
  return 0;
}

async function runGetContexts(ctx: Context, names: string[], opts: FileOption & { output?: string; noHeaders?: boolean }): Promise<number> {
  const { cfg } = await read(ctx, opts);
  if (opts.output && opts.output !== 'name') throw new CliError(`error: output must be one of '' or 'name': ${opts.output}`);
  const contexts = [...(cfg.contexts ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const missing = names.filter((n) => !contexts.some((c) => c.name === n));
  const shown = names.length ? contexts.filter((c) => names.includes(c.name)) : contexts;
  if (opts.output === 'name') ctx.out(shown.map((c) => `${c.name}\n`).join(''));
  else {
    const rows = shown.map((c) => [c.name === cfg['current-context'] ? '*' : '', c.name, c.context?.cluster ?? '', c.context?.user ?? '', c.context?.namespace ?? '']);
    if (rows.length || !opts.noHeaders) ctx.out(tabulate(opts.noHeaders ? rows : [['CURRENT', 'NAME', 'CLUSTER', 'AUTHINFO', 'NAMESPACE'], ...rows]));
  }
  if (missing.length) throw new CliError(missing.map((n) => `error: context ${n} not found`).join('\n'));
  return 0;
}

async function runUseContext(ctx: Context, name: string, opts: FileOption): Promise<number> {
  const { file, cfg, k } = await read(ctx, opts);
  if (!cfg.contexts?.some((c) => c.name === name)) throw new CliError(`error: no context exists with the name: "${name}"`);
  k.writeKubeconfig(file, { ...cfg, 'current-context': name });
  ctx.out(`Switched to context "${name}".\n`);
  return 0;
}

async function runSetContext(ctx: Context, name: string | undefined, opts: FileOption & { current?: boolean; cluster?: string; user?: string; namespace?: string }): Promise<number> {
  const { file, cfg, k } = await read(ctx, opts);
  if (opts.current && name) throw new CliError('error: you cannot specify both a context name and --current');
  if (!opts.current && !name) throw new CliError('error: you must specify a non-empty context name or --current');
  const target = opts.current ? cfg['current-context'] : name;
  if (!target) throw new CliError('error: no current context is set');
  const contexts = [...(cfg.contexts ?? [])];
  const at = contexts.findIndex((c) => c.name === target);
  const before = at >= 0 ? contexts[at].context ?? {} : {};
  const context = { ...before };
  for (const key of ['cluster', 'user', 'namespace'] as const) {
    const v = opts[key];
    if (v === undefined) continue;
    if (v === '') delete context[key];
    else context[key] = v;
  }
  if (at >= 0) contexts[at] = { name: target, context };
  else contexts.push({ name: target, context });
  k.writeKubeconfig(file, { apiVersion: 'v1', kind: 'Config', ...cfg, contexts });
  ctx.out(`Context "${target}" ${at >= 0 ? 'modified' : 'created'}.\n`);
  return 0;
}

async function runDeleteContext(ctx: Context, name: string, opts: FileOption): Promise<number> {
  const { file, cfg, k } = await read(ctx, opts);
  if (!cfg.contexts?.some((c) => c.name === name)) throw new CliError(`error: cannot delete context ${name}, not in ${file}`);
  if (cfg['current-context'] === name) ctx.err('warning: this removed your active context, use "minikctl config use-context" to select a different one');
  k.writeKubeconfig(file, { ...cfg, contexts: cfg.contexts.filter((c) => c.name !== name) });
  ctx.out(`deleted context ${name} from ${file}\n`);
  return 0;
}

async function runRenameContext(ctx: Context, from: string, to: string, opts: FileOption): Promise<number> {
  const { file, cfg, k } = await read(ctx, opts);
  if (!cfg.contexts?.some((c) => c.name === from)) throw new CliError(`error: cannot rename the context "${from}", it's not in ${file}`);
  if (cfg.contexts.some((c) => c.name === to)) throw new CliError(`error: cannot rename the context "${from}", the context "${to}" already exists in ${file}`);
  const current = cfg['current-context'] === from ? to : cfg['current-context'];
  k.writeKubeconfig(file, { ...cfg, contexts: cfg.contexts.map((c) => (c.name === from ? { ...c, name: to } : c)), 'current-context': current });
  ctx.out(`Context "${from}" renamed to "${to}".\n`);
  return 0;
}

async function runGetNames(ctx: Context, list: 'clusters' | 'users', opts: FileOption): Promise<number> {
  const { cfg } = await read(ctx, opts);
  // kubectl prints them in Go's map order (random); here by name.
  const names = (cfg[list] ?? []).map((x) => x.name).sort();
  ctx.out(`NAME\n${names.map((n) => `${n}\n`).join('')}`);
  return 0;
}

/** Registers `config` and its subcommands. */
export function registerConfig(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  const config = program.command('config').description("Modify kubeconfig files (minik's, or --kubeconfig)");
  const sub = (name: string, description: string) => config.command(name).description(description).option('--kubeconfig <file>', "Path to the kubeconfig file to use (default: minik's)");
  sub('view', 'Display merged kubeconfig settings or a specified kubeconfig file')
    .option('--raw', 'Display raw byte data and sensitive data')
    .option('--minify', 'Remove all information not used by current-context from the output')
    .option('-o, --output <format>', 'yaml or json')
    .action((o) => done(runView(ctx(), o)));
  sub('current-context', 'Display the current-context').action((o) => done(runCurrentContext(ctx(), o)));
  sub('get-contexts', 'Describe one or many contexts')
    .argument('[name...]')
    .option('-o, --output <format>', "Output format. One of: (name)")
    .option('--no-headers', "When using the default or custom-column output format, don't print headers")
    .action((names: string[], o) => done(runGetContexts(ctx(), names, { ...o, noHeaders: o.headers === false })));
  sub('use-context', 'Set the current-context in a kubeconfig file')
    .alias('use')
    .argument('<name>')
    .action((name: string, o) => done(runUseContext(ctx(), name, o)));
  sub('set-context', 'Set a context entry in kubeconfig')
    .argument('[name]')
    .option('--current', 'Modify the current context')
    .option('--cluster <name>', 'cluster for the context entry in kubeconfig')
    .option('--user <name>', 'user for the context entry in kubeconfig')
    .option('--namespace <namespace>', 'namespace for the context entry in kubeconfig')
    .addHelpText(
      'after',
      `
Examples:
  # Work in the dev namespace without -n
  minikctl config set-context --current --namespace=dev
`,
    )
    .action((name: string | undefined, o) => done(runSetContext(ctx(), name, o)));
  sub('delete-context', 'Delete the specified context from the kubeconfig')
    .argument('<name>')
    .action((name: string, o) => done(runDeleteContext(ctx(), name, o)));
  sub('rename-context', 'Rename a context from the kubeconfig file')
    .argument('<old>')
    .argument('<new>')
    .action((from: string, to: string, o) => done(runRenameContext(ctx(), from, to, o)));
  sub('get-clusters', 'Display clusters defined in the kubeconfig').action((o) => done(runGetNames(ctx(), 'clusters', o)));
  sub('get-users', 'Display users defined in the kubeconfig').action((o) => done(runGetNames(ctx(), 'users', o)));
}
