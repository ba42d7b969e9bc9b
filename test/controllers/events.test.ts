// The event recorder's correlation (client-go's EventCorrelator): counting, aggregation of similar
// events, the per-object spam filter, and the scheduler's uncorrelated events.
import { describe, expect, it } from 'vitest';
import { resolveResource } from '../../src/api/resources.js';
import type { KubeObject } from '../../src/api/types.js';
import { recordEvent } from '../../src/runtime/events.js';
import { TestCluster } from '../cluster.js';

const eventsR = resolveResource('events')[0];

/** A cluster whose loop never runs: only the events these tests record exist. */
function setup() {
  const { clock, reg } = new TestCluster();
  const rs: KubeObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'default', uid: 'rs-uid', resourceVersion: '7' } };
  const events = () => reg.list(eventsR, 'default').items.filter((e) => e.involvedObject.uid === 'rs-uid');
  return { clock, reg, rs, events };
}

describe('recordEvent', () => {
  it.each([
    // [distinct messages, individual events, aggregate count]
    [5, 5, 0],
    [9, 9, 0],
    [10, 9, 1],
    [12, 9, 3],
    [25, 9, 16],
    // the spam filter lets 25 events about one object through, then drops the rest
    [100, 9, 16],
  ])('%d similar events from a controller: %d individual and an aggregate counting %d', (n, individual, aggregateCount) => {
    const { reg, rs, events } = setup();
    for (let i = 0; i < n; i++) recordEvent(reg, { component: 'replicaset-controller' }, rs, 'Normal', 'SuccessfulCreate', `Created pod: web-1-${i}`);
    const all = events();
    const combined = all.filter((e) => e.message.startsWith('(combined from similar events): '));
    expect(all.length - combined.length).toBe(individual);
    expect(combined.length).toBe(aggregateCount ? 1 : 0);
    if (aggregateCount) {
      expect(combined[0].count).toBe(aggregateCount);
      expect(combined[0].message).toBe(`(combined from similar events): Created pod: web-1-${Math.min(n, 25) - 1}`);
    }
  });

  it('counts a repeated event on one object, up to the burst, then one more every five minutes', () => {
    const { clock, reg, rs, events } = setup();
    for (let i = 0; i < 30; i++) recordEvent(reg, { component: 'kubelet', host: 'minik-worker' }, rs, 'Warning', 'BackOff', 'Back-off restarting failed container');
    expect(events().map((e) => e.count)).toEqual([25]);
    clock.advance(300_000);
    recordEvent(reg, { component: 'kubelet', host: 'minik-worker' }, rs, 'Warning', 'BackOff', 'Back-off restarting failed container');
    recordEvent(reg, { component: 'kubelet', host: 'minik-worker' }, rs, 'Warning', 'BackOff', 'Back-off restarting failed container');
    expect(events().map((e) => e.count)).toEqual([26]);
  });

  it('starts aggregating afresh after ten quiet minutes', () => {
    const { clock, reg, rs, events } = setup();
    for (let i = 0; i < 9; i++) recordEvent(reg, { component: 'replicaset-controller' }, rs, 'Normal', 'SuccessfulCreate', `Created pod: a-${i}`);
    clock.advance(600_001);
    recordEvent(reg, { component: 'replicaset-controller' }, rs, 'Normal', 'SuccessfulCreate', 'Created pod: b');
    expect(events().filter((e) => e.message.startsWith('(combined')).length).toBe(0);
    expect(events().length).toBe(10);
  });

  it('remembers the last 4,096 objects per component: older aggregation state is forgotten', () => {
    const { reg, rs, events } = setup();
    for (let i = 0; i < 9; i++) recordEvent(reg, { component: 'replicaset-controller' }, rs, 'Normal', 'SuccessfulCreate', `Created pod: a-${i}`);
    for (let i = 0; i < 4100; i++) recordEvent(reg, { component: 'replicaset-controller' }, { ...rs, metadata: { ...rs.metadata, name: `x-${i}`, uid: `x-${i}` } }, 'Normal', 'SuccessfulCreate', 'Created pod: y');
    recordEvent(reg, { component: 'replicaset-controller' }, rs, 'Normal', 'SuccessfulCreate', 'Created pod: a-9');
    expect(events().filter((e) => e.message.startsWith('(combined')).length).toBe(0);
    expect(events().length).toBe(10);
  });

  it('the scheduler (events.k8s.io) neither aggregates nor filters', () => {
    const { reg, rs, events } = setup();
    for (let i = 0; i < 40; i++) recordEvent(reg, { component: 'default-scheduler' }, rs, 'Warning', 'FailedScheduling', i % 2 ? '0/3 nodes are available: 3 Insufficient cpu.' : `0/3 nodes are available: ${i} Insufficient memory.`);
    expect(events().length).toBe(21);
    expect(events().find((e) => e.message === '0/3 nodes are available: 3 Insufficient cpu.')!.count).toBe(20);
  });

  it('a component filters each object separately', () => {
    const { reg, rs, events } = setup();
    const other = { ...rs, metadata: { ...rs.metadata, name: 'web-2', uid: 'rs-2' } };
    for (let i = 0; i < 30; i++) recordEvent(reg, { component: 'kubelet', host: 'n' }, rs, 'Normal', 'Pulled', 'x');
    recordEvent(reg, { component: 'kubelet', host: 'n' }, other, 'Normal', 'Pulled', 'x');
    expect(events()[0].count).toBe(25);
    expect(reg.list(eventsR, 'default').items.filter((e) => e.involvedObject.uid === 'rs-2').map((e) => e.count)).toEqual([1]);
  });
});

describe('event names', () => {
  it('are the object name and the time in hex nanoseconds, so events of one second sort in the order they happened', () => {
    const { reg, rs, events } = setup();
    for (const reason of ['Zeta', 'Alpha', 'Mid']) recordEvent(reg, { component: 'replicaset-controller' }, rs, 'Normal', reason, `${reason} happened`);
    const names = events().map((e) => e.metadata.name!);
    expect(names.every((n) => /^web-1\.[0-9a-f]{15,}$/.test(n))).toBe(true);
    expect(events().sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1)).map((e) => e.reason)).toEqual(['Zeta', 'Alpha', 'Mid']);
  });

  it('a repeat counts on the event it repeats, found by what makes it the same (not by its name)', () => {
    const { reg, rs, events } = setup();
    recordEvent(reg, { component: 'replicaset-controller' }, rs, 'Warning', 'FailedCreate', 'quota exceeded');
    recordEvent(reg, { component: 'replicaset-controller' }, rs, 'Warning', 'FailedCreate', 'quota exceeded');
    expect(events().map((e) => [e.reason, e.count])).toEqual([['FailedCreate', 2]]);
  });
});
