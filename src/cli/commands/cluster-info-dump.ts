// `cluster-info dump`: what kubectl's dumps for debugging a cluster: the nodes, then per namespace
// (kube-system and the current one, those of --namespaces, or all with -A) its events,
// replication controllers, services, daemon sets, deployments, replica sets and pods as lists,
// and every container's log between START/END lines. To stdout, or to files under
// --output-directory (`nodes.json`, `<namespace>/pods.json`, `<namespace>/<pod>/logs.txt`).
import fs from 'node:fs';
import path from 'node:path';
import { resolveResource, resourceNamed } from '../../api/resources.js';
import type { KubeList, KubeObject, Pod } from '../../api/types.js';
import { ApiError, type Client, resourcePath } from '../../client/client.js';
import { toJson } from '../../printers/json.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';
import { resolveNamespace } from '../flags.js';

export interface DumpOptions {
  namespace?: string;
  namespaces?: string;
  allNamespaces?: boolean;
  outputDirectory?: string;
  output?: string;
}

/** The lists of each namespace, in kubectl's order, with the file each goes to. */
const PER_NAMESPACE: [string, string][] = [
  ['events', 'events'],
  ['replicationcontrollers', 'replication-controllers'],
  ['services', 'services'],
  ['daemonsets', 'daemonsets'],
  ['deployments', 'deployments'],
  ['replicasets', 'replicasets'],
  ['pods', 'pods'],
];

export async function runClusterInfoDump(ctx: Context, opts: DumpOptions): Promise<number> {
  const format = opts.output ?? 'json';
  if (format !== 'json' && format !== 'yaml') throw new CliError(`error: unable to match a printer suitable for the output format "${format}", allowed formats are: json,yaml`);
  // kubectl prints typed lists here (struct order: kind, apiVersion, metadata, items), not maps.
  const toYaml = format === 'yaml' ? (await import('../../printers/yaml.js')).toYaml : undefined;
  const print = (list: KubeList) => (toYaml ? toYaml(list) : toJson(typedOrder(list), { sorted: false }));
  const ext = `.${format}`;
  const dir = opts.outputDirectory;
  // Stdout, or a file under the output directory: replaced by its first write of this run (as
  // kubectl creates it), appended to by the next (a pod's containers share its logs file).
  const started = new Set<string>();
  const write = (name: string, suffix: string, text: string) => {
    if (!dir) return ctx.out(text);
    const file = path.join(dir, name + suffix);
    if (started.has(file)) return fs.appendFileSync(file, text);
    started.add(file);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };
  const client = await ctx.client();
  const list = async (plural: string, ns?: string) => (await client.get<KubeList>(resourcePath(resolveResource(plural)[0], ns))).body;

  write('nodes', ext, print(await list('nodes')));
  let namespaces: string[];
  if (opts.allNamespaces) namespaces = (await list('namespaces')).items.map((n) => n.metadata.name!);
  else if (opts.namespaces) namespaces = opts.namespaces.split(',').filter(Boolean);
  else namespaces = ['kube-system', await resolveNamespace(ctx, opts)];
  for (const ns of namespaces) {
    let pods: Pod[] = [];
    for (const [plural, file] of PER_NAMESPACE) {
      const items = await list(plural, ns);
      if (plural === 'pods') pods = items.items as Pod[];
      write(path.join(ns, file), ext, print(items));
    }
    for (const pod of pods) {
      const logs = path.join(ns, pod.metadata.name!, 'logs');
      for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) write(logs, '.txt', await containerLog(client, pod, c.name));
    }
  }
  if (dir) ctx.out(`Cluster info dumped to ${dir}\n`);
  return 0;
}

/** A list and its items with Go's struct order up front (kind, apiVersion, metadata), the rest as served. */
function typedOrder(list: KubeList): unknown {
  const front = (o: KubeObject): Record<string, unknown> => Object.assign({ kind: undefined, apiVersion: undefined, metadata: undefined }, o);
  return { kind: list.kind, apiVersion: list.apiVersion, metadata: list.metadata, items: list.items.map(front) };
}

/** One container's log between kubectl's START and END lines (or why it could not be read). */
async function containerLog(client: Client, pod: KubeObject, container: string): Promise<string> {
  const who = `container ${container} of pod ${pod.metadata.namespace}/${pod.metadata.name}`;
  let body: string;
  try {
    body = await client.text(resourcePath(resourceNamed('pods'), pod.metadata.namespace, pod.metadata.name, 'log'), { container });
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
    body = `Request log error: ${e.message}\n`;
  }
  return `==== START logs for ${who} ====\n${body}==== END logs for ${who} ====\n`;
}
