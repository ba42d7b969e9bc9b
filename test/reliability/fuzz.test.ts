// A fuzz test of the request path: random and mutated paths, query strings, bodies, media types
// and patches against a real server. Whatever comes in, the answer is below 500, every error is a
// `kind: Status` with its own code, nothing reaches Object.prototype, nothing is logged as an
// internal error, and the server still answers. Seeded, so a failure can be replayed
// (FUZZ_SEED=n; FUZZ_REQUESTS=n for a longer run).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveResource } from '../../src/api/resources.js';
import type { KubeObject } from '../../src/api/types.js';
import { type TestServer, isStatus, prototypePollution, raw, startServer } from './harness.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 2500);

/** mulberry32: a small seeded PRNG, so runs repeat. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rnd = prng(SEED);
const int = (n: number) => Math.floor(rnd() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
const chance = (p: number) => rnd() < p;

const NAMES = ['web', 'cfg', 'db-0', 'a', '.', '..', '%2e', '%2E%2e', '%', '%zz', '%E0%A4%A', 'a%2Fb', 'a%25b', '%00', '%C3%A4', 'x'.repeat(300), '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''];
const NAMESPACES = ['default', 'kube-system', 'missing', '..', '.', '%2e%2e', '__proto__', 'UPPER', ''];
const PATHS = [
  '/api/v1/namespaces/{ns}/configmaps/{name}',
  '/api/v1/namespaces/{ns}/configmaps',
  '/api/v1/namespaces/{ns}/secrets/{name}',
  '/api/v1/namespaces/{ns}/pods/{name}',
  '/api/v1/namespaces/{ns}/pods/{name}/status',
  '/api/v1/namespaces/{ns}/pods/{name}/log',
  '/api/v1/namespaces/{ns}/pods/{name}/binding',
  '/api/v1/namespaces/{ns}/pods/{name}/eviction',
  '/api/v1/namespaces/{ns}/services/{name}',
  '/api/v1/namespaces/{ns}',
  '/api/v1/namespaces/{ns}/finalize',
  '/api/v1/nodes/{name}',
  '/api/v1/nodes',
  '/api/v1/pods',
  '/api/v1/events',
  '/apis/apps/v1/namespaces/{ns}/deployments/{name}',
  '/apis/apps/v1/namespaces/{ns}/deployments/{name}/scale',
  '/apis/apps/v1/namespaces/{ns}/deployments/{name}/status',
  '/apis/apps/v1/deployments',
  '/apis/batch/v1/namespaces/{ns}/jobs/{name}',
  '/apis/autoscaling/v1/namespaces/{ns}/horizontalpodautoscalers/{name}',
  '/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers',
  '/apis/metrics.k8s.io/v1beta1/namespaces/{ns}/pods/{name}',
  '/apis/metrics.k8s.io/v1beta1/nodes',
  '/apis/networking.k8s.io/v1/namespaces/{ns}/ingresses/{name}',
  '/apis/rbac.authorization.k8s.io/v1/clusterroles/{name}',
  '/apis/nope/v1/things',
  '/api',
  '/apis',
  '/api/v1',
  '/apis/apps',
  '/openapi/v3',
  '/openapi/v3/apis/apps/v1',
  '/openapi/v2',
  '/version',
  '/healthz',
  '/t/{name}/api/v1/namespaces',
  '/',
];
const SELECTORS = ['app=web', 'app', '!app', 'app in (a,b)', 'app notin ()', 'ä=ö', 'a gt 1', 'a gt x', '=', ',', 'a,', '(', 'a=b=c', '__proto__', 'x'.repeat(200), 'a' + ' '.repeat(2000) + 'a', 'a=(b)', 'a!=', 'a==b'];
const FIELDS = ['metadata.name=web', 'metadata.name!=web', 'spec.nodeName=node-1', 'status.phase=Running', 'nope=1', '=', 'a', 'metadata.name', 'metadata.name=a\\,b', ',,,', 'a' + ' '.repeat(2000) + '=a', 'metadata.name==x,metadata.namespace=default'];
const INTS = ['0', '1', '2', '-1', '99999999999999999999', '1e3', 'abc', '', ' 1', '0x10', '3.5'];
const QUERY_PARAMS: [string, () => string][] = [
  ['labelSelector', () => pick(SELECTORS)],
  ['fieldSelector', () => pick(FIELDS)],
  ['limit', () => pick(INTS)],
  ['continue', () => pick(['garbage', 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ', Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: int(100) + 1, start: pick(['a\u0000', 'default/web\u0000', '\u0000', '']) })).toString('base64url'), '%%%', ''])],
  ['resourceVersion', () => pick(['0', '1', String(int(50)), '99999999', '-5', 'abc', ''])],
  ['timeoutSeconds', () => pick(INTS)],
  ['gracePeriodSeconds', () => pick(INTS)],
  ['propagationPolicy', () => pick(['Background', 'Foreground', 'Orphan', 'Garbage', ''])],
  ['dryRun', () => pick(['All', 'None', ''])],
  ['fieldManager', () => pick(['fuzz', 'kubectl', '', 'x'.repeat(200)])],
  ['fieldValidation', () => pick(['Strict', 'Warn', 'Ignore', 'Bogus'])],
  ['force', () => pick(['true', 'false', 'x'])],
  ['container', () => pick(['app', 'nope', ''])],
  ['tailLines', () => pick(INTS)],
  ['includeObject', () => pick(['None', 'Object', 'Metadata', 'x'])],
  ['watch', () => pick(['true', '1', 'false'])],
  ['follow', () => pick(['true', 'false'])],
  ['%zz', () => '%zz'],
];
const MEDIA = ['application/json', 'application/json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml', 'application/yaml', 'text/plain', 'application/vnd.kubernetes.protobuf', 'application/x-www-form-urlencoded', 'garbage', ''];

const VALID: KubeObject[] = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', labels: { app: 'web' } }, data: { k: 'v' } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'web' }, stringData: { password: 'x' } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx', ports: [{ containerPort: 80 }] }] } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } },
  },
];

/** A random JSON value, at most `depth` levels deep, with hostile keys now and then. */
function randomValue(depth: number): unknown {
  const k = int(depth > 0 ? 8 : 5);
  switch (k) {
    case 0:
      return null;
    case 1:
      return chance(0.5);
    case 2:
      return pick([0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308, 65536]);
    case 3:
      return pick(['', 'x', 'ä', '\u0000', '%', '..', 'Always', 'nginx', '__proto__', 'x'.repeat(int(3000))]);
    case 4:
      return pick(['100m', '1Gi', 'abc', '-1', '1e3']);
    case 5:
    case 6: {
      const o: Record<string, unknown> = {};
      for (let i = int(5); i > 0; i--) {
        const key = pick(['metadata', 'spec', 'status', 'name', 'labels', 'data', 'replicas', 'containers', 'image', '__proto__', 'constructor', 'prototype', 'kind', 'apiVersion', '$patch', '$retainKeys', '$setElementOrder/containers', 'deletionTimestamp', 'finalizers', 'x']);
        Object.defineProperty(o, key, { value: randomValue(depth - 1), enumerable: true, writable: true, configurable: true });
      }
      return o;
    }
    default:
      return Array.from({ length: int(4) }, () => randomValue(depth - 1));
  }
}

/** A valid object with one part replaced by something random. */
function mutatedObject(): unknown {
  const o = structuredClone(pick(VALID)) as Record<string, any>;
  const paths: ((x: Record<string, any>) => void)[] = [
    (x) => (x.metadata = randomValue(3)),
    (x) => (x.spec = randomValue(4)),
    (x) => (x.metadata.name = pick(NAMES)),
    (x) => (x.metadata.labels = randomValue(2)),
    (x) => (x.kind = pick(['Pod', 'ConfigMap', 'Nope', 3, null])),
    (x) => (x.apiVersion = pick(['v1', 'apps/v1', 'v2', '', null])),
    (x) => (x.metadata.resourceVersion = pick(['1', 'abc', 5, ''])),
    (x) => (x.metadata.namespace = pick(NAMESPACES)),
    (x) => (x.metadata.ownerReferences = randomValue(3)),
    (x) => (x.metadata.managedFields = [{ manager: 'm', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: randomValue(4) }]),
    (x) => (x.metadata.finalizers = randomValue(2)),
    (x) => Object.defineProperty(x.metadata, '__proto__', { value: { deletionTimestamp: '2026-01-01T00:00:00Z' }, enumerable: true }),
  ];
  for (let i = 1 + int(2); i > 0; i--) {
    try {
      pick(paths)(o);
    } catch {
      // metadata was already replaced by something that is not an object
    }
  }
  return o;
}

function randomPointer(): string {
  const segs = ['metadata', 'labels', 'spec', 'data', 'containers', '0', '-', '__proto__', 'constructor', 'prototype', 'x', 'k', 'name', '~0', '~1', 'replicas', '99'];
  return pick(['', '/', 'nope', '/' + Array.from({ length: 1 + int(4) }, () => pick(segs)).join('/')]);
}

function randomJsonPatch(): unknown {
  return Array.from({ length: int(6) }, () => {
    const op: Record<string, unknown> = { op: pick(['add', 'remove', 'replace', 'move', 'copy', 'test', 'nope', 3]), path: randomPointer() };
    if (chance(0.7)) op.value = randomValue(3);
    if (chance(0.5)) op.from = randomPointer();
    return op;
  });
}

function randomBody(): string | Buffer | undefined {
  switch (int(12)) {
    case 0:
      return undefined;
    case 1:
      return '';
    case 2:
      return Buffer.from(Array.from({ length: int(600) }, () => int(256)));
    case 3:
      return JSON.stringify(randomValue(5));
    case 4:
    case 5:
      return JSON.stringify(mutatedObject());
    case 6:
      return JSON.stringify(randomJsonPatch());
    case 7: {
      const t = JSON.stringify(mutatedObject());
      return t.slice(0, int(t.length));
    }
    case 8:
      return pick(['[', '{', '"', '}', ']']).repeat(1 + int(12_000));
    case 9:
      return 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ' + pick(NAMES) + '\ndata: ' + pick(['{a: *x}', '&x [*x, *x]', '{k: v}', '!!binary AAAA', '[[[[[[', '"unterminated']);
    case 10:
      return JSON.stringify(pick(VALID));
    default:
      return JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: pick(['Background', 'Garbage', 3, null]), gracePeriodSeconds: pick([0, -1, 1.5, 'x', null]), preconditions: randomValue(2), dryRun: pick([['All'], 'All', 3]) });
  }
}

function randomPath(): string {
  let p = pick(PATHS).replace('{ns}', pick(NAMESPACES)).replace('{name}', pick(NAMES));
  if (chance(0.15)) {
    // Character-level mutation: insert, delete or duplicate.
    const i = int(p.length + 1);
    const m = int(3);
    p = m === 0 ? p.slice(0, i) + pick(['/', '.', '%', '//', '/..', '%2F', '?', '#', 'ä']) + p.slice(i) : m === 1 ? p.slice(0, i) + p.slice(i + 1) : p + p.slice(i);
  }
  if (!p.startsWith('/')) p = '/' + p;
  if (chance(0.6)) {
    const params = Array.from({ length: 1 + int(3) }, () => pick(QUERY_PARAMS));
    p += (p.includes('?') ? '&' : '?') + params.map(([k, v]) => `${k}=${encodeURIComponent(v()).replace(/%25zz/g, '%zz')}`).join('&');
  }
  return p.replace(/ä/g, '%C3%A4').replace(/#/g, '%23');
}

let s: TestServer;

/** The objects the fuzzer aims at, put back now and then (a fuzzed DELETE may remove them). */
function seed(): void {
  for (const o of VALID) {
    const r = resolveResource(o.kind === 'Deployment' ? 'deployments' : `${o.kind!.toLowerCase()}s`)[0];
    if (!s.reg.find(r, 'default', o.metadata.name!)) {
      try {
        s.reg.create(r, 'default', structuredClone(o));
      } catch {
        // the namespace may be terminating after a fuzzed DELETE; the fuzz goes on regardless
      }
    }
  }
}

beforeAll(async () => {
  s = await startServer({ freshnessTimeoutMs: 20 });
  seed();
});
afterAll(() => s.close());

describe('the request path under fuzzing', () => {
  it(`answers ${REQUESTS} random and mutated requests (seed ${SEED}) below 500, errors as Status, and stays up`, async () => {
    const bad: string[] = [];
    const counts = new Map<number, number>();
    for (let i = 0; i < REQUESTS; i++) {
      if (i % 250 === 0) seed();
      const method = pick(['GET', 'GET', 'POST', 'PUT', 'PATCH', 'PATCH', 'DELETE', 'OPTIONS']);
      const path = randomPath();
      const body = method === 'GET' && chance(0.8) ? undefined : randomBody();
      const ct = pick(MEDIA);
      const a = await raw(s.port, method, path, { body, ...(ct ? { contentType: ct } : {}), cutStream: /[?&](watch|follow)=(true|1)/.test(path), timeoutMs: 15_000 });
      counts.set(a.status, (counts.get(a.status) ?? 0) + 1);
      const what = `#${i} ${method} ${path.length > 300 ? `${path.slice(0, 300)}... (${path.length} chars)` : path} (${ct}, ${body === undefined ? 'no body' : `${Buffer.byteLength(body)} bytes`}) -> ${a.status} ${a.text.slice(0, 200)}`;
      // The one 5xx Kubernetes itself answers to a client's input: a resourceVersion from the future.
      const tooNew = a.status === 504 && isStatus(a) && a.json.details?.causes?.[0]?.reason === 'ResourceVersionTooLarge';
      if ((a.status >= 500 && !tooNew) || a.status === 0) bad.push(what);
      else if (a.status >= 400 && !isStatus(a)) bad.push(`not a Status: ${what}`);
      if (bad.length >= 10) break;
    }
    expect(bad, `seed ${SEED}`).toEqual([]);
    expect(
      s.errors.filter((l) => !/^504 GET .*: Timeout: Too large resource version: \d+, current: \d+$/.test(l)),
      `seed ${SEED}`,
    ).toEqual([]);
    expect(prototypePollution()).toEqual([]);
    expect(({} as Record<string, unknown>).deletionTimestamp).toBeUndefined();
    expect((await raw(s.port, 'GET', '/healthz', { token: false })).status).toBe(200);
    // The fuzz reached the handlers, not only the router: successes and several kinds of refusal.
    const seen = [...counts.keys()];
    expect(counts.get(200) ?? 0).toBeGreaterThan(REQUESTS / 20);
    for (const c of [400, 404, 405, 415, 422]) expect(seen, `status ${c} never seen`).toContain(c);
  }, 120_000);
});
