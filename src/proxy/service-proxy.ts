// A userspace kube-proxy for the process runtime: every NodePort of a Service (NodePort or
// LoadBalancer) listens on 127.0.0.1:<nodePort> (loopback only, never another interface) and
// relays each connection to one of the Service's ready endpoints whose pod runs as processes
// (balancer.ts: round-robin, ClientIP affinity), trying the next one when an endpoint does not
// answer. The daemon runs it only when its runtime config runs processes: a manifest alone never
// opens a port on the machine.
import net from 'node:net';
import { pushTo } from '../api/collections.js';
import { resourceNamed } from '../api/resources.js';
import type { EndpointSlice, Service } from '../api/types.js';
import type { Registry } from '../apiserver/registry.js';
import { type Controller, RevisionGate } from '../runtime/controller.js';
import { Balancer, DEFAULT_AFFINITY_SECONDS } from './balancer.js';

const svcR = resourceNamed('services'), sliceR = resourceNamed('endpointslices');

/** One Service port the proxy serves. */
export interface ProxiedPort {
  service: string;
  nodePort: number;
  /** host:port of each ready endpoint that has a process. */
  endpoints: string[];
  affinitySeconds?: number;
}

/**
 * The Service ports to serve, from the Services and their EndpointSlices: TCP NodePorts, with the
 * ready endpoints whose pod `hasProcess`. Pure.
 */
export function proxiedPorts(services: Service[], slices: EndpointSlice[], hasProcess: (podUid: string) => boolean): ProxiedPort[] {
  const byService = new Map<string, EndpointSlice[]>();
  for (const s of slices) {
    const name = s.metadata.labels?.['kubernetes.io/service-name'];
    if (!name) continue;
    pushTo(byService, `${s.metadata.namespace}/${name}`, s);
  }
  const out: ProxiedPort[] = [];
  for (const svc of services) {
    if (svc.spec?.type !== 'NodePort' && svc.spec?.type !== 'LoadBalancer') continue;
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    const affinity = svc.spec.sessionAffinity === 'ClientIP' ? (svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS) : undefined;
    for (const p of svc.spec.ports ?? []) {
      if (!p.nodePort || (p.protocol ?? 'TCP') !== 'TCP') continue;
      const endpoints: string[] = [];
      for (const slice of byService.get(key) ?? []) {
        const port = (slice.ports ?? []).find((sp) => (sp.name ?? '') === (p.name ?? '') && (sp.protocol ?? 'TCP') === 'TCP')?.port;
        if (port === undefined) continue;
        for (const e of slice.endpoints ?? []) {
          if (e.conditions?.ready === false) continue;
          const uid = e.targetRef?.kind === 'Pod' ? e.targetRef.uid : undefined;
          if (!uid || !hasProcess(uid)) continue;
          for (const a of e.addresses) endpoints.push(`${a}:${port}`);
        }
      }
      out.push({ service: `${key}:${p.name ?? p.port}`, nodePort: p.nodePort, endpoints, ...(affinity !== undefined ? { affinitySeconds: affinity } : {}) });
    }
  }
  return out;
}

interface Listener {
  server: net.Server;
  port: ProxiedPort;
  balancer: Balancer;
}

/** The proxy of one daemon: its listeners follow the Services each control-loop pass. */
export class ServiceProxy implements Controller {
  readonly name = 'service-proxy';
  private gate = new RevisionGate(['services', 'endpointslices.discovery.k8s.io']);
  private listeners = new Map<number, Listener>();

  constructor(
    private hasProcess: (podUid: string) => boolean,
    private log: (line: string) => void = () => {},
  ) {}

  sync(reg: Registry): void {
    if (!this.gate.changed(reg)) return;
    const wanted = proxiedPorts(reg.list(svcR, undefined).items as Service[], reg.list(sliceR, undefined).items as EndpointSlice[], this.hasProcess);
    const seen = new Set<number>();
    for (const p of wanted) {
      seen.add(p.nodePort);
      const l = this.listeners.get(p.nodePort);
      if (l && l.port.service === p.service) {
        l.port = p;
        l.balancer.affinitySeconds = p.affinitySeconds;
        continue;
      }
      if (l) this.closeListener(p.nodePort);
      this.listen(p);
    }
    for (const port of [...this.listeners.keys()]) if (!seen.has(port)) this.closeListener(port);
  }

  private listen(p: ProxiedPort): void {
    const l: Listener = { server: net.createServer((c) => this.relay(l, c)), port: p, balancer: new Balancer(p.affinitySeconds) };
    l.server.on('error', (e: NodeJS.ErrnoException) => {
      this.log(`service proxy: cannot listen on 127.0.0.1:${p.nodePort} for ${p.service}: ${e.code ?? e.message}`);
      if (this.listeners.get(p.nodePort) === l) this.listeners.delete(p.nodePort);
    });
    l.server.listen(p.nodePort, '127.0.0.1');
    this.listeners.set(p.nodePort, l);
  }

  /** Relays one connection: the balancer's choice first, then the other endpoints if it does not answer. */
  private relay(l: Listener, client: net.Socket): void {
    client.on('error', () => client.destroy());
    client.pause();
    const from = client.remoteAddress ?? '';
    const order = l.balancer.order(l.port.endpoints, from, Date.now());
    const attempt = (i: number) => {
      if (i >= order.length || client.destroyed) return client.destroy();
      const colon = order[i].lastIndexOf(':');
      const upstream = net.connect({ host: order[i].slice(0, colon), port: Number(order[i].slice(colon + 1)) });
      upstream.once('error', () => attempt(i + 1));
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        upstream.on('error', () => client.destroy());
        l.balancer.connected(from, order[i], Date.now());
        client.pipe(upstream);
        upstream.pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.resume();
      });
    };
    attempt(0);
  }

  private closeListener(port: number): void {
    const l = this.listeners.get(port);
    if (!l) return;
    this.listeners.delete(port);
    l.server.close();
  }

  /** The ports it listens on (for status and tests). */
  get ports(): number[] {
    return [...this.listeners.keys()];
  }

  /** Stops listening. */
  close(): void {
    for (const port of [...this.listeners.keys()]) this.closeListener(port);
  }
}
