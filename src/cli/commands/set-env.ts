// `minikctl set env TYPE/NAME KEY=VALUE ... KEY- ...`: the environment of a pod template's
// containers, as kubectl's `set env`: variables set (replacing those of the same name) or removed,
// from arguments, `-e`, or every key of a ConfigMap or Secret (`--from`); `--list` prints them.
// The change is sent as kubectl sends it: a two-way strategic merge patch, none when nothing changes.
import type { Command } from 'commander';
import type { ConfigMap, Container, EnvVar, Secret } from '../../api/types.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';
import { collect, resolveNamespace } from '../flags.js';
import { patchPodTemplates, selects } from './set-template.js';

export interface SetEnvOptions {
  namespace?: string;
  env?: string[];
  containers?: string;
  list?: boolean;
  overwrite?: boolean;
  from?: string;
  prefix?: string;
  keys?: string;
}

const ENV_ARG = /^(.+)=(.*)$/s;
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** Resources first, then environment changes (`KEY=VALUE`, `KEY-`), as kubectl splits them. */
function splitArgs(args: string[]): { resources: string[]; env: string[] } {
  const resources: string[] = [];
  const env: string[] = [];
  for (const a of args) {
    const isEnv = ENV_ARG.test(a) || a.endsWith('-');
    if (isEnv) env.push(a);
    else if (env.length > 0) throw new CliError(`error: all resources must be specified before environment changes: ${args.join(' ')}`);
    else resources.push(a);
  }
  return { resources, env };
}

/** Parses `KEY=VALUE` and `KEY-` into variables to set and names to remove. */
function parseEnv(specs: string[]): { set: EnvVar[]; remove: string[] } {
  const set: EnvVar[] = [];
  const remove: string[] = [];
  for (const spec of specs) {
    const m = ENV_ARG.exec(spec);
    if (m) {
      if (!ENV_NAME.test(m[1]))
        throw new CliError(`error: "${m[1]}" is not a valid key name: a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')`);
      set.push({ name: m[1], value: m[2] });
    } else if (spec.endsWith('-')) remove.push(spec.slice(0, -1));
    else throw new CliError(`error: unknown environment variable: ${spec}`);
  }
  if (remove.some((r) => set.some((s) => s.name === r))) throw new CliError('error: can not both modify and remove the same environment variable in the same command');
  return { set, remove };
}

/** kubectl's updateEnv: set variables replace those of the same name in place (or are appended); removed ones go. */
export function updateEnv(existing: EnvVar[], set: EnvVar[], remove: string[]): EnvVar[] {
  const covered = new Set(remove);
  const out: EnvVar[] = [];
  for (const e of existing) {
    if (covered.has(e.name)) continue;
    const newer = set.find((s) => s.name === e.name);
    if (newer) covered.add(e.name);
    out.push(newer ?? e);
  }
  for (const e of set) {
    if (covered.has(e.name)) continue;
    covered.add(e.name);
    out.push(e);
  }
  return out;
}


/** Where a variable comes from, as `set env --list` prints it. */
function refString(e: EnvVar): string {
  const f = e.valueFrom ?? {};
  if (f.configMapKeyRef) return `configmap ${f.configMapKeyRef.name}, key ${f.configMapKeyRef.key}`;
  if (f.secretKeyRef) return `secret ${f.secretKeyRef.name}, key ${f.secretKeyRef.key}`;
  if (f.fieldRef) return `field path ${f.fieldRef.fieldPath}`;
  if (f.resourceFieldRef) return `resource field ${f.resourceFieldRef.containerName ? `${f.resourceFieldRef.containerName}/` : ''}${f.resourceFieldRef.resource}`;
  return '';
}

/** The variables of every key of a ConfigMap or Secret (`--from`), keys made into variable names. */
async function fromSource(ctx: Context, ns: string, from: string, keys: string[], prefix: string): Promise<EnvVar[]> {
  const [type, name] = from.split('/');
  const kind = /^(cm|configmaps?)$/.test(type) ? 'configmap' : /^secrets?$/.test(type) ? 'secret' : undefined;
  if (!kind || !name) throw new CliError('error: unsupported resource specified in --from');
  const client = await ctx.client();
  const obj = (await client.get(`/api/v1/namespaces/${encodeURIComponent(ns)}/${kind}s/${encodeURIComponent(name)}`)).body as ConfigMap | Secret;
  const out: EnvVar[] = [];
  for (const key of Object.keys(obj.data ?? {}).sort()) {
    if (keys.length > 0 && !keys.includes(key)) continue;
    const envName = key.replace(/[^a-zA-Z0-9_]/g, '_').toUpperCase();
    if (envName !== key) ctx.warn(`key ${key} transferred to ${envName}`);
    const ref = { name, key };
    out.push({ name: prefix + envName, valueFrom: kind === 'configmap' ? { configMapKeyRef: ref } : { secretKeyRef: ref } });
  }
  return out;
}

/** Runs `set env`; returns the exit code. */
export async function runSetEnv(ctx: Context, args: string[], opts: SetEnvOptions): Promise<number> {
  const { resources, env: envArgs } = splitArgs(args);
  if (resources.length === 0) throw new CliError('error: one or more resources must be specified as <resource> <name> or <resource>/<name>');
  if (opts.keys && !opts.from) throw new CliError('error: when specifying --keys, a configmap or secret must be provided with --from');
  const { set, remove } = parseEnv([...(opts.env ?? []), ...envArgs]);
  const ns = await resolveNamespace(ctx, opts);
  const prefix = opts.prefix ?? '';
  if (opts.from) set.push(...(await fromSource(ctx, ns, opts.from, (opts.keys ?? '').split(',').filter(Boolean), prefix)));
  else if (prefix) for (const e of set) e.name = prefix + e.name;
  const selector = opts.containers ?? '*';
  if (set.length === 0 && remove.length === 0 && !opts.list) return 0;
  return patchPodTemplates(ctx, resources, { ...opts, verb: 'set env', operation: 'env updated', list: opts.list }, (obj, spec, name) => {
    const chosen = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].filter((c: Container) => selects(c.name, selector));
    if (chosen.length === 0) ctx.warn(`${obj.kind}/${name} does not have any containers matching "${selector}"`);
    for (const c of chosen) {
      if (opts.overwrite === false) {
        for (const e of set) {
          const current = (c.env ?? []).find((x) => x.name === e.name);
          if (current && current.value !== e.value) throw new CliError(`error: '${current.name}' already has a value (${current.value ?? ''}), and --overwrite is false`);
        }
      }
      const env = updateEnv(c.env ?? [], set, remove);
      if (env.length > 0) c.env = env;
      else delete c.env;
      if (opts.list) {
        ctx.out(`# ${obj.kind} ${name}, container ${c.name}\n`);
        for (const e of c.env ?? []) ctx.out(e.valueFrom ? `# ${e.name} from ${refString(e)}\n` : `${e.name}=${e.value ?? ''}\n`);
      }
    }
  });
}

/** Registers `set env` under `set`. */
export function registerSetEnv(set: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  set
    .command('env')
    .description('Update environment variables on a pod template')
    .argument('<args...>', 'TYPE/NAME KEY_1=VAL_1 ... KEY_N=VAL_N (KEY- removes KEY)')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('-e, --env <KEY=VALUE>', 'Specify a key-value pair for an environment variable to set into each container.', collect)
    .option('-c, --containers <names>', 'The names of containers in the selected pod templates to change - may use wildcards', '*')
    .option('--from <resource>', 'The name of a resource from which to inject environment variables')
    .option('--prefix <prefix>', 'Prefix to append to variable names')
    .option('--keys <keys>', 'Comma-separated list of keys to import from specified resource')
    .option('--list', 'If true, display the environment and any changes in the standard format.')
    .option('--overwrite [bool]', 'If true, allow environment to be overwritten, otherwise reject updates that overwrite existing environment.', (v: string) => v !== 'false', true)
    .action((args: string[], o: SetEnvOptions) => done(runSetEnv(ctx(), args, o)));
}
