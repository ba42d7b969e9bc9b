// OpenAPI v2 documents in the protobuf form kubectl asks for (`Accept:
// application/com.github.proto-openapi.spec.v2@v1.0+protobuf`): gnostic's openapi_v2.Document,
// no envelope. Field numbers are those gnostic publishes for its OpenAPIv2 messages; only what a
// Swagger document of definitions uses is written (info, definitions, and per schema: $ref,
// format, description, type, items, properties, additionalProperties, vendor extensions, whose
// values go as YAML text, which JSON is).
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';

type Json = Record<string, unknown>;

const bytes = (w: BinaryWriter, no: number, build: (w: BinaryWriter) => void) => {
  const inner = new BinaryWriter();
  build(inner);
  w.tag(no, WireType.LengthDelimited).bytes(inner.finish());
};
const str = (w: BinaryWriter, no: number, v: unknown) => {
  if (typeof v === 'string' && v !== '') w.tag(no, WireType.LengthDelimited).string(v);
};

/** A named schema (NamedSchema: name 1, value 2). */
function named(w: BinaryWriter, no: number, name: string, schema: Json): void {
  bytes(w, no, (n) => {
    str(n, 1, name);
    bytes(n, 2, (s) => writeSchema(s, schema));
  });
}

/** A Schema message. */
function writeSchema(w: BinaryWriter, s: Json): void {
  str(w, 1, s.$ref);
  str(w, 2, s.format);
  str(w, 4, s.description);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') bytes(w, 21, (a) => bytes(a, 1, (x) => writeSchema(x, s.additionalProperties as Json)));
  if (typeof s.type === 'string') bytes(w, 22, (t) => str(t, 1, s.type));
  if (s.items && typeof s.items === 'object') bytes(w, 23, (i) => bytes(i, 1, (x) => writeSchema(x, s.items as Json)));
  if (s.properties && typeof s.properties === 'object') {
    bytes(w, 25, (p) => {
      for (const [name, v] of Object.entries(s.properties as Record<string, Json>)) named(p, 1, name, v);
    });
  }
  for (const [k, v] of Object.entries(s)) {
    if (!k.startsWith('x-')) continue;
    // NamedAny (name 1, value 2), its Any's yaml (2).
    bytes(w, 31, (e) => {
      str(e, 1, k);
      bytes(e, 2, (a) => str(a, 2, JSON.stringify(v)));
    });
  }
}

/** A Swagger 2.0 document (swagger, info, definitions) as an openapi_v2.Document. */
export function encodeOpenAPIv2(doc: Json): Uint8Array {
  const w = new BinaryWriter();
  str(w, 1, doc.swagger);
  const info = (doc.info ?? {}) as Json;
  bytes(w, 2, (i) => {
    str(i, 1, info.title);
    str(i, 2, info.version);
  });
  bytes(w, 9, (d) => {
    for (const [name, schema] of Object.entries((doc.definitions ?? {}) as Record<string, Json>)) named(d, 1, name, schema);
  });
  return w.finish();
}
