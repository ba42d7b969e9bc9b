// Which endpoint a new connection to a Service port goes to, as kube-proxy's userspace mode
// chose: round-robin over the ready endpoints, and with `sessionAffinity: ClientIP` the endpoint
// a client used last, while it is still an endpoint and its affinity has not timed out
// (sessionAffinityConfig.clientIP.timeoutSeconds, default 3 hours). Pure: time comes in.

/** Kubernetes' default ClientIP affinity timeout (seconds). */
export const DEFAULT_AFFINITY_SECONDS = 10_800;

export class Balancer {
  private next = 0;
  private affinity = new Map<string, { endpoint: string; lastUsed: number }>();

  /** `affinitySeconds`: undefined for no session affinity. */
  constructor(public affinitySeconds?: number) {}

  /**
   * The endpoints to try for a connection from `client`, in order (the first is the choice; the
   * rest are the retries when it does not answer). Empty when there are none.
   */
  order(endpoints: string[], client: string, now: number): string[] {
    if (endpoints.length === 0) return [];
    if (this.affinitySeconds !== undefined) {
      const a = this.affinity.get(client);
      if (a && endpoints.includes(a.endpoint) && now - a.lastUsed < this.affinitySeconds * 1000) {
        a.lastUsed = now;
        return [a.endpoint, ...endpoints.filter((e) => e !== a.endpoint)];
      }
    }
    const start = this.next % endpoints.length;
    this.next = (start + 1) % endpoints.length;
    return [...endpoints.slice(start), ...endpoints.slice(0, start)];
  }

  /** The connection got through to `endpoint`: a ClientIP-affine client sticks to it. */
  connected(client: string, endpoint: string, now: number): void {
    if (this.affinitySeconds !== undefined) this.affinity.set(client, { endpoint, lastUsed: now });
  }
}
