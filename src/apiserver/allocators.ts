// Service ClusterIP (10.96.0.0/12) and NodePort (30000-32767) allocation. Allocations are
// derived from the stored Services, so deleting a Service releases its IP and ports.
import type { Service } from '../api/types.js';

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
