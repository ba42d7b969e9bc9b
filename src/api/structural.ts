// Structural schemas (a CRD version's openAPIV3Schema) applied to custom objects, as the
// apiextensions apiserver applies them: pruning of fields the schema does not know, defaulting,
// and validation with Kubernetes' field errors (kube-openapi's messages, converted to field.Errors
// the way apiextensions converts them). Pure functions over JSON values.
import type { CelInput } from '@bufbuild/cel';
import { compile, evaluate, failureMessage, toCel } from './cel.js';
import { jsonEqual } from './equal.js';
import { getOwn, hasOwn, setOwn } from './own-keys.js';
import { MESSAGES, fieldsOf } from './protobuf/messages.js';
import type { JSONSchemaProps } from './types.js';
import { type FieldError, Path } from './validation/field-errors.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fields ObjectMeta has in JSON: what pruning keeps of a `metadata`. */
let metaFields: Set<string> | undefined;
function objectMetaFields(): Set<string> {
  return (metaFields ??= new Set(fieldsOf(MESSAGES.ObjectMeta).keys()));
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Drops the fields of a metadata object ObjectMeta does not have; records them. */
function pruneMeta(meta: unknown, path: string, pruned: string[]): void {
  if (!isObject(meta)) return;
  for (const k of Object.keys(meta)) {
    if (!objectMetaFields().has(k)) {
      delete meta[k];
      pruned.push(join(path, k));
    }
  }
}

/**
 * Removes, in place, every field the schema does not specify (unless a node preserves unknown
 * fields), as the apiserver prunes custom objects; returns the paths removed (`spec.foo`), which
 * strict field validation reports as unknown fields. At the root, and in embedded resources,
 * apiVersion, kind and metadata are kept (metadata reduced to ObjectMeta's fields).
 */
export function prune(schema: JSONSchemaProps | undefined, value: unknown, root = true): string[] {
  const pruned: string[] = [];
  pruneNode(schema, value, '', root, pruned);
  return pruned;
}

function pruneNode(s: JSONSchemaProps | undefined, v: unknown, path: string, resource: boolean, pruned: string[]): void {
  if (s === undefined) return;
  if (Array.isArray(v)) {
    const items = Array.isArray(s.items) ? undefined : s.items;
    if (items) v.forEach((item, i) => pruneNode(items, item, `${path}[${i}]`, !!items['x-kubernetes-embedded-resource'], pruned));
    return;
  }
  if (!isObject(v)) return;
  const preserve = !!s['x-kubernetes-preserve-unknown-fields'];
  const additional = isObject(s.additionalProperties) ? (s.additionalProperties as JSONSchemaProps) : undefined;
  for (const k of Object.keys(v)) {
    const p = join(path, k);
    if (resource && (k === 'apiVersion' || k === 'kind')) continue;
    if (resource && k === 'metadata') {
      pruneMeta(v[k], p, pruned);
      continue;
    }
    const prop = s.properties && hasOwn(s.properties, k) ? s.properties[k] : undefined;
    if (prop) pruneNode(prop, v[k], p, !!prop['x-kubernetes-embedded-resource'], pruned);
    else if (additional) pruneNode(additional, v[k], p, !!additional['x-kubernetes-embedded-resource'], pruned);
    else if (s.additionalProperties === true || preserve) continue;
    else {
      delete v[k];
      pruned.push(p);
    }
  }
}

/**
 * Sets, in place, the schema's defaults on fields that are absent (or null where the schema does
 * not allow null), at every depth the object reaches, as the apiserver defaults custom objects.
 */
export function applySchemaDefaults(s: JSONSchemaProps | undefined, v: unknown): void {
  if (s === undefined) return;
  if (Array.isArray(v)) {
    const items = Array.isArray(s.items) ? undefined : s.items;
    if (items) for (const item of v) applySchemaDefaults(items, item);
    return;
  }
  if (!isObject(v)) return;
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    const cur = getOwn(v, k);
    if (prop.default !== undefined && (cur === undefined || (cur === null && !prop.nullable))) setOwn(v, k, structuredClone(prop.default));
    applySchemaDefaults(prop, getOwn(v, k));
  }
  if (isObject(s.additionalProperties)) {
    const extra = s.additionalProperties as JSONSchemaProps;
    for (const k of Object.keys(v)) if (!s.properties || !hasOwn(s.properties, k)) applySchemaDefaults(extra, v[k]);
  }
}

/** The JSON type name kube-openapi reports for a value. */
function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function hasType(type: string, v: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'number':
      return typeof v === 'number';
    case 'boolean':
      return typeof v === 'boolean';
    default:
      return true;
  }
}

const INT32 = [-(2 ** 31), 2 ** 31 - 1];

/** The string formats Kubernetes checks in custom objects (others are accepted as any string). */
const FORMATS: Record<string, (s: string) => boolean> = {
  'date-time': (s) => /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && !Number.isNaN(Date.parse(s.replace(' ', 'T'))),
  datetime: (s) => FORMATS['date-time'](s),
  date: (s) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s)),
  byte: (s) => /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s),
  uuid: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid3: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(s),
  uuid4: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  uuid5: (s) => /^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$/i.test(s),
  email: (s) => /^[^@\s]+@[^@\s]+$/.test(s),
  hostname: (s) => s.length <= 253 && /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(s),
  ipv4: (s) => /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(s),
  ipv6: (s) => s.includes(':') && /^[0-9A-Fa-f:.]+$/.test(s) && (s.match(/::/g) ?? []).length <= 1,
  cidr: (s) => {
    const [ip, bits, extra] = s.split('/');
    if (extra !== undefined || bits === undefined || !/^\d{1,3}$/.test(bits)) return false;
    return FORMATS.ipv4(ip) ? Number(bits) <= 32 : FORMATS.ipv6(ip) && Number(bits) <= 128;
  },
  mac: (s) => /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/.test(s),
  duration: (s) => /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h|d|w))+$/.test(s),
  uri: (s) => /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s),
};

/** How Go prints a decoded JSON value in a Duplicate error: `"a"`, `map[string]interface {}{"name":"a"}`. */
function goValue(v: unknown): string {
  if (isObject(v)) return `map[string]interface {}{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${goValue(x)}`).join(', ')}}`;
  if (Array.isArray(v)) return `[]interface {}{${v.map(goValue).join(', ')}}`;
  if (v === null) return 'interface {}(nil)';
  return JSON.stringify(v);
}

/** The keys of a list-type=map item, for duplicate detection. */
function mapKey(item: unknown, keys: string[]): string {
  return JSON.stringify(keys.map((k) => (isObject(item) ? (item[k] ?? null) : null)));
}

/**
 * Validates a custom object against its schema: every problem as Kubernetes reports it
 * (`spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer:
 * "string"`, `spec.cronSpec: Required value`, ...). `metadata` is left to ObjectMeta validation
 * except the name rules a schema may set.
 */
export function validateSchema(s: JSONSchemaProps | undefined, value: unknown, old?: unknown): FieldError[] {
  const errs: FieldError[] = [];
  if (!s) return errs;
  validateNode(s, value, '', errs, true, old);
  return errs;
}

/** The old value of a list item: the item with the same keys, in a list-type=map list (others do not correlate). */
function oldItem(s: JSONSchemaProps, old: unknown, item: unknown): unknown {
  if (s['x-kubernetes-list-type'] !== 'map' || !Array.isArray(old)) return undefined;
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  const k = mapKey(item, keys);
  return old.find((o) => mapKey(o, keys) === k);
}

const RULE_ERROR_TYPES: Record<string, FieldError['type']> = {
  FieldValueInvalid: 'Invalid',
  FieldValueForbidden: 'Forbidden',
  FieldValueRequired: 'Required',
  FieldValueDuplicate: 'Duplicate',
};

/**
 * A node's CEL rules (x-kubernetes-validations): `self` is the node's value, `oldSelf` its
 * previous value on an update (rules that use it are skipped when there is none, as transition
 * rules are). A failed rule is an error at the node (or at its fieldPath) with its message.
 */
function checkRules(s: JSONSchemaProps, v: unknown, path: string, old: unknown, errs: FieldError[]): void {
  for (const rule of s['x-kubernetes-validations'] ?? []) {
    const usesOld = /\boldSelf\b/.test(rule.rule);
    if (usesOld && old === undefined) continue;
    const vars: Record<string, CelInput> = { self: toCel(v, s) };
    if (usesOld) vars.oldSelf = toCel(old, s);
    const outcome = evaluate(compile(rule.rule), vars);
    const field = (path + (rule.fieldPath ?? '')).replace(/^\./, '') || '<nil>';
    const typeName = s.type ?? (s['x-kubernetes-int-or-string'] ? 'integer' : 'object');
    if (!outcome.ok) {
      errs.push({ type: 'Invalid', field, value: typeName, detail: outcome.error });
      continue;
    }
    if (outcome.value === true) continue;
    const message = failureMessage(rule, vars, `failed rule: ${rule.rule}`);
    const type = RULE_ERROR_TYPES[rule.reason ?? 'FieldValueInvalid'] ?? 'Invalid';
    if (type === 'Invalid') errs.push({ type, field, value: typeName, detail: message });
    else if (type === 'Duplicate') errs.push({ type, field, value: message, valueText: message });
    else errs.push({ type, field, detail: message });
  }
}

function validateNode(s: JSONSchemaProps, v: unknown, path: string, errs: FieldError[], resource: boolean, old?: unknown): void {
  const p = new Path(path);
  const name = path || '.';
  const invalid = (value: unknown, msg: string) => errs.push(p.invalid(value, `${name} in body ${msg}`));
  if (v === undefined) return; // absent (a field set to undefined is not in the JSON)
  if (v === null) {
    if (s.nullable || (!s.type && (s['x-kubernetes-preserve-unknown-fields'] || s['x-kubernetes-int-or-string']))) return;
    if (s.type) errs.push({ ...p.invalid('null', `${name} in body must be of type ${s.type}: "null"`), type: 'Invalid' });
    return;
  }
  if (s['x-kubernetes-int-or-string']) {
    if (!(typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v)))) {
      invalid(typeName(v), `must be of type integer,string: ${JSON.stringify(typeName(v))}`);
      return;
    }
  } else if (s.type && !hasType(s.type, v)) {
    invalid(typeName(v), `must be of type ${s.type}: ${JSON.stringify(typeName(v))}`);
    return;
  }
  if (s.enum && !s.enum.some((e) => jsonEqual(e, v))) {
    errs.push({ type: 'NotSupported', field: path, value: v, detail: `supported values: ${s.enum.map((e) => JSON.stringify(typeof e === 'string' ? e : JSON.stringify(e))).join(', ')}` });
  }
  if (typeof v === 'string') {
    const len = [...v].length;
    if (s.maxLength !== undefined && len > s.maxLength) errs.push(p.tooLong(s.maxLength));
    if (s.minLength !== undefined && len < s.minLength) invalid(v, `should be at least ${s.minLength} chars long`);
    if (s.pattern !== undefined) {
      let re: RegExp | undefined;
      try {
        re = new RegExp(s.pattern, 'u');
      } catch {
        re = undefined;
      }
      if (re && !re.test(v)) invalid(v, `should match '${s.pattern}'`);
    }
    const check = s.format ? FORMATS[s.format] : undefined;
    if (check && !check(v)) invalid(v, `must be of type ${s.format}: ${JSON.stringify(v)}`);
  }
  if (typeof v === 'number') {
    if (s.format === 'int32' && Number.isInteger(v) && (v < INT32[0] || v > INT32[1])) invalid(v, `must be of type int32: ${JSON.stringify(String(v))}`);
    if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) invalid(v, s.exclusiveMaximum ? `should be less than ${s.maximum}` : `should be less than or equal to ${s.maximum}`);
    if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) invalid(v, s.exclusiveMinimum ? `should be greater than ${s.minimum}` : `should be greater than or equal to ${s.minimum}`);
    if (s.multipleOf !== undefined && s.multipleOf > 0 && Math.abs(v / s.multipleOf - Math.round(v / s.multipleOf)) > 1e-9) invalid(v, `should be a multiple of ${s.multipleOf}`);
  }
  if (Array.isArray(v)) {
    if (s.maxItems !== undefined && v.length > s.maxItems) errs.push({ type: 'TooMany', field: path, detail: `${v.length}: must have at most ${s.maxItems} items` });
    if (s.minItems !== undefined && v.length < s.minItems) invalid(v.length, `should have at least ${s.minItems} items`);
    const listType = s['x-kubernetes-list-type'];
    if (listType === 'set' || listType === 'map') {
      const seen = new Set<string>();
      const keys = s['x-kubernetes-list-map-keys'] ?? [];
      v.forEach((item, i) => {
        const k = listType === 'set' ? JSON.stringify(item) : mapKey(item, keys);
        if (seen.has(k)) {
          const shown = listType === 'set' ? item : Object.fromEntries(keys.filter((x) => isObject(item) && item[x] !== undefined).map((x) => [x, (item as Obj)[x]]));
          errs.push({ type: 'Duplicate', field: `${path}[${i}]`, value: shown, valueText: goValue(shown) });
        }
        seen.add(k);
      });
    } else if (s.uniqueItems && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) invalid(v, `shouldn't contain duplicates`);
    const items = Array.isArray(s.items) ? undefined : s.items;
    if (items) v.forEach((item, i) => validateNode(items, item, `${path}[${i}]`, errs, !!items['x-kubernetes-embedded-resource'], oldItem(s, old, item)));
  }
  if (isObject(v)) {
    const count = Object.keys(v).length;
    if (s.maxProperties !== undefined && count > s.maxProperties) errs.push({ type: 'TooMany', field: path, detail: `${count}: must have at most ${s.maxProperties} items` });
    if (s.minProperties !== undefined && count < s.minProperties) invalid(count, `should have at least ${s.minProperties} properties`);
    for (const r of s.required ?? []) if (getOwn(v, r) === undefined) errs.push(p.child(r).required());
    if (resource && path !== '') {
      // An embedded resource: apiVersion and kind are required.
      if (!v.kind) errs.push(p.child('kind').required('must not be empty'));
      if (!v.apiVersion) errs.push(p.child('apiVersion').required('must not be empty'));
    }
    for (const [k, x] of Object.entries(v)) {
      if (resource && k === 'metadata') {
        // Only name and generateName may be constrained by a schema; the rest is ObjectMeta's.
        const meta = s.properties?.metadata;
        if (meta && isObject(x)) {
          for (const f of ['name', 'generateName'] as const) {
            const fs = meta.properties?.[f];
            if (fs && x[f] !== undefined) validateNode(fs, x[f], join(join(path, 'metadata'), f), errs, false);
          }
        }
        continue;
      }
      const prop = s.properties && hasOwn(s.properties, k) ? s.properties[k] : undefined;
      const child = prop ?? (isObject(s.additionalProperties) ? (s.additionalProperties as JSONSchemaProps) : undefined);
      if (child) validateNode(child, x, join(path, k), errs, !!child['x-kubernetes-embedded-resource'], isObject(old) ? old[k] : undefined);
    }
  }
  if (s['x-kubernetes-validations']?.length) checkRules(s, v, path, old, errs);
  // Value validations beside the structure (structural schemas allow them without types).
  for (const sub of s.allOf ?? []) validateNode(sub, v, path, errs, false);
  if (s.anyOf && !s.anyOf.some((sub) => validateSchemaAt(sub, v, path).length === 0)) invalid(v, 'must validate at least one schema (anyOf)');
  if (s.oneOf) {
    const passing = s.oneOf.filter((sub) => validateSchemaAt(sub, v, path).length === 0).length;
    if (passing !== 1) invalid(v, passing === 0 ? 'must validate one and only one schema (oneOf)' : 'must validate one and only one schema (oneOf). Found more than one');
  }
  if (s.not && validateSchemaAt(s.not, v, path).length === 0) invalid(v, 'must not validate the schema (not)');
}

function validateSchemaAt(s: JSONSchemaProps, v: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  validateNode(s, v, path, errs, false);
  return errs;
}

/** The schema node at a dotted path of properties (`spec.replicas`), or undefined. */
export function schemaAt(s: JSONSchemaProps | undefined, path: string[]): JSONSchemaProps | undefined {
  let node = s;
  for (const k of path) node = node?.properties && hasOwn(node.properties, k) ? node.properties[k] : undefined;
  return node;
}
