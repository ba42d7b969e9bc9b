// An in-memory cluster for component tests: store, registry, every control-plane component and a
// fake clock that moves only when the test says so.
import { FakeClock } from '../src/api/clock.js';
import { podSummary } from '../src/api/columns/pod.js';
import type { KubeObject } from '../src/api/types.js';
import { Registry } from '../src/apiserver/registry.js';
import { bootstrap } from '../src/daemon/bootstrap.js';
import { controlPlane } from '../src/daemon/components.js';
import { ControlLoop } from '../src/daemon/loop.js';
import { DEFAULT_NODES, type NodePool } from '../src/sim/node-pool.js';
import { Store } from '../src/store/store.js';
import { CA_NAME, createCA } from '../src/daemon/pki.js';

/** One CA for every test cluster of a test file (made once: a key pair per cluster is wasted work). */
export const TEST_CA = createCA(CA_NAME);

export class TestCluster {
  readonly clock = new FakeClock(Date.parse('2026-11-23T10:00:00Z'));
  readonly reg = new Registry(new Store(':memory:'), this.clock);
  readonly loop: ControlLoop;

  constructor(nodes: NodePool = DEFAULT_NODES) {
    bootstrap(this.reg, nodes);
    this.loop = new ControlLoop(this.reg, controlPlane(nodes, TEST_CA.certPem));
  }

  /** Moves the clock in `tick` ms steps for `ms`, running the loop after each step. */
  run(ms: number, tick = 100): void {
    for (let t = 0; t < ms; t += tick) {
      this.clock.advance(tick);
      this.loop.tick();
    }
  }

  /** Runs until `done()` holds (checked every tick), at most `maxMs`; returns the time it took. */
  until(done: () => boolean, maxMs = 600_000, tick = 100): number {
    let t = 0;
    while (!done()) {
      if (t >= maxMs) throw new Error(`condition not met within ${maxMs} ms of simulated time`);
      this.clock.advance(tick);
      this.loop.tick();
      t += tick;
    }
    return t;
  }

  create(obj: KubeObject, ns = 'default'): KubeObject {
    const r = this.reg.resources.forKind(obj.apiVersion!, obj.kind!)!;
    return this.reg.create(r, r.namespaced ? (obj.metadata.namespace ?? ns) : '', obj);
  }

  list(resource: string, ns: string | undefined = 'default'): KubeObject[] {
    return this.reg.list(this.reg.resources.resolve(resource)[0], ns).items;
  }

  get(resource: string, name: string, ns = 'default'): KubeObject | undefined {
    const r = this.reg.resources.resolve(resource)[0];
    return this.reg.find(r, r.namespaced ? ns : '', name);
  }

  /** A merge patch, as `kubectl patch --type merge` sends. */
  patch(resource: string, name: string, patch: object, ns = 'default'): KubeObject {
    const r = this.reg.resources.resolve(resource)[0];
    return this.reg.patch(r, r.namespaced ? ns : '', name, 'merge', patch);
  }

  /** `kubectl get pods`' STATUS of a pod. */
  podStatus(name: string, ns = 'default'): string {
    const p = this.get('pods', name, ns);
    return p ? podSummary(p, this.clock.now()).status : '<gone>';
  }

  events(reason?: string): KubeObject[] {
    return this.list('events', undefined).filter((e) => !reason || e.reason === reason);
  }
}

/** A bare pod with the given containers and spec fields. */
export function pod(name: string, spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(annotations ? { annotations } : {}) }, spec: { containers: [{ name: 'app', image: 'busybox' }], ...spec } };
}
