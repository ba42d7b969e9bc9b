// @kubernetes/client-node against minik, with the kubeconfig the daemon wrote: list, create,
// patch, read, watch (Watch and an Informer) and delete.
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastForward, testDaemon } from '../helpers.js';

let env: Awaited<ReturnType<typeof testDaemon>>;
let stopTicking: () => void;
let kc: k8s.KubeConfig;

beforeAll(async () => {
  env = await testDaemon();
  stopTicking = fastForward(env);
  kc = new k8s.KubeConfig();
  kc.loadFromFile(path.join(env.home, 'kubeconfig'));
});
afterAll(async () => {
  stopTicking();
  await env.stop();
});

const waitUntil = async (f: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('@kubernetes/client-node', () => {
  it('creates a CRD and works its custom objects through CustomObjectsApi', async () => {
    const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
    // The typed model names a schema's `default` `_default` (its serializer writes it as `default`).
    await ext.createCustomResourceDefinition({
      body: {
        metadata: { name: 'widgets.client.example.com' },
        spec: {
          group: 'client.example.com',
          scope: 'Namespaced',
          names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
          versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', _default: 1 } } }, status: { type: 'object', properties: { ready: { type: 'boolean' } } } } } } }],
        },
      },
    });
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const at = { group: 'client.example.com', version: 'v1', namespace: 'default', plural: 'widgets' };
    const created = (await custom.createNamespacedCustomObject({ ...at, body: { apiVersion: 'client.example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: {} } })) as { spec: { size: number } };
    expect(created.spec.size).toBe(1);
    await custom.patchNamespacedCustomObject({ ...at, name: 'w', body: { spec: { size: 3 } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    await custom.patchNamespacedCustomObjectStatus({ ...at, name: 'w', body: { status: { ready: true } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    const list = (await custom.listNamespacedCustomObject(at)) as { items: { spec: { size: number }; status: { ready: boolean } }[] };
    expect(list.items.map((w) => [w.spec.size, w.status.ready])).toEqual([[3, true]]);
    await ext.deleteCustomResourceDefinition({ name: 'widgets.client.example.com' });
  });

  it('lists, creates, patches, reads and deletes', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toEqual(expect.arrayContaining(['default', 'kube-system']));
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'from-client' }, data: { a: '1' } } });
    expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
    const patched = await core.patchNamespacedConfigMap({ name: 'from-client', namespace: 'default', body: { data: { b: '2' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    expect(patched.data).toEqual({ a: '1', b: '2' });
    expect((await core.readNamespacedConfigMap({ name: 'from-client', namespace: 'default' })).data).toEqual({ a: '1', b: '2' });
    await core.deleteNamespacedConfigMap({ name: 'from-client', namespace: 'default' });
    await expect(core.readNamespacedConfigMap({ name: 'from-client', namespace: 'default' })).rejects.toMatchObject({ code: 404 });
  });

  it('creates a Deployment whose pods come up, and reads them through AppsV1Api', async () => {
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: 'default',
      body: { metadata: { name: 'cn' }, spec: { replicas: 2, selector: { matchLabels: { app: 'cn' } }, template: { metadata: { labels: { app: 'cn' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } } },
    });
    let ready = 0;
    for (let i = 0; i < 200 && ready !== 2; i++) {
      ready = (await apps.readNamespacedDeployment({ name: 'cn', namespace: 'default' })).status?.readyReplicas ?? 0;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(ready).toBe(2);
  });

  it('watches with Watch and keeps a cache with an Informer', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const seen: string[] = [];
    const watch = new k8s.Watch(kc);
    const req = await watch.watch('/api/v1/namespaces/default/configmaps', {}, (type, obj) => seen.push(`${type} ${obj.metadata.name}`), () => undefined);
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default' }));
    const added: string[] = [];
    informer.on('add', (o) => added.push(o.metadata!.name!));
    await informer.start();
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'watched' } } });
    await waitUntil(() => seen.includes('ADDED watched') && added.includes('watched'));
    await core.deleteNamespacedConfigMap({ name: 'watched', namespace: 'default' });
    await waitUntil(() => seen.includes('DELETED watched'));
    await informer.stop();
    req.abort();
    expect(informer.list().map((o) => o.metadata?.name)).not.toContain('watched');
  });
});
