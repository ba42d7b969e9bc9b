// Leader election on a Lease (client-go's rules with kube-controller-manager's timings), two
// electors on one registry standing for two daemons on one etcd, time by hand.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/api/clock.js';
import { resourceNamed } from '../../src/api/resources.js';
import { Registry } from '../../src/apiserver/registry.js';
import { LEADER_ELECTION, LeaderElector } from '../../src/daemon/leader-election.js';
import { ControlLoop } from '../../src/daemon/loop.js';
import { Store } from '../../src/store/store.js';

const leases = resourceNamed('leases');
const configmaps = resourceNamed('configmaps');

function setup() {
  const reg = new Registry(new Store(':memory:'), new FakeClock(Date.parse('2026-12-01T10:00:00Z')));
  reg.create(resourceNamed('namespaces'), '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } });
  let now = Date.parse('2026-12-01T10:00:00Z');
  const events: string[] = [];
  const elector = (id: string) =>
    new LeaderElector(reg, id, { onStartedLeading: () => events.push(`${id} leads`), onStoppedLeading: (why) => events.push(`${id} stops: ${why}`) }, LEADER_ELECTION, () => now);
  return { reg, events, a: elector('a'), b: elector('b'), advance: (ms: number) => (now += ms) };
}

const holder = (reg: Registry) => reg.find(leases, 'kube-system', 'minik-control-plane')?.spec;

describe('leader election', () => {
  it('gives the Lease to the first daemon and keeps the other waiting while it renews', () => {
    const { reg, events, a, b, advance } = setup();
    a.step();
    b.step();
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    expect(holder(reg)).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect(holder(reg)?.renewTime).toMatch(/^2026-12-01T10:00:00\.000000Z$/);
    for (let i = 0; i < 20; i++) {
      advance(2000);
      a.step();
      b.step();
    }
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    expect(events).toEqual(['a leads']);
  });

  it('lets another daemon take an expired Lease (15 s without a renewal as it observed), and the old leader stop as soon as it sees that', () => {
    const { reg, events, a, b, advance } = setup();
    a.step();
    b.step();
    advance(14_000);
    b.step();
    expect(b.isLeader).toBe(false);
    advance(1000);
    b.step();
    expect(b.isLeader).toBe(true);
    expect(holder(reg)).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 });
    // a (a paused process, say) comes back: the Lease is b's, so a stops at once.
    a.step();
    expect(a.isLeader).toBe(false);
    expect(events).toEqual(['a leads', 'b leads', 'a stops: the lease is held by b']);
  });

  it('stops leading when it cannot renew for the renew deadline', () => {
    const { a, advance, events } = setup();
    a.step();
    advance(9_999);
    expect(a.mayAct()).toBe(true);
    advance(1);
    expect(a.mayAct()).toBe(false);
    expect(events).toEqual(['a leads', 'a stops: the renew deadline passed']);
  });

  it('releases the Lease on a clean stop, so another daemon takes over at once', () => {
    const { reg, a, b } = setup();
    a.step();
    a.stop();
    expect(holder(reg)).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
    b.step();
    expect(b.isLeader).toBe(true);
  });

  it("fences the control loop: a pass does not commit once the Lease is no longer as its leader wrote it", () => {
    const { reg, a } = setup();
    a.step();
    const log: string[] = [];
    let passes = 0;
    const writer = { name: 'writer', sync: (r: Registry) => r.create(configmaps, 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `pass-${++passes}` } }) };
    reg.create(resourceNamed('namespaces'), '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    const loop = new ControlLoop(reg, [writer], (l) => log.push(l), a);
    loop.tick();
    expect(reg.find(configmaps, 'default', 'pass-1')).toBeDefined();
    // Another daemon writes the Lease before a looks again (a still thinks it leads).
    const lease = reg.find(leases, 'kube-system', 'minik-control-plane')!;
    reg.update(leases, 'kube-system', 'minik-control-plane', { ...lease, spec: { ...lease.spec, holderIdentity: 'b' } });
    expect(a.isLeader).toBe(true);
    loop.tick();
    expect(reg.find(configmaps, 'default', 'pass-2')).toBeUndefined();
    expect(log).toEqual([expect.stringMatching(/^control loop pass not committed \(Conflict\): leases.coordination.k8s.io kube-system\/minik-control-plane has changed/)]);
  });
});
