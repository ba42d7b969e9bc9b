// The daemon's runtime config: what the operator who starts the daemon allows to run on this
// machine, never what a manifest asks for. A YAML file named by `minikctl daemon start
// --runtime-config FILE` (or MINIK_RUNTIME_CONFIG); without one nothing a pod asks for runs on
// the host. Today it holds exec rules (as kwok's Exec resources): `kubectl exec` into a matching
// simulated pod runs the command on this machine, in the rule's working directory. docs/runtime.md.
//
//   apiVersion: minik.dev/v1alpha1
//   kind: RuntimeConfig
//   exec:
//   - namespace: default             # optional: pods of this namespace only
//     podSelector:                   # optional: pods with these labels only
//       matchLabels: {app: web}
//     workDir: /tmp/web              # optional: default a directory per pod under the state dir
//     env:                           # optional: added to the container's literal env values
//     - {name: GREETING, value: hi}
import fs from 'node:fs';
import { parseDocument } from 'yaml';

export interface ExecRule {
  namespace?: string;
  matchLabels?: Record<string, string>;
  workDir?: string;
  env: { name: string; value: string }[];
}

export interface RuntimeConfig {
  exec: ExecRule[];
}

export const EMPTY_RUNTIME_CONFIG: RuntimeConfig = { exec: [] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses a runtime config; throws with the file, the line and what is wrong. */
export function parseRuntimeConfig(text: string, file: string): RuntimeConfig {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) throw new Error(`${file}:${doc.errors[0].linePos?.[0].line ?? 1}: ${doc.errors[0].message.split('\n')[0]}`);
  const root: unknown = doc.toJS();
  const fail = (path: string, why: string): never => {
    throw new Error(`${file}: ${path}: ${why}`);
  };
  if (root === null || root === undefined) return EMPTY_RUNTIME_CONFIG;
  if (!isObject(root)) return fail('(root)', 'expected a mapping');
  if (root.kind !== undefined && root.kind !== 'RuntimeConfig') fail('kind', `expected RuntimeConfig, got ${JSON.stringify(root.kind)}`);
  if (root.apiVersion !== undefined && root.apiVersion !== 'minik.dev/v1alpha1') fail('apiVersion', `expected minik.dev/v1alpha1, got ${JSON.stringify(root.apiVersion)}`);
  for (const key of Object.keys(root)) if (!['apiVersion', 'kind', 'exec'].includes(key)) fail(key, 'unknown field');
  const rules = root.exec ?? [];
  if (!Array.isArray(rules)) return fail('exec', 'expected a list');
  return {
    exec: rules.map((r: unknown, i): ExecRule => {
      const at = `exec[${i}]`;
      if (!isObject(r)) return fail(at, 'expected a mapping');
      for (const key of Object.keys(r)) if (!['namespace', 'podSelector', 'workDir', 'env'].includes(key)) fail(`${at}.${key}`, 'unknown field');
      if (r.namespace !== undefined && typeof r.namespace !== 'string') fail(`${at}.namespace`, 'expected a string');
      if (r.workDir !== undefined && (typeof r.workDir !== 'string' || !r.workDir.startsWith('/'))) fail(`${at}.workDir`, 'expected an absolute path');
      let matchLabels: Record<string, string> | undefined;
      if (r.podSelector !== undefined) {
        if (!isObject(r.podSelector) || !isObject(r.podSelector.matchLabels ?? {})) fail(`${at}.podSelector`, 'expected {matchLabels: {...}}');
        matchLabels = (r.podSelector as { matchLabels?: Record<string, unknown> }).matchLabels as Record<string, string> | undefined;
        for (const [k, v] of Object.entries(matchLabels ?? {})) if (typeof v !== 'string') fail(`${at}.podSelector.matchLabels.${k}`, 'expected a string');
      }
      const env = r.env ?? [];
      if (!Array.isArray(env)) return fail(`${at}.env`, 'expected a list of {name, value}');
      return {
        namespace: r.namespace as string | undefined,
        matchLabels,
        workDir: r.workDir as string | undefined,
        env: env.map((e: unknown, j) => {
          if (!isObject(e) || typeof e.name !== 'string' || !e.name || typeof (e.value ?? '') !== 'string') return fail(`${at}.env[${j}]`, 'expected {name: string, value: string}');
          return { name: e.name, value: (e.value as string | undefined) ?? '' };
        }),
      };
    }),
  };
}

/** Reads the runtime config file (none: nothing runs on the host). */
export function loadRuntimeConfig(file: string | undefined): RuntimeConfig {
  if (!file) return EMPTY_RUNTIME_CONFIG;
  return parseRuntimeConfig(fs.readFileSync(file, 'utf8'), file);
}
