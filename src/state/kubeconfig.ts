// Kubeconfig files: read, changed and written as kubectl writes them (keys sorted, lists flush
// with their key). The daemon keeps its own entries (cluster, user and context `minik`) up to date
// in its state dir's kubeconfig and leaves everything else there as the user left it (other
// contexts, the current context, a context's namespace); `minikctl config` edits it.
import fs from 'node:fs';
import { parse, stringify } from 'yaml';
import { writePrivateFile } from './state.js';

export interface KubeContext {
  cluster?: string;
  user?: string;
  namespace?: string;
  [key: string]: unknown;
}

export interface KubeConfig {
  apiVersion?: string;
  kind?: string;
  clusters?: { name: string; cluster: Record<string, unknown> }[];
  contexts?: { name: string; context: KubeContext }[];
  users?: { name: string; user: Record<string, unknown> }[];
  'current-context'?: string;
  preferences?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The name of minik's cluster, user and context. */
export const MINIK = 'minik';

/** A kubeconfig file; undefined when it is missing. Throws when it is not a kubeconfig. */
export function readKubeconfig(file: string): KubeConfig | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const cfg = (parse(text) ?? {}) as KubeConfig;
  if (typeof cfg !== 'object' || Array.isArray(cfg)) throw new Error(`error loading config file "${file}": not a kubeconfig`);
  for (const k of ['clusters', 'contexts', 'users'] as const) {
    if (cfg[k] !== undefined && cfg[k] !== null && !Array.isArray(cfg[k])) throw new Error(`error loading config file "${file}": ${k} is not a list`);
  }
  return cfg;
}

const byName = <T extends { name: string }>(list: T[] | undefined) => (list ? [...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) : list);

/** kubectl's layout: keys sorted, clusters, contexts and users by name, `- ` items flush with their key. */
export function kubeconfigText(cfg: KubeConfig): string {
  const sorted = { ...cfg, clusters: byName(cfg.clusters), contexts: byName(cfg.contexts), users: byName(cfg.users) };
  for (const k of ['clusters', 'contexts', 'users'] as const) if (sorted[k] === undefined) delete sorted[k];
  return stringify(sorted, { sortMapEntries: true, indentSeq: false, lineWidth: 0 });
}

/** Writes a kubeconfig (mode 0600: it holds credentials). */
export function writeKubeconfig(file: string, cfg: KubeConfig): void {
  writePrivateFile(file, kubeconfigText(cfg));
}

function upsert<T extends { name: string }>(list: T[] | undefined, item: T): T[] {
  const out = (list ?? []).filter((x) => x?.name !== item.name);
  const at = (list ?? []).findIndex((x) => x?.name === item.name);
  out.splice(at < 0 ? out.length : at, 0, item);
  return out;
}

/**
 * minik's entries in a kubeconfig, made or brought up to date: the cluster's address (HTTPS; the
 * port changes with every start) and CA, and the user's token. The `minik` context keeps its
 * namespace; a file without a usable current context gets `minik`.
 */
export function withMinikEntries(cfg: KubeConfig | undefined, port: number, token: string, caPem: string): KubeConfig {
  const base: KubeConfig = { apiVersion: 'v1', kind: 'Config', preferences: {}, ...cfg };
  const context = base.contexts?.find((c) => c?.name === MINIK)?.context;
  const out: KubeConfig = {
    ...base,
    clusters: upsert(base.clusters, {
      name: MINIK,
      cluster: {
        // The daemon's port speaks TLS with a certificate its CA signs (and plain HTTP for
        // minikctl); the token travels in the Authorization header, never in a URL.
        'certificate-authority-data': Buffer.from(caPem).toString('base64'),
        server: `https://127.0.0.1:${port}`,
      },
    }),
    users: upsert(base.users, { name: MINIK, user: { token } }),
    contexts: upsert(base.contexts, { name: MINIK, context: { cluster: MINIK, user: MINIK, namespace: 'default', ...context } }),
  };
  const current = out['current-context'];
  if (!current || !out.contexts!.some((c) => c.name === current)) out['current-context'] = MINIK;
  return out;
}

/** The prefix of the entries for the other API servers of a cluster on a shared etcd (`minik-<port>`). */
const PEER_PREFIX = `${MINIK}-`;

/**
 * The kubeconfig with one cluster and context per other API server of the cluster (daemons on
 * the same etcd: same CA, same token, so the `minik` user works for all), named `minik-<port>`;
 * entries for servers no longer listed are removed. Everything else is kept.
 */
export function withPeerEntries(cfg: KubeConfig, peers: string[], caPem: string): KubeConfig {
  const isPeer = (name: string | undefined) => !!name && name.startsWith(PEER_PREFIX) && /^\d+$/.test(name.slice(PEER_PREFIX.length));
  let clusters = (cfg.clusters ?? []).filter((c) => !isPeer(c?.name));
  let contexts = (cfg.contexts ?? []).filter((c) => !isPeer(c?.name));
  for (const server of peers) {
    const name = `${PEER_PREFIX}${new URL(server).port}`;
    clusters = upsert(clusters, { name, cluster: { 'certificate-authority-data': Buffer.from(caPem).toString('base64'), server } });
    contexts = upsert(contexts, { name, context: { cluster: name, user: MINIK, namespace: 'default' } });
  }
  const out = { ...cfg, clusters, contexts };
  if (out['current-context'] && !contexts.some((c) => c.name === out['current-context'])) out['current-context'] = MINIK;
  return out;
}

/** The namespace of the current context ('default' when it names none, or there is no file). */
export function currentNamespace(file: string): string {
  try {
    const cfg = readKubeconfig(file);
    const current = cfg?.['current-context'];
    return cfg?.contexts?.find((c) => c?.name === current)?.context?.namespace || 'default';
  } catch {
    return 'default';
  }
}
