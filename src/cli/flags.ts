// Flags and helpers several commands share (-n/-A, the namespace in effect, repeatable flags, --as impersonation).
import type { Command } from 'commander';
import type { Context } from './context.js';
import { CliError } from './errors.js';

/** Adds -n/--namespace and -A/--all-namespaces. */
export function namespaceOptions(cmd: Command, allNamespaces = true): Command {
  cmd.option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request');
  if (allNamespaces) cmd.option('-A, --all-namespaces', 'If present, list the requested object(s) across all namespaces');
  return cmd;
}

/** The namespace a command works in: -n, else the current kubeconfig context's, else `default`. */
export async function resolveNamespace(ctx: Context, opts: { namespace?: string }): Promise<string> {
  return opts.namespace || (await ctx.defaultNamespace());
}

/** Collects repeated -f values. */
export function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

/** The impersonation headers of --as / --as-group (kubectl's). */
export function impersonationHeaders(opts: { as?: string; asGroup?: string[] }): Record<string, string | string[]> {
  // kubectl names the kubeconfig's user, minik's.
  if (!opts.as && opts.asGroup?.length) throw new CliError('error: requesting uid, groups or user-extra for minik without impersonating a user');
  return { ...(opts.as ? { 'Impersonate-User': opts.as } : {}), ...(opts.asGroup?.length ? { 'Impersonate-Group': opts.asGroup } : {}) };
}
