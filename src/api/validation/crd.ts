// CustomResourceDefinition validation, as the apiextensions apiserver validates apiextensions/v1
// CRDs: names, group, scope, versions (exactly one storage version, a schema for each), printer
// columns, subresources, and the rules that make a schema structural.
import { compile } from '../cel.js';
import { dns1035Label, dns1123Subdomain } from '../names.js';
import type { CustomResourceDefinition, CustomResourceDefinitionVersion, JSONSchemaProps } from '../types.js';
import { type FieldError, Path } from './field-errors.js';

const COLUMN_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const SCHEMA_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const RULE_REASONS = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];

/** A simple JSONPath (`.spec.replicas`): what printer columns and scale paths may use. */
function simplePathProblem(path: string): string | undefined {
  if (!path.startsWith('.')) return 'must be a simple json path starting with .';
  return undefined;
}

/** Where a schema node sits: at the root, as an object field, or as array items. */
type Place = 'root' | 'field' | 'items';

/** The structural rules of one schema node and its children (pkg/apiserver/schema validation). */
function validateStructural(s: JSONSchemaProps, p: Path, place: Place, errs: FieldError[], inMeta = false): void {
  const preserve = !!s['x-kubernetes-preserve-unknown-fields'];
  const intOrString = !!s['x-kubernetes-int-or-string'];
  if (s.type === undefined && !preserve && !intOrString) {
    const detail = place === 'root' ? 'must not be empty at the root' : place === 'items' ? 'must not be empty for specified array items' : 'must not be empty for specified object fields';
    errs.push(p.child('type').required(detail));
  } else if (s.type !== undefined && !SCHEMA_TYPES.includes(s.type)) {
    errs.push(p.child('type').notSupported(s.type, SCHEMA_TYPES));
  }
  if (place === 'root' && s.type !== undefined && s.type !== 'object') errs.push(p.child('type').invalid(s.type, 'must be object at the root'));
  if (place === 'root' && s.nullable) errs.push(p.child('nullable').forbidden('nullable cannot be true at the root'));
  if (s['x-kubernetes-preserve-unknown-fields'] === false) errs.push(p.child('x-kubernetes-preserve-unknown-fields').invalid(false, 'must be true or undefined'));
  if (intOrString && preserve) errs.push(p.child('x-kubernetes-preserve-unknown-fields').invalid(true, 'must be false if x-kubernetes-int-or-string is true'));
  if (s['x-kubernetes-embedded-resource']) {
    if (inMeta) errs.push(p.child('x-kubernetes-embedded-resource').forbidden('must not be used inside of resource meta'));
    if (s.type === undefined) errs.push(p.child('type').required('must be object if x-kubernetes-embedded-resource is true'));
    else if (s.type !== 'object') errs.push(p.child('type').invalid(s.type, 'must be object if x-kubernetes-embedded-resource is true'));
    if (!preserve && !s.properties) errs.push(p.child('properties').required('must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
  if (s.type === 'array' && !s.items) errs.push(p.child('items').required('must be specified'));
  if (Array.isArray(s.items)) errs.push(p.child('items').forbidden('items must be a schema object and not an array'));
  if (s.properties && s.additionalProperties !== undefined && s.additionalProperties !== false)
    errs.push(p.child('additionalProperties').forbidden('additionalProperties and properties are mutual exclusive'));
  if (place === 'root' && s.additionalProperties !== undefined && s.additionalProperties !== false) errs.push(p.child('additionalProperties').forbidden('must not be used at the root'));
  if (s.uniqueItems) errs.push(p.child('uniqueItems').forbidden('uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  for (const [k, why] of [
    ['id', 'id is not supported'],
    ['additionalItems', 'additionalItems is not supported'],
    ['patternProperties', 'patternProperties is not supported'],
    ['definitions', 'definitions is not supported'],
    ['dependencies', 'dependencies is not supported'],
    ['$ref', '$ref is not supported'],
  ] as const) {
    if (s[k] !== undefined) errs.push(p.child(k).forbidden(why));
  }
  if (s.pattern !== undefined) {
    try {
      new RegExp(s.pattern, 'u');
    } catch (e) {
      errs.push(p.child('pattern').invalid(s.pattern, `must be a valid regular expression, but isn't: ${(e as Error).message}`));
    }
  }
  const listType = s['x-kubernetes-list-type'];
  if (listType !== undefined) {
    if (!['atomic', 'set', 'map'].includes(listType)) errs.push(p.child('x-kubernetes-list-type').notSupported(listType, ['atomic', 'set', 'map']));
    if (s.type === undefined) errs.push(p.child('type').required('must be array if x-kubernetes-list-type is specified'));
    else if (s.type !== 'array') errs.push(p.child('type').invalid(s.type, 'must be array if x-kubernetes-list-type is specified'));
  }
  const mapKeys = s['x-kubernetes-list-map-keys'] ?? [];
  if (mapKeys.length > 0 && listType !== 'map') {
    if (listType === undefined) errs.push(p.child('x-kubernetes-list-type').required('must be map if x-kubernetes-list-map-keys is non-empty'));
    else errs.push(p.child('x-kubernetes-list-type').invalid(listType, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  if (listType === 'map') {
    if (mapKeys.length === 0) errs.push(p.child('x-kubernetes-list-map-keys').required('must not be empty if x-kubernetes-list-type is map'));
    const items = Array.isArray(s.items) ? undefined : s.items;
    if (!items) errs.push(p.child('items').required('must have a schema if x-kubernetes-list-type is map'));
    else {
      if (items.type !== 'object') errs.push(p.child('items').child('type').invalid(items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
      if (mapKeys.some((k) => !items.properties?.[k])) errs.push(p.child('x-kubernetes-list-map-keys').invalid(mapKeys, 'entries must all be names of item properties'));
      if (new Set(mapKeys).size !== mapKeys.length) errs.push(p.child('x-kubernetes-list-map-keys').invalid(mapKeys, 'must not contain duplicate entries'));
    }
  }
  const mapType = s['x-kubernetes-map-type'];
  if (mapType !== undefined && !['atomic', 'granular'].includes(mapType)) errs.push(p.child('x-kubernetes-map-type').notSupported(mapType, ['atomic', 'granular']));
  (s['x-kubernetes-validations'] ?? []).forEach((rule, i) => {
    const rp = p.child('x-kubernetes-validations').index(i);
    if (!rule.rule) errs.push(rp.child('rule').required('rule is not specified'));
    else {
      const c = compile(rule.rule);
      if (!c.ok) errs.push(rp.child('rule').invalid(rule.rule, `compilation failed: ${c.error}`));
    }
    if (rule.messageExpression !== undefined) {
      const c = compile(rule.messageExpression);
      if (!rule.messageExpression.trim()) errs.push(rp.child('messageExpression').required('messageExpression must be non-empty if specified'));
      else if (!c.ok) errs.push(rp.child('messageExpression').invalid(rule.messageExpression, `messageExpression compilation failed: ${c.error}`));
    }
    if (rule.message !== undefined && rule.message.trim() === '') errs.push(rp.child('message').invalid(rule.message, 'must be non-empty if specified'));
    if (rule.message?.includes('\n')) errs.push(rp.child('message').invalid(rule.message, 'must not contain line breaks'));
    if (rule.reason !== undefined && !RULE_REASONS.includes(rule.reason)) errs.push(rp.child('reason').notSupported(rule.reason, RULE_REASONS));
  });
  if (place !== 'root' && s.properties?.metadata && inMeta) errs.push(p.child('properties').key('metadata').forbidden('must not be specified in a nested context'));
  for (const [k, child] of Object.entries(s.properties ?? {})) {
    if (place === 'root' && k === 'metadata') {
      const extra = Object.keys(child.properties ?? {}).filter((x) => x !== 'name' && x !== 'generateName');
      if (extra.length > 0 || (child.type !== undefined && child.type !== 'object'))
        errs.push(p.child('properties').key('metadata').forbidden('must not specify anything other than name and generateName, but metadata is implicitly specified'));
      continue;
    }
    validateStructural(child, p.child('properties').key(k), 'field', errs, inMeta);
  }
  if (!Array.isArray(s.items) && s.items) validateStructural(s.items, p.child('items'), 'items', errs, inMeta);
  if (typeof s.additionalProperties === 'object' && s.additionalProperties !== null) validateStructural(s.additionalProperties, p.child('additionalProperties'), 'field', errs, inMeta);
}

function validateVersion(v: CustomResourceDefinitionVersion, p: Path, errs: FieldError[]): void {
  for (const msg of dns1035Label(v.name ?? '')) errs.push(p.child('name').invalid(v.name ?? '', msg));
  const schema = v.schema?.openAPIV3Schema;
  if (!schema) errs.push(p.child('schema').child('openAPIV3Schema').required());
  else {
    const sp = p.child('schema').child('openAPIV3Schema');
    validateStructural(schema, sp, 'root', errs);
  }
  (v.additionalPrinterColumns ?? []).forEach((c, i) => {
    const cp = p.child('additionalPrinterColumns').index(i);
    if (!c.name) errs.push(cp.child('name').required());
    if (!c.type) errs.push(cp.child('type').required(`must be one of ${COLUMN_TYPES.join(',')}`));
    else if (!COLUMN_TYPES.includes(c.type)) errs.push(cp.child('type').invalid(c.type, `must be one of ${COLUMN_TYPES.join(',')}`));
    if (c.format && !COLUMN_FORMATS.includes(c.format)) errs.push(cp.child('format').invalid(c.format, `must be one of ${COLUMN_FORMATS.join(',')}`));
    if (!c.jsonPath) errs.push(cp.child('JSONPath').required());
    else {
      const problem = simplePathProblem(c.jsonPath);
      if (problem) errs.push(cp.child('JSONPath').invalid(c.jsonPath, problem));
    }
  });
  const scale = v.subresources?.scale;
  if (scale) {
    const sp = p.child('subresources');
    if (!scale.specReplicasPath) errs.push(sp.child('scale.specReplicasPath').required());
    else if (!scale.specReplicasPath.startsWith('.spec.')) errs.push(sp.child('scale.specReplicasPath').invalid(scale.specReplicasPath, 'should be a json path under .spec'));
    if (!scale.statusReplicasPath) errs.push(sp.child('scale.statusReplicasPath').required());
    else if (!scale.statusReplicasPath.startsWith('.status.')) errs.push(sp.child('scale.statusReplicasPath').invalid(scale.statusReplicasPath, 'should be a json path under .status'));
    if (scale.labelSelectorPath && !/^\.(spec|status)\./.test(scale.labelSelectorPath))
      errs.push(sp.child('scale.labelSelectorPath').invalid(scale.labelSelectorPath, 'should be a json path under either .spec or .status'));
  }
}

/** Every validation error of a CRD (create, and the parts of update that are not about change). */
export function validateCRD(crd: CustomResourceDefinition): FieldError[] {
  const errs: FieldError[] = [];
  const spec = crd.spec ?? ({} as CustomResourceDefinition['spec']);
  const sp = new Path('spec');
  const names = spec.names ?? ({} as CustomResourceDefinition['spec']['names']);
  const name = crd.metadata.name ?? '';
  if (name && name !== `${names.plural}.${spec.group}`) errs.push(new Path('metadata').child('name').invalid(name, 'must be spec.names.plural+"."+spec.group'));
  if (!spec.group) errs.push(sp.child('group').required());
  else {
    const problems = dns1123Subdomain(spec.group);
    if (problems.length) errs.push(sp.child('group').invalid(spec.group, problems.join(',')));
    else if (!spec.group.includes('.')) errs.push(sp.child('group').invalid(spec.group, 'should be a domain with at least one dot'));
  }
  if (!spec.scope) errs.push(sp.child('scope').required());
  else if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') errs.push(sp.child('scope').notSupported(spec.scope, ['Cluster', 'Namespaced']));
  const versions = spec.versions ?? [];
  if (versions.length === 0) errs.push(sp.child('versions').required());
  versions.forEach((v, i) => validateVersion(v, sp.child('versions').index(i), errs));
  if (new Set(versions.map((v) => v.name)).size !== versions.length) errs.push(sp.child('versions').invalid(versions, 'must contain unique version names'));
  if (versions.filter((v) => v.storage).length !== 1) errs.push(sp.child('versions').invalid(versions, 'must have exactly one version marked as storage version'));
  const np = sp.child('names');
  if (!names.plural) errs.push(np.child('plural').required());
  if (!names.singular) errs.push(np.child('singular').required());
  if (!names.kind) errs.push(np.child('kind').required());
  if (!names.listKind) errs.push(np.child('listKind').required());
  const label = (v: string) => dns1035Label(v).join(',');
  if (names.plural && label(names.plural)) errs.push(np.child('plural').invalid(names.plural, label(names.plural)));
  if (names.singular && label(names.singular)) errs.push(np.child('singular').invalid(names.singular, label(names.singular)));
  if (names.kind && label(names.kind.toLowerCase())) errs.push(np.child('kind').invalid(names.kind, `may have mixed case, but should otherwise match: ${label(names.kind.toLowerCase())}`));
  if (names.listKind && label(names.listKind.toLowerCase())) errs.push(np.child('listKind').invalid(names.listKind, `may have mixed case, but should otherwise match: ${label(names.listKind.toLowerCase())}`));
  (names.shortNames ?? []).forEach((s, i) => label(s) && errs.push(np.child('shortNames').index(i).invalid(s, label(s))));
  if (names.kind && names.kind === names.listKind) errs.push(np.child('listKind').invalid(names.listKind, 'kind and listKind may not be the same'));
  (names.categories ?? []).forEach((c, i) => label(c) && errs.push(np.child('categories').index(i).invalid(c, label(c))));
  const conversion = spec.conversion;
  if (conversion?.strategy && conversion.strategy !== 'None' && conversion.strategy !== 'Webhook')
    errs.push(sp.child('conversion').child('strategy').notSupported(conversion.strategy, ['None', 'Webhook']));
  if (conversion?.strategy === 'Webhook' && !conversion.webhook?.clientConfig) errs.push(sp.child('conversion').child('webhookClientConfig').required('required when strategy is set to Webhook'));
  if (spec.preserveUnknownFields) errs.push(sp.child('preserveUnknownFields').invalid(true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
  return errs;
}

/** What an update of a CRD may not change: group and plural always; scope and kind once established. */
export function validateCRDUpdate(crd: CustomResourceDefinition, old: CustomResourceDefinition): FieldError[] {
  const errs = validateCRD(crd);
  const sp = new Path('spec');
  const established = (old.status?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True');
  const immutable = (p: Path, now: unknown, was: unknown) => now !== was && errs.push(p.invalid(now, 'field is immutable'));
  if (established) {
    immutable(sp.child('scope'), crd.spec?.scope, old.spec?.scope);
    immutable(sp.child('names').child('kind'), crd.spec?.names?.kind, old.spec?.names?.kind);
  }
  immutable(sp.child('group'), crd.spec?.group, old.spec?.group);
  immutable(sp.child('names').child('plural'), crd.spec?.names?.plural, old.spec?.names?.plural);
  return errs;
}
