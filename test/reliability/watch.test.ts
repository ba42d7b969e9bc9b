// Watches: a client that stops reading is cut off after a bounded buffer, a watch from a revision
// the store has not reached waits for it (then 504), and a huge timeoutSeconds keeps the stream open.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN, type TestServer, api, raw, stalledWatch, startServer } from './harness.js';

let s: TestServer;
const CMS = '/api/v1/namespaces/default/configmaps';
const BUFFER = 1024 * 1024;

beforeAll(async () => {
  // A small buffer and a short wait for freshness keep the test quick; the mechanism is the daemon's.
  s = await startServer({ watchBufferBytes: BUFFER, freshnessTimeoutMs: 300 });
});
afterAll(() => s.close());

/** Opens a watch that reads, resolving with the events it got when the server ends the stream, after `ms`, or at `count` events. */
function readWatch(path: string, ms: number, count = Infinity): Promise<{ status: number; events: { type: string; object: any }[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port: s.port, path, headers: { Authorization: `Bearer ${TOKEN}` }, agent: false }, (res) => {
      let text = '';
      let ended = false;
      const finish = () => {
        clearTimeout(timer);
        const events = text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
        resolve({ status: res.statusCode ?? 0, events, ended });
        req.destroy();
      };
      const timer = setTimeout(finish, ms);
      res.on('data', (c) => {
        text += c;
        if (text.split('\n').length - 1 >= count) finish();
      });
      res.on('end', () => {
        ended = true;
        finish();
      });
    });
    req.on('error', reject);
  });
}

describe('6. watchers that stop reading', () => {
  it('are closed once their buffer passes the bound; readers keep their stream, and the daemon keeps serving', async () => {
    await api(s.port, 'POST', CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { v: '0' } });
    const stalled = await Promise.all(Array.from({ length: 5 }, () => stalledWatch(s.port, `${CMS}?watch=true&fieldSelector=metadata.name%3Dbig`)));
    const reader = readWatch(`${CMS}?watch=true&fieldSelector=metadata.name%3Dbig`, 20_000, 101);
    const payload = 'x'.repeat(100 * 1024);
    // 100 updates of 100 KiB: about 10 MiB per watcher, ten times the bound.
    for (let i = 1; i <= 100; i++) {
      const r = await api(s.port, 'PUT', `${CMS}/big`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { v: String(i), payload } });
      expect(r.status).toBe(200);
    }
    const closedLog = s.errors.filter((l) => l.startsWith('closing a watch whose client does not read'));
    expect(closedLog).toHaveLength(5);
    // The server let go of the five stalled streams (and what they had buffered); the reader's is open.
    expect(s.server.openWatches).toBe(1);
    for (const w of stalled) w.socket.destroy();
    const got = await reader;
    // The reader saw the object as it was, then every update, in order.
    expect(got.events.map((e) => e.object.data.v)).toEqual(['0', ...Array.from({ length: 100 }, (_, i) => String(i + 1))]);
    expect((await raw(s.port, 'GET', '/healthz', { token: false })).status).toBe(200);
  });
});

describe('5. watch parameters', () => {
  it('waits for a resourceVersion the store has not reached, then answers 504 Too large resource version', async () => {
    const rev = s.reg.revision;
    const r = await raw(s.port, 'GET', `${CMS}?watch=true&resourceVersion=${rev + 1000}`);
    expect(r.status).toBe(504);
    expect(r.json).toMatchObject({
      kind: 'Status',
      reason: 'Timeout',
      code: 504,
      message: `Timeout: Too large resource version: ${rev + 1000}, current: ${rev}`,
      details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 },
    });
    const list = await raw(s.port, 'GET', `${CMS}?resourceVersion=${rev + 1000}`);
    expect(list.status).toBe(504);
  });

  it('serves the watch when the revision arrives while it waits, with only what came after', async () => {
    const rev = s.reg.revision;
    const watching = readWatch(`${CMS}?watch=true&resourceVersion=${rev + 1}`, 1000);
    await new Promise((r) => setTimeout(r, 50));
    await api(s.port, 'POST', CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'arrives' } });
    await api(s.port, 'POST', CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after' } });
    const got = await watching;
    expect(got.status).toBe(200);
    expect(got.events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED after']);
  });

  it('keeps a watch with a huge timeoutSeconds open (no timer overflow)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const got = await readWatch(`${CMS}?watch=true&timeoutSeconds=99999999999`, 300);
      expect(got.status).toBe(200);
      expect(got.ended).toBe(false);
      expect(got.events.length).toBeGreaterThan(0);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  });

  it('ends a watch after a short timeoutSeconds', async () => {
    const got = await readWatch(`${CMS}?watch=true&timeoutSeconds=1`, 5000);
    expect(got.ended).toBe(true);
  });

  it('refuses a timeoutSeconds that is not a number', async () => {
    const r = await raw(s.port, 'GET', `${CMS}?watch=true&timeoutSeconds=soon`);
    expect(r.status).toBe(400);
    expect(r.json.kind).toBe('Status');
  });
});
