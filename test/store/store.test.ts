import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store, StoreError } from '../../src/store/store.js';
import { tempHome } from '../helpers.js';
import Database from 'better-sqlite3';
import { CHECKPOINT_BYTES } from '../../src/store/checkpointer.js';

const cm = (name: string, data: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });

describe('store', () => {
  it('gives every write the next global revision as resourceVersion', () => {
    const s = new Store(':memory:');
    const a = s.create('configmaps', cm('a'));
    const b = s.create('configmaps', cm('b'));
    const a2 = s.update('configmaps', { ...a, data: { x: '1' } });
    expect([a.metadata.resourceVersion, b.metadata.resourceVersion, a2.metadata.resourceVersion]).toEqual(['1', '2', '3']);
    expect(s.revision).toBe(3);
    const gone = s.delete('configmaps', 'default', 'b');
    expect(gone.metadata.resourceVersion).toBe('4');
    expect(s.get('configmaps', 'default', 'b')).toBeUndefined();
  });

  it('refuses duplicates and stale compare-and-swap updates', () => {
    const s = new Store(':memory:');
    const a = s.create('configmaps', cm('a'));
    expect(() => s.create('configmaps', cm('a'))).toThrow(StoreError);
    s.update('configmaps', { ...a, data: { x: '1' } }, '1');
    expect(() => s.update('configmaps', { ...a, data: { x: '2' } }, '1')).toThrowError(expect.objectContaining({ code: 'Conflict' }));
    expect(() => s.delete('configmaps', 'default', 'a', '1')).toThrowError(expect.objectContaining({ code: 'Conflict' }));
  });

  it('rolls back a failed transaction in SQLite and in memory, and tells watchers nothing', () => {
    const s = new Store(':memory:');
    const seen: string[] = [];
    s.subscribe((changes) => changes.forEach((c) => seen.push(`${c.type} ${c.name}`)));
    s.create('configmaps', cm('keep'));
    expect(() =>
      s.transaction(() => {
        s.create('configmaps', cm('x'));
        s.create('configmaps', cm('keep'));
      }),
    ).toThrow(StoreError);
    expect(s.get('configmaps', 'default', 'x')).toBeUndefined();
    expect(s.revision).toBe(1);
    expect(seen).toEqual(['ADDED keep']);
    expect(s.create('configmaps', cm('y')).metadata.resourceVersion).toBe('2');
  });

  it('serves the change log from a revision, and 410-style Compacted once compacted', () => {
    const s = new Store(':memory:');
    s.create('configmaps', cm('a'));
    s.create('configmaps', cm('b'));
    s.delete('configmaps', 'default', 'a');
    expect(s.changesSince(1).map((c) => `${c.rev} ${c.type} ${c.name}`)).toEqual(['2 ADDED b', '3 DELETED a']);
    s.compact(2);
    expect(() => s.changesSince(1)).toThrowError(expect.objectContaining({ code: 'Compacted' }));
    expect(s.changesSince(2).map((c) => c.rev)).toEqual([3]);
  });

  it('a failed transaction restores updated and deleted objects from SQLite', () => {
    const s = new Store(':memory:');
    s.create('configmaps', cm('a', { k: '1' }));
    s.create('configmaps', cm('b'));
    expect(() =>
      s.transaction(() => {
        s.update('configmaps', cm('a', { k: '2' }));
        s.delete('configmaps', 'default', 'b');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(s.get('configmaps', 'default', 'a')?.data).toEqual({ k: '1' });
    expect(s.get('configmaps', 'default', 'b')).toBeDefined();
    expect(s.revision).toBe(2);
  });

  it('a failed unit inside a batch undoes only its own writes; the batch commits the rest once', () => {
    const s = new Store(':memory:');
    s.create('configmaps', cm('a', { k: '0' }));
    s.create('configmaps', cm('z', { k: 'kept' }));
    const seen: string[] = [];
    s.subscribe((changes) => changes.forEach((c) => seen.push(`${c.type} ${c.name} ${c.rev}`)));
    s.transaction(() => {
      s.savepoint(() => s.update('configmaps', cm('a', { k: '1' })));
      expect(() =>
        s.savepoint(() => {
          s.update('configmaps', cm('a', { k: '2' })); // restored from the batch's earlier write
          s.update('configmaps', cm('z', { k: 'lost' })); // restored from SQLite
          s.delete('configmaps', 'default', 'z');
          s.create('configmaps', cm('b'));
          throw new Error('component failed');
        }),
      ).toThrow('component failed');
      expect(s.get('configmaps', 'default', 'a')?.data).toEqual({ k: '1' });
      expect(s.get('configmaps', 'default', 'z')?.data).toEqual({ k: 'kept' });
      expect(s.get('configmaps', 'default', 'b')).toBeUndefined();
      s.savepoint(() => s.create('configmaps', cm('c')));
    });
    expect(seen).toEqual(['MODIFIED a 3', 'ADDED c 4']);
    expect(s.get('configmaps', 'default', 'a')?.data).toEqual({ k: '1' });
    expect(s.revision).toBe(4);
  });

  it('not durable (a throwaway cluster): objects live in memory only, and failed units and batches restore the versions they replaced', () => {
    const s = new Store(':memory:', { durable: false });
    const a = s.create('configmaps', cm('a', { v: '1' }));
    s.create('configmaps', cm('b'));
    s.transaction(() => {
      s.update('configmaps', { ...a, data: { v: '2' } });
      expect(() =>
        s.savepoint(() => {
          s.update('configmaps', { ...s.get('configmaps', 'default', 'a')!, data: { v: '3' } });
          s.delete('configmaps', 'default', 'b');
          s.create('configmaps', cm('c'));
          throw new Error('controller failed');
        }),
      ).toThrow('controller failed');
      expect(s.get('configmaps', 'default', 'a')!.data).toEqual({ v: '2' });
      expect(s.get('configmaps', 'default', 'b')).toBeDefined();
      expect(s.get('configmaps', 'default', 'c')).toBeUndefined();
    });
    expect(s.get('configmaps', 'default', 'a')!.data).toEqual({ v: '2' });
    expect(() =>
      s.transaction(() => {
        s.delete('configmaps', 'default', 'a');
        throw new Error('request failed');
      }),
    ).toThrow('request failed');
    expect(s.get('configmaps', 'default', 'a')!.data).toEqual({ v: '2' });
    expect(s.list('configmaps').map((o) => o.metadata.name)).toEqual(['a', 'b']);
    // Nothing was serialised to SQLite: memory is the only copy.
    expect((s as unknown as { db: Database.Database }).db.prepare('SELECT count(*) AS n FROM objects').get()).toEqual({ n: 0 });
    // Every write moved the write count, undone ones too: caches derived from configmaps rebuild.
    expect(s.writeCount('configmaps')).toBeGreaterThanOrEqual(7);
  });

  it('keeps the change log bounded: past the cap the oldest changes are compacted', () => {
    const s = new Store(':memory:', { maxChangeLog: 4 });
    for (const n of ['a', 'b', 'c', 'd', 'e', 'f']) s.create('configmaps', cm(n));
    // Past 5 (1.25 x 4) entries it keeps the newest 4.
    expect(s.changesSince(2).map((c) => c.name)).toEqual(['c', 'd', 'e', 'f']);
    expect(() => s.changesSince(1)).toThrowError(expect.objectContaining({ code: 'Compacted' }));
  });

  it('keeps Events (cold) in SQLite only: read back inside and after a transaction, listed with pending writes, undone with a failed unit', () => {
    const s = new Store(':memory:');
    const ev = (name: string, ns = 'default', message = 'm') => ({ apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: ns }, message });
    s.create('events', ev('a'));
    s.transaction(() => {
      s.create('events', ev('c'));
      s.update('events', ev('a', 'default', 'changed'));
      s.create('events', ev('b', 'other'));
      expect(s.get('events', 'default', 'c')?.message).toBe('m');
      expect(s.list('events').map((e) => `${e.metadata.namespace}/${e.metadata.name}/${e.message}`)).toEqual(['default/a/changed', 'default/c/m', 'other/b/m']);
      expect(s.list('events', 'other').map((e) => e.metadata.name)).toEqual(['b']);
      expect(() =>
        s.savepoint(() => {
          s.delete('events', 'default', 'c');
          s.update('events', ev('a', 'default', 'lost'));
          expect(s.get('events', 'default', 'c')).toBeUndefined();
          throw new Error('component failed');
        }),
      ).toThrow('component failed');
      expect(s.get('events', 'default', 'a')?.message).toBe('changed');
      expect(s.get('events', 'default', 'c')).toBeDefined();
    });
    expect(s.count('events')).toBe(3);
    expect([...s.values('events')].map((e) => e.metadata.name).sort()).toEqual(['a', 'b', 'c']);
    expect(() =>
      s.transaction(() => {
        s.delete('events', 'default', 'a');
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(s.get('events', 'default', 'a')?.message).toBe('changed');
  });

  it('forgets Events at a reopen; the revision survives it; the old change log does not', () => {
    const home = tempHome();
    const file = path.join(home, 'db');
    const s = new Store(file);
    s.create('configmaps', cm('a'));
    s.transaction(() => {
      s.update('configmaps', { ...cm('a', { k: '1' }) });
      s.update('configmaps', { ...cm('a', { k: '2' }) }); // stored once, at commit
    });
    s.create('events', { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e', namespace: 'default' } });
    expect(s.revision).toBe(4);
    s.close();
    const t = new Store(file);
    expect(t.revision).toBe(4);
    expect(t.get('events', 'default', 'e')).toBeUndefined();
    expect(t.get('configmaps', 'default', 'a')?.data).toEqual({ k: '2' });
    expect(() => t.changesSince(3)).toThrowError(expect.objectContaining({ code: 'Compacted' }));
    expect(t.changesSince(4)).toEqual([]);
    t.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('keeps everything across a reopen, revision included', () => {
    const home = tempHome();
    const file = path.join(home, 'db');
    const s = new Store(file);
    s.create('configmaps', cm('a', { k: 'v' }));
    s.create('configmaps', cm('b'));
    s.delete('configmaps', 'default', 'b');
    s.close();
    const t = new Store(file);
    expect(t.revision).toBe(3);
    expect(t.get('configmaps', 'default', 'a')?.data).toEqual({ k: 'v' });
    expect(t.list('configmaps').map((o) => o.metadata.name)).toEqual(['a']);
    expect(t.create('configmaps', cm('c')).metadata.resourceVersion).toBe('4');
    t.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('starts no checkpoint thread for a database that never needs one, and leaves no files behind on close', () => {
    const home = tempHome();
    const file = path.join(home, 'db');
    const s = new Store(file);
    s.create('configmaps', cm('a'));
    s.close();
    expect(fs.readdirSync(home)).toEqual(['db']);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('gives a new database 16 KiB pages (a pod fits in a page) and leaves an existing one as it is', () => {
    const home = tempHome();
    const file = path.join(home, 'db');
    const old = new Database(file);
    old.pragma('page_size = 4096');
    old.exec('CREATE TABLE t (x)');
    old.close();
    new Store(file).close();
    const fresh = path.join(home, 'fresh');
    new Store(fresh).close();
    const pageSize = (f: string) => {
      const db = new Database(f, { readonly: true });
      try {
        return db.pragma('page_size', { simple: true });
      } finally {
        db.close();
      }
    };
    expect(pageSize(fresh)).toBe(16384);
    expect(pageSize(file)).toBe(4096);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('copies the write-ahead log into the database file from a worker thread, not in COMMIT', async () => {
    const home = tempHome();
    const file = path.join(home, 'db');
    const s = new Store(file);
    const big = 'x'.repeat(64 * 1024);
    s.transaction(() => {
      for (let i = 0; i < 1100; i++) s.create('configmaps', cm(`c${i}`, { big }));
    });
    // COMMIT returned without copying: the 70 MiB are in the log, not yet in the database file.
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(CHECKPOINT_BYTES);
    await s.checkpointed();
    expect(fs.statSync(file).size).toBeGreaterThan(CHECKPOINT_BYTES);
    s.close();
    // close() waited for the worker's connection: the main one closed last and removed the log.
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    const t = new Store(file);
    expect(t.count('configmaps')).toBe(1100);
    t.close();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('lists sorted by namespace, then name', () => {
    const s = new Store(':memory:');
    for (const [ns, n] of [['b', 'x'], ['a', 'z'], ['a', 'y']]) s.create('configmaps', { ...cm(n), metadata: { name: n, namespace: ns } });
    expect(s.list('configmaps').map((o) => `${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['a/y', 'a/z', 'b/x']);
    expect(s.list('configmaps', 'a')).toHaveLength(2);
  });
});

describe('KeyFilter', () => {
  it('scans in creation order across namespaces (an update keeps its place), or one namespace alone', () => {
    const s = new Store(':memory:');
    const at = (name: string, namespace: string) => ({ ...cm(name), metadata: { name, namespace } });
    for (const [n, ns] of [['a', 'x'], ['b', 'y'], ['c', 'x'], ['d', 'y']]) s.create('configmaps', at(n, ns));
    s.update('configmaps', { ...s.get('configmaps', 'x', 'a')!, data: { k: 'v' } });
    s.delete('configmaps', 'y', 'b');
    s.create('configmaps', at('b', 'y'));
    expect([...s.values('configmaps')].map((o) => o.metadata.name)).toEqual(['a', 'c', 'd', 'b']);
    expect([...s.values('configmaps', 'y')].map((o) => o.metadata.name)).toEqual(['d', 'b']);
    expect(s.count('configmaps')).toBe(4);
  });

  it('never forgets a key it was given, across growth; mostly says no to others', async () => {
    const { KeyFilter } = await import('../../src/store/key-filter.js');
    const f = new KeyFilter();
    for (let i = 0; i < 20_000; i++) f.add(`events\u0000default/pod-${i}.abc`);
    for (let i = 0; i < 20_000; i++) expect(f.mayHave(`events\u0000default/pod-${i}.abc`)).toBe(true);
    let falsePositives = 0;
    for (let i = 0; i < 20_000; i++) if (f.mayHave(`events\u0000default/other-${i}`)) falsePositives++;
    expect(falsePositives).toBeLessThan(20);
  });
});
