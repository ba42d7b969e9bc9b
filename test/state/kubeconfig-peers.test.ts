// The kubeconfig's entries for the other API servers of a cluster on a shared etcd.
import { describe, expect, it } from 'vitest';
import { withMinikEntries, withPeerEntries } from '../../src/state/kubeconfig.js';

describe('kubeconfig entries for the other API servers', () => {
  const base = withMinikEntries({ apiVersion: 'v1', kind: 'Config', clusters: [{ name: 'prod', cluster: { server: 'https://prod' } }], contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'me' } }] }, 1000, 'tok', 'CA');

  it('adds a cluster and a context per server, with the minik user, and keeps everything else', () => {
    const cfg = withPeerEntries(base, ['https://127.0.0.1:2000', 'https://127.0.0.1:3000'], 'CA');
    expect(cfg.contexts!.map((c) => c.name)).toEqual(['prod', 'minik', 'minik-2000', 'minik-3000']);
    expect(cfg.clusters!.find((c) => c.name === 'minik-3000')!.cluster).toEqual({ 'certificate-authority-data': Buffer.from('CA').toString('base64'), server: 'https://127.0.0.1:3000' });
    expect(cfg.contexts!.find((c) => c.name === 'minik-2000')!.context).toEqual({ cluster: 'minik-2000', user: 'minik', namespace: 'default' });
    expect(cfg.users).toEqual(base.users);
  });

  it('removes the entries of servers no longer listed, and a current context that was one of them', () => {
    const two = { ...withPeerEntries(base, ['https://127.0.0.1:2000', 'https://127.0.0.1:3000'], 'CA'), 'current-context': 'minik-3000' };
    const one = withPeerEntries(two, ['https://127.0.0.1:2000'], 'CA');
    expect(one.contexts!.map((c) => c.name)).toEqual(['prod', 'minik', 'minik-2000']);
    expect(one.clusters!.map((c) => c.name)).toEqual(['prod', 'minik', 'minik-2000']);
    expect(one['current-context']).toBe('minik');
  });
});
