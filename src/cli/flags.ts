// Flags and helpers several commands share (-n/-A, the namespace in effect, repeatable flags).
import type { Command } from 'commander';

/** Adds -n/--namespace and -A/--all-namespaces. */
export function namespaceOptions(cmd: Command, allNamespaces = true): Command {
  cmd.option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request');
  if (allNamespaces) cmd.option('-A, --all-namespaces', 'If present, list the requested object(s) across all namespaces');
  return cmd;
}

/** The namespace a command works in: -n, else `default`. */
export function resolveNamespace(opts: { namespace?: string }): string {
  return opts.namespace || 'default';
}

/** Collects repeated -f values. */
export function collect(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}
