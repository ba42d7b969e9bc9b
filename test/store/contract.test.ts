// The store contract (src/store/backend.ts) as tests every backend must pass: SQLite's Store and
// the etcd store (against a real etcd member this file starts; skipped where etcd is absent).
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/types.js';
import type { Change, ObjectStore } from '../../src/store/backend.js';
import { Store } from '../../src/store/store.js';
import { ETCD_BIN } from '../etcd.js';
import { codeOf, etcdForFile } from './helpers.js';

// Each etcd test gets its own store: a fresh key prefix in the one etcd (as kube-apiserver's --etcd-prefix).
const etcd = etcdForFile();
const BACKENDS: [string, () => ObjectStore][] = [['sqlite (memory)', () => new Store(':memory:')], ...(ETCD_BIN ? [['etcd', () => etcd.open()] as [string, () => ObjectStore]] : [])];

const cm = (name: string, namespace = 'default', data: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data });
const names = (objs: Iterable<KubeObject>) => [...objs].map((o) => `${o.metadata.namespace}/${o.metadata.name}`);

describe.each(BACKENDS)('the store contract: %s', (_name, make) => {
  it('gives each write the next revision as the object resourceVersion', () => {
    const s = make();
    const start = s.revision;
    const a = s.create('configmaps', cm('a'));
    const a2 = s.update('configmaps', { ...a, data: { x: '1' } });
    const gone = s.delete('configmaps', 'default', 'a');
    expect([a, a2, gone].map((o) => Number(o.metadata.resourceVersion))).toEqual([start + 1, start + 2, start + 3]);
    expect(s.revision).toBe(start + 3);
    expect(s.get('configmaps', 'default', 'a')).toBeUndefined();
  });

  it('refuses a duplicate, a missing object and a stale resourceVersion', () => {
    const s = make();
    const a = s.create('configmaps', cm('a'));
    expect(codeOf(() => s.create('configmaps', cm('a')))).toBe('AlreadyExists');
    expect(codeOf(() => s.update('configmaps', cm('zz')))).toBe('NotFound');
    expect(codeOf(() => s.delete('configmaps', 'default', 'zz'))).toBe('NotFound');
    s.update('configmaps', { ...a, data: { x: '1' } }, a.metadata.resourceVersion);
    expect(codeOf(() => s.update('configmaps', { ...a, data: { x: '2' } }, a.metadata.resourceVersion))).toBe('Conflict');
    expect(codeOf(() => s.delete('configmaps', 'default', 'a', a.metadata.resourceVersion))).toBe('Conflict');
  });

  it('lists in key order, iterates in creation order, scoped by namespace', () => {
    const s = make();
    for (const [n, ns] of [['b', 'y'], ['a', 'y'], ['c', 'x']]) s.create('configmaps', cm(n, ns));
    expect(names(s.list('configmaps'))).toEqual(['x/c', 'y/a', 'y/b']);
    expect(names(s.values('configmaps'))).toEqual(['y/b', 'y/a', 'x/c']);
    expect(names(s.list('configmaps', 'y'))).toEqual(['y/a', 'y/b']);
    expect(s.count('configmaps')).toBe(3);
    expect(s.list('secrets')).toEqual([]);
  });

  it('moves a resource write count on its writes only', () => {
    const s = make();
    const before = [s.writeCount('configmaps'), s.writeCount('secrets')];
    s.create('configmaps', cm('a'));
    expect(s.writeCount('configmaps')).not.toBe(before[0]);
    expect(s.writeCount('secrets')).toBe(before[1]);
  });

  it('commits a transaction whole, or undoes it whole; watchers hear only committed changes', () => {
    const s = make();
    const heard: string[] = [];
    const stop = s.subscribe((cs) => heard.push(cs.map((c) => `${c.type} ${c.name}`).join(',')));
    s.transaction(() => {
      s.create('configmaps', cm('a'));
      s.create('configmaps', cm('b'));
      expect(heard).toEqual([]);
    });
    expect(heard).toEqual(['ADDED a,ADDED b']);
    const rewinds = s.rewindCount;
    expect(() =>
      s.transaction(() => {
        s.delete('configmaps', 'default', 'a');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(s.get('configmaps', 'default', 'a')).toBeDefined();
    expect(s.rewindCount).not.toBe(rewinds);
    expect(heard).toEqual(['ADDED a,ADDED b']);
    stop();
    s.create('configmaps', cm('c'));
    expect(heard).toHaveLength(1);
  });

  it('undoes a failed savepoint alone', () => {
    const s = make();
    s.transaction(() => {
      s.create('configmaps', cm('kept'));
      expect(() =>
        s.savepoint(() => {
          s.create('configmaps', cm('undone'));
          throw new Error('component failed');
        }),
      ).toThrow('component failed');
    });
    expect(names(s.list('configmaps'))).toEqual(['default/kept']);
  });

  it('undoes a failed savepoint over an object the transaction wrote before it, keeping that earlier write', () => {
    const s = make();
    const heard: string[] = [];
    s.subscribe((cs) => heard.push(...cs.map((c) => `${c.type} ${c.name} ${JSON.stringify(c.object.data)} ${c.object.metadata.resourceVersion}`)));
    const a = s.transaction(() => {
      const created = s.create('configmaps', cm('a', 'default', { v: '1' }));
      expect(() =>
        s.savepoint(() => {
          s.update('configmaps', { ...created, data: { v: '2' } });
          throw new Error('component failed');
        }),
      ).toThrow('component failed');
      return created;
    });
    const stored = s.get('configmaps', 'default', 'a')!;
    expect(stored.data).toEqual({ v: '1' });
    expect(stored.metadata.resourceVersion).toBe(a.metadata.resourceVersion);
    expect(heard).toEqual([`ADDED a {"v":"1"} ${stored.metadata.resourceVersion}`]);
  });

  it('serves changes since a revision, with the open transaction through changesAfter, until compacted', () => {
    const s = make();
    const from = s.revision;
    const cursor = s.cursor;
    s.create('configmaps', cm('a'));
    const summary = (cs: Change[]) => cs.map((c) => `${c.type} ${c.resource} ${c.namespace}/${c.name} prev=${c.prev ? c.prev.metadata.resourceVersion : '-'}`);
    s.transaction(() => {
      s.update('configmaps', { ...s.get('configmaps', 'default', 'a')!, data: { x: '1' } });
      expect(summary(s.changesSince(from))).toEqual(['ADDED configmaps default/a prev=-']);
      expect(summary(s.changesAfter(cursor))).toEqual(['ADDED configmaps default/a prev=-', `MODIFIED configmaps default/a prev=${from + 1}`]);
    });
    expect(s.changesSince(from)).toHaveLength(2);
    s.compact(from + 1);
    expect(s.compacted).toBe(from + 1);
    expect(codeOf(() => s.changesSince(from))).toBe('Compacted');
    expect(summary(s.changesSince(from + 1))).toEqual([`MODIFIED configmaps default/a prev=${from + 1}`]);
  });
});
