// Which containers run as processes, and what runs: the operator's image allowlist (the runtime
// config's `processes.images`) maps an image to the host programs it stands for. A manifest picks
// an entry by its image and a program by name (`sh`, `/bin/sh`: the name after the last `/`),
// never a host path. Pure.
import type { Container } from '../../api/types.js';
import type { ImageEntry, ProcessSettings } from '../../state/runtime-config.js';

/** An image reference without the default registry and with its tag (`latest` when none). */
export function normalizeImage(image: string): { name: string; tag: string } {
  let ref = image.replace(/^docker\.io\/(library\/)?/, '');
  let digest = '';
  const at = ref.indexOf('@');
  if (at >= 0) {
    digest = ref.slice(at + 1);
    ref = ref.slice(0, at);
  }
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return { name: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { name: ref, tag: digest || 'latest' };
}

const globRegExp = (glob: string) => new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

/** Whether an entry's glob names the image: without `:` over the name (any tag), with `:` over name:tag. */
export function imageMatches(glob: string, image: string): boolean {
  const want = normalizeImage(glob.includes(':') ? glob : `${glob}:*`);
  const have = normalizeImage(image);
  return globRegExp(want.name).test(have.name) && globRegExp(want.tag).test(have.tag);
}

/** The first allowlist entry for a container's image, if the runtime runs processes at all. */
export function imageEntryFor(settings: ProcessSettings | undefined, image: string | undefined): ImageEntry | undefined {
  if (!settings || !image) return undefined;
  return settings.images.find((e) => imageMatches(e.image, image));
}

/**
 * Kubernetes' `$(VAR)` references in a command, args or env value: replaced by the variable's
 * value when it is defined, kept as written when not; `$$` is a literal `$`.
 */
export function expandRefs(text: string, env: Record<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => (m === '$$' ? '$' : name !== undefined && name in env ? env[name] : m));
}

/** containerd's words when a container's program cannot be started (the kubelet shows them as StartError). */
export const startFailure = (why: string) => `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: ${why}: unknown`;

/** What a name in a command stands for in an image: its host program, if the entry provides it. */
export function programPath(entry: ImageEntry, name: string): string | undefined {
  const base = name.slice(name.lastIndexOf('/') + 1);
  if (Object.hasOwn(entry.programs, base)) return entry.programs[base];
  // The operator's own entrypoint may name a host path directly.
  if (name.startsWith('/') && entry.entrypoint?.[0] === name) return name;
  return undefined;
}

/**
 * The argv a container runs, as the runtime builds it: `command` replaces the image's ENTRYPOINT
 * (then `args` alone follow it), `$(VAR)` references expanded; the first word mapped to its host
 * program. An error (containerd's words) when there is nothing to run or the image has no such program.
 */
export function containerArgv(entry: ImageEntry, c: Pick<Container, 'command' | 'args'>, env: Record<string, string>): { argv: string[] } | { error: string } {
  const words = c.command?.length ? [...c.command, ...(c.args ?? [])] : [...(entry.entrypoint ?? []), ...(c.args ?? [])];
  if (words.length === 0) return { error: startFailure('exec: no command specified') };
  const argv = words.map((w) => expandRefs(w, env));
  const program = programPath(entry, argv[0]);
  if (!program) return { error: startFailure(`exec: "${argv[0]}": executable file not found in $PATH`) };
  return { argv: [program, ...argv.slice(1)] };
}
