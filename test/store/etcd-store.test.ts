// The etcd store as several daemons use it: two stores on one etcd (one prefix) stand for two
// daemons. What the contract does not cover: another writer's changes arriving by watch, a write
// from a stale cache failing at commit, revision order across writers, etcd's per-transaction
// limits, the control loop's fence and etcd going away. Skipped where etcd is not installed.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/types.js';
import { EtcdStore, type EtcdStoreOptions } from '../../src/store/etcd-store.js';
import { ETCD_BIN, startEtcd } from '../etcd.js';
import { codeOf, etcdForFile } from './helpers.js';

const etcd = etcdForFile();

/** Two stores ("daemons") sharing one fresh prefix. */
function pair(opts: Partial<EtcdStoreOptions> = {}): [EtcdStore, EtcdStore] {
  const prefix = etcd.freshPrefix();
  return [etcd.open({ prefix, ...opts }), etcd.open({ prefix, ...opts })];
}

const cm = (name: string, data: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data });
async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.skipIf(!ETCD_BIN)('the etcd store shared by two daemons', () => {
  it("hears the other daemon's writes through the watch, with etcd's mod revision as resourceVersion", async () => {
    const [a, b] = pair();
    const heard: string[] = [];
    b.subscribe((cs) => heard.push(...cs.map((c) => `${c.type} ${c.name} ${c.object.metadata.resourceVersion}`)));
    const x = a.create('configmaps', cm('x', { k: 'v' }));
    await until(() => b.get('configmaps', 'default', 'x') !== undefined);
    expect(b.get('configmaps', 'default', 'x')).toEqual(x);
    a.delete('configmaps', 'default', 'x');
    await until(() => b.get('configmaps', 'default', 'x') === undefined);
    expect(heard).toEqual([`ADDED x ${x.metadata.resourceVersion}`, `DELETED x ${Number(x.metadata.resourceVersion) + 1}`]);
    expect(b.revision).toBe(a.revision);
  });

  it('fails a write made from a stale copy with Conflict (a create with AlreadyExists), then knows the current one', () => {
    const [a, b] = pair();
    const x = a.create('configmaps', cm('x'));
    // b has not run its event loop since: it has not heard of x, so its create fails at commit.
    expect(codeOf(() => b.create('configmaps', cm('x')))).toBe('AlreadyExists');
    expect(b.get('configmaps', 'default', 'x')?.metadata.resourceVersion).toBe(x.metadata.resourceVersion);
    a.update('configmaps', { ...x, data: { by: 'a' } });
    expect(codeOf(() => b.update('configmaps', { ...x, data: { by: 'b' } }))).toBe('Conflict');
    expect(b.get('configmaps', 'default', 'x')?.data).toEqual({ by: 'a' });
    const rewinds = b.rewindCount;
    expect(b.update('configmaps', { ...b.get('configmaps', 'default', 'x')!, data: { by: 'b' } }).data).toEqual({ by: 'b' });
    expect(b.rewindCount).toBe(rewinds);
  });

  it("puts the other daemon's earlier writes before its own in its change log (revision order)", () => {
    const [a, b] = pair();
    const start = a.revision;
    a.create('configmaps', cm('first'));
    b.create('configmaps', cm('second')); // b learns of `first` only at its commit
    expect(b.changesSince(start).map((c) => `${c.rev - start} ${c.name}`)).toEqual(['1 first', '2 second']);
    const cursor = b.cursor;
    a.create('configmaps', cm('third'));
    b.create('configmaps', cm('fourth'));
    expect(b.changesAfter(cursor).map((c) => c.name)).toEqual(['third', 'fourth']);
  });

  it("sends a transaction over etcd's limits as several etcd transactions, each with its own revision", () => {
    const [a, b] = pair({ maxTxnOps: 4 });
    const start = a.revision;
    a.transaction(() => {
      for (let i = 0; i < 10; i++) a.create('configmaps', cm(`c${i}`));
    });
    const revs = a.list('configmaps').map((o) => Number(o.metadata.resourceVersion) - start);
    expect(revs.sort()).toEqual([1, 1, 1, 1, 2, 2, 2, 2, 3, 3]);
    expect(a.changesSince(start).map((c) => c.name)).toEqual(['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8', 'c9']);
    // One transaction's writes keep their own places for the control loop's readers.
    expect(new Set(a.changesSince(start).map((c) => c.seq)).size).toBe(10);
    b.create('configmaps', cm('after'));
    expect(b.count('configmaps')).toBe(11);
  });

  it('keeps the fenced transaction from committing once the fence object moved', async () => {
    const [a, b] = pair();
    const lease = a.create('leases.coordination.k8s.io', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'l', namespace: 'kube-system' }, spec: { holderIdentity: 'a' } });
    const fence = [{ resource: 'leases.coordination.k8s.io', namespace: 'kube-system', name: 'l', resourceVersion: lease.metadata.resourceVersion! }];
    a.transaction(() => a.create('configmaps', cm('ok')), { unchanged: fence });
    await until(() => b.get('leases.coordination.k8s.io', 'kube-system', 'l') !== undefined);
    b.update('leases.coordination.k8s.io', { ...lease, spec: { holderIdentity: 'b' } });
    // a has not heard of b's write: the comparison in etcd refuses it.
    expect(codeOf(() => a.transaction(() => a.create('configmaps', cm('late')), { unchanged: fence }))).toBe('Conflict');
    expect(a.get('configmaps', 'default', 'late')).toBeUndefined();
    // Now that it knows, it refuses before running anything.
    expect(codeOf(() => a.transaction(() => a.create('configmaps', cm('later')), { unchanged: fence }))).toBe('Conflict');
  });

  it('with group commit, sends the transactions that come together as one etcd commit, and answers their waiters after it', async () => {
    const prefix = etcd.freshPrefix();
    const s = etcd.open({ prefix, groupCommit: true });
    const heard: string[][] = [];
    s.subscribe((cs) => heard.push(cs.map((c) => c.name)));
    const start = s.revision;
    const a = s.create('configmaps', cm('a'));
    const b = s.create('configmaps', cm('b'));
    expect(s.get('configmaps', 'default', 'b')).toBe(b); // read back before the commit
    expect(heard).toEqual([]);
    await s.settled();
    expect([a.metadata.resourceVersion, b.metadata.resourceVersion]).toEqual([String(start + 1), String(start + 1)]);
    expect(heard).toEqual([['a', 'b']]);
    expect(s.settled()).toBeUndefined();

    // A batch that fails fails every transaction in it, and memory returns to what etcd holds.
    const stale = etcd.open({ prefix });
    s.create('configmaps', cm('c'));
    stale.create('configmaps', cm('c', { by: 'the other daemon' }));
    const waited = s.settled()!;
    await expect(waited).rejects.toMatchObject({ code: 'AlreadyExists' });
    expect(s.get('configmaps', 'default', 'c')?.data).toEqual({ by: 'the other daemon' });
  });

  it('fails writes with Unavailable while etcd is down and keeps serving reads; writes again when it is back', async () => {
    const solo = await startEtcd(1);
    try {
      const s = etcd.open({ endpoints: solo.endpoints, callTimeoutMs: 1000 });
      s.create('configmaps', cm('before'));
      await solo.members[0].kill();
      expect(codeOf(() => s.create('configmaps', cm('during')))).toBe('Unavailable');
      expect(s.get('configmaps', 'default', 'during')).toBeUndefined();
      expect(s.list('configmaps').map((o) => o.metadata.name)).toEqual(['before']);
      await solo.members[0].start();
      await until(() => codeOf(() => s.create('configmaps', cm('after'))) === 'ok', 20_000);
      expect(s.list('configmaps').map((o) => o.metadata.name)).toEqual(['after', 'before']);
    } finally {
      await solo.stop();
    }
  }, 60_000);
});
