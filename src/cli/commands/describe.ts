// `minikctl describe`: an object's details, related objects and its events, as kubectl shows them.
import type { Command } from 'commander';
import { resourceNamed } from '../../api/resources.js';
import { selectorString } from '../../api/labels.js';
import type { DaemonSet, Deployment, Event, Job, KubeList, KubeObject, Lease, Pod, ReplicaSet, ReplicationController, StatefulSet } from '../../api/types.js';
import { ApiError, type Client, resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { formatError } from '../errors.js';
import { parseResourceArgs } from '../resource-args.js';
import { resolveNamespace } from '../flags.js';

interface DescribeOptions {
  namespace?: string;
  allNamespaces?: boolean;
  selector?: string;
  showEvents?: boolean;
}

const eventsR = resourceNamed('events'), rsR = resourceNamed('replicasets'), podsR = resourceNamed('pods'), epR = resourceNamed('endpoints'), leaseR = resourceNamed('leases');

async function related(client: Client, o: KubeObject): Promise<KubeObject[] | undefined> {
  const ns = o.metadata.namespace;
  const owned = (pods: Pod[]) => pods.filter((p) => (p.metadata.ownerReferences ?? []).some((r) => r.uid === o.metadata.uid));
  // Each case reads the fields of the kind the object says it is.
  switch (o.kind) {
    case 'Deployment':
      return (await client.get<KubeList<ReplicaSet>>(resourcePath(rsR, ns), { labelSelector: selectorString((o as Deployment).spec?.selector) })).body.items;
    case 'ReplicaSet':
    case 'ReplicationController': {
      const sel = o.kind === 'ReplicaSet' ? selectorString((o as ReplicaSet).spec?.selector) : Object.entries((o as ReplicationController).spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
      return owned((await client.get<KubeList<Pod>>(resourcePath(podsR, ns), { labelSelector: sel })).body.items);
    }
    case 'Job':
    case 'DaemonSet':
    case 'StatefulSet': {
      const sel = selectorString((o as Job | DaemonSet | StatefulSet).spec?.selector);
      return owned((await client.get<KubeList<Pod>>(resourcePath(podsR, ns), { labelSelector: sel })).body.items);
    }
    case 'PersistentVolumeClaim': {
      const pods = (await client.get<KubeList<Pod>>(resourcePath(podsR, ns))).body.items;
      return pods.filter((p) => (p.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === o.metadata.name));
    }
    case 'Ingress':
      return (await client.get<KubeList>(resourcePath(epR, ns))).body.items;
    case 'Node':
      return (await client.get<KubeList>(resourcePath(podsR, undefined), { fieldSelector: `spec.nodeName=${o.metadata.name},status.phase!=Succeeded,status.phase!=Failed` })).body.items;
    case 'Service':
      try {
        return [(await client.get(resourcePath(epR, ns, o.metadata.name))).body];
      } catch (e) {
        if (e instanceof ApiError && e.httpStatus === 404) return [];
        throw e;
      }
  }
  return undefined;
}

async function eventsFor(client: Client, o: KubeObject): Promise<Event[]> {
  const fs = [`involvedObject.name=${o.metadata.name}`, `involvedObject.namespace=${o.metadata.namespace ?? ''}`];
  if (o.metadata.uid) fs.push(`involvedObject.uid=${o.metadata.uid}`);
  const ns = o.metadata.namespace || 'default';
  return (await client.get<KubeList<Event>>(resourcePath(eventsR, ns), { fieldSelector: fs.join(',') })).body.items;
}

/** Runs `describe`; returns the exit code. */
export async function runDescribe(ctx: Context, args: string[], opts: DescribeOptions): Promise<number> {
  const requests = await parseResourceArgs(ctx, args, 'describe');
  const ns = await resolveNamespace(ctx, opts);
  const client = await ctx.client();
  const objects: KubeObject[] = [];
  let exit = 0;
  let now = Date.now();
  for (const q of requests) {
    if (q.names.length === 0) {
      const res = await client.get<KubeList>(resourcePath(q.r, q.r.namespaced && !opts.allNamespaces ? ns : undefined), { labelSelector: opts.selector });
      now = res.serverNow;
      objects.push(...res.body.items.map((o) => ({ ...o, kind: q.r.kind, apiVersion: res.body.apiVersion })));
      continue;
    }
    for (const name of q.names) {
      try {
        const res = await client.get(resourcePath(q.r, ns, name));
        now = res.serverNow;
        objects.push(res.body);
      } catch (e) {
        // kubectl falls back to objects whose names start with the given one.
        if (e instanceof ApiError && e.httpStatus === 404) {
          const list = await client.get<KubeList>(resourcePath(q.r, q.r.namespaced ? ns : undefined));
          const prefixed = list.body.items.filter((o) => o.metadata.name?.startsWith(name));
          if (prefixed.length > 0) {
            objects.push(...prefixed.map((o) => ({ ...o, kind: q.r.kind, apiVersion: list.body.apiVersion })));
            continue;
          }
        }
        ctx.err(formatError(e));
        exit = 1;
      }
    }
  }
  if (objects.length === 0 && exit === 0) {
    ctx.err(opts.allNamespaces ? 'No resources found' : `No resources found in ${ns} namespace.`);
    return 0;
  }
  const { describeObject } = await import('../../printers/describe/kinds.js');
  const texts: string[] = [];
  for (const o of objects) {
    const events = opts.showEvents === false ? undefined : await eventsFor(client, o);
    const lease = o.kind === 'Node' ? await client.get<Lease>(resourcePath(leaseR, 'kube-node-lease', o.metadata.name)).then((r) => r.body, () => undefined) : undefined;
    texts.push(describeObject(o, { events, now, related: await related(client, o), lease }));
  }
  ctx.out(texts.join('\n\n'));
  return exit;
}

/** Registers `describe`. */
export function registerDescribe(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('describe')
    .description('Show details of a specific resource or group of resources')
    .argument('<args...>', 'TYPE [NAME_PREFIX] or TYPE/NAME')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('-A, --all-namespaces', 'If present, describe across all namespaces')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--show-events [bool]', 'If true, display events related to the described object (default true)', (v: string) => v !== 'false')
    .action((args: string[], o: DescribeOptions) => done(runDescribe(ctx(), args, o)));
}
