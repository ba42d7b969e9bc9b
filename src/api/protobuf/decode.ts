// Decoding Kubernetes' protobuf bodies (`application/vnd.kubernetes.protobuf`) into the JSON
// objects the rest of minik reads: the `k8s\0` envelope around a runtime.Unknown (its TypeMeta,
// then the object's bytes), then the object by the message table (messages.ts). Values come out
// as the JSON encoding has them: times as RFC 3339, bytes as base64, int-or-string as either,
// quantities as strings, raw extensions as parsed JSON.
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { MESSAGES, PROTOBUF_KINDS, REVIEW_KINDS, messageFor } from './messages.js';

/** The four bytes every Kubernetes protobuf body starts with. */
export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** A body that is not a protobuf message minik can decode (the server answers 400 or 415). */
export class ProtobufError extends Error {
  constructor(
    message: string,
    /** The kind is one minik has no message table for. */
    readonly unsupportedKind = false,
  ) {
    super(message);
  }
}

/** Decodes an enveloped request body: the object, with apiVersion and kind from the envelope. */
export function decodeProtobuf(body: Uint8Array): Record<string, unknown> {
  return decodeEnveloped(body, (kind) => kind === 'DeleteOptions' || kind === 'TokenRequest' || REVIEW_KINDS.includes(kind) || PROTOBUF_KINDS.includes(kind));
}

/** Decodes an enveloped answer (an object, a list or a Status), as a protobuf client reads it. */
export function decodeProtobufAnswer(body: Uint8Array): Record<string, unknown> {
  return decodeEnveloped(body, () => true);
}

function decodeEnveloped(body: Uint8Array, accepted: (kind: string) => boolean): Record<string, unknown> {
  if (body.length < 4 || !PROTOBUF_MAGIC.equals(body.subarray(0, 4))) throw new ProtobufError('the body does not start with the protobuf envelope prefix ("k8s\\x00")');
  const unknown = wireErrors('envelope', () => decodeMessage(body.subarray(4), UNKNOWN));
  const typeMeta = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const kind = typeMeta.kind ?? '';
  if (unknown.contentEncoding) throw new ProtobufError(`content encoding ${String(unknown.contentEncoding)} is not supported`);
  const message = accepted(kind) ? messageFor(typeMeta.apiVersion ?? '', kind) : undefined;
  if (!message) throw new ProtobufError(`minik does not decode ${kind || 'this kind'} from protobuf yet: send it as JSON`, true);
  const raw = (unknown.raw as Uint8Array | undefined) ?? new Uint8Array();
  return { apiVersion: typeMeta.apiVersion, kind, ...wireErrors(kind, () => decodeMessage(raw, message, kind)) };
}

/** Runs a decode, turning the wire reader's own errors (a truncated or malformed body) into ProtobufErrors. */
function wireErrors<T>(what: string, decode: () => T): T {
  try {
    return decode();
  } catch (e) {
    if (e instanceof ProtobufError) throw e;
    throw new ProtobufError(`malformed ${what}: ${(e as Error).message}`);
  }
}

/** runtime.Unknown: the envelope. */
const UNKNOWN = { 1: ['typeMeta', 'TypeMeta'], 2: ['raw', 'bytes:raw'], 3: ['contentEncoding', 'string'], 4: ['contentType', 'string'] } as const;

const TYPE_META = { 1: ['apiVersion', 'string'], 2: ['kind', 'string'] } as const;

function decodeMessage(bytes: Uint8Array, fields: Record<number, readonly [string, string]>, name = 'message'): Record<string, unknown> {
  const r = new BinaryReader(bytes);
  const out: Record<string, unknown> = {};
  while (r.pos < r.len) {
    const [no, wire] = r.tag();
    const field = fields[no];
    if (!field) throw new ProtobufError(`field ${no} of ${name} is not one minik decodes: send this object as JSON`);
    const [key, type] = field;
    if (type.startsWith('[]')) {
      const list = ((out[key] as unknown[] | undefined) ??= []);
      const item = type.slice(2);
      // Packed scalars (proto3-style) arrive as one length-delimited run.
      if (wire === WireType.LengthDelimited && (item === 'int32' || item === 'int64' || item === 'bool' || item === 'double')) {
        const sub = new BinaryReader(r.bytes());
        while (sub.pos < sub.len) list.push(scalar(sub, item));
      } else list.push(value(r, item, `${name}.${key}`));
    } else if (type.startsWith('map:')) {
      const map = ((out[key] as Record<string, unknown> | undefined) ??= {});
      // An entry's zero key or value is left out on the wire (and by the zero rule below).
      const entry = decodeMessage(r.bytes(), { 1: ['k', 'string'], 2: ['v', type.slice(4)] }, `${name}.${key}`);
      map[String(entry.k ?? '')] = entry.v ?? (type === 'map:string' || type === 'map:bytes' ? '' : undefined);
    } else if (key === '') {
      // An embedded struct: its fields are this object's.
      Object.assign(out, value(r, type, `${name}.${type}`));
    } else {
      const v = value(r, type, `${name}.${key}`);
      // Go writes every non-pointer field, zero or not; its JSON leaves zeros out. A zero is kept
      // only where the field is a pointer whose zero means something (0 replicas, no class).
      if ((v === '' || v === false || v === 0) && !KEEP_ZERO.has(key)) delete out[key];
      else out[key] = v;
    }
  }
  return out;
}

/**
 * Fields whose zero value is a choice, not an absence (pointer fields in Kubernetes' Go types):
 * `replicas: 0`, `backoffLimit: 0`, `automountServiceAccountToken: false`, `storageClassName: ""`.
 */
export const KEEP_ZERO = new Set([
  'replicas',
  'parallelism',
  'completions',
  'backoffLimit',
  'backoffLimitPerIndex',
  'maxFailedIndexes',
  'ttlSecondsAfterFinished',
  'activeDeadlineSeconds',
  'terminationGracePeriodSeconds',
  'deletionGracePeriodSeconds',
  'gracePeriodSeconds',
  'revisionHistoryLimit',
  'successfulJobsHistoryLimit',
  'failedJobsHistoryLimit',
  'startingDeadlineSeconds',
  'progressDeadlineSeconds',
  'minReplicas',
  'priority',
  'runAsUser',
  'runAsGroup',
  'fsGroup',
  'runAsNonRoot',
  'privileged',
  'allowPrivilegeEscalation',
  'readOnlyRootFilesystem',
  'automountServiceAccountToken',
  'enableServiceLinks',
  'shareProcessNamespace',
  'setHostnameAsFQDN',
  'hostUsers',
  'allocateLoadBalancerNodePorts',
  'immutable',
  'suspend',
  'controller',
  'blockOwnerDeletion',
  'orphanDependents',
  'storageClassName',
  'ready',
  'serving',
  'terminating',
]);

function scalar(r: BinaryReader, type: string): unknown {
  switch (type) {
    case 'int32':
      return r.int32();
    case 'int64':
      return Number(r.int64());
    case 'bool':
      return r.bool();
    case 'double':
      return r.double();
  }
  throw new ProtobufError(`unknown scalar type ${type}`);
}

function value(r: BinaryReader, type: string, where: string): unknown {
  switch (type) {
    case 'string':
      return r.string();
    case 'bytes':
      return Buffer.from(r.bytes()).toString('base64');
    case 'bytes:raw':
      return r.bytes();
    case 'int32':
    case 'int64':
    case 'bool':
    case 'double':
      return scalar(r, type);
    case 'Time':
    case 'MicroTime': {
      const t = decodeMessage(r.bytes(), { 1: ['seconds', 'int64'], 2: ['nanos', 'int32'] }, where);
      // Go's zero time, as its JSON says it: null.
      if (!t.seconds && !t.nanos) return null;
      const ms = Number(t.seconds ?? 0) * 1000 + Math.floor(Number(t.nanos ?? 0) / 1e6);
      const iso = new Date(ms).toISOString();
      return type === 'Time' ? iso.replace(/\.\d{3}Z$/, 'Z') : iso.replace(/Z$/, `${String(Number(t.nanos ?? 0) % 1e6).padStart(6, '0').slice(0, 3)}Z`);
    }
    case 'Duration': {
      const d = decodeMessage(r.bytes(), { 1: ['duration', 'int64'] }, where);
      return goDuration(Number(d.duration ?? 0));
    }
    case 'Quantity':
      return decodeMessage(r.bytes(), { 1: ['string', 'string'] }, where).string ?? '0';
    case 'IntOrString': {
      const v = decodeMessage(r.bytes(), { 1: ['type', 'int64'], 2: ['intVal', 'int32'], 3: ['strVal', 'string'] }, where);
      return Number(v.type ?? 0) === 1 ? (v.strVal ?? '') : (v.intVal ?? 0);
    }
    case 'RawExtension':
    case 'FieldsV1': {
      const raw = decodeMessage(r.bytes(), { 1: ['raw', 'bytes:raw'] }, where).raw as Uint8Array | undefined;
      if (!raw || raw.length === 0) return {};
      try {
        return JSON.parse(Buffer.from(raw).toString('utf8'));
      } catch {
        throw new ProtobufError(`${where}: the embedded object is not JSON`);
      }
    }
    case 'TypeMeta':
      return decodeMessage(r.bytes(), TYPE_META, where);
  }
  const message = MESSAGES[type];
  if (!message) throw new ProtobufError(`${where}: message ${type} is not one minik decodes`);
  return decodeMessage(r.bytes(), message, type);
}

/** A duration in Go's text form (`1h2m3s`, `500ms`), as metav1.Duration marshals to JSON. */
function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  const parts: string[] = [];
  let s = ns / 1e9;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (h) parts.push(`${h}h`);
  if (h || m) parts.push(`${m}m`);
  parts.push(`${Number(s.toFixed(9))}s`);
  return parts.join('');
}
