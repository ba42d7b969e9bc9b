// The daemon's runtime config: what the operator who starts the daemon allows to run on this
// machine, never what a manifest asks for. A YAML file named by `minikctl daemon start
// --runtime-config FILE` (or MINIK_RUNTIME_CONFIG); without one nothing a pod asks for runs on
// the host. docs/runtime.md.
//
//   apiVersion: minik.dev/v1alpha1
//   kind: RuntimeConfig
//   processes:                       # pods whose image an entry matches run as real processes
//     user: {uid: 65534, gid: 65534} # optional: who they run as (a daemon running as root must say, or allowRoot)
//     allowRoot: false
//     images:
//     - image: busybox               # a glob over the image name (with `:tag`: over name and tag)
//       programs: [sh, cat, tar]     # what the image provides: names found on the host's PATH,
//                                    # or {name: /absolute/host/path}
//       entrypoint: [sh]             # optional: the image's ENTRYPOINT, when a pod has no command
//   exec:                            # kubectl exec into simulated pods (as kwok's Exec)
//   - namespace: default             # optional: pods of this namespace only
//     podSelector:                   # optional: pods with these labels only
//       matchLabels: {app: web}
//     workDir: /tmp/web              # optional: default a directory per pod under the state dir
//     env:                           # optional: added to the container's literal env values
//     - {name: GREETING, value: hi}
//   portForward:                     # where port-forward to a simulated pod goes (as kwok's PortForward)
//   - podSelector: {matchLabels: {app: db}}
//     address: 127.0.0.1             # the host that answers
//     ports: {5432: 15432}           # optional: pod port -> host port (default the same port)
import fs from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';

/** The PATH a process or an exec'd command gets (the one container images commonly set). */
export const EXEC_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Which pods a rule applies to. */
export interface PodMatch {
  namespace?: string;
  matchLabels?: Record<string, string>;
}

export interface ExecRule extends PodMatch {
  workDir?: string;
  env: { name: string; value: string }[];
}

export interface PortForwardRule extends PodMatch {
  address: string;
  ports: Record<number, number>;
}

/** An image the operator lets run as processes, and the host programs it stands for. */
export interface ImageEntry {
  /** The glob as written. */
  image: string;
  /** Program name (what a command's first word is, or ends with after its last `/`) -> absolute host path. */
  programs: Record<string, string>;
  /** The image's ENTRYPOINT: used when a container has no command. */
  entrypoint?: string[];
}

export interface ProcessSettings {
  images: ImageEntry[];
  user?: { uid: number; gid: number };
  allowRoot: boolean;
}

export interface RuntimeConfig {
  exec: ExecRule[];
  portForward: PortForwardRule[];
  /** Undefined: no pod runs as a process. */
  processes?: ProcessSettings;
}

export const EMPTY_RUNTIME_CONFIG: RuntimeConfig = { exec: [], portForward: [] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

type Fail = (path: string, why: string) => never;

function onlyKeys(o: Record<string, unknown>, at: string, keys: string[], fail: Fail): void {
  for (const key of Object.keys(o)) if (!keys.includes(key)) fail(at ? `${at}.${key}` : key, 'unknown field');
}

function list(v: unknown, at: string, fail: Fail): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) return fail(at, 'expected a list');
  return v;
}

function podMatch(r: Record<string, unknown>, at: string, fail: Fail): PodMatch {
  if (r.namespace !== undefined && typeof r.namespace !== 'string') fail(`${at}.namespace`, 'expected a string');
  let matchLabels: Record<string, string> | undefined;
  if (r.podSelector !== undefined) {
    if (!isObject(r.podSelector) || !isObject(r.podSelector.matchLabels ?? {})) fail(`${at}.podSelector`, 'expected {matchLabels: {...}}');
    matchLabels = (r.podSelector as { matchLabels?: Record<string, unknown> }).matchLabels as Record<string, string> | undefined;
    for (const [k, v] of Object.entries(matchLabels ?? {})) if (typeof v !== 'string') fail(`${at}.podSelector.matchLabels.${k}`, 'expected a string');
  }
  return { namespace: r.namespace as string | undefined, matchLabels };
}

/** Where a program name is on this machine's standard PATH, if anywhere. */
export function findOnPath(name: string): string | undefined {
  for (const dir of EXEC_PATH.split(':')) {
    const p = path.join(dir, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

const PROGRAM_NAME = /^[A-Za-z0-9._+-]+$/;

function imageEntry(e: unknown, at: string, fail: Fail): ImageEntry {
  if (!isObject(e)) return fail(at, 'expected a mapping');
  onlyKeys(e, at, ['image', 'programs', 'entrypoint'], fail);
  if (typeof e.image !== 'string' || !e.image) fail(`${at}.image`, 'expected an image name or glob (busybox, python:3*)');
  const programs: Record<string, string> = {};
  if (Array.isArray(e.programs)) {
    e.programs.forEach((name: unknown, i) => {
      if (typeof name !== 'string' || !PROGRAM_NAME.test(name)) fail(`${at}.programs[${i}]`, 'expected a program name (no path)');
      programs[name as string] = findOnPath(name as string) ?? fail(`${at}.programs[${i}]`, `"${name}" is not on this machine's PATH (${EXEC_PATH}); give {${name}: /absolute/path}`);
    });
  } else if (isObject(e.programs)) {
    for (const [name, p] of Object.entries(e.programs)) {
      if (!PROGRAM_NAME.test(name)) fail(`${at}.programs.${name}`, 'expected a program name (no path) as the key');
      if (typeof p !== 'string' || !p.startsWith('/')) fail(`${at}.programs.${name}`, 'expected an absolute path');
      programs[name] = p as string;
    }
  } else if (e.programs !== undefined) fail(`${at}.programs`, 'expected a list of program names or {name: /absolute/path}');
  let entrypoint: string[] | undefined;
  if (e.entrypoint !== undefined) {
    if (!Array.isArray(e.entrypoint) || e.entrypoint.length === 0 || !e.entrypoint.every((a) => typeof a === 'string')) fail(`${at}.entrypoint`, 'expected a non-empty list of strings');
    entrypoint = e.entrypoint as string[];
    const first = entrypoint[0];
    if (!first.startsWith('/') && !(first in programs)) fail(`${at}.entrypoint[0]`, `"${first}" is not one of this image's programs`);
  }
  if (Object.keys(programs).length === 0 && !entrypoint) fail(at, 'names no programs and no entrypoint: nothing could run');
  return { image: e.image as string, programs, entrypoint };
}

function processSettings(p: unknown, fail: Fail): ProcessSettings {
  if (!isObject(p)) return fail('processes', 'expected a mapping');
  onlyKeys(p, 'processes', ['images', 'user', 'allowRoot'], fail);
  let user: ProcessSettings['user'];
  if (p.user !== undefined) {
    const u = p.user;
    if (!isObject(u) || !Number.isInteger(u.uid) || !Number.isInteger(u.gid ?? u.uid) || (u.uid as number) < 0) fail('processes.user', 'expected {uid: number, gid: number}');
    user = { uid: (u as { uid: number }).uid, gid: ((u as { gid?: number }).gid ?? (u as { uid: number }).uid) };
  }
  if (p.allowRoot !== undefined && typeof p.allowRoot !== 'boolean') fail('processes.allowRoot', 'expected true or false');
  return { images: list(p.images, 'processes.images', fail).map((e, i) => imageEntry(e, `processes.images[${i}]`, fail)), user, allowRoot: p.allowRoot === true };
}

/** Parses a runtime config; throws with the file, the line and what is wrong. */
export function parseRuntimeConfig(text: string, file: string): RuntimeConfig {
  const doc = parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) throw new Error(`${file}:${doc.errors[0].linePos?.[0].line ?? 1}: ${doc.errors[0].message.split('\n')[0]}`);
  const root: unknown = doc.toJS();
  const fail: Fail = (path, why) => {
    throw new Error(`${file}: ${path}: ${why}`);
  };
  if (root === null || root === undefined) return EMPTY_RUNTIME_CONFIG;
  if (!isObject(root)) return fail('(root)', 'expected a mapping');
  if (root.kind !== undefined && root.kind !== 'RuntimeConfig') fail('kind', `expected RuntimeConfig, got ${JSON.stringify(root.kind)}`);
  if (root.apiVersion !== undefined && root.apiVersion !== 'minik.dev/v1alpha1') fail('apiVersion', `expected minik.dev/v1alpha1, got ${JSON.stringify(root.apiVersion)}`);
  onlyKeys(root, '', ['apiVersion', 'kind', 'exec', 'portForward', 'processes'], fail);
  const exec = list(root.exec, 'exec', fail).map((r, i): ExecRule => {
    const at = `exec[${i}]`;
    if (!isObject(r)) return fail(at, 'expected a mapping');
    onlyKeys(r, at, ['namespace', 'podSelector', 'workDir', 'env'], fail);
    if (r.workDir !== undefined && (typeof r.workDir !== 'string' || !r.workDir.startsWith('/'))) fail(`${at}.workDir`, 'expected an absolute path');
    const env = r.env ?? [];
    if (!Array.isArray(env)) return fail(`${at}.env`, 'expected a list of {name, value}');
    return {
      ...podMatch(r, at, fail),
      workDir: r.workDir as string | undefined,
      env: env.map((e: unknown, j) => {
        if (!isObject(e) || typeof e.name !== 'string' || !e.name || typeof (e.value ?? '') !== 'string') return fail(`${at}.env[${j}]`, 'expected {name: string, value: string}');
        return { name: e.name, value: (e.value as string | undefined) ?? '' };
      }),
    };
  });
  const portForward = list(root.portForward, 'portForward', fail).map((r, i): PortForwardRule => {
    const at = `portForward[${i}]`;
    if (!isObject(r)) return fail(at, 'expected a mapping');
    onlyKeys(r, at, ['namespace', 'podSelector', 'address', 'ports'], fail);
    if (typeof r.address !== 'string' || !r.address) fail(`${at}.address`, 'expected a host name or address');
    const ports: Record<number, number> = {};
    if (r.ports !== undefined) {
      if (!isObject(r.ports)) fail(`${at}.ports`, 'expected {podPort: hostPort}');
      for (const [k, v] of Object.entries(r.ports as Record<string, unknown>)) {
        const from = Number(k);
        if (!Number.isInteger(from) || from < 1 || from > 65535 || !Number.isInteger(v) || (v as number) < 1 || (v as number) > 65535) fail(`${at}.ports.${k}`, 'expected a port number (1-65535) for a port number');
        ports[from] = v as number;
      }
    }
    return { ...podMatch(r, at, fail), address: r.address as string, ports };
  });
  return { exec, portForward, ...(root.processes !== undefined ? { processes: processSettings(root.processes, fail) } : {}) };
}

/** Reads the runtime config file (none: nothing runs on the host). */
export function loadRuntimeConfig(file: string | undefined): RuntimeConfig {
  if (!file) return EMPTY_RUNTIME_CONFIG;
  return parseRuntimeConfig(fs.readFileSync(file, 'utf8'), file);
}

/** Whether a pod is one a rule selects (namespace and labels). */
export function podMatches(rule: PodMatch, pod: { metadata: { namespace?: string; labels?: Record<string, string> } }): boolean {
  const labels = pod.metadata.labels ?? {};
  return (rule.namespace === undefined || rule.namespace === pod.metadata.namespace) && Object.entries(rule.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}
