// RevisionGate: a controller syncs only when something it reads changed (or a wake-up came).
// ChangeFeed: what changed since a controller last caught up, so it syncs only what that touches.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/api/clock.js';
import { resolveResource } from '../../src/api/resources.js';
import { Registry } from '../../src/apiserver/registry.js';
import { RevisionGate } from '../../src/runtime/controller.js';
import { ChangeFeed, KeyedQueue } from '../../src/runtime/change-feed.js';
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

describe('ChangeFeed', () => {
  const setup = () => {
    const reg = new Registry(new Store(':memory:', { maxChangeLog: 10 }), new FakeClock(Date.parse('2026-11-23T10:00:00Z')));
    bootstrap(reg);
    return { reg, feed: new ChangeFeed(['pods']), podsR: resolveResource('pods')[0], cmR: resolveResource('configmaps')[0] };
  };
  const names = (changes: { type: string; name: string }[] | undefined) => changes?.map((c) => `${c.type} ${c.name}`);

  it('gives the watched resources\' changes since it last read or caught up, open transaction included', () => {
    const { reg, feed, podsR, cmR } = setup();
    expect(feed.read(reg)).toBeUndefined(); // the first read: resync everything
    reg.create(podsR, 'default', pod('a'));
    reg.create(cmR, 'default', cm('unwatched'));
    expect(names(feed.read(reg))).toEqual(['ADDED a']);
    expect(feed.read(reg)).toEqual([]);
    reg.transaction(() => {
      reg.create(podsR, 'default', pod('b'));
      // Not committed yet, as for a controller after another in the same control-loop tick.
      expect(names(feed.read(reg))).toEqual(['ADDED b']);
      reg.delete(podsR, 'default', 'a');
      feed.caughtUp(reg); // its own write: does not come back
    });
    expect(feed.read(reg)).toEqual([]);
  });

  it('asks for a resync when writes were undone or history compacted', () => {
    const { reg, feed, podsR } = setup();
    feed.read(reg);
    reg.transaction(() => {
      try {
        reg.savepoint(() => {
          reg.create(podsR, 'default', pod('undone'));
          throw new Error('failed');
        });
      } catch {
        // the savepoint's writes are undone; its revision will be given to another write
      }
      reg.create(podsR, 'default', pod('kept'));
    });
    expect(feed.read(reg)).toBeUndefined();
    for (let i = 0; i < 20; i++) reg.create(podsR, 'default', pod(`p${i}`));
    expect(feed.read(reg)).toBeUndefined();
    reg.create(podsR, 'default', pod('last'));
    expect(names(feed.read(reg))).toEqual(['ADDED last']);
  });
});

describe('KeyedQueue', () => {
  it('syncs everything first, then the keys changes touch and the keys whose wake-up came; a failed pass resyncs all', () => {
    const clock = new FakeClock(Date.parse('2026-11-23T10:00:00Z'));
    const reg = new Registry(new Store(':memory:'), clock);
    bootstrap(reg);
    const podsR = resolveResource('pods')[0];
    const q = new KeyedQueue(['pods']);
    const passes: (string[] | 'all')[] = [];
    const pass = (fail = false) =>
      q.run(
        reg,
        (changes) => new Set(changes.map((c) => c.name)),
        (keys) => {
          passes.push(keys ? [...keys] : 'all');
          if (fail) throw new Error('failed');
        },
      );
    pass();
    pass(); // nothing changed: no call
    reg.create(podsR, 'default', pod('a'));
    pass();
    q.wakeAt('later', clock.now() + 5000);
    q.wakeAt('later', clock.now() + 9000); // the earliest ask wins
    pass();
    clock.advance(5000);
    pass();
    reg.create(podsR, 'default', pod('b'));
    expect(() => pass(true)).toThrow('failed');
    pass();
    expect(passes).toEqual(['all', ['a'], ['later'], ['b'], 'all']);
  });
});
