// Object keys in etcd laid out as kube-apiserver lays them out, and read back.
import { describe, expect, it } from 'vitest';
import { REGISTRY_PREFIX, etcdKey, parseEtcdKey } from '../../src/store/etcd-keys.js';

describe('etcd keys', () => {
  it.each([
    ['pods', 'default', 'web-1', '/registry/pods/default/web-1'],
    ['deployments.apps', 'shop', 'web', '/registry/deployments/shop/web'],
    ['nodes', '', 'minik-worker', '/registry/minions/minik-worker'],
    ['services', 'default', 'kubernetes', '/registry/services/specs/default/kubernetes'],
    ['endpoints', 'default', 'kubernetes', '/registry/services/endpoints/default/kubernetes'],
    ['namespaces', '', 'kube-system', '/registry/namespaces/kube-system'],
    ['leases.coordination.k8s.io', 'kube-node-lease', 'n1', '/registry/leases/kube-node-lease/n1'],
    ['ingresses.networking.k8s.io', 'default', 'web', '/registry/ingress/default/web'],
    ['customresourcedefinitions.apiextensions.k8s.io', '', 'widgets.example.com', '/registry/apiextensions.k8s.io/customresourcedefinitions/widgets.example.com'],
    ['widgets.example.com', 'default', 'w1', '/registry/example.com/widgets/default/w1'],
    ['clusterwidgets.example.com', '', 'cw', '/registry/example.com/clusterwidgets/cw'],
  ])('%s %s/%s is %s, and back', (resource, namespace, name, key) => {
    expect(etcdKey(REGISTRY_PREFIX, resource, namespace, name)).toBe(key);
    expect(parseEtcdKey(REGISTRY_PREFIX, key)).toEqual({ resource, namespace, name });
  });

  it('ignores keys that are not objects', () => {
    for (const key of ['/registry/minik.dev/identity', '/other/pods/default/x', '/registry/pods', '/registry/pods/a/b/c']) expect(parseEtcdKey(REGISTRY_PREFIX, key)).toBeUndefined();
  });
});
