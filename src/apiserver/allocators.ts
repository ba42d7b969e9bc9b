// Service ClusterIP (10.96.0.0/12) and NodePort (30000-32767) allocation. Allocations are
// derived from the stored Services, so deleting a Service releases its IP and ports.
import type { ResourceInfo } from '../api/resources.js';
import type { Service } from '../api/types.js';
import type { FieldError } from '../api/validation/field-errors.js';
import * as E from './errors.js';

/** The service network: 10.96.0.0/12. 10.96.0.1 is the `kubernetes` Service. */
const BASE = (10 << 24) | (96 << 16);
const SIZE = 1 << 20;

export function ipToString(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((acc, p) => (acc << 8) + Number(p), 0) >>> 0;
}

/** True when the IP is inside 10.96.0.0/12. */
export function inServiceRange(ip: string): boolean {
  const n = ipToNumber(ip);
  return n >= BASE && n < BASE + SIZE;
}

/** Picks a free ClusterIP at random (as the apiserver does), skipping the network and broadcast addresses. */
export function allocateClusterIP(used: { has(ip: string): boolean }, random: () => number): string {
  for (let tries = 0; tries < 1000; tries++) {
    const ip = ipToString(BASE + 1 + Math.floor(random() * (SIZE - 2)));
    if (!used.has(ip)) return ip;
  }
  for (let n = BASE + 1; n < BASE + SIZE - 1; n++) if (!used.has(ipToString(n))) return ipToString(n);
  throw new Error('range is full');
}

/** What the stored Services hold: each cluster IP and node port, with the Service (`ns/name`) holding it. */
export interface ServiceAddresses {
  ips: Map<string, string>;
  ports: Map<number, string>;
}

/** Adds a Service's cluster IPs and node ports to an index. */
export function addServiceAddresses(index: ServiceAddresses, s: Service): void {
  const owner = `${s.metadata.namespace}/${s.metadata.name}`;
  for (const ip of s.spec?.clusterIPs ?? [s.spec?.clusterIP]) if (ip && ip !== 'None') index.ips.set(ip, owner);
  for (const p of s.spec?.ports ?? []) if (p?.nodePort) index.ports.set(p.nodePort, owner);
}

/** The index of every stored Service's addresses. */
export function serviceAddresses(services: Iterable<Service>): ServiceAddresses {
  const index: ServiceAddresses = { ips: new Map(), ports: new Map() };
  for (const s of services) addServiceAddresses(index, s);
  return index;
}

/** Picks a free NodePort at random in 30000-32767. */
export function allocateNodePort(used: { has(port: number): boolean }, random: () => number): number {
  for (let tries = 0; tries < 1000; tries++) {
    const p = 30000 + Math.floor(random() * 2768);
    if (!used.has(p)) return p;
  }
  for (let p = 30000; p <= 32767; p++) if (!used.has(p)) return p;
  throw new Error('range is full');
}

/** Where an allocator reads the stored Services (the registry's store). */
export interface ServiceSource {
  /** Moves on every write to Services. */
  writeCount(): number;
  services(): Iterable<Service>;
}

/**
 * Cluster IPs and node ports for Services, as the apiserver's allocators hand them out. The index
 * of what the stored Services hold is kept (creating a Service is not a scan of every Service):
 * updated by the creates recorded here, rebuilt whenever Services changed some other way (an
 * update, a delete, a rolled-back write).
 */
export class ServiceAllocator {
  private index?: { at: number; addresses: ServiceAddresses };

  constructor(
    private source: ServiceSource,
    private random: () => number,
  ) {}

  private used(): ServiceAddresses {
    const at = this.source.writeCount();
    if (this.index?.at !== at) this.index = { at, addresses: serviceAddresses(this.source.services()) };
    return this.index.addresses;
  }

  /** Gives a Service about to be created its cluster IP and node ports, or refuses the ones it asks for (422). */
  allocate(r: ResourceInfo, o: Service): void {
    const s = o.spec;
    const self = `${o.metadata.namespace}/${o.metadata.name}`;
    const used = this.used();
    const refuse = (field: string, value: unknown, detail: string) => E.invalid(r, o.metadata.name!, [{ type: 'Invalid', field, value, detail }]);
    if (s.type !== 'ExternalName') {
      // The cluster is IPv4 single-stack: another family, or dual stack required, is refused.
      const errs: FieldError[] = [];
      if (s.ipFamilyPolicy === 'RequireDualStack') errs.push({ type: 'Invalid', field: 'spec.ipFamilyPolicy', value: s.ipFamilyPolicy, detail: 'this cluster is not configured for dual-stack services' });
      (s.ipFamilies ?? []).forEach((f, i) => {
        if (f !== 'IPv4') errs.push({ type: 'Invalid', field: `spec.ipFamilies[${i}]`, value: f, detail: 'not configured on this cluster' });
      });
      if (errs.length) throw E.invalid(r, o.metadata.name!, errs);
      if (!s.clusterIP) {
        s.clusterIP = allocateClusterIP(used.ips, this.random);
        s.clusterIPs = [s.clusterIP];
      } else if (s.clusterIP !== 'None') {
        if (!inServiceRange(s.clusterIP))
          throw refuse('spec.clusterIPs', [s.clusterIP], `failed to allocate IP ${s.clusterIP}: the provided IP (${s.clusterIP}) is not in the valid range. The range of valid IPs is 10.96.0.0/12`);
        const holder = used.ips.get(s.clusterIP);
        if (holder !== undefined && holder !== self) throw refuse('spec.clusterIPs', [s.clusterIP], `failed to allocate IP ${s.clusterIP}: provided IP is already allocated`);
        s.clusterIPs ??= [s.clusterIP];
      } else {
        s.clusterIPs ??= ['None'];
      }
    }
    if (s.type === 'NodePort' || s.type === 'LoadBalancer') {
      const taken = new Set<number>();
      const isUsed = (port: number) => taken.has(port) || (used.ports.has(port) && used.ports.get(port) !== self);
      for (const p of s.ports ?? []) {
        if (p.nodePort) {
          if (isUsed(p.nodePort)) throw refuse('spec.ports[0].nodePort', p.nodePort, 'provided port is already allocated');
        } else p.nodePort = allocateNodePort({ has: isUsed }, this.random);
        taken.add(p.nodePort);
      }
    }
  }

  /** Runs the create of a Service; the index, current before it, stays current with the new Service added. */
  recordCreate(create: () => Service): Service {
    const before = this.source.writeCount();
    const created = create();
    if (this.index?.at === before) {
      addServiceAddresses(this.index.addresses, created);
      this.index.at = this.source.writeCount();
    }
    return created;
  }
}
