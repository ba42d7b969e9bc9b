// `minikctl port-forward TYPE/NAME [LOCAL:]REMOTE...`, as kubectl's: listens on localhost and
// forwards each connection to the pod's port (for a Service or workload: one of its pods, the
// Service's port translated to its target port). Each connection is its own WebSocket with
// `v4.channel.k8s.io` (data on channel 0, an error on channel 1, each starting with the port).
// Runs until interrupted.
import net from 'node:net';
import type { Command } from 'commander';
import { resourceNamed } from '../../api/resources.js';
import type { Pod, Service } from '../../api/types.js';
import { ApiError, type Client, resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';
import { resolveNamespace } from '../flags.js';
import { mostActivePod, podTarget } from '../pod-target.js';

const podsR = resourceNamed('pods');

interface PortForwardOptions {
  namespace?: string;
  address?: string;
}

/** `[LOCAL]:REMOTE` or `PORT`: the local port (0: any free one) and the remote one. */
export function parsePortSpec(spec: string): { local: number; remote: number } {
  const parts = spec.split(':');
  const num = (s: string) => {
    const n = Number(s);
    if (!/^\d+$/.test(s) || n < 0 || n > 65535) throw new CliError(`error: Error parsing local port '${s}': invalid port`);
    return n;
  };
  if (parts.length === 1) return { local: num(parts[0]), remote: num(parts[0]) };
  if (parts.length !== 2) throw new CliError(`error: invalid port format '${spec}'`);
  return { local: parts[0] === '' ? 0 : num(parts[0]), remote: num(parts[1]) };
}

/** The port of a pod a Service port leads to: its targetPort, a named one looked up in the pod's containers. */
export function servicePortToPod(svc: Service, port: number, pod: Pod): number {
  const sp = (svc.spec?.ports ?? []).find((p) => p.port === port);
  if (!sp) throw new CliError(`error: Service ${svc.metadata.name} does not have a service port ${port}`);
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of pod.spec?.containers ?? []) for (const p of c.ports ?? []) if (p.name === target) return p.containerPort;
  throw new CliError(`error: Pod '${pod.metadata.name}' does not have a named port '${target}'`);
}

/** The pod TYPE/NAME stands for (for a workload or Service: its most active running pod), and the Service, if one. */
async function resolveTarget(ctx: Context, client: Client, ns: string, arg: string): Promise<{ pod: Pod; svc?: Service }> {
  const target = await podTarget(ctx, client, ns, arg, 'port-forward');
  if (target.r.kind === 'Pod') return { pod: target.obj as Pod };
  const pod = mostActivePod(target.pods.filter((p) => p.status?.phase === 'Running'));
  if (!pod) throw new CliError(`error: unable to forward port because pod is not running. Current status=Pending`);
  return { pod, svc: target.r.kind === 'Service' ? (target.obj as Service) : undefined };
}

/** Forwards one local connection through its own WebSocket. */
async function forwardConnection(client: Client, path: string, remote: number, local: number, conn: net.Socket, err: (line: string) => void): Promise<void> {
  conn.pause();
  // Each channel starts with the port number (2 bytes), which is not data.
  const header = [true, true];
  const onMessage = (raw: Buffer) => {
    const channel = raw[0];
    let data = raw.subarray(1);
    if (channel > 1) return;
    if (header[channel]) {
      header[channel] = false;
      data = data.subarray(2);
    }
    if (data.length === 0) return;
    if (channel === 0) conn.write(data);
    else err(`error: an error occurred forwarding ${local} -> ${remote}: ${data.toString('utf8')}`);
  };
  let ws;
  try {
    ws = await client.webSocket(path, new URLSearchParams({ ports: String(remote) }), ['v4.channel.k8s.io'], onMessage);
  } catch (e) {
    err(`error: an error occurred forwarding ${local} -> ${remote}: ${e instanceof ApiError ? e.status.message : (e as Error).message}`);
    conn.destroy();
    return;
  }
  if (ws.readyState === ws.CLOSED) conn.end();
  ws.on('close', () => conn.end());
  ws.on('error', () => conn.destroy());
  conn.on('data', (d: Buffer) => ws.readyState === ws.OPEN && ws.send(Buffer.concat([Buffer.from([0]), d])));
  conn.on('close', () => ws.close());
  conn.on('error', () => ws.close());
  conn.resume();
}

async function runPortForward(ctx: Context, target: string, specs: string[], opts: PortForwardOptions): Promise<number> {
  if (specs.length === 0) throw new CliError('error: TYPE/NAME and list of ports are required for port-forward');
  const ports = specs.map(parsePortSpec);
  const ns = await resolveNamespace(ctx, opts);
  const client = await ctx.client();
  const { pod, svc } = await resolveTarget(ctx, client, ns, target);
  if (pod.status?.phase !== 'Running') throw new CliError(`error: unable to forward port because pod is not running. Current status=${pod.status?.phase ?? 'Pending'}`);
  const path = resourcePath(podsR, ns, pod.metadata.name, 'portforward');
  const addresses = (opts.address ?? 'localhost').split(',').flatMap((a) => (a === 'localhost' ? ['127.0.0.1', '::1'] : [a]));
  const servers: net.Server[] = [];
  for (const p of ports) {
    const remote = svc ? servicePortToPod(svc, p.remote, pod) : p.remote;
    let local = p.local;
    for (const address of addresses) {
      const server = net.createServer((conn) => {
        ctx.out(`Handling connection for ${local}\n`);
        void forwardConnection(client, path, remote, local, conn, (line) => ctx.err(line));
      });
      const failure = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
        server.once('error', resolve);
        server.listen(local, address, () => resolve(undefined));
      });
      if (failure) {
        // No IPv6 loopback on this machine: 127.0.0.1 is enough.
        if (address === '::1' && failure.code !== 'EADDRINUSE') continue;
        for (const s of servers) s.close();
        throw new CliError(`error: unable to listen on any of the requested ports: [{${p.local} ${p.remote}}]`);
      }
      local = (server.address() as net.AddressInfo).port;
      servers.push(server);
      ctx.out(`Forwarding from ${address.includes(':') ? `[${address}]` : address}:${local} -> ${remote}\n`);
    }
  }
  // Until interrupted (or the pod goes away).
  await new Promise<void>(() => {});
  return 0;
}

/** Registers `port-forward`. */
export function registerPortForward(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('port-forward')
    .description('Forward one or more local ports to a pod')
    .argument('<target>', 'POD, pod/POD, svc/NAME, deploy/NAME, ...')
    .argument('<ports...>', '[LOCAL_PORT:]REMOTE_PORT')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('--address <addresses>', 'Addresses to listen on (comma separated); localhost is 127.0.0.1 and ::1', 'localhost')
    .action((target: string, ports: string[], o: PortForwardOptions) => done(runPortForward(ctx(), target, ports, o)));
}
