// A client that accepts only protobuf (`Accept: application/vnd.kubernetes.protobuf`) is answered
// in protobuf: objects, lists, Status errors and watch events; every other client gets JSON.
import http from 'node:http';
import { BinaryReader } from '@bufbuild/protobuf/wire';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeProtobufAnswer } from '../../src/api/protobuf/decode.js';
import { encodeProtobuf } from '../../src/api/protobuf/encode.js';
import { protobufOnly } from '../../src/apiserver/handlers.js';
import { TOKEN, type TestServer, api, startServer } from '../reliability/harness.js';

const PB = 'application/vnd.kubernetes.protobuf';
let s: TestServer;
beforeAll(async () => {
  s = await startServer();
});
afterAll(() => s.close());

/** One request; the answer's bytes. `ms` cuts a stream after that long. */
function request(method: string, path: string, opts: { accept?: string; body?: Uint8Array; contentType?: string; ms?: number } = {}): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${TOKEN}`, Accept: opts.accept ?? PB };
    if (opts.body) Object.assign(headers, { 'Content-Type': opts.contentType ?? PB, 'Content-Length': String(opts.body.length) });
    const req = http.request({ host: '127.0.0.1', port: s.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      const done = () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: Buffer.concat(chunks) });
      res.on('data', (c) => chunks.push(c));
      res.on('end', done);
      if (opts.ms) setTimeout(() => (done(), req.destroy()), opts.ms);
    });
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

const CMS = '/api/v1/namespaces/default/configmaps';
const cm = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } });

describe('protobuf answers', () => {
  it.each([
    [PB, true],
    [`${PB}, */*`, false],
    [`${PB},application/json`, false],
    [`${PB};as=Table;g=meta.k8s.io;v=v1`, true],
    ['application/json', false],
    [undefined, false],
  ])('Accept %s: protobuf only is %s', (accept, want) => expect(protobufOnly(accept)).toBe(want));

  it('creates from protobuf and answers the object, then lists, in protobuf', async () => {
    const created = await request('POST', CMS, { body: encodeProtobuf(cm('pb')) });
    expect(created.status).toBe(201);
    expect(created.type).toBe(PB);
    const obj = decodeProtobufAnswer(created.body);
    expect(obj).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'pb', namespace: 'default' }, data: { a: '1' } });
    // The same object as a JSON client reads it.
    const json = (await api(s.port, 'GET', `${CMS}/pb`)).json;
    expect(decodeProtobufAnswer((await request('GET', `${CMS}/pb`)).body)).toEqual(json);
    const list = decodeProtobufAnswer((await request('GET', CMS)).body) as { kind: string; metadata: { resourceVersion: string }; items: { metadata: { name: string } }[] };
    expect(list.kind).toBe('ConfigMapList');
    expect(list.metadata.resourceVersion).toMatch(/^\d+$/);
    expect(list.items.map((i) => i.metadata.name)).toContain('pb');
  });

  it('answers errors as a protobuf Status', async () => {
    const missing = await request('GET', `${CMS}/nope`);
    expect(missing.status).toBe(404);
    expect(missing.type).toBe(PB);
    expect(decodeProtobufAnswer(missing.body)).toEqual({
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      message: 'configmaps "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', kind: 'configmaps' },
      code: 404,
    });
  });

  it('streams watch events as length-prefixed protobuf WatchEvents', async () => {
    const watching = request('GET', `${CMS}?watch=true`, { ms: 500 });
    await new Promise((r) => setTimeout(r, 100));
    await api(s.port, 'POST', CMS, cm('watched'));
    const { type, body } = await watching;
    expect(type).toBe(`${PB};stream=watch`);
    const events: { type: string; name: unknown }[] = [];
    for (let at = 0; at < body.length; ) {
      const n = body.readUInt32BE(at);
      const frame = decodeWatchEvent(body.subarray(at + 4, at + 4 + n));
      events.push(frame);
      at += 4 + n;
    }
    expect(events).toEqual(expect.arrayContaining([{ type: 'ADDED', name: 'watched' }]));
  });

  it('answers JSON to clients that also accept it (kubectl, Helm)', async () => {
    const r = await request('GET', `${CMS}/pb`, { accept: `${PB}, */*` });
    expect(r.type).toBe('application/json');
    expect(JSON.parse(r.body.toString()).metadata.name).toBe('pb');
  });
});

/** A WatchEvent frame: its envelope, then type (1) and object (2, a RawExtension whose raw (1) is an enveloped object). */
function decodeWatchEvent(frame: Buffer): { type: string; name: unknown } {
  // The envelope's raw bytes are the WatchEvent message; read its two fields by hand.
  const envelope = new BinaryReader(frame.subarray(4));
  let event: Uint8Array | undefined;
  while (envelope.pos < envelope.len) {
    const [no] = envelope.tag();
    const b = envelope.bytes();
    if (no === 2) event = b;
  }
  const r = new BinaryReader(event!);
  let type = '';
  let object: Record<string, unknown> = {};
  while (r.pos < r.len) {
    const [no] = r.tag();
    if (no === 1) type = r.string();
    else {
      const raw = new BinaryReader(r.bytes());
      raw.tag();
      object = decodeProtobufAnswer(raw.bytes());
    }
  }
  return { type, name: (object.metadata as { name?: string }).name };
}
