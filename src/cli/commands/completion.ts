// `minikctl completion bash|zsh|fish`: a script for the shell that asks `minikctl __complete
// WORDS...` for the candidates of the last word (as kubectl's cobra completion asks `kubectl
// __complete`): commands and subcommands, flags, resource types, and the names of live objects
// (of the type typed, `TYPE/NAME` too, nodes, pods for logs, namespaces after -n). Live names come
// only from a daemon that is already running: completing never starts one.
import type { Command, Option } from 'commander';
import { BUILTIN, type ResourceInfo } from '../../api/resources.js';
import type { KubeList } from '../../api/types.js';
import { resourcePath } from '../../client/client.js';
import { connectRunning } from '../../client/connect.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';

/** Commands whose first argument is a resource type (then names of that type). */
const TYPED = new Set(['get', 'describe', 'delete', 'edit', 'label', 'annotate', 'scale', 'patch', 'wait', 'explain', 'rollout status', 'rollout history', 'rollout undo', 'rollout restart', 'rollout pause', 'rollout resume', 'set env', 'set image', 'set resources', 'set serviceaccount', 'autoscale', 'expose']);
/** Commands whose arguments are objects of one kind. */
const NAMED: Record<string, string> = { logs: 'pods', 'top pod': 'pods', 'top node': 'nodes', cordon: 'nodes', uncordon: 'nodes', drain: 'nodes', 'taint nodes': 'nodes' };

const SCRIPTS: Record<string, string> = {
  bash: `# minikctl completion for bash: source <(minikctl completion bash)
_minikctl() {
  local IFS=$'\\n'
  COMPREPLY=( $(minikctl __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) )
}
complete -o default -F _minikctl minikctl
`,
  zsh: `#compdef minikctl
# minikctl completion for zsh: source <(minikctl completion zsh)
_minikctl() {
  local -a candidates
  candidates=("\${(@f)$(minikctl __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -- \${candidates}
}
compdef _minikctl minikctl
`,
  fish: `# minikctl completion for fish: minikctl completion fish | source
function __minikctl_complete
    set -l words (commandline -opc)
    minikctl __complete $words[2..-1] (commandline -ct) 2>/dev/null
end
complete -c minikctl -f -a '(__minikctl_complete)'
`,
};

function runCompletion(ctx: Context, shell: string | undefined): number {
  if (!shell) throw new CliError('error: Shell not specified.');
  const script = SCRIPTS[shell];
  if (!script) throw new CliError(`error: Unsupported shell type "${shell}".`);
  ctx.out(script);
  return 0;
}

const visible = (c: Command) => !(c as unknown as { _hidden?: boolean })._hidden && c.name() !== 'help';

/** The names of live objects of a resource in a namespace, from a running daemon only. */
async function liveNames(ctx: Context, r: ResourceInfo, namespace: string): Promise<string[]> {
  const client = await connectRunning(ctx.home);
  if (!client) return [];
  try {
    const list = (await client.get<KubeList>(resourcePath(r, r.namespaced ? namespace : undefined))).body.items;
    return list.map((o) => o.metadata.name!).sort();
  } finally {
    client.close();
  }
}

/** Resource type names to offer: plurals, and short names. */
function typeNames(): string[] {
  const out = new Set<string>();
  for (const r of BUILTIN.all) {
    if (r.readOnly || r.createOnly) continue;
    out.add(r.plural);
    for (const s of r.shortNames) out.add(s);
  }
  return [...out].sort();
}

/** The candidates for the last of `words` (what the shell has typed after `minikctl`). */
export async function candidates(ctx: Context, program: Command, words: string[]): Promise<string[]> {
  const current = words.at(-1) ?? '';
  const before = words.slice(0, -1);
  // Walk the commands typed so far; the rest are arguments and flags.
  let cmd = program;
  const path: string[] = [];
  const args: string[] = [];
  let namespace: string | undefined;
  for (let i = 0; i < before.length; i++) {
    const w = before[i];
    if (w === '-n' || w === '--namespace') {
      namespace = before[++i];
      continue;
    }
    if (w.startsWith('--namespace=')) {
      namespace = w.slice('--namespace='.length);
      continue;
    }
    if (w.startsWith('-')) continue;
    const sub = args.length === 0 ? cmd.commands.find((c) => c.name() === w || c.aliases().includes(w)) : undefined;
    if (sub) {
      cmd = sub;
      path.push(sub.name());
    } else args.push(w);
  }
  const prefix = (list: string[]) => list.filter((c) => c.startsWith(current));
  const previous = before.at(-1);
  if (previous === '-n' || previous === '--namespace') return prefix(await liveNames(ctx, BUILTIN.resolve('namespaces')[0], ''));
  if (current.startsWith('-')) {
    const flags = (cmd.options as readonly Option[]).flatMap((o) => [o.long, o.short]).filter((f): f is string => !!f);
    return prefix(flags.sort());
  }
  const subs = cmd.commands.filter(visible).map((c) => c.name());
  if (subs.length && args.length === 0) return prefix(subs.sort());
  const key = path.join(' ');
  const ns = namespace ?? (await ctx.defaultNamespace());
  if (NAMED[key]) return prefix(await liveNames(ctx, BUILTIN.resolve(NAMED[key])[0], ns));
  if (!TYPED.has(key)) return [];
  // TYPE/NAME: names of that type, with the type.
  const slash = current.indexOf('/');
  if (slash > 0) {
    const [r] = BUILTIN.resolve(current.slice(0, slash));
    if (!r) return [];
    return prefix((await liveNames(ctx, r, ns)).map((n) => `${current.slice(0, slash)}/${n}`));
  }
  if (args.length === 0) return prefix(typeNames());
  const [r] = key === 'explain' ? [] : BUILTIN.resolve(args[0].split(',')[0]);
  return r && !args[0].includes('/') ? prefix(await liveNames(ctx, r, ns)) : [];
}

/** Registers `completion` (main.ts answers `__complete` itself: its words are not options to parse). */
export function registerCompletion(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('completion')
    .description('Output shell completion code for the specified shell (bash, zsh or fish)')
    .argument('[shell]', 'bash, zsh or fish')
    .addHelpText(
      'after',
      `
Examples:
  # Complete minikctl in the current bash session
  source <(minikctl completion bash)

  # For every new bash session
  echo 'source <(minikctl completion bash)' >> ~/.bashrc

  # zsh and fish
  source <(minikctl completion zsh)
  minikctl completion fish | source
`,
    )
    .action((shell: string | undefined) => done(Promise.resolve(runCompletion(ctx(), shell))));
}

/** `minikctl __complete WORDS...`: prints the candidates, one per line. */
export async function runComplete(ctx: Context, program: Command, words: string[]): Promise<number> {
  for (const line of await candidates(ctx, program, words.length ? words : [''])) ctx.out(`${line}\n`);
  return 0;
}
