// Each daemon's API server identity, as kube-apiserver keeps its own (the APIServerIdentity
// feature): a Lease in kube-system named `apiserver-<id>`, labelled
// `apiserver.kubernetes.io/identity=kube-apiserver`, renewed every 10 s with a one-hour duration.
// minik annotates it with the address the daemon serves on, so with several daemons on one etcd
// anyone can list the cluster's API servers (`kubectl get leases -n kube-system -l
// apiserver.kubernetes.io/identity`, `minikctl daemon status`). A daemon deletes its Lease when it
// stops cleanly; one killed leaves it, no longer renewed.
import { microTime } from '../api/duration.js';
import { resourceNamed } from '../api/resources.js';
import type { Registry } from '../apiserver/registry.js';
import { IDENTITY_LABEL, IDENTITY_RENEW_MS, SERVER_ANNOTATION } from '../api/apiserver-identity.js';

const IDENTITY_DURATION_S = 3600;

const leasesR = resourceNamed('leases');

/** One daemon's identity Lease: created at start, renewed on a timer, deleted on stop. */
export class ApiServerIdentity {
  private timer?: NodeJS.Timeout;
  readonly name: string;

  constructor(
    private reg: Registry,
    /** The daemon's identity (the leader election's too). */
    private holder: string,
    private server: string,
    /** Called after each renewal (the daemon refreshes what it derives from the other servers' Leases). */
    private renewed: () => void = () => {},
    private now: () => number = Date.now,
  ) {
    this.name = `apiserver-${holder.slice(holder.lastIndexOf('_') + 1).replace(/-/g, '').slice(0, 26)}`;
  }

  /** Writes the Lease now (creating it if needed); failures wait for the next renewal. */
  renew(): void {
    const spec = { holderIdentity: this.holder, leaseDurationSeconds: IDENTITY_DURATION_S, renewTime: microTime(this.now()) };
    try {
      const cur = this.reg.find(leasesR, 'kube-system', this.name);
      if (cur) this.reg.update(leasesR, 'kube-system', this.name, { ...cur, spec: { ...cur.spec, ...spec } });
      else
        this.reg.create(leasesR, 'kube-system', {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.name, namespace: 'kube-system', labels: { [IDENTITY_LABEL]: 'kube-apiserver' }, annotations: { [SERVER_ANNOTATION]: this.server } },
          spec: { ...spec, acquireTime: spec.renewTime },
        });
      this.reg.flush();
    } catch {
      // etcd away or a race with a restart: the next renewal tries again
    }
    this.renewed();
  }

  start(): void {
    this.renew();
    this.timer = setInterval(() => this.renew(), IDENTITY_RENEW_MS);
    this.timer.unref();
  }

  /** Stops renewing and deletes the Lease. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    try {
      if (this.reg.find(leasesR, 'kube-system', this.name)) this.reg.delete(leasesR, 'kube-system', this.name);
      this.reg.flush();
    } catch {
      // it expires
    }
  }
}
