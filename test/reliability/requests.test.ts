// Requests an attacker or a careless client sends: each must get the apiserver's 4xx Status, leave
// the stored data as it was, and leave the daemon serving. One test per finding of issue 10.
import net from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type TestServer, api, isStatus, prototypePollution, raw, startServer } from './harness.js';

let s: TestServer;
const CMS = '/api/v1/namespaces/default/configmaps';

const configMap = (name: string, data: Record<string, string> = { k: 'v' }) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data });

beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());
beforeEach(() => {
  s.errors.length = 0;
});

async function healthy(): Promise<void> {
  const r = await raw(s.port, 'GET', '/healthz', { token: false });
  expect(r.status).toBe(200);
}

describe('1. JSON patch limits', () => {
  it('refuses copies that add up past 3 MiB (40 copies of /data into itself) with 422, quickly and without growing', async () => {
    expect((await api(s.port, 'POST', CMS, configMap('doubling', { a: 'x'.repeat(1800) }))).status).toBe(201);
    const ops = Array.from({ length: 40 }, (_, i) => ({ op: 'copy', from: '/data', path: `/data/x${i}` }));
    expect(JSON.stringify(ops).length).toBeLessThan(2000);
    const r = await api(s.port, 'PATCH', `${CMS}/doubling`, ops, 'application/json-patch+json');
    expect(r.status).toBe(422);
    expect(isStatus(r)).toBe(true);
    expect(r.json.reason).toBe('Invalid');
    expect(r.json.details.causes[0].message).toMatch(/^Unable to copy, the accumulated size increase of copy is \d+, exceeding the limit 3145728$/);
    const stored = await api(s.port, 'GET', `${CMS}/doubling`);
    expect(Object.keys(stored.json.data)).toEqual(['a']);
    await healthy();
  });

  it('refuses more than 10,000 operations with 413', async () => {
    await api(s.port, 'POST', CMS, configMap('many-ops'));
    const ops = Array.from({ length: 10_001 }, () => ({ op: 'test', path: '/data/k', value: 'v' }));
    const r = await api(s.port, 'PATCH', `${CMS}/many-ops`, ops, 'application/json-patch+json');
    expect(r.status).toBe(413);
    expect(r.json).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', message: 'The allowed maximum operations in a JSON patch is 10000, got 10001' });
    const ok = await api(s.port, 'PATCH', `${CMS}/many-ops`, ops.slice(0, 10_000), 'application/json-patch+json');
    expect(ok.status).toBe(200);
  });

  it('answers a failed test operation with 422, not 400', async () => {
    await api(s.port, 'POST', CMS, configMap('tested'));
    const r = await api(s.port, 'PATCH', `${CMS}/tested`, [{ op: 'test', path: '/data/k', value: 'other' }], 'application/json-patch+json');
    expect(r.status).toBe(422);
    expect(isStatus(r)).toBe(true);
    expect(r.json.details.causes[0].message).toBe('testing value /data/k failed: test failed');
  });
});

describe('2. keys are data, never a path into a prototype', () => {
  it.each([
    ['JSON patch add', 'application/json-patch+json', [{ op: 'add', path: '/__proto__/polluted', value: 'yes' }]],
    ['JSON patch add under metadata', 'application/json-patch+json', [{ op: 'add', path: '/metadata/__proto__/deletionTimestamp', value: '2026-01-01T00:00:00Z' }]],
    ['JSON patch replace of constructor.prototype', 'application/json-patch+json', [{ op: 'add', path: '/constructor/prototype/polluted', value: 'yes' }]],
    ['JSON patch copy into the prototype', 'application/json-patch+json', [{ op: 'copy', from: '/data', path: '/__proto__/polluted' }]],
  ])('%s does not reach Object.prototype', async (_, ct, patch) => {
    await api(s.port, 'POST', CMS, configMap('proto-json'));
    const r = await api(s.port, 'PATCH', `${CMS}/proto-json`, patch, ct);
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(isStatus(r)).toBe(true);
    expect(prototypePollution()).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await api(s.port, 'DELETE', `${CMS}/proto-json`);
  });

  it.each([
    ['merge', 'application/merge-patch+json'],
    ['strategic merge', 'application/strategic-merge-patch+json'],
  ])('a %s patch with a __proto__ key marks nothing for deletion, and later patches delete nothing', async (_, ct) => {
    await api(s.port, 'POST', CMS, configMap('proto-merge'));
    const r = await api(s.port, 'PATCH', `${CMS}/proto-merge`, '{"metadata":{"__proto__":{"deletionTimestamp":"2026-01-01T00:00:00Z","finalizers":["x"]}},"__proto__":{"polluted":"yes"}}', ct);
    expect(r.status).toBeLessThan(500);
    expect(prototypePollution()).toEqual([]);
    const later = await api(s.port, 'PATCH', `${CMS}/proto-merge`, { data: { k: 'changed' } }, 'application/merge-patch+json');
    expect(later.status).toBe(200);
    expect(later.json.metadata.deletionTimestamp).toBeUndefined();
    const got = await api(s.port, 'GET', `${CMS}/proto-merge`);
    expect(got.status).toBe(200);
    expect(got.json.data.k).toBe('changed');
    await api(s.port, 'DELETE', `${CMS}/proto-merge`);
  });

  it('keeps a ConfigMap key named __proto__ as data, as Kubernetes does', async () => {
    const r = await api(s.port, 'POST', CMS, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"proto-data"},"data":{"__proto__":"a value","k":"v"}}');
    expect(r.status).toBe(201);
    const got = await api(s.port, 'GET', `${CMS}/proto-data`);
    expect(got.text).toContain('"__proto__":"a value"');
    const patched = await api(s.port, 'PATCH', `${CMS}/proto-data`, '{"data":{"__proto__":"changed"}}', 'application/merge-patch+json');
    expect(patched.text).toContain('"__proto__":"changed"');
    expect(prototypePollution()).toEqual([]);
  });

  it('refuses a label selector whose key is __proto__ (not a label key)', async () => {
    const r = await raw(s.port, 'GET', `${CMS}?labelSelector=__proto__`);
    expect(r.status).toBe(400);
  });
});

describe('3. `.` and `..` in paths are names to refuse, not directions', () => {
  beforeAll(async () => {
    for (const n of ['keep-1', 'keep-2']) await api(s.port, 'POST', CMS, configMap(n));
  });

  it.each([
    ['DELETE', `${CMS}/.`, '.', "may not be '.'"],
    ['DELETE', `${CMS}/..`, '..', "may not be '..'"],
    ['DELETE', `${CMS}/%2e%2e`, '..', "may not be '..'"],
    ['DELETE', `${CMS}/%2E`, '.', "may not be '.'"],
    ['GET', '/api/v1/namespaces/default/secrets/..', '..', "may not be '..'"],
    ['GET', `${CMS}/a%2Fb`, 'a/b', "may not contain '/'"],
    ['GET', `${CMS}/a%25b`, 'a%b', "may not contain '%'"],
    ['PUT', `${CMS}/..`, '..', "may not be '..'"],
  ])('%s %s is 400 Name parameter invalid', async (method, path, name, why) => {
    const r = await raw(s.port, method, path, method === 'PUT' ? { body: JSON.stringify(configMap('x')), contentType: 'application/json' } : {});
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: `Name parameter invalid: ${JSON.stringify(name)}: ${why}` });
  });

  it('leaves the ConfigMaps and the namespace as they were', async () => {
    const list = await api(s.port, 'GET', CMS);
    expect(list.json.items.map((o: { metadata: { name: string } }) => o.metadata.name)).toEqual(expect.arrayContaining(['keep-1', 'keep-2']));
    const ns = await api(s.port, 'GET', '/api/v1/namespaces/default');
    expect(ns.json.status.phase).toBe('Active');
    expect(ns.json.metadata.deletionTimestamp).toBeUndefined();
  });

  it('refuses a namespace of `..` too', async () => {
    const r = await raw(s.port, 'DELETE', '/api/v1/namespaces/../configmaps');
    expect(r.status).toBe(400);
    expect(r.json.message).toBe(`Namespace parameter invalid: "..": may not be '..'`);
  });
});

describe('4. bad input is a 400, never a 500', () => {
  it('refuses JSON nested deeper than 10,000 levels', async () => {
    const deep = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"x":' + '['.repeat(10_001) + ']'.repeat(10_001) + '}';
    const r = await api(s.port, 'POST', CMS, deep);
    expect(r.status).toBe(400);
    expect(r.json.message).toBe("error decoding JSON: invalid character '[' exceeded max depth");
    await healthy();
  });

  it.each([5000, 9998])('answers JSON nested %i deep (past what minik stores) with 400, in a body and in a patch', async (depth) => {
    const body = '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"x":' + '['.repeat(depth) + ']'.repeat(depth) + '}';
    const r = await api(s.port, 'POST', CMS, body);
    expect(r.status).toBe(400);
    expect(r.json.message).toBe('the request body is nested more than 1000 levels deep, which minik does not accept');
    await api(s.port, 'POST', CMS, configMap('deep-target'));
    const p = await api(s.port, 'PATCH', `${CMS}/deep-target`, '{"y":' + '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) + '}', 'application/merge-patch+json');
    expect(p.status).toBe(400);
    expect(s.errors).toEqual([]);
    await api(s.port, 'DELETE', `${CMS}/deep-target`);
  });

  it('stores objects up to 1,000 levels, and refuses a patch that would nest one deeper', async () => {
    const depth = 900;
    const r = await api(s.port, 'POST', CMS, '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep-ok"},"x":' + '['.repeat(depth) + ']'.repeat(depth) + '}');
    expect(r.status).toBe(201);
    const merge = await api(s.port, 'PATCH', `${CMS}/deep-ok`, '{"y":' + '{"a":'.repeat(depth) + '1' + '}'.repeat(depth) + '}', 'application/merge-patch+json');
    expect(merge.status).toBe(200);
    // A JSON patch adds a deep value at a deep path: the result would be 1,800 levels deep.
    const at = '/y' + '/a'.repeat(depth - 1);
    const p = await api(s.port, 'PATCH', `${CMS}/deep-ok`, JSON.stringify([{ op: 'replace', path: at, value: JSON.parse('['.repeat(depth) + ']'.repeat(depth)) }]), 'application/json-patch+json');
    expect(p.status).toBe(400);
    expect(p.json.message).toBe('ConfigMap "deep-ok" is nested more than 1000 levels deep, which minik does not accept');
    expect(s.errors).toEqual([]);
    await api(s.port, 'DELETE', `${CMS}/deep-ok`);
  });

  it('refuses YAML nested too deeply', async () => {
    const r = await raw(s.port, 'POST', CMS, { body: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y}\nx: ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n', contentType: 'application/yaml' });
    expect(r.status).toBe(400);
    expect(isStatus(r)).toBe(true);
  });

  it.each(['/api/v1/namespaces/%zz/configmaps', '/api/v1/namespaces/default/configmaps/%', '/t/%E0%A4%A/api/v1/namespaces'])(
    'answers a malformed percent escape in %s with 400, before authentication',
    async (path) => {
      const r = await raw(s.port, 'GET', path, { token: false });
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
      expect(r.json.message).toMatch(/^invalid URL escape /);
    },
  );

  it.each([
    ['a request line over 16 KiB', `GET ${CMS}?labelSelector=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431],
    ['malformed HTTP', 'GET / HTTP/1.1\r\nContent-Length: x\r\n\r\n', 400],
    ['a header without a colon', 'GET / HTTP/1.1\r\nBroken\r\n\r\n', 400],
  ])("answers %s, which Node's parser refuses, with a Status too", async (_, request, code) => {
    const text = await new Promise<string>((resolve) => {
      const socket = net.connect(s.port, '127.0.0.1', () => socket.write(request));
      let got = '';
      socket.on('data', (c) => (got += c));
      socket.on('close', () => resolve(got));
      socket.on('error', () => resolve(got));
    });
    expect(text.split('\r\n')[0]).toBe(`HTTP/1.1 ${code} ${code === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}`);
    const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
    expect(body).toMatchObject({ kind: 'Status', status: 'Failure', code });
    await healthy();
  });

  it('logs every 5xx with its request line (and never the token)', async () => {
    const list = s.reg.list.bind(s.reg);
    s.reg.list = () => {
      throw new Error('the disk is on fire');
    };
    try {
      const r = await raw(s.port, 'GET', `/t/reliability-token${CMS}?labelSelector=a`, { token: false });
      expect(r.status).toBe(500);
      expect(r.json).toMatchObject({ kind: 'Status', reason: 'InternalError', message: 'Internal error occurred: the disk is on fire' });
    } finally {
      s.reg.list = list;
    }
    expect(s.errors).toHaveLength(1);
    expect(s.errors[0]).toMatch(new RegExp(`^500 GET /t/<token>${CMS}\\?labelSelector=a: Error: the disk is on fire\\n`));
    expect(s.errors[0]).not.toContain('reliability-token');
  });
});

describe('5. refused where Kubernetes refuses', () => {
  it('refuses a DELETE body over 3 MiB with 413, and keeps the object', async () => {
    await api(s.port, 'POST', CMS, configMap('big-delete'));
    const r = await raw(s.port, 'DELETE', `${CMS}/big-delete`, { body: Buffer.alloc(10 * 1024 * 1024, 0x20), contentType: 'application/json' });
    expect(r.status).toBe(413);
    expect(isStatus(r)).toBe(true);
    expect((await api(s.port, 'GET', `${CMS}/big-delete`)).status).toBe(200);
  });

  it('refuses an unknown propagationPolicy with 422, in the query or the body', async () => {
    await api(s.port, 'POST', CMS, configMap('garbage-policy'));
    const want = 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Garbage": supported values: "Foreground", "Background", "Orphan", "nil"';
    const q = await raw(s.port, 'DELETE', `${CMS}/garbage-policy?propagationPolicy=Garbage`);
    expect(q.status).toBe(422);
    expect(q.json).toMatchObject({ kind: 'Status', reason: 'Invalid', message: want });
    const b = await api(s.port, 'DELETE', `${CMS}/garbage-policy`, { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Garbage' });
    expect(b.status).toBe(422);
    expect((await api(s.port, 'GET', `${CMS}/garbage-policy`)).status).toBe(200);
  });

  it.each([
    ['ä=ö', 'unable to parse requirement: <nil>: Invalid value: "ä": name part must consist of alphanumeric characters'],
    ['app=ö', 'unable to parse requirement: values[0][app]: Invalid value: "ö": a valid label must be an empty string'],
    ['a in ()', "for 'in', 'notin' operators, values set can't be empty"],
    ['a gt x', "for 'Gt', 'Lt' operators, exactly one value is required and it must be an integer"],
  ])('refuses labelSelector=%s with 400', async (sel, message) => {
    const r = await raw(s.port, 'GET', `${CMS}?labelSelector=${encodeURIComponent(sel)}`);
    expect(r.status).toBe(400);
    expect(r.json.message).toContain(message);
  });

  it.each(['garbage', 'eyJ2IjoibWV0YS5rOHMuaW8vdjIifQ', Buffer.from('{"v":"meta.k8s.io/v1","rv":-1,"start":"a\\u0000"}').toString('base64url')])('refuses continue=%s with 400', async (token) => {
    const r = await raw(s.port, 'GET', `${CMS}?limit=1&continue=${token}`);
    expect(r.status).toBe(400);
    expect(r.json.message).toMatch(/^invalid continue token: continue key is not valid: /);
  });

  it('paginates with limit and continue, in key order, every object once', async () => {
    for (const n of ['p-a', 'p-b', 'p-c', 'p-d', 'p-e']) await api(s.port, 'POST', '/api/v1/namespaces/default/secrets', { apiVersion: 'v1', kind: 'Secret', metadata: { name: n, labels: { page: 'yes' } } });
    const full = (await api(s.port, 'GET', '/api/v1/secrets?labelSelector=page')).json;
    expect(full.metadata.continue).toBeUndefined();
    const names: string[] = [];
    let token = '';
    let pages = 0;
    do {
      const r = await api(s.port, 'GET', `/api/v1/secrets?labelSelector=page&limit=2${token ? `&continue=${token}` : ''}`);
      expect(r.status).toBe(200);
      expect(r.json.items.length).toBeLessThanOrEqual(2);
      names.push(...r.json.items.map((o: { metadata: { name: string } }) => o.metadata.name));
      token = r.json.metadata.continue ?? '';
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(names).toEqual(full.items.map((o: { metadata: { name: string } }) => o.metadata.name));
    expect(names).toEqual(['p-a', 'p-b', 'p-c', 'p-d', 'p-e']);
    const first = await api(s.port, 'GET', '/api/v1/namespaces/default/secrets?limit=1');
    expect(first.json.metadata.remainingItemCount).toBe(full.items.length + (await api(s.port, 'GET', '/api/v1/namespaces/default/secrets')).json.items.length - full.items.length - 1);
    const both = await raw(s.port, 'GET', `/api/v1/secrets?limit=1&continue=${first.json.metadata.continue}&resourceVersion=1`);
    expect(both.status).toBe(400);
    expect(both.json.message).toBe('specifying resource version is not allowed when using continue');
  });

  it('refuses a limit that is not a number', async () => {
    const r = await raw(s.port, 'GET', `${CMS}?limit=many`);
    expect(r.status).toBe(400);
    expect(isStatus(r)).toBe(true);
  });

  it('answers a text/plain (or any unknown) body with 415', async () => {
    for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const r = await raw(s.port, 'POST', CMS, { body: JSON.stringify(configMap('plain')), contentType: ct });
      expect(r.status).toBe(415);
      expect(r.json.reason).toBe('UnsupportedMediaType');
    }
    expect((await api(s.port, 'GET', `${CMS}/plain`)).status).toBe(404);
  });

  it('refuses a resourceVersion that is not a number', async () => {
    const r = await raw(s.port, 'GET', `${CMS}?watch=true&resourceVersion=abc`);
    expect(r.status).toBe(400);
    expect(r.json.message).toBe('invalid resource version: abc');
  });
});
