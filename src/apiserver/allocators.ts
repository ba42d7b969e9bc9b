// Service ClusterIP (10.96.0.0/12) and NodePort (30000-32767) allocation. Allocations are
// derived from the stored Services, so deleting a Service releases its IP and ports.
import type { KubeObject } from '../api/types.js';

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
export function allocateClusterIP(services: KubeObject[], random: () => number): string {
  const used = new Set<string>();
  for (const s of services) for (const ip of s.spec?.clusterIPs ?? [s.spec?.clusterIP]) if (ip) used.add(ip);
  for (let tries = 0; tries < 1000; tries++) {
    const ip = ipToString(BASE + 1 + Math.floor(random() * (SIZE - 2)));
    if (!used.has(ip)) return ip;
  }
  for (let n = BASE + 1; n < BASE + SIZE - 1; n++) if (!used.has(ipToString(n))) return ipToString(n);
  throw new Error('range is full');
}

/** NodePorts in use by the stored Services. */
export function usedNodePorts(services: KubeObject[]): Set<number> {
  const used = new Set<number>();
  for (const s of services) for (const p of s.spec?.ports ?? []) if (p.nodePort) used.add(p.nodePort);
  return used;
}

/** Picks a free NodePort at random in 30000-32767. */
export function allocateNodePort(used: Set<number>, random: () => number): number {
  for (let tries = 0; tries < 1000; tries++) {
    const p = 30000 + Math.floor(random() * 2768);
    if (!used.has(p)) return p;
  }
  for (let p = 30000; p <= 32767; p++) if (!used.has(p)) return p;
  throw new Error('range is full');
}
