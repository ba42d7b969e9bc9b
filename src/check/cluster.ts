// The throwaway cluster `minikctl check` runs manifests in: the daemon's control plane (the same
// registry, scheduler, controllers and kubelets) over an in-memory store, with a fake clock that
// only the check moves. Nothing touches MINIK_HOME and nothing outlives close().
import { FakeClock } from '../api/clock.js';
import type { Registry as RegistryType } from '../apiserver/registry.js';
import { Registry } from '../apiserver/registry.js';
import { bootstrap } from '../daemon/bootstrap.js';
import { controlPlane } from '../daemon/components.js';
import { ControlLoop } from '../daemon/loop.js';
import type { NodePool } from '../sim/node-pool.js';
import { Store } from '../store/store.js';
import { CA_NAME, createCA } from '../daemon/pki.js';

/**
 * Resources whose writes are the cluster's pulse, not progress: heartbeats, leases, events, and
 * autoscalers' status (conditions that flip when a stabilization window ends); what an
 * autoscaler does shows as a change of its target and its pods.
 */
const PULSE = new Set(['events', 'events.events.k8s.io', 'leases.coordination.k8s.io', 'nodes', 'horizontalpodautoscalers.autoscaling']);

/** Smallest and largest step of virtual time per control-loop tick. */
const MIN_STEP_MS = 100;
const MAX_STEP_MS = 10_000;

/** How the simulation ran. */
export interface SettleResult {
  /** Simulated milliseconds. */
  ms: number;
  /** True when the cluster went quiet before the horizon. */
  settled: boolean;
  ticks: number;
}

/** A cluster in memory, driven by virtual time. */
export class ThrowawayCluster {
  readonly clock: FakeClock;
  readonly reg: RegistryType;
  readonly loop: ControlLoop;
  private changed = false;
  private unsubscribe: () => void;
  private store: Store;

  constructor(nodes: NodePool, start = Date.now()) {
    this.clock = new FakeClock(start);
    // Events too stay in memory (a daemon keeps them in SQLite only to bound its memory over a
    // long life; this cluster lives for one check): no serialising every event to read it back.
    this.store = new Store(':memory:', { durable: false, cold: [], maxChangeLog: 200_000 });
    this.reg = new Registry(this.store, this.clock);
    bootstrap(this.reg, nodes);
    // A throwaway CA: pods' token volumes need a kube-root-ca.crt, nobody verifies against it.
    this.loop = new ControlLoop(this.reg, controlPlane(nodes, createCA(CA_NAME).certPem));
    this.unsubscribe = this.reg.subscribe((changes) => {
      if (!this.changed) this.changed = changes.some((c) => !PULSE.has(c.resource));
    });
  }

  /**
   * Runs the control loop on virtual time until nothing but heartbeats has changed for `quietMs`
   * (settled) or `horizonMs` has passed. Steps start at 100 ms and double while nothing changes
   * (up to 10 s), back to 100 ms on any change: a stuck rollout's 600 s progress deadline or a
   * 5-minute back-off costs a few dozen ticks, and a busy cluster is followed closely.
   */
  settle(horizonMs: number, quietMs: number): SettleResult {
    let elapsed = 0;
    let quietFor = 0;
    let step = MIN_STEP_MS;
    let ticks = 0;
    // The first tick runs at the time of apply: controllers see the new objects at once.
    this.changed = false;
    this.loop.tick();
    ticks++;
    while (elapsed < horizonMs) {
      if (this.changed) {
        quietFor = 0;
        step = MIN_STEP_MS;
      } else {
        quietFor += step;
        if (quietFor >= quietMs) return { ms: elapsed, settled: true, ticks };
        step = Math.min(step * 2, MAX_STEP_MS);
      }
      const dt = Math.min(step, horizonMs - elapsed);
      this.clock.advance(dt);
      elapsed += dt;
      this.changed = false;
      this.loop.tick();
      ticks++;
    }
    return { ms: elapsed, settled: false, ticks };
  }

  /** Frees the store. */
  close(): void {
    this.unsubscribe();
    this.store.close();
  }
}
