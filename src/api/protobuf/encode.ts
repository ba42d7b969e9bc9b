// Encoding objects into Kubernetes' protobuf wire format (the inverse of decode.ts): an object
// of a kind in the message table, a list of one, or a Status, wrapped in the `k8s\0` envelope;
// and watch events, framed. The server answers JSON unless a client accepts only protobuf.
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { PROTOBUF_MAGIC } from './decode.js';
import { MESSAGES, type Message, messageFor } from './messages.js';

/** An object as an enveloped protobuf body (its apiVersion and kind in the envelope). */
export function encodeProtobuf(obj: Record<string, unknown>): Uint8Array {
  const apiVersion = String(obj.apiVersion ?? '');
  const kind = String(obj.kind ?? '');
  const message = messageFor(apiVersion, kind);
  if (!message) throw new Error(`no protobuf message for ${kind}`);
  return enveloped(apiVersion, kind, encodeMessage(obj, message));
}

/** `k8s\0`, then a runtime.Unknown: the type (apiVersion 1, kind 2) and the encoded message. */
function enveloped(apiVersion: string, kind: string, raw: Uint8Array): Uint8Array {
  const w = new BinaryWriter();
  w.tag(1, WireType.LengthDelimited).fork();
  w.tag(1, WireType.LengthDelimited).string(apiVersion);
  w.tag(2, WireType.LengthDelimited).string(kind);
  w.join();
  w.tag(2, WireType.LengthDelimited).bytes(raw);
  const body = w.finish();
  const out = new Uint8Array(PROTOBUF_MAGIC.length + body.length);
  out.set(PROTOBUF_MAGIC, 0);
  out.set(body, PROTOBUF_MAGIC.length);
  return out;
}

/** Whether an object can be answered in protobuf (its kind, or its items' kind, has a message). */
export function hasProtobuf(obj: unknown): boolean {
  if (typeof obj !== 'object' || obj === null) return false;
  const { apiVersion, kind } = obj as { apiVersion?: unknown; kind?: unknown };
  return typeof kind === 'string' && messageFor(String(apiVersion ?? ''), kind) !== undefined;
}

/**
 * A watch event as the apiserver streams it in protobuf: a 4-byte big-endian length, then the
 * enveloped WatchEvent (type 1, object 2: a RawExtension holding the enveloped object).
 */
export function encodeWatchEvent(type: string, obj: Record<string, unknown>, apiVersion: string): Uint8Array {
  const event = new BinaryWriter();
  event.tag(1, WireType.LengthDelimited).string(type);
  event.tag(2, WireType.LengthDelimited).bytes(new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(encodeProtobuf(obj)).finish());
  const body = enveloped(apiVersion, 'WatchEvent', event.finish());
  const out = new Uint8Array(4 + body.length);
  new DataView(out.buffer).setUint32(0, body.length);
  out.set(body, 4);
  return out;
}

function encodeMessage(obj: Record<string, unknown>, message: Message): Uint8Array {
  const w = new BinaryWriter();
  for (const [no, [key, type]] of Object.entries(message)) {
    // An embedded struct is written from this object's own fields.
    const v = key === '' ? obj : obj[key];
    if (v === undefined || v === null) continue;
    if (type.startsWith('[]')) for (const item of v as unknown[]) write(w, Number(no), type.slice(2), item);
    else if (type.startsWith('map:'))
      for (const [k, mv] of Object.entries(v as Record<string, unknown>)) {
        const e = new BinaryWriter();
        e.tag(1, WireType.LengthDelimited).string(k);
        write(e, 2, type.slice(4), mv);
        w.tag(Number(no), WireType.LengthDelimited).bytes(e.finish());
      }
    else write(w, Number(no), type, v);
  }
  return w.finish();
}

function write(w: BinaryWriter, no: number, type: string, v: unknown): void {
  const len = () => w.tag(no, WireType.LengthDelimited);
  switch (type) {
    case 'string':
      return void len().string(String(v));
    case 'bytes':
      return void len().bytes(Buffer.from(String(v), 'base64'));
    case 'bool':
      return void w.tag(no, WireType.Varint).bool(Boolean(v));
    case 'int32':
      return void w.tag(no, WireType.Varint).int32(Number(v));
    case 'int64':
      return void w.tag(no, WireType.Varint).int64(Number(v));
    case 'double':
      return void w.tag(no, WireType.Bit64).double(Number(v));
    case 'Time':
    case 'MicroTime': {
      const ms = Date.parse(String(v));
      const t = new BinaryWriter().tag(1, WireType.Varint).int64(Math.floor(ms / 1000));
      if (ms % 1000) t.tag(2, WireType.Varint).int32((ms % 1000) * 1e6);
      return void len().bytes(t.finish());
    }
    case 'Quantity':
      return void len().bytes(new BinaryWriter().tag(1, WireType.LengthDelimited).string(String(v)).finish());
    case 'IntOrString': {
      const s = new BinaryWriter();
      if (typeof v === 'number') s.tag(1, WireType.Varint).int64(0).tag(2, WireType.Varint).int32(v);
      else s.tag(1, WireType.Varint).int64(1).tag(3, WireType.LengthDelimited).string(String(v));
      return void len().bytes(s.finish());
    }
    case 'RawExtension':
    case 'FieldsV1':
      return void len().bytes(new BinaryWriter().tag(1, WireType.LengthDelimited).bytes(Buffer.from(JSON.stringify(v))).finish());
    case 'Duration':
      throw new Error('Duration fields are not encoded');
  }
  const message = MESSAGES[type];
  if (!message) throw new Error(`no protobuf message ${type}`);
  len().bytes(encodeMessage(v as Record<string, unknown>, message));
}
