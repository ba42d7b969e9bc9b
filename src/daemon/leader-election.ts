// Leader election among daemons that share one etcd: client-go's leaderelection on a
// coordination.k8s.io/v1 Lease, with kube-controller-manager's timings. Only the leader runs the
// control loop (scheduler, controllers, kubelets); every daemon serves the API.
//
// - Every retry period each daemon tries to acquire or renew the Lease (kube-system/<name>) with
//   a compare-and-swap on its resourceVersion.
// - Another holder's lease counts as expired when its record has not changed for leaseDuration,
//   as this daemon observed it (its own clock: holders' clocks are never compared).
// - A leader that sees another holder, or has not renewed for renewDeadline, stops at once.
// - The loop's transactions are fenced with the Lease's resourceVersion (see fence()): a leader
//   that lost the Lease without knowing it yet cannot commit a tick.
// - On a clean stop the leader releases the Lease (holder emptied, duration 1 s), so a successor
//   need not wait out the 15 s.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { microTime } from '../api/duration.js';
import { resourceNamed } from '../api/resources.js';
import type { Lease } from '../api/types.js';
import { type Registry, type Unchanged, storeKey } from '../apiserver/registry.js';

const leasesR = resourceNamed('leases');

/** kube-controller-manager's defaults (--leader-elect-lease-duration, -renew-deadline, -retry-period). */
export const LEADER_ELECTION = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };
/** The Lease in kube-system the daemons compete for. */
export const CONTROL_PLANE_LEASE = 'minik-control-plane';

/** client-go's identity: the host name and a unique suffix. */
export const newIdentity = (): string => `${hostname()}_${randomUUID()}`;

export interface ElectionHooks {
  onStartedLeading(): void;
  onStoppedLeading(why: string): void;
}

export class LeaderElector {
  private leading = false;
  private timer?: NodeJS.Timeout;
  /** The Lease's resourceVersion after this daemon's last successful write of it. */
  private heldRv?: string;
  private lastRenew = 0;
  /** The Lease record as last observed, and when (by this daemon's clock). */
  private observedRv?: string;
  private observedAt = 0;

  constructor(
    private reg: Registry,
    readonly identity: string,
    private hooks: ElectionHooks,
    private timing = LEADER_ELECTION,
    private now: () => number = Date.now,
    private name = CONTROL_PLANE_LEASE,
  ) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** Tries at once, then every retry period. */
  start(): void {
    this.step();
    this.timer = setInterval(() => this.step(), this.timing.retryPeriodMs);
  }

  /** One try to acquire or renew (client-go's tryAcquireOrRenew); stops leading when it must. */
  step(): void {
    const now = this.now();
    const lease = this.reg.find(leasesR, 'kube-system', this.name);
    if (lease && lease.metadata.resourceVersion !== this.observedRv) {
      this.observedRv = lease.metadata.resourceVersion;
      this.observedAt = now;
    }
    const holder = lease?.spec?.holderIdentity;
    const duration = (lease?.spec?.leaseDurationSeconds ?? this.timing.leaseDurationMs / 1000) * 1000;
    if (lease && holder && holder !== this.identity && this.observedAt + duration > now) {
      if (this.leading) this.stopLeading(`the lease is held by ${holder}`);
      return;
    }
    const spec = {
      holderIdentity: this.identity,
      leaseDurationSeconds: this.timing.leaseDurationMs / 1000,
      acquireTime: holder === this.identity && lease?.spec?.acquireTime ? lease.spec.acquireTime : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: (lease?.spec?.leaseTransitions ?? 0) + (lease && holder !== this.identity ? 1 : 0),
    };
    try {
      const written = lease
        ? this.reg.update(leasesR, 'kube-system', this.name, { ...lease, spec })
        : this.reg.create(leasesR, 'kube-system', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.name, namespace: 'kube-system' }, spec });
      this.reg.flush(); // committed now: its resourceVersion is etcd's from here on
      this.heldRv = written.metadata.resourceVersion;
      this.observedRv = this.heldRv;
      this.observedAt = now;
      this.lastRenew = now;
      if (!this.leading) {
        this.leading = true;
        this.hooks.onStartedLeading();
      }
    } catch (e) {
      // Another daemon wrote the Lease first, or etcd did not answer: a leader keeps leading
      // until its renew deadline passes.
      if (this.leading && now - this.lastRenew >= this.timing.renewDeadlineMs) this.stopLeading(`could not renew the lease for ${this.timing.renewDeadlineMs / 1000}s: ${(e as Error).message}`);
    }
  }

  /** True while this daemon leads and renewed within the renew deadline: the loop may tick. */
  mayAct(): boolean {
    if (this.leading && this.now() - this.lastRenew >= this.timing.renewDeadlineMs) this.stopLeading('the renew deadline passed');
    return this.leading;
  }

  /** The loop's fence: its transactions commit only while the Lease is as this daemon last wrote it. */
  fence(): Unchanged[] {
    return this.heldRv ? [{ resource: storeKey(leasesR), namespace: 'kube-system', name: this.name, resourceVersion: this.heldRv }] : [];
  }

  private stopLeading(why: string): void {
    this.leading = false;
    this.heldRv = undefined;
    this.hooks.onStoppedLeading(why);
  }

  /** Stops trying; a leader gives the Lease up so that another daemon takes over at once. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (!this.leading) return;
    const lease = this.reg.find(leasesR, 'kube-system', this.name) as Lease | undefined;
    this.stopLeading('stopping');
    if (!lease || lease.spec?.holderIdentity !== this.identity) return;
    try {
      this.reg.update(leasesR, 'kube-system', this.name, { ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(this.now()) } });
      this.reg.flush();
    } catch {
      // the others wait for it to expire
    }
  }
}
