// HTTP round trips against a real server on port 0 over an in-memory store.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/api/clock.js';
import { encodeProtobuf } from '../../src/api/protobuf/encode.js';
import { Registry } from '../../src/apiserver/registry.js';
import { ApiServer } from '../../src/apiserver/server.js';
import { bootstrap } from '../../src/daemon/bootstrap.js';
import { Store } from '../../src/store/store.js';

const TOKEN = 'test-token';
let server: ApiServer;
let base: string;
let clock: FakeClock;

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json, headers: res.headers };
}

const deploy = (name: string, replicas = 1) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, labels: { app: name } },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } } },
});
const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';

beforeAll(async () => {
  clock = new FakeClock(Date.parse('2026-11-23T10:00:00Z'));
  const reg = new Registry(new Store(':memory:'), clock, () => 0.5);
  bootstrap(reg);
  server = new ApiServer(reg, { token: TOKEN });
  base = `http://127.0.0.1:${await server.listen(0)}`;
});
afterAll(() => server.close());

describe('the REST API', () => {
  it('refuses requests without the token, with a Status', async () => {
    const res = await fetch(base + '/api/v1/namespaces');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
  });

  it('accepts the token as a path prefix (for client-go over plain HTTP)', async () => {
    expect((await fetch(`${base}/t/${TOKEN}/api/v1/namespaces/default`)).status).toBe(200);
    expect((await fetch(`${base}/t/wrong/api/v1/namespaces/default`)).status).toBe(401);
  });

  it('serves /version (minor 32) and /healthz without a token', async () => {
    expect(await (await fetch(base + '/version')).json()).toMatchObject({ major: '1', minor: '32' });
    expect(await (await fetch(base + '/healthz')).text()).toBe('ok');
  });

  it('creates with defaults, generation 1, a uid and a creationTimestamp from the clock', async () => {
    const res = await api('POST', DEPLOYS, deploy('web', 2));
    expect(res.status).toBe(201);
    expect(res.body.metadata).toMatchObject({ name: 'web', namespace: 'default', generation: 1, creationTimestamp: '2026-11-23T10:00:00Z' });
    expect(res.body.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.spec.strategy.rollingUpdate).toEqual({ maxSurge: '25%', maxUnavailable: '25%' });
    expect(res.body.status).toEqual({});
  });

  it('answers AlreadyExists, NotFound and a missing namespace as Kubernetes does', async () => {
    const dup = await api('POST', DEPLOYS, deploy('web'));
    expect(dup.status).toBe(409);
    expect(dup.body).toMatchObject({ reason: 'AlreadyExists', message: 'deployments.apps "web" already exists', details: { name: 'web', group: 'apps', kind: 'deployments' } });
    const nf = await api('GET', DEPLOYS + '/nope');
    expect(nf.status).toBe(404);
    expect(nf.body.message).toBe('deployments.apps "nope" not found');
    const ns = await api('POST', '/api/v1/namespaces/ghost/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } });
    expect(ns.status).toBe(404);
    expect(ns.body.message).toBe('namespaces "ghost" not found');
  });

  it('answers 422 Invalid with one cause per field', async () => {
    const bad = deploy('bad');
    bad.spec.selector.matchLabels = { app: 'other' };
    (bad.spec.template.spec.containers[0] as any).image = '';
    const res = await api('POST', DEPLOYS, bad);
    expect(res.status).toBe(422);
    expect(res.body.details.causes).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: {"app":"bad"}: `selector` does not match template `labels`', field: 'spec.template.metadata.labels' },
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.template.spec.containers[0].image' },
    ]);
    expect(res.body.message).toMatch(/^Deployment.apps "bad" is invalid: \[spec.template.metadata.labels: Invalid value/);
  });

  it('rejects wrong types always, and unknown fields under fieldValidation=Strict', async () => {
    const typed: any = deploy('typed');
    typed.spec.replicas = 'three';
    const t = await api('POST', DEPLOYS, typed);
    expect(t.status).toBe(400);
    expect(t.body.message).toBe('Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
    const unknown: any = deploy('unknown');
    unknown.spec.replica = 3;
    const strict = await api('POST', DEPLOYS + '?fieldValidation=Strict', unknown);
    expect(strict.body.message).toBe('Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replica"');
    const warn = await api('POST', DEPLOYS + '?fieldValidation=Warn', unknown);
    expect(warn.status).toBe(201);
    expect(warn.headers.get('warning')).toBe('299 - "unknown field \\"spec.replica\\""');
  });

  it('bumps generation only on spec changes, and 409s a stale resourceVersion', async () => {
    const cur = (await api('GET', DEPLOYS + '/web')).body;
    const labelled = await api('PUT', DEPLOYS + '/web', { ...cur, metadata: { ...cur.metadata, labels: { app: 'web', x: 'y' } } });
    expect(labelled.body.metadata.generation).toBe(1);
    const scaled = await api('PUT', DEPLOYS + '/web', { ...labelled.body, spec: { ...labelled.body.spec, replicas: 5 } });
    expect(scaled.body.metadata.generation).toBe(2);
    const stale = await api('PUT', DEPLOYS + '/web', cur);
    expect(stale.status).toBe(409);
    expect(stale.body.message).toBe('Operation cannot be fulfilled on deployments.apps "web": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('writes /status without touching spec or generation', async () => {
    const cur = (await api('GET', DEPLOYS + '/web')).body;
    const res = await api('PUT', DEPLOYS + '/web/status', { ...cur, spec: { ...cur.spec, replicas: 99 }, status: { observedGeneration: 2, replicas: 5 } });
    expect(res.body.spec.replicas).toBe(5);
    expect(res.body.status).toEqual({ observedGeneration: 2, replicas: 5 });
    expect(res.body.metadata.generation).toBe(2);
    // A main-resource update keeps that status.
    const upd = await api('PUT', DEPLOYS + '/web', { ...res.body, status: {} });
    expect(upd.body.status).toEqual({ observedGeneration: 2, replicas: 5 });
  });

  it('patches: merge, JSON and strategic; a no-op patch keeps the resourceVersion', async () => {
    const merge = await api('PATCH', DEPLOYS + '/web', { spec: { replicas: 2 } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(merge.body.spec.replicas).toBe(2);
    const json = await api('PATCH', DEPLOYS + '/web', [{ op: 'replace', path: '/spec/replicas', value: 3 }], { 'Content-Type': 'application/json-patch+json' });
    expect(json.body.spec.replicas).toBe(3);
    const smp = await api('PATCH', DEPLOYS + '/web', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:1.28' }] } } } }, { 'Content-Type': 'application/strategic-merge-patch+json' });
    expect(smp.body.spec.template.spec.containers).toHaveLength(1);
    expect(smp.body.spec.template.spec.containers[0]).toMatchObject({ name: 'c', image: 'nginx:1.28', imagePullPolicy: 'IfNotPresent' });
    const noop = await api('PATCH', DEPLOYS + '/web', { spec: { replicas: 3 } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(noop.body.metadata.resourceVersion).toBe(smp.body.metadata.resourceVersion);
  });

  it('does not persist dry runs', async () => {
    const res = await api('POST', DEPLOYS + '?dryRun=All', deploy('dry'));
    expect(res.status).toBe(201);
    expect((await api('GET', DEPLOYS + '/dry')).status).toBe(404);
  });

  it('lists with label and field selectors, and rejects unsupported fields', async () => {
    await api('POST', DEPLOYS, deploy('api'));
    const byLabel = await api('GET', DEPLOYS + '?labelSelector=' + encodeURIComponent('app in (api,nothing)'));
    expect(byLabel.body.kind).toBe('DeploymentList');
    expect(byLabel.body.items.map((o: any) => o.metadata.name)).toEqual(['api']);
    const byField = await api('GET', DEPLOYS + '?fieldSelector=metadata.name%3Dweb');
    expect(byField.body.items.map((o: any) => o.metadata.name)).toEqual(['web']);
    const bad = await api('GET', DEPLOYS + '?fieldSelector=spec.nodeName%3Dx');
    expect(bad.status).toBe(400);
  });

  it('serves the Table format kubectl asks for', async () => {
    const res = await api('GET', DEPLOYS, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    expect(res.body.kind).toBe('Table');
    expect(res.body.columnDefinitions.map((c: any) => c.name)).toEqual(['Name', 'Ready', 'Up-to-date', 'Available', 'Age', 'Containers', 'Images', 'Selector']);
    expect(res.body.rows[0].cells.slice(0, 2)).toEqual(['api', '0/1']);
  });

  it('serves the scale subresource', async () => {
    const res = await api('PATCH', DEPLOYS + '/web/scale', { spec: { replicas: 4 } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(res.body).toMatchObject({ kind: 'Scale', apiVersion: 'autoscaling/v1', spec: { replicas: 4 }, status: { selector: 'app=web' } });
    expect((await api('GET', DEPLOYS + '/web')).body.spec.replicas).toBe(4);
  });

  it('serves discovery from the resource table', async () => {
    expect((await api('GET', '/api')).body.versions).toEqual(['v1']);
    const groups = (await api('GET', '/apis')).body.groups.map((g: any) => g.name);
    expect(groups).toEqual(expect.arrayContaining(['apps', 'batch', 'networking.k8s.io', 'autoscaling']));
    const apps = (await api('GET', '/apis/apps/v1')).body.resources;
    expect(apps.find((r: any) => r.name === 'deployments')).toMatchObject({ kind: 'Deployment', namespaced: true, shortNames: ['deploy'], categories: ['all'] });
    expect(apps.find((r: any) => r.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
  });

  it('allocates ClusterIPs and NodePorts, and keeps them when a replace omits them', async () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'np' }, spec: { type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 80 }] } };
    const res = await api('POST', '/api/v1/namespaces/default/services', svc);
    expect(res.body.spec.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\./);
    expect(res.body.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    const replaced = await api('PUT', '/api/v1/namespaces/default/services/np', svc);
    expect(replaced.body.spec.clusterIP).toBe(res.body.spec.clusterIP);
    expect(replaced.body.spec.ports[0].nodePort).toBe(res.body.spec.ports[0].nodePort);
    const change = await api('PUT', '/api/v1/namespaces/default/services/np', { ...svc, spec: { ...svc.spec, clusterIP: '10.96.9.9' } });
    expect(change.status).toBe(422);
  });

  it('folds Secret stringData into base64 data', async () => {
    const res = await api('POST', '/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, stringData: { password: 'hunter2' } });
    expect(res.body.data).toEqual({ password: Buffer.from('hunter2').toString('base64') });
    expect(res.body.stringData).toBeUndefined();
    expect(res.body.type).toBe('Opaque');
  });

  it('generates names from generateName with a 5-character suffix', async () => {
    const res = await api('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'cfg-' } });
    expect(res.body.metadata.name).toMatch(/^cfg-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('refuses bodies over the limit and keeps serving', async () => {
    const big = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { x: 'a'.repeat(4 * 1024 * 1024) } };
    const res = await api('POST', '/api/v1/namespaces/default/configmaps', big);
    expect(res.status).toBe(413);
    const tooBigObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { x: 'a'.repeat(2 * 1024 * 1024) } };
    const res2 = await api('POST', '/api/v1/namespaces/default/configmaps', tooBigObject);
    expect([413, 422]).toContain(res2.status);
    expect((await api('GET', '/api/v1/namespaces/default/configmaps/big')).status).toBe(404);
    expect((await fetch(base + '/healthz')).status).toBe(200);
  });

  it('finalizers hold a delete until they are removed', async () => {
    await api('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'fin', finalizers: ['example.com/hold'] } });
    const del = await api('DELETE', '/api/v1/namespaces/default/configmaps/fin');
    expect(del.status).toBe(200);
    expect(del.body.metadata.deletionTimestamp).toBeDefined();
    const add = await api('PATCH', '/api/v1/namespaces/default/configmaps/fin', { metadata: { finalizers: ['example.com/hold', 'x/y'] } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(add.status).toBe(422);
    await api('PATCH', '/api/v1/namespaces/default/configmaps/fin', { metadata: { finalizers: null } }, { 'Content-Type': 'application/merge-patch+json' });
    expect((await api('GET', '/api/v1/namespaces/default/configmaps/fin')).status).toBe(404);
  });
});

describe('watch', () => {
  function watch(path: string): Promise<{ lines: any[]; close: () => void; next: (n: number) => Promise<any[]> }> {
    return new Promise((resolve) => {
      const lines: any[] = [];
      let waiters: { n: number; resolve: (v: any[]) => void }[] = [];
      const req = http.get(base + path, { headers: { Authorization: `Bearer ${TOKEN}` } }, (res) => {
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          buf += c;
          let i: number;
          while ((i = buf.indexOf('\n')) >= 0) {
            lines.push(JSON.parse(buf.slice(0, i)));
            buf = buf.slice(i + 1);
          }
          waiters = waiters.filter((w) => (lines.length >= w.n ? (w.resolve(lines.slice(0, w.n)), false) : true));
        });
        resolve({
          lines,
          close: () => req.destroy(),
          next: (n) => new Promise((r) => (lines.length >= n ? r(lines.slice(0, n)) : waiters.push({ n, resolve: r }))),
        });
      });
    });
  }

  it('streams ADDED, MODIFIED and DELETED from a resourceVersion, honouring selectors', async () => {
    const list = await api('GET', '/api/v1/namespaces/default/configmaps');
    const w = await watch(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${list.body.metadata.resourceVersion}&labelSelector=w%3D1`);
    await api('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w1', labels: { w: '1' } } });
    await api('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' } });
    await api('PATCH', '/api/v1/namespaces/default/configmaps/w1', { data: { a: 'b' } }, { 'Content-Type': 'application/merge-patch+json' });
    await api('DELETE', '/api/v1/namespaces/default/configmaps/w1');
    const events = await w.next(3);
    w.close();
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED w1', 'MODIFIED w1', 'DELETED w1']);
  });

  it('replays history after a resourceVersion', async () => {
    const created = await api('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'replay' } });
    const rv = Number(created.body.metadata.resourceVersion);
    await api('PATCH', '/api/v1/namespaces/default/configmaps/replay', { data: { x: '1' } }, { 'Content-Type': 'application/merge-patch+json' });
    const w = await watch(`/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv - 1}&fieldSelector=metadata.name%3Dreplay`);
    const events = await w.next(2);
    w.close();
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED']);
  });

  it('answers a compacted resourceVersion with an ERROR event carrying 410 Expired', async () => {
    server.registry.compact(server.registry.revision);
    const w = await watch('/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1');
    const [e] = await w.next(1);
    w.close();
    expect(e).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  });
});

describe('autoscaling/v1', () => {
  it('serves HorizontalPodAutoscalers as v1 too, stored as v2', async () => {
    const v1 = '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers';
    const created = await api('POST', v1, { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h1' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'x' }, minReplicas: 1, maxReplicas: 4, targetCPUUtilizationPercentage: 60 } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ apiVersion: 'autoscaling/v1', spec: { targetCPUUtilizationPercentage: 60, maxReplicas: 4 } });
    const v2 = await api('GET', '/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/h1');
    expect(v2.body.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }]);
    const patched = await api('PATCH', `${v1}/h1`, { spec: { targetCPUUtilizationPercentage: 75 } }, { 'Content-Type': 'application/merge-patch+json' });
    expect(patched.body.spec.targetCPUUtilizationPercentage).toBe(75);
    expect((await api('GET', v1)).body.items.map((h: any) => h.spec.targetCPUUtilizationPercentage)).toEqual([75]);
    const disc = await api('GET', '/apis/autoscaling');
    expect(disc.body.versions.map((v: any) => v.version)).toEqual(['v2', 'v1']);
    expect(disc.body.preferredVersion.version).toBe('v2');
    expect((await api('DELETE', `${v1}/h1`)).status).toBe(200);
  });
});

describe('metrics.k8s.io', () => {
  it('serves NodeMetrics, and a 404 for a pod that is not running', async () => {
    const nodes = await api('GET', '/apis/metrics.k8s.io/v1beta1/nodes');
    expect(nodes.status).toBe(200);
    expect(nodes.body.kind).toBe('NodeMetricsList');
    const missing = await api('GET', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope');
    expect(missing.status).toBe(404);
    expect((await api('POST', '/apis/metrics.k8s.io/v1beta1/nodes', {})).status).toBe(405);
  });
});

describe('what typed clients rely on', () => {
  it('reads boolean query parameters as Go\'s ParseBool does, and refuses other values', async () => {
    const cm = await api('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'parsebool' } });
    for (const v of ['True', 't', 'TRUE', '1']) {
      const res = await new Promise<{ status: number; first: string }>((resolve) => {
        const req = http.get(`${base}/api/v1/namespaces/default/configmaps?watch=${v}&resourceVersion=${Number(cm.body.metadata.resourceVersion) - 1}&fieldSelector=metadata.name%3Dparsebool`, { headers: { Authorization: `Bearer ${TOKEN}` } }, (r) => {
          r.setEncoding('utf8');
          r.once('data', (c: string) => {
            resolve({ status: r.statusCode!, first: c });
            req.destroy();
          });
        });
      });
      expect([res.status, JSON.parse(res.first.split('\n')[0]).type]).toEqual([200, 'ADDED']);
    }
    const list = await api('GET', '/api/v1/namespaces/default/configmaps?watch=False');
    expect(list.body.kind).toBe('ConfigMapList');
    const bad = await api('GET', '/api/v1/namespaces/default/configmaps?watch=yes');
    expect([bad.status, bad.body.message]).toEqual([400, 'invalid value for query parameter watch: strconv.ParseBool: parsing "yes": invalid syntax']);
  });

  it('creates workloads with their required status counters at 0', async () => {
    const tpl = { metadata: { labels: { app: 'c' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };
    const spec = { selector: { matchLabels: { app: 'c' } }, template: tpl };
    const cases: [string, object, object][] = [
      ['/apis/apps/v1/namespaces/default/replicasets', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'counters' }, spec }, { replicas: 0 }],
      ['/apis/apps/v1/namespaces/default/daemonsets', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'counters' }, spec }, { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 }],
      ['/apis/apps/v1/namespaces/default/statefulsets', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'counters' }, spec: { ...spec, serviceName: 'c' } }, { replicas: 0, availableReplicas: 0 }],
      ['/apis/policy/v1/namespaces/default/poddisruptionbudgets', { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'counters' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'c' } } } }, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 }],
      ['/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'counters' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'x' }, maxReplicas: 3 } }, { desiredReplicas: 0 }],
    ];
    for (const [path, body, status] of cases) {
      const res = await api('POST', path, body);
      expect([res.status, res.body.status]).toEqual([201, status]);
    }
    const v1 = await api('GET', '/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/counters');
    expect(v1.body.status).toEqual({ currentReplicas: 0, desiredReplicas: 0 });
  });

  it('writes Status bodies in Go\'s field order, and every JSON body with a trailing newline', async () => {
    const res = await fetch(`${base}/api/v1/namespaces/default/configmaps/none`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    const text = await res.text();
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text))).toEqual(['kind', 'apiVersion', 'metadata', 'status', 'message', 'reason', 'details', 'code']);
    expect((await (await fetch(`${base}/api/v1/namespaces/default`, { headers: { Authorization: `Bearer ${TOKEN}` } })).text()).endsWith('}\n')).toBe(true);
  });

  it('answers exec, attach and portforward without a connection upgrade as the apiserver does', async () => {
    await api('POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'streams' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    for (const sub of ['exec?command=ls&stdout=true', 'attach', 'portforward']) {
      const res = await api('POST', `/api/v1/namespaces/default/pods/streams/${sub}`);
      expect([res.status, res.body.message]).toEqual([400, 'Upgrade request required']);
    }
    const discovery = await api('GET', '/api/v1');
    expect(discovery.body.resources.find((x: { name: string }) => x.name === 'pods/exec')).toMatchObject({ kind: 'PodExecOptions', verbs: ['create', 'get'] });
  });
});

describe('apiregistration.k8s.io', () => {
  it('stores APIServices (as charts such as metrics-server create them) and prints the aggregator\'s columns', async () => {
    const body = {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: 'v1beta1.metrics.k8s.io' },
      spec: { group: 'metrics.k8s.io', version: 'v1beta1', service: { name: 'metrics-server', namespace: 'kube-system' }, groupPriorityMinimum: 100, versionPriority: 100, insecureSkipTLSVerify: true },
    };
    const created = await api('POST', '/apis/apiregistration.k8s.io/v1/apiservices', body);
    expect([created.status, created.body.spec.service.name]).toEqual([201, 'metrics-server']);
    const table = await api('GET', '/apis/apiregistration.k8s.io/v1/apiservices', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    expect(table.body.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Service', 'Available', 'Age']);
    expect(table.body.rows[0].cells.slice(0, 3)).toEqual(['v1beta1.metrics.k8s.io', 'kube-system/metrics-server', 'Unknown']);
    const groups = await api('GET', '/apis');
    expect(groups.body.groups.map((g: { name: string }) => g.name)).toContain('apiregistration.k8s.io');
  });
});

describe('aggregated discovery', () => {
  const ACCEPT = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';

  it('answers /api and /apis with every group, version and resource in one APIGroupDiscoveryList when asked', async () => {
    const core = await api('GET', '/api', undefined, { Accept: ACCEPT });
    expect(core.headers.get('content-type')).toBe('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    expect(core.body).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2' });
    const v1 = core.body.items[0].versions[0];
    expect(v1.version).toBe('v1');
    const pods = v1.resources.find((x: { resource: string }) => x.resource === 'pods');
    expect(pods).toMatchObject({ responseKind: { group: '', version: '', kind: 'Pod' }, scope: 'Namespaced', singularResource: 'pod', shortNames: ['po'], categories: ['all'] });
    expect(pods.subresources.map((s: { subresource: string }) => s.subresource)).toContain('log');
    const groups = await api('GET', '/apis', undefined, { Accept: ACCEPT });
    const apps = groups.body.items.find((g: { metadata: { name: string } }) => g.metadata.name === 'apps');
    const deployments = apps.versions[0].resources.find((x: { resource: string }) => x.resource === 'deployments');
    expect(deployments.subresources.find((s: { subresource: string }) => s.subresource === 'scale').responseKind).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    const autoscaling = groups.body.items.find((g: { metadata: { name: string } }) => g.metadata.name === 'autoscaling');
    expect(autoscaling.versions.map((v: { version: string }) => v.version)).toEqual(['v2', 'v1']);
  });

  it('keeps legacy discovery for clients that do not ask for it', async () => {
    expect((await api('GET', '/apis')).body.kind).toBe('APIGroupList');
    expect((await api('GET', '/api')).body.kind).toBe('APIVersions');
  });
});

describe('protobuf request bodies', () => {
  const post = (body: Uint8Array) =>
    fetch(base + '/api/v1/namespaces/default/configmaps', { method: 'POST', headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/vnd.kubernetes.protobuf' }, body }).then(async (r) => ({ status: r.status, body: await r.json() }));

  it('creates an object sent as protobuf, and answers JSON', async () => {
    const res = await post(encodeProtobuf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'from-proto' }, data: { a: '1' } }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'from-proto', namespace: 'default' }, data: { a: '1' } });
  });

  it('answers 400 for a malformed body and 415 for a kind it has no message for', async () => {
    const bad = await post(Buffer.from('k8s\u0000\u00ff\u00ff'));
    expect([bad.status, bad.body.reason]).toEqual([400, 'BadRequest']);
    expect(bad.body.message).toMatch(/^error decoding protobuf: malformed envelope: /);
    const cm = Buffer.from(encodeProtobuf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toString('latin1');
    const unknown = await post(Buffer.from(cm.replace('ConfigMap', 'ConfigMaq'), 'latin1'));
    expect([unknown.status, unknown.body.reason]).toEqual([415, 'UnsupportedMediaType']);
    expect(unknown.body.message).toBe('the body of the request was in an unsupported format (application/vnd.kubernetes.protobuf): minik does not decode ConfigMaq from protobuf yet: send it as JSON');
  });
});

