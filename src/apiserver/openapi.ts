// OpenAPI v3 documents generated from minik's own schemas: the index kubectl probes before
// validating an apply, and one document per group-version with paths and component schemas.
import { RESOURCES, type ResourceInfo, groupVersion, groupVersions } from '../api/resources.js';
import { SCHEMAS, type Schema } from '../api/schema.js';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** GET /openapi/v3 */
export function openapiV3Index(): object {
  const paths: Record<string, object> = {};
  for (const { group, version } of groupVersions()) paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}` };
  return { paths };
}

function toOpenAPI(s: Schema): object {
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
      return { 'x-kubernetes-int-or-string': true };
    case 'quantity':
      return { 'x-kubernetes-int-or-string': true, description: 'Quantity is a fixed-point representation of a number.' };
    case 'any':
      return { type: 'object' };
    case 'array':
      return { type: 'array', items: toOpenAPI(s.items) };
    case 'map':
      return { type: 'object', additionalProperties: toOpenAPI(s.values) };
    case 'object': {
      const properties: Record<string, object> = {};
      for (const [k, v] of Object.entries(s.fields)) properties[k] = toOpenAPI(v);
      return { type: 'object', description: `${s.go} (minik schema).`, properties, ...(s.open ? { 'x-kubernetes-preserve-unknown-fields': true } : {}) };
    }
  }
}

function schemaName(r: ResourceInfo): string {
  const g = r.group ? r.group.replace(/\.k8s\.io$/, '').split('.')[0] : 'core';
  return `io.k8s.api.${g}.${r.version}.${r.kind}`;
}

function paths(r: ResourceInfo): Record<string, object> {
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const base = `/${gvPath(r.group, r.version)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}`;
  const op = (action: string) => ({
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
    parameters: [{ name: 'dryRun', in: 'query' }, { name: 'fieldManager', in: 'query' }, { name: 'fieldValidation', in: 'query' }],
    responses: { '200': { content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName(r)}` } } } } },
  });
  return {
    [base]: { get: op('list'), post: op('post') },
    [`${base}/{name}`]: { get: op('get'), put: op('put'), patch: op('patch'), delete: op('delete') },
  };
}

/** GET /openapi/v3/api/v1 or /openapi/v3/apis/GROUP/VERSION, or undefined. */
export function openapiV3GroupVersion(path: string): object | undefined {
  const rs = RESOURCES.filter((r) => gvPath(r.group, r.version) === path);
  if (rs.length === 0) return undefined;
  const allPaths: Record<string, object> = {};
  const schemas: Record<string, object> = {};
  for (const r of rs) {
    Object.assign(allPaths, paths(r));
    const s = SCHEMAS[r.kind];
    const body = s ? toOpenAPI(s) : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
    schemas[schemaName(r)] = {
      ...body,
      description: `${r.kind} (${groupVersion(r)}), served by minik.`,
      'x-kubernetes-group-version-kind': [{ group: r.group, version: r.version, kind: r.kind }],
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths: allPaths, components: { schemas } };
}
