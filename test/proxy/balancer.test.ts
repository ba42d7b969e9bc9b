// kube-proxy's choices for process pods: which Service ports are served, and which endpoint a
// connection goes to (round-robin, ClientIP affinity with its timeout, retries in order).
import { describe, expect, it } from 'vitest';
import type { EndpointSlice, Service } from '../../src/api/types.js';
import { Balancer } from '../../src/proxy/balancer.js';
import { proxiedPorts } from '../../src/proxy/service-proxy.js';

describe('balancer', () => {
  it('goes round-robin, the rest of the endpoints after the choice as retries', () => {
    const b = new Balancer();
    const eps = ['a:1', 'b:1', 'c:1'];
    expect([0, 1, 2, 3].map(() => b.order(eps, '127.0.0.1', 0)[0])).toEqual(['a:1', 'b:1', 'c:1', 'a:1']);
    expect(b.order(eps, '127.0.0.1', 0)).toEqual(['b:1', 'c:1', 'a:1']);
    expect(b.order([], 'x', 0)).toEqual([]);
  });

  it.each([
    ['within the timeout: the same endpoint', 5_000, 'b:1'],
    ['after the timeout: round-robin again', 11_000, 'c:1'],
  ])('ClientIP affinity %s', (_name, later, want) => {
    const b = new Balancer(10);
    const eps = ['a:1', 'b:1', 'c:1'];
    b.order(eps, 'other', 0); // a
    const first = b.order(eps, 'me', 0)[0]; // b
    b.connected('me', first, 0);
    expect(b.order(eps, 'me', later)[0]).toBe(want);
  });

  it('ClientIP affinity forgets an endpoint that is gone', () => {
    const b = new Balancer(100);
    b.connected('me', 'gone:1', 0);
    expect(b.order(['a:1'], 'me', 1)[0]).toBe('a:1');
  });
});

describe('proxied ports', () => {
  const svc = (name: string, type: string, extra: Partial<Service['spec']> = {}) =>
    ({ metadata: { name, namespace: 'default' }, spec: { type, ports: [{ name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' }], ...extra } }) as unknown as Service;
  const slice = (svcName: string, endpoints: { ip: string; uid: string; ready?: boolean }[]) =>
    ({
      metadata: { name: `${svcName}-x`, namespace: 'default', labels: { 'kubernetes.io/service-name': svcName } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: endpoints.map((e) => ({ addresses: [e.ip], conditions: { ready: e.ready ?? true }, targetRef: { kind: 'Pod', name: e.uid, uid: e.uid } })),
    }) as unknown as EndpointSlice;

  it('serves NodePort and LoadBalancer ports, over ready endpoints whose pod runs as processes', () => {
    const ports = proxiedPorts(
      [svc('web', 'NodePort', { sessionAffinity: 'ClientIP' }), svc('lb', 'LoadBalancer'), svc('internal', 'ClusterIP')],
      [
        slice('web', [
          { ip: '127.9.1.2', uid: 'p1' },
          { ip: '127.9.1.3', uid: 'p2', ready: false },
          { ip: '10.244.1.4', uid: 'sim' },
        ]),
      ],
      (uid) => uid !== 'sim',
    );
    expect(ports).toEqual([
      { service: 'default/web:http', nodePort: 30080, endpoints: ['127.9.1.2:8080'], affinitySeconds: 10800 },
      { service: 'default/lb:http', nodePort: 30080, endpoints: [] },
    ]);
  });
});
