// Services of every type, the simulated ingress controller, and PodDisruptionBudgets in eviction.
import { describe, expect, it } from 'vitest';
import { serviceColumns } from '../../src/api/columns/core.js';
import type { KubeObject } from '../../src/api/types.js';
import { StatusError } from '../../src/apiserver/errors.js';
import { evict } from '../../src/apiserver/eviction.js';
import { budget } from '../../src/controllers/disruption.js';
import { describeObject } from '../../src/printers/describe/kinds.js';
import { TestCluster } from '../cluster.js';

const web = (replicas = 2): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web' },
  spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }] } } },
});
const svc = (name: string, spec: any): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }], ...spec } });
const externalIP = (o: KubeObject) => String(serviceColumns.find((c) => c.header === 'EXTERNAL-IP')!.value(o, 0));

describe('Services', () => {
  it('LoadBalancer gets an external IP from the local pool and keeps its NodePort', () => {
    const k = new TestCluster();
    const created = k.create(svc('lb', { type: 'LoadBalancer' }));
    expect(externalIP(created)).toBe('<pending>');
    k.create(svc('lb2', { type: 'LoadBalancer' }));
    k.run(200);
    const lb = k.get('services', 'lb')!;
    expect(lb.status.loadBalancer.ingress).toEqual([{ ip: '172.18.255.200', ipMode: 'VIP' }]);
    expect(externalIP(k.get('services', 'lb2')!)).toBe('172.18.255.201');
    expect(lb.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect(k.events('EnsuredLoadBalancer')).toHaveLength(2);
    k.patch('services', 'lb', { spec: { type: 'ClusterIP', ports: [{ port: 80 }] } });
    k.run(200);
    expect(k.get('services', 'lb')!.status.loadBalancer).toEqual({});
  });

  it('ExternalName has no endpoints and describes as a CNAME', () => {
    const k = new TestCluster();
    k.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } });
    k.run(500);
    expect(k.get('endpoints', 'db')).toBeUndefined();
    expect(externalIP(k.get('services', 'db')!)).toBe('db.example.com');
    expect(describeObject(k.get('services', 'db')!, { now: k.clock.now() })).toContain('External Name:     db.example.com');
  });

  it('ClientIP session affinity is kept with its default timeout', () => {
    const k = new TestCluster();
    const s = k.create(svc('sticky', { sessionAffinity: 'ClientIP' }));
    expect(s.spec.sessionAffinity).toBe('ClientIP');
    expect(s.spec.sessionAffinityConfig).toEqual({ clientIP: { timeoutSeconds: 10800 } });
  });
});

describe('Ingress', () => {
  const ingress = (backend: string, port: number): KubeObject => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'site' },
    spec: { rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: backend, port: { number: port } } } }] } }] },
  });

  it('gets the default class, an address, and describes its backends with their endpoints', () => {
    const k = new TestCluster();
    k.create(web());
    k.create(svc('web', {}));
    const created = k.create(ingress('web', 80));
    expect(created.spec.ingressClassName).toBe('nginx');
    k.run(2000);
    const ing = k.get('ingresses', 'site')!;
    expect(ing.status.loadBalancer.ingress).toEqual([{ ip: '172.18.0.2' }]);
    const text = describeObject(ing, { now: k.clock.now(), related: k.list('endpoints') });
    expect(text).toMatch(/Ingress Class:\s+nginx/);
    expect(text).toMatch(/shop\.example\.com\s*\n\s+\/\s+web:80 \(10\.244\.\d+\.\d+:80,10\.244\.\d+\.\d+:80\)/);
    expect(k.events('BackendNotFound')).toHaveLength(0);
  });

  it('reports a backend whose Service or port does not exist', () => {
    const k = new TestCluster();
    k.create(svc('web', {}));
    k.create(ingress('missing', 80));
    k.run(500);
    expect(k.events('BackendNotFound').map((e) => e.message)).toEqual(['Error obtaining Endpoints for Service service "default/missing" not found']);
    const text = describeObject(k.get('ingresses', 'site')!, { now: k.clock.now(), related: k.list('endpoints') });
    expect(text).toContain('missing:80 (<error: endpoints "missing" not found>)');
  });

  it('an Ingress of a class nobody serves gets no address', () => {
    const k = new TestCluster();
    const ing = ingress('web', 80);
    ing.spec.ingressClassName = 'traefik';
    k.create(ing);
    k.run(500);
    expect(k.get('ingresses', 'site')!.status ?? {}).toEqual({});
  });
});

describe('PodDisruptionBudgets', () => {
  it.each([
    [{ minAvailable: 2 }, 3, 3, 2, 1],
    [{ minAvailable: '50%' }, 3, 3, 2, 1],
    [{ maxUnavailable: 1 }, 3, 2, 2, 0],
    [{ maxUnavailable: '34%' }, 3, 3, 1, 2],
  ])('%o with %i expected, %i healthy: desired %i, allowed %i', (spec, expected, healthy, desired, allowed) => {
    expect(budget(spec, expected, healthy)).toEqual({ desiredHealthy: desired, disruptionsAllowed: allowed });
  });

  it('refuse an eviction that would break the budget (429), allow one that does not', () => {
    const k = new TestCluster();
    k.create(web(2));
    k.create({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web-pdb' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } });
    k.run(2000);
    expect(k.get('poddisruptionbudgets', 'web-pdb')!.status).toMatchObject({ currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1, expectedPods: 2 });
    const [a, b] = k.list('pods').map((p) => p.metadata.name!);
    evict(k.reg, 'default', a, {}, false);
    let err: StatusError | undefined;
    try {
      evict(k.reg, 'default', b, {}, false);
    } catch (e) {
      err = e as StatusError;
    }
    expect(err?.status).toMatchObject({ code: 429, reason: 'TooManyRequests', message: "Cannot evict pod as it would violate the pod's disruption budget." });
    expect(err?.status.details?.causes?.[0]).toEqual({ reason: 'DisruptionBudget', message: 'The disruption budget web-pdb needs 1 healthy pods and has 2 currently' });
    expect(k.get('pods', b)!.metadata.deletionTimestamp).toBeUndefined();
  });
});
