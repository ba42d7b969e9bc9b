// `minikctl expose TYPE NAME`: a Service in front of a pod, Service, ReplicationController,
// Deployment or ReplicaSet, as kubectl's expose builds it: the object's labels, its pods' selector,
// and its ports (from --port, or the pod template's container ports).
import type { Command } from 'commander';
import type { KubeObject, LabelSelector, ReplicationController, Service } from '../../api/types.js';
import { podSpecOf } from '../../api/pods.js';
import { resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { CliError, formatError } from '../errors.js';
import { resolveNamespace } from '../flags.js';
import { createObject } from './create-generators.js';
import { parseResourceArgs } from '../resource-args.js';

interface ExposeOptions {
  namespace?: string;
  port?: string;
  targetPort?: string;
  name?: string;
  type?: string;
  protocol?: string;
  selector?: string;
  labels?: string;
  externalIp?: string;
  sessionAffinity?: string;
  output?: string;
  dryRun?: string;
}

const EXPOSABLE = new Set(['Pod', 'Service', 'ReplicationController', 'Deployment', 'ReplicaSet']);

/** The selector of the pods behind an object (kubectl's MapBasedSelectorForObject). */
function selectorOf(o: KubeObject): Record<string, string> {
  switch (o.kind) {
    case 'Pod':
      if (!o.metadata.labels || Object.keys(o.metadata.labels).length === 0) throw new CliError(`error: the pod has no labels and cannot be exposed`);
      return o.metadata.labels;
    case 'Service':
    case 'ReplicationController': {
      const selector = (o as Service | ReplicationController).spec?.selector;
      if (!selector) throw new CliError(`error: the ${o.kind === 'Service' ? 'service' : 'replication controller'} has no pod selector set`);
      return selector;
    }
    default: {
      // Deployments and ReplicaSets (EXPOSABLE): a LabelSelector.
      const sel: LabelSelector = (o.spec as { selector?: LabelSelector } | undefined)?.selector ?? {};
      if (sel.matchExpressions?.length) throw new CliError(`error: couldn't convert expressions - "${JSON.stringify(sel.matchExpressions)}" to map-based selector format`);
      return sel.matchLabels ?? {};
    }
  }
}

/** The container ports of the object's pods (kubectl's PortsForObject / ProtocolsForObject). */
function portsOf(o: KubeObject): { port: number; protocol: string }[] {
  if (o.kind === 'Service') return ((o as Service).spec?.ports ?? []).map((p) => ({ port: p.port, protocol: p.protocol ?? 'TCP' }));
  return (podSpecOf(o)?.containers ?? []).flatMap((c) => (c.ports ?? []).map((p) => ({ port: p.containerPort, protocol: p.protocol ?? 'TCP' })));
}

/** The Service `expose` builds for an object. */
export function serviceFor(o: KubeObject, opts: ExposeOptions): KubeObject {
  const selector = opts.selector ? Object.fromEntries(opts.selector.split(',').map((kv) => kv.split('=') as [string, string])) : selectorOf(o);
  const labels = opts.labels ? Object.fromEntries(opts.labels.split(',').map((kv) => kv.split('=') as [string, string])) : o.metadata.labels;
  const found = portsOf(o);
  let ports: Record<string, unknown>[];
  if (opts.port !== undefined) {
    const port = Number(opts.port);
    if (!Number.isInteger(port)) throw new CliError(`error: invalid argument "${opts.port}" for "--port" flag: strconv.ParseInt: parsing "${opts.port}": invalid syntax`);
    const target = opts.targetPort === undefined ? port : /^\d+$/.test(opts.targetPort) ? Number(opts.targetPort) : opts.targetPort;
    ports = [{ port, protocol: opts.protocol ?? 'TCP', targetPort: target }];
  } else {
    if (found.length === 0) throw new CliError("error: couldn't find port via --port flag or introspection");
    ports = found.map((p, i) => ({
      ...(found.length > 1 ? { name: `port-${i + 1}` } : {}),
      port: p.port,
      protocol: opts.protocol ?? p.protocol,
      targetPort: opts.targetPort === undefined ? p.port : /^\d+$/.test(opts.targetPort) ? Number(opts.targetPort) : opts.targetPort,
    }));
  }
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { ...(labels && Object.keys(labels).length ? { labels } : {}), name: opts.name ?? o.metadata.name },
    spec: {
      ports,
      selector,
      ...(opts.type ? { type: opts.type } : {}),
      ...(opts.externalIp ? { externalIPs: [opts.externalIp] } : {}),
      ...(opts.sessionAffinity ? { sessionAffinity: opts.sessionAffinity } : {}),
    },
    status: { loadBalancer: {} },
  };
}

/** Runs `expose`; returns the exit code. */
export async function runExpose(ctx: Context, args: string[], opts: ExposeOptions): Promise<number> {
  const [q] = await parseResourceArgs(ctx, args, 'expose');
  if (!q || q.names.length === 0) throw new CliError('error: You must provide the name of the resource to expose');
  if (!EXPOSABLE.has(q.r.kind)) throw new CliError(`error: cannot expose a ${q.r.kind}`);
  const ns = await resolveNamespace(ctx, opts);
  const client = await ctx.client();
  let exit = 0;
  for (const name of q.names) {
    let svc: KubeObject;
    try {
      const o: KubeObject = (await client.get(resourcePath(q.r, ns, name))).body;
      svc = serviceFor({ ...o, kind: q.r.kind }, opts);
    } catch (e) {
      ctx.err(formatError(e));
      exit = 1;
      continue;
    }
    if ((await createObject(ctx, svc, opts, { verb: 'exposed', fieldManager: 'kubectl-expose' })) !== 0) exit = 1;
  }
  return exit;
}

/** Registers `expose`. */
export function registerExpose(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('expose')
    .description('Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service')
    .argument('<args...>', 'TYPE NAME or TYPE/NAME')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('--port <port>', 'The port that the service should serve on (default: the object\'s container ports)')
    .option('--target-port <port>', 'Name or number for the port on the container that the service should direct traffic to')
    .option('--name <name>', 'The name for the newly created object (default: the exposed object\'s)')
    .option('--type <type>', 'Type for this service: ClusterIP, NodePort, LoadBalancer, or ExternalName')
    .option('--protocol <protocol>', 'The network protocol for the service to be created (default TCP)')
    .option('--selector <selector>', 'A label selector (key=value,...) to use for this service instead of the object\'s')
    .option('-l, --labels <labels>', 'Labels to apply to the service created by this call')
    .option('--external-ip <ip>', 'Additional external IP address (not managed by Kubernetes) to accept for the service')
    .option('--session-affinity <affinity>', 'If non-empty, set the session affinity for the service to this; legal values: \'None\', \'ClientIP\'')
    .option('-o, --output <format>', 'Output format: yaml|json|name')
    .option('--dry-run <mode>', 'none, client or server')
    .addHelpText(
      'after',
      `
Examples:
  # Create a service for an nginx deployment, which serves on port 80 and connects to the containers on port 8000
  minikctl expose deployment nginx --port=80 --target-port=8000

  # Create a service for a pod valid-pod, which serves on port 444 with the name "frontend"
  minikctl expose pod valid-pod --port=444 --name=frontend

  # Expose a deployment on a node port, its ports found in its pod template
  minikctl expose deploy web --type=NodePort
`,
    )
    .action((args: string[], o: ExposeOptions) => done(runExpose(ctx(), args, o)));
}
