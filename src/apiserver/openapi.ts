// OpenAPI documents: v3 (the index kubectl probes, and one document per group-version with the
// paths of its resources and a component schema per API type, as kube-apiserver publishes them),
// and the v2 definitions kubectl validates the items of a `kind: List` file against.
// Types come from the wire-format table (api/protobuf/messages.ts, every field of every kind
// minik decodes), and carry the strategic merge metadata of api/patch-meta.ts; kubectl builds an
// apply's patch from them (no fall back to /openapi/v2), validates with the `fieldValidation`
// parameter and explains fields. A kind without a table entry is described from its decoding
// schema and patched with JSON merge patches, as Kubernetes treats custom resources.
// Descriptions of types and fields (what `kubectl explain` prints) come from
// dist/openapi-descriptions.json, which the build makes from @kubernetes/client-node's models
// (scripts/openapi-descriptions.mjs).
import fs from 'node:fs';
import { CONVERSIONS } from '../api/conversion.js';
import { fieldPatchMeta } from '../api/patch-meta.js';
import { MESSAGES, fieldsOf, messageName } from '../api/protobuf/messages.js';
import { BUILTIN, RESOURCES, type ResourceCatalog, type ResourceInfo, groupVersion } from '../api/resources.js';
import { SCHEMAS, type Schema } from '../api/schema.js';

type Json = Record<string, unknown>;

/** A kind served at a group-version (a stored resource or a converted version of one). */
interface Served {
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

function served(): Served[] {
  const out: Served[] = RESOURCES.filter((r) => !r.readOnly && !r.createOnly).map((r) => ({ group: r.group, version: r.version, kind: r.kind, plural: r.plural, namespaced: r.namespaced }));
  for (const c of CONVERSIONS) {
    const stored = RESOURCES.find((r) => groupVersion(r) === c.stored && r.kind === c.kind);
    out.push({ group: c.group, version: c.version, kind: c.kind, plural: c.plural, namespaced: stored?.namespaced ?? true });
  }
  return out;
}

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** Where Kubernetes' Go packages put a group's types: io.k8s.api.apps.v1, ... */
function packageOf(group: string, version: string): string {
  if (group === 'apiregistration.k8s.io') return `io.k8s.kube-aggregator.pkg.apis.apiregistration.${version}`;
  if (group === 'metrics.k8s.io') return `io.k8s.metrics.pkg.apis.metrics.${version}`;
  if (group === 'apiextensions.k8s.io') return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}`;
  const g = group ? group.replace(/\.k8s\.io$/, '').split('.')[0] : 'core';
  return `io.k8s.api.${g}.${version}`;
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
/** Every kind's apiVersion and kind fields, for custom kinds (built-in ones have their descriptions file's). */
const API_VERSION = 'APIVersion defines the versioned schema of this representation of an object.';
const KIND = 'Kind is a string value representing the REST resource this object represents.';
const APIEXTENSIONS = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';
const META_TYPES = new Set(['ObjectMeta', 'OwnerReference', 'ManagedFieldsEntry', 'LabelSelector', 'LabelSelectorRequirement', 'Condition', 'DeleteOptions', 'Preconditions']);

/** Kubernetes' special types: their component names and schemas. */
const SPECIAL: Record<string, [name: string, schema: Json]> = {
  Time: [`${META}.Time`, { type: 'string', format: 'date-time', description: 'Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.' }],
  MicroTime: [`${META}.MicroTime`, { type: 'string', format: 'date-time', description: 'MicroTime is version of Time with microsecond level precision.' }],
  FieldsV1: [`${META}.FieldsV1`, { type: 'object', description: 'FieldsV1 stores a set of fields in a data structure like a Trie, in JSON format.' }],
  Quantity: ['io.k8s.apimachinery.pkg.api.resource.Quantity', { oneOf: [{ type: 'string' }, { type: 'number' }], description: 'Quantity is a fixed-point representation of a number.' }],
  IntOrString: ['io.k8s.apimachinery.pkg.util.intstr.IntOrString', { type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true, description: 'IntOrString is a type that can hold an int32 or a string.' }],
  RawExtension: ['io.k8s.apimachinery.pkg.runtime.RawExtension', { type: 'object', description: 'RawExtension is used to hold extensions in external versions.' }],
  // JSONSchemaProps' custom-marshalled parts: any JSON, a schema or a list / bool / list of names.
  'apiextensions.JSON': [`${APIEXTENSIONS}.JSON`, { description: 'JSON represents any valid JSON value.' }],
  'apiextensions.JSONSchemaPropsOrArray': [`${APIEXTENSIONS}.JSONSchemaPropsOrArray`, { description: 'JSONSchemaPropsOrArray represents a value that can either be a JSONSchemaProps or an array of JSONSchemaProps.' }],
  'apiextensions.JSONSchemaPropsOrBool': [`${APIEXTENSIONS}.JSONSchemaPropsOrBool`, { description: 'JSONSchemaPropsOrBool represents JSONSchemaProps or a boolean value.' }],
  'apiextensions.JSONSchemaPropsOrStringArray': [`${APIEXTENSIONS}.JSONSchemaPropsOrStringArray`, { description: 'JSONSchemaPropsOrStringArray represents a JSONSchemaProps or a string array.' }],
};

const SCALARS: Record<string, Json> = {
  string: { type: 'string' },
  bytes: { type: 'string', format: 'byte' },
  bool: { type: 'boolean' },
  int32: { type: 'integer', format: 'int32' },
  int64: { type: 'integer', format: 'int64' },
  double: { type: 'number', format: 'double' },
};

/** The package that owns each message: the first served kind reaching it (meta types aside). */
let owners: Map<string, string> | undefined;
function ownerOf(message: string): string {
  if (!owners) {
    owners = new Map();
    for (const s of served()) {
      const root = messageOf(s);
      if (!root) continue;
      const pkg = packageOf(s.group, s.version);
      const queue = [root];
      while (queue.length > 0) {
        const m = queue.shift()!;
        if (owners.has(m) || !MESSAGES[m]) continue;
        owners.set(m, META_TYPES.has(m) ? META : pkg);
        for (const [, t] of Object.values(MESSAGES[m])) queue.push(t.replace(/^\[\]/, '').replace(/^map:/, ''));
      }
    }
  }
  return owners.get(message) ?? META;
}

function messageOf(s: Pick<Served, 'group' | 'version' | 'kind'>): string | undefined {
  return messageName(groupVersion(s), s.kind);
}

/** A message's component name: io.k8s.api.core.v1.PodSpec. */
function componentName(message: string): string {
  const short = message.slice(message.lastIndexOf('.') + 1);
  return `${ownerOf(message)}.${short}`;
}

const ref = (name: string): Json => ({ allOf: [{ $ref: `#/components/schemas/${name}` }] });

interface Described {
  description?: string;
  properties: Record<string, string>;
  required?: string[];
  /** Fields the source does not have: newer than the API served (the wire-format table has them). */
  absent?: string[];
}

/** The file the build writes; from src/apiserver or dist/apiserver alike it is ../../dist/. */
const DESCRIPTIONS = new URL('../../dist/openapi-descriptions.json', import.meta.url);
let descriptions: Record<string, Described> | undefined;

/** A component's descriptions (read on first use; none when the build made no file). */
function described(component: string): Described | undefined {
  if (!descriptions) {
    try {
      descriptions = JSON.parse(fs.readFileSync(DESCRIPTIONS, 'utf8')) as Record<string, Described>;
    } catch {
      descriptions = {};
    }
  }
  return descriptions[component];
}

const withDescription = (description: string | undefined): Json => (description ? { description } : {});

/** The description of a field's type (of its items' for a list or map): a message's or a special type's. */
function typeDescription(type: string): string | undefined {
  const t = type.replace(/^(\[\]|map:)/, '');
  const special = SPECIAL[t];
  if (special) return special[1].description as string | undefined;
  return MESSAGES[t] ? described(componentName(t))?.description : undefined;
}

/** Builds the components of one document: each message reached, once. */
class Components {
  readonly schemas: Record<string, Json> = {};

  /** The schema of a field of type `type`, adding the components it refers to. */
  typeSchema(type: string): Json {
    if (type.startsWith('[]')) return { type: 'array', items: { default: type.slice(2) in SCALARS ? '' : {}, ...this.typeSchema(type.slice(2)) } };
    if (type.startsWith('map:')) return { type: 'object', additionalProperties: { default: '', ...this.typeSchema(type.slice(4)) } };
    if (SCALARS[type]) return { ...SCALARS[type] };
    const special = SPECIAL[type];
    if (special) {
      this.schemas[special[0]] ??= special[1];
      return ref(special[0]);
    }
    if (!MESSAGES[type]) return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    return ref(this.message(type));
  }

  /** Adds a message's component (and those it refers to); its name. */
  message(message: string): string {
    const name = componentName(message);
    if (this.schemas[name]) return name;
    const properties: Record<string, Json> = {};
    const d = described(name);
    // A type's description goes on the fields of that type (the source has none of their own),
    // not on the type too: kubectl explain prints a field's and its type's one after the other.
    // Kinds keep theirs (kindSchema below).
    const schema: Json = { type: 'object', properties, ...(d?.required ? { required: d.required } : {}) };
    this.schemas[name] = schema;
    this.addFields(message, properties, d);
    return name;
  }

  /** The fields of `message` (embedded messages' included) as properties, with their patch metadata. */
  private addFields(message: string, properties: Record<string, Json>, d: Described | undefined): void {
    for (const [json, type] of fieldsOf(MESSAGES[message])) {
      if (d?.absent?.includes(json)) continue;
      const meta = fieldPatchMeta(message, json);
      properties[json] = {
        // A field of a message type has no description of its own in the source: its type's.
        ...withDescription(d?.properties[json] ?? typeDescription(type)),
        ...this.typeSchema(type),
        ...(meta.mergeKey ? { 'x-kubernetes-patch-merge-key': meta.mergeKey } : {}),
        ...(meta.strategy ? { 'x-kubernetes-patch-strategy': meta.strategy } : {}),
      };
    }
  }
}

/** A decoding schema as OpenAPI, inline (kinds without a wire-format table). */
function fromSchema(s: Schema): Json {
  switch (s.t) {
    case 'string':
      return { type: 'string' };
    case 'time':
      return { type: 'string', format: 'date-time' };
    case 'boolean':
      return { type: 'boolean' };
    case 'int32':
    case 'int64':
      return { type: 'integer', format: s.t };
    case 'number':
      return { type: 'number', format: 'double' };
    case 'intOrString':
    case 'quantity':
      return { 'x-kubernetes-int-or-string': true };
    case 'any':
      return { type: 'object' };
    case 'array':
      return { type: 'array', items: fromSchema(s.items) };
    case 'map':
      return { type: 'object', additionalProperties: fromSchema(s.values) };
    case 'object': {
      const properties: Record<string, Json> = {};
      for (const [k, v] of Object.entries(s.fields)) properties[k] = fromSchema(v);
      return { type: 'object', properties, ...(s.open ? { 'x-kubernetes-preserve-unknown-fields': true } : {}) };
    }
  }
}

const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml'];
const QUERY = (name: string, description: string): Json => ({ name, in: 'query', description, schema: { type: 'string', uniqueItems: true } });
const WRITE_PARAMS = [
  QUERY('dryRun', 'When present, indicates that modifications should not be persisted.'),
  QUERY('fieldManager', 'A name associated with the actor or entity that is making these changes.'),
  QUERY('fieldValidation', 'How the server handles unknown or duplicate fields: Ignore, Warn or Strict.'),
];

function paths(s: Served, component: string, strategic: boolean): Record<string, Json> {
  const gvk = { group: s.group, version: s.version, kind: s.kind };
  const base = `/${gvPath(s.group, s.version)}${s.namespaced ? '/namespaces/{namespace}' : ''}/${s.plural}`;
  const body = { $ref: `#/components/schemas/${component}` };
  const answer = { '200': { description: 'OK', content: { 'application/json': { schema: body } } } };
  const op = (action: string, extra: Json = {}) => ({ 'x-kubernetes-action': action, 'x-kubernetes-group-version-kind': gvk, responses: answer, ...extra });
  const write = (action: string, types: string[]) => op(action, { parameters: WRITE_PARAMS, requestBody: { content: Object.fromEntries(types.map((t) => [t, { schema: body }])), required: true } });
  return {
    [base]: { get: op('list'), post: write('post', ['*/*']) },
    [`${base}/{name}`]: {
      get: op('get'),
      put: write('put', ['*/*']),
      patch: write('patch', strategic ? PATCH_TYPES : PATCH_TYPES.filter((t) => !t.includes('strategic'))),
      delete: op('delete', { parameters: [QUERY('dryRun', 'When present, indicates that modifications should not be persisted.')] }),
    },
  };
}

/** GET /openapi/v3: the built-in group-versions and those of the catalog's custom resources. */
export function openapiV3Index(cat: ResourceCatalog = BUILTIN): object {
  const out: Record<string, object> = {};
  const gvs = [...cat.groupVersions().filter(({ group }) => group !== 'metrics.k8s.io'), ...CONVERSIONS.map(({ group, version }) => ({ group, version }))];
  for (const { group, version } of gvs) out[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}` };
  return { paths: out };
}

/** A custom resource's component name, as the apiextensions apiserver names it: com.example.stable.v1.CronTab. */
function customComponentName(r: ResourceInfo): string {
  return `${r.group.split('.').reverse().join('.')}.${r.version}.${r.kind}`;
}

/** The document of a group-version of custom resources: each kind's schema from its CRD, JSON merge patches. */
function customDocument(rs: ResourceInfo[]): object {
  const components = new Components();
  const allPaths: Record<string, Json> = {};
  const metaRef = ref(components.message('ObjectMeta'));
  for (const r of rs) {
    const name = customComponentName(r);
    const schema = (structuredClone(r.custom?.schema ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }) as unknown) as Json;
    const props = (schema.properties ?? {}) as Record<string, Json>;
    components.schemas[name] = {
      ...schema,
      properties: {
        apiVersion: { type: 'string', description: API_VERSION },
        kind: { type: 'string', description: KIND },
        ...props,
        metadata: { ...metaRef, description: 'Standard object\'s metadata.' },
      },
      'x-kubernetes-group-version-kind': [{ group: r.group, version: r.version, kind: r.kind }],
    };
    Object.assign(allPaths, paths({ group: r.group, version: r.version, kind: r.kind, plural: r.plural, namespaced: r.namespaced }, name, false));
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' }, paths: allPaths, components: { schemas: components.schemas } };
}

/** Custom documents, per catalog (a new catalog comes with every CRD change). */
const customDocuments = new WeakMap<ResourceCatalog, Map<string, object>>();

const documents = new Map<string, object | undefined>();

/** GET /openapi/v3/api/v1 or /openapi/v3/apis/GROUP/VERSION, or undefined. */
export function openapiV3GroupVersion(path: string, cat: ResourceCatalog = BUILTIN): object | undefined {
  const custom = cat.all.filter((r) => r.custom && gvPath(r.group, r.version) === path);
  if (custom.length > 0) {
    let docs = customDocuments.get(cat);
    if (!docs) customDocuments.set(cat, (docs = new Map()));
    let doc = docs.get(path);
    if (!doc) docs.set(path, (doc = customDocument(custom)));
    return doc;
  }
  if (documents.has(path)) return documents.get(path);
  const kinds = served().filter((s) => gvPath(s.group, s.version) === path);
  let doc: object | undefined;
  if (kinds.length > 0) {
    const components = new Components();
    const allPaths: Record<string, Json> = {};
    for (const s of kinds) {
      const message = messageOf(s);
      const gvk = [{ group: s.group, version: s.version, kind: s.kind }];
      let name: string;
      if (message) {
        name = components.message(message);
        const schema = components.schemas[name];
        const props = schema.properties as Record<string, Json>;
        const d = described(name);
        components.schemas[name] = {
          ...withDescription(d?.description),
          ...schema,
          properties: { apiVersion: { ...withDescription(d?.properties.apiVersion ?? API_VERSION), type: 'string' }, kind: { ...withDescription(d?.properties.kind ?? KIND), type: 'string' }, ...props },
          'x-kubernetes-group-version-kind': gvk,
        };
      } else {
        name = `${packageOf(s.group, s.version)}.${s.kind}`;
        const decoding = SCHEMAS[s.kind];
        components.schemas[name] = { ...withDescription(described(name)?.description), ...(decoding ? fromSchema(decoding) : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }), 'x-kubernetes-group-version-kind': gvk };
      }
      Object.assign(allPaths, paths(s, name, message !== undefined));
    }
    doc = { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: allPaths, components: { schemas: components.schemas } };
  }
  documents.set(path, doc);
  return doc;
}

/** The v3 form of a schema as OpenAPI v2 (Swagger 2.0): refs to #/definitions, no allOf/oneOf. */
function toV2(s: Json): Json {
  const allOf = s.allOf as Json[] | undefined;
  if (allOf?.length === 1 && typeof allOf[0].$ref === 'string') return { $ref: (allOf[0].$ref as string).replace('#/components/schemas/', '#/definitions/') };
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'oneOf') out.type = 'string';
    else if (k === 'default') continue;
    else if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v as Record<string, Json>).map(([p, ps]) => [p, toV2(ps)]));
    else if (k === 'items' || k === 'additionalProperties') out[k] = toV2(v as Json);
    else out[k] = v;
  }
  return out;
}

let v2: Json | undefined;

/** GET /openapi/v2: every served kind's definitions in one Swagger 2.0 document (built once). */
export function openapiV2(): Json {
  if (v2) return v2;
  const definitions: Record<string, Json> = {};
  for (const path of Object.keys((openapiV3Index() as { paths: Record<string, unknown> }).paths)) {
    const doc = openapiV3GroupVersion(path) as { components: { schemas: Record<string, Json> } } | undefined;
    for (const [name, schema] of Object.entries(doc?.components.schemas ?? {})) definitions[name] ??= toV2(schema);
  }
  v2 = { swagger: '2.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: {}, definitions };
  return v2;
}
