// The service controller's part a cloud provider plays: every Service of type LoadBalancer gets
// an external IP from a local pool (as MetalLB or `minikube tunnel` give one), written to
// status.loadBalancer; its NodePorts stay as allocated. A Service that stops being a
// LoadBalancer loses the address.
import { resourceNamed } from '../api/resources.js';
import type { LoadBalancerIngress, Service } from '../api/types.js';
import { StatusError } from '../apiserver/errors.js';
import type { Registry } from '../apiserver/registry.js';
import { type Controller, RevisionGate } from '../runtime/controller.js';
import { recordEvent } from '../runtime/events.js';

const svcR = resourceNamed('services');

/** The local pool external IPs come from: 172.18.255.200 - 172.18.255.250. */
export const LB_POOL = { prefix: '172.18.255.', first: 200, last: 250 };

export class ServiceLoadBalancerController implements Controller {
  readonly name = 'service-controller';
  private gate = new RevisionGate(['services']);

  sync(reg: Registry): void {
    if (!this.gate.changed(reg)) return;
    const services = reg.list(svcR, undefined).items;
    const used = new Set<string>();
    for (const s of services) for (const i of s.status?.loadBalancer?.ingress ?? []) if (i.ip) used.add(i.ip);
    for (const s of services) {
      try {
        this.syncOne(reg, s, used);
      } catch (e) {
        if (!(e instanceof StatusError)) throw e;
      }
    }
  }

  private syncOne(reg: Registry, s: Service, used: Set<string>): void {
    const ns = s.metadata.namespace!;
    const ingress: LoadBalancerIngress[] = s.status?.loadBalancer?.ingress ?? [];
    const isLB = s.spec?.type === 'LoadBalancer' && !s.metadata.deletionTimestamp;
    if (!isLB) {
      if (ingress.length) {
        reg.writeStatus(svcR, ns, s.metadata.name!, { ...s.status, loadBalancer: {} });
        recordEvent(reg, { component: this.name }, s, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
      }
      return;
    }
    if (ingress.length) return;
    const source = { component: this.name };
    recordEvent(reg, source, s, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
    const wanted: string | undefined = s.spec?.loadBalancerIP;
    let ip = wanted && !used.has(wanted) ? wanted : undefined;
    for (let i = LB_POOL.first; !ip && i <= LB_POOL.last; i++) if (!used.has(`${LB_POOL.prefix}${i}`)) ip = `${LB_POOL.prefix}${i}`;
    if (!ip) {
      recordEvent(reg, source, s, 'Warning', 'SyncLoadBalancerFailed', 'Error syncing load balancer: failed to ensure load balancer: no available IPs in the pool');
      return;
    }
    used.add(ip);
    reg.writeStatus(svcR, ns, s.metadata.name!, { ...s.status, loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } });
    recordEvent(reg, source, s, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
  }
}
