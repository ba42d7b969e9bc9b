// RevisionGate: a controller syncs only when something it reads changed (or a wake-up came).
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/api/clock.js';
import { resolveResource } from '../../src/api/resources.js';
import { Registry } from '../../src/apiserver/registry.js';
import { RevisionGate } from '../../src/runtime/controller.js';
import { bootstrap } from '../../src/daemon/bootstrap.js';
import { Store } from '../../src/store/store.js';

const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } });
const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });

describe('RevisionGate', () => {
  it('scoped to resources: opens for writes to them and wake-ups, not for other writes', () => {
    const clock = new FakeClock(Date.parse('2026-11-23T10:00:00Z'));
    const reg = new Registry(new Store(':memory:'), clock);
    bootstrap(reg);
    const scoped = new RevisionGate(['pods']);
    const any = new RevisionGate();
    expect([scoped.changed(reg), any.changed(reg)]).toEqual([true, true]);
    reg.create(resolveResource('configmaps')[0], 'default', cm('unrelated'));
    expect([scoped.changed(reg), any.changed(reg)]).toEqual([false, true]);
    reg.create(resolveResource('pods')[0], 'default', pod('p'));
    expect([scoped.changed(reg), any.changed(reg)]).toEqual([true, true]);
    expect(scoped.changed(reg)).toBe(false);
    scoped.wakeAt(clock.now() + 1000);
    clock.advance(1000);
    expect(scoped.changed(reg)).toBe(true);
  });
});
