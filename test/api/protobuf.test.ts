// Kubernetes' protobuf bodies (api/protobuf): the message table against the decoding schema, and
// objects of every kind through encode then decode, from the example manifests and the corpus.
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { KEEP_ZERO, ProtobufError, decodeProtobuf } from '../../src/api/protobuf/decode.js';
import { encodeProtobuf } from '../../src/api/protobuf/encode.js';
import { MESSAGES, PROTOBUF_KINDS, REVIEW_KINDS, type Message } from '../../src/api/protobuf/messages.js';
import { SCHEMAS, type Schema } from '../../src/api/schema.js';
import { RESOURCES } from '../../src/api/resources.js';

const ROOT = path.resolve(__dirname, '../..');

/** YAML files under a directory, recursively. */
function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? yamlFiles(p) : /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

/** Objects of the kinds protobuf decodes, from the example manifests and the corpus. */
function examples(): [string, Record<string, unknown>][] {
  const out: [string, Record<string, unknown>][] = [];
  for (const file of [...yamlFiles(path.join(ROOT, 'manifests')), ...yamlFiles(path.join(ROOT, '../shared/corpus'))]) {
    let docs;
    try {
      docs = parseAllDocuments(fs.readFileSync(file, 'utf8'));
    } catch {
      continue;
    }
    for (const d of Array.isArray(docs) ? docs : [docs]) {
      if (d.errors.length) continue;
      const o = d.toJSON() as Record<string, unknown> | null;
      if (o && typeof o === 'object' && PROTOBUF_KINDS.includes(String(o.kind)) && typeof o.apiVersion === 'string' && !String(o.apiVersion).startsWith('autoscaling/v1'))
        out.push([`${path.relative(ROOT, file)}: ${String(o.kind)}/${String((o.metadata as { name?: string })?.name)}`, o]);
    }
  }
  return out;
}

/** A message's JSON fields by name, with those of its embedded structs. */
function fieldsByName(message: Message): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, t] of Object.values(message)) {
    if (name === '') for (const [n, tt] of fieldsByName(MESSAGES[t])) out.set(n, tt);
    else out.set(name, t);
  }
  return out;
}


/**
 * What an object reads as after a protobuf trip, by its message: zero scalars of value fields,
 * empty lists and maps, and nulls are absent (Go's JSON leaves them out); times have seconds.
 * Fields the message does not have are kept, so that a field the table lacks fails the test.
 */
function asDecoded(v: unknown, type: string): unknown {
  if (type.startsWith('[]')) return (v as unknown[]).map((x) => asDecoded(x, type.slice(2)));
  if (type.startsWith('map:')) return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, asDecoded(x, type.slice(4))]));
  if (type === 'Time') return new Date(Date.parse(String(v))).toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (type === 'int32' || type === 'int64' || type === 'double') return Number(v);
  // A quantity is a string in JSON, however the manifest wrote it.
  if (type === 'Quantity') return String(v);
  const message = MESSAGES[type];
  if (!message || typeof v !== 'object' || v === null) return v;
  const byName = fieldsByName(message);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    const t = byName.get(k);
    if (x === null || x === undefined) continue;
    if (t === undefined) {
      out[k] = x;
      continue;
    }
    if ((t.startsWith('[]') && (x as unknown[]).length === 0) || (t.startsWith('map:') && Object.keys(x as object).length === 0)) continue;
    if ((x === '' || x === false || x === 0) && !KEEP_ZERO.has(k) && !MESSAGES[t]) continue;
    out[k] = asDecoded(x, t);
  }
  return out;
}

describe('protobuf bodies', () => {
  const found = examples();

  it('has examples of most kinds it decodes', () => {
    expect(new Set(found.map(([, o]) => o.kind)).size).toBeGreaterThanOrEqual(10);
  });

  it.each(found)('%s round-trips', (_where, obj) => {
    const { apiVersion, kind, ...rest } = obj;
    const decoded = decodeProtobuf(encodeProtobuf(obj));
    expect(decoded).toEqual({ apiVersion, kind, ...(asDecoded(rest, String(kind)) as object) });
  });

  it("keeps an IngressClass's parameters.apiGroup (the .proto names it aPIGroup; its JSON name is apiGroup)", () => {
    const ic = { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'lb' }, spec: { controller: 'example.com/lb', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } } };
    expect((decodeProtobuf(encodeProtobuf(ic)) as typeof ic).spec.parameters).toEqual(ic.spec.parameters);
  });

  it('decodes special types as their JSON forms', () => {
    const decoded = decodeProtobuf(
      encodeProtobuf({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 's', creationTimestamp: '2026-12-01T10:00:00Z', labels: { a: 'b' } },
        spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081 }], selector: { app: 'web' } },
      }),
    );
    expect(decoded).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', creationTimestamp: '2026-12-01T10:00:00Z', labels: { a: 'b' } },
      spec: { ports: [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8081 }], selector: { app: 'web' } },
    });
    const secret = decodeProtobuf(encodeProtobuf({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: Buffer.from('v\u0000\u00ff').toString('base64') } }));
    expect(secret.data).toEqual({ k: Buffer.from('v\u0000\u00ff').toString('base64') });
  });

  it('refuses a body that is not an enveloped message, and kinds it has no message for', () => {
    expect(() => decodeProtobuf(Buffer.from('{"kind":"ConfigMap"}'))).toThrow(ProtobufError);
    expect(() => decodeProtobuf(Buffer.from('k8s\u0000\u00ff\u00ff\u00ff'))).toThrow(/malformed envelope/);
    const apiService = encodeProtobuf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    const asOther = Buffer.from(apiService).toString('latin1').replace('ConfigMap', 'APIServic');
    expect(() => decodeProtobuf(Buffer.from(asOther, 'latin1'))).toThrow(/does not decode APIServic from protobuf yet/);
  });

  it('decodes every kind minik serves', () => {
    // Access reviews are answered, not stored: their bodies decode (REVIEW_KINDS), they are no object kind.
    const served = RESOURCES.filter((r) => !r.readOnly && !r.createOnly).map((r) => r.kind);
    expect(RESOURCES.filter((r) => r.createOnly).map((r) => r.kind).sort()).toEqual([...REVIEW_KINDS].sort());
    const ssar = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {}, spec: { resourceAttributes: { namespace: 'dev', verb: 'get', resource: 'pods', name: 'web' } } };
    expect(decodeProtobuf(encodeProtobuf(ssar))).toMatchObject({ kind: 'SelfSubjectAccessReview', spec: ssar.spec });
    // CRDs are served as JSON only (their schemas' JSON-valued fields have no protobuf form here).
    expect(served.filter((k) => !PROTOBUF_KINDS.includes(k))).toEqual(['CustomResourceDefinition']);
  });

  it.each([
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.244.1.5'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'node-1', targetRef: { kind: 'Pod', name: 'web-1', namespace: 'default' } }],
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    },
    {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: 'v1beta1.metrics.k8s.io' },
      spec: { group: 'metrics.k8s.io', version: 'v1beta1', groupPriorityMinimum: 100, versionPriority: 100, insecureSkipTLSVerify: true, service: { namespace: 'kube-system', name: 'metrics-server', port: 443 } },
    },
  ])('round-trips a $kind', (obj) => {
    expect(decodeProtobuf(encodeProtobuf(obj))).toEqual(obj);
  });

  /** Every field the schema accepts must be one the message decodes (names match). */
  function missing(schema: Schema, type: string, where: string): string[] {
    if (schema.t === 'array') return type.startsWith('[]') ? missing(schema.items, type.slice(2), `${where}[]`) : [`${where}: not a list in protobuf`];
    if (schema.t === 'map') return type.startsWith('map:') ? missing(schema.values, type.slice(4), `${where}{}`) : [`${where}: not a map in protobuf`];
    if (schema.t !== 'object') return [];
    const message: Message | undefined = MESSAGES[type];
    if (!message) return [];
    const byName = fieldsByName(message);
    return Object.entries(schema.fields).flatMap(([name, s]) => {
      if (name === 'apiVersion' || name === 'kind') return [];
      const t = byName.get(name);
      return t === undefined ? [`${where}.${name}: no protobuf field`] : missing(s, t, `${where}.${name}`);
    });
  }

  it.each(Object.keys(SCHEMAS).filter((k) => PROTOBUF_KINDS.includes(k)))('%s: every field the schema has is in its message', (kind) => {
    expect(missing(SCHEMAS[kind], kind, kind)).toEqual([]);
  });
});
