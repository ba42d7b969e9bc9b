import { BinaryReader } from '@bufbuild/protobuf/wire';
import { describe, expect, it } from 'vitest';
import { MESSAGES } from '../../src/api/protobuf/messages.js';
import { encodeOpenAPIv2 } from '../../src/api/protobuf/openapi-v2.js';
import { RESOURCES, groupVersion } from '../../src/api/resources.js';
import { openapiV2, openapiV3GroupVersion, openapiV3Index } from '../../src/apiserver/openapi.js';

type Json = Record<string, any>;
const gvPath = (r: { group: string; version: string }) => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`);

/** Every $ref in a document, with the prefix it points under. */
function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const x of node) refs(x, out);
  else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) k === '$ref' && typeof v === 'string' ? out.push(v) : refs(v, out);
  return out;
}

describe('openapi v3', () => {
  const stored = RESOURCES.filter((r) => !r.readOnly && !r.createOnly);

  it('describes every stored kind at its group-version, with its GVK, and resolves every $ref', () => {
    expect(Object.keys((openapiV3Index() as Json).paths)).toEqual(expect.arrayContaining([...new Set(stored.map(gvPath))]));
    for (const r of stored) {
      const doc = openapiV3GroupVersion(gvPath(r)) as Json;
      const schemas = doc.components.schemas as Record<string, Json>;
      const kind = Object.values(schemas).filter((s) => s['x-kubernetes-group-version-kind']?.some((g: Json) => g.kind === r.kind && g.group === r.group && g.version === r.version));
      expect(kind, `${groupVersion(r)} ${r.kind}`).toHaveLength(1);
      for (const ref of refs(doc)) expect(schemas[ref.replace('#/components/schemas/', '')], ref).toBeDefined();
    }
  });

  it('offers strategic merge patches for the kinds with a wire-format table (what kubectl apply checks), JSON merge otherwise', () => {
    for (const r of stored) {
      const doc = openapiV3GroupVersion(gvPath(r)) as Json;
      const item = Object.entries(doc.paths as Record<string, Json>).find(([p, ops]) => p.endsWith(`/${r.plural}/{name}`) && ops.patch['x-kubernetes-group-version-kind'].kind === r.kind)![1];
      const types = Object.keys(item.patch.requestBody.content);
      expect(types.includes('application/strategic-merge-patch+json'), r.kind).toBe(MESSAGES[r.kind] !== undefined);
      expect(types).toContain('application/merge-patch+json');
      expect(item.patch.parameters.map((p: Json) => p.name)).toContain('fieldValidation');
    }
  });

  it.each([
    ['api/v1', 'io.k8s.api.core.v1.PodSpec', 'containers', { 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' }],
    ['api/v1', 'io.k8s.api.core.v1.PodSpec', 'volumes', { 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge,retainKeys' }],
    ['api/v1', 'io.k8s.api.core.v1.PodSpec', 'topologySpreadConstraints', { 'x-kubernetes-patch-merge-key': 'topologyKey', 'x-kubernetes-patch-strategy': 'merge' }],
    ['api/v1', 'io.k8s.api.core.v1.Container', 'ports', { 'x-kubernetes-patch-merge-key': 'containerPort', 'x-kubernetes-patch-strategy': 'merge' }],
    ['api/v1', 'io.k8s.api.core.v1.ServiceSpec', 'ports', { 'x-kubernetes-patch-merge-key': 'port', 'x-kubernetes-patch-strategy': 'merge' }],
    ['api/v1', 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'finalizers', { 'x-kubernetes-patch-strategy': 'merge' }],
    ['apis/apps/v1', 'io.k8s.api.apps.v1.DeploymentSpec', 'strategy', { 'x-kubernetes-patch-strategy': 'retainKeys' }],
    ['apis/policy/v1', 'io.k8s.api.policy.v1.PodDisruptionBudgetSpec', 'selector', { 'x-kubernetes-patch-strategy': 'replace' }],
  ])('%s %s.%s carries its patch strategy', (path, schema, field, want) => {
    const doc = openapiV3GroupVersion(path) as Json;
    expect(doc.components.schemas[schema].properties[field]).toMatchObject(want);
  });

  it('describes the versions served by conversion too (autoscaling/v1 HorizontalPodAutoscalers)', () => {
    expect(Object.keys((openapiV3Index() as Json).paths)).toContain('apis/autoscaling/v1');
    const doc = openapiV3GroupVersion('apis/autoscaling/v1') as Json;
    expect(doc.components.schemas['io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec'].properties.targetCPUUtilizationPercentage).toMatchObject({ type: 'integer', format: 'int32', description: expect.stringMatching(/^targetCPUUtilizationPercentage is the target average CPU utilization/) });
  });

  it("carries Kubernetes' descriptions of types and fields (what kubectl explain prints), no placeholders", () => {
    const text = JSON.stringify([openapiV3GroupVersion('api/v1'), openapiV3GroupVersion('apis/apps/v1'), openapiV3GroupVersion('apis/batch/v1')]);
    expect(text).not.toMatch(/served by minik|no description/);
    const schemas = (openapiV3GroupVersion('apis/apps/v1') as Json).components.schemas;
    expect(schemas['io.k8s.api.apps.v1.Deployment'].description).toBe('Deployment enables declarative updates for Pods and ReplicaSets.');
    expect(schemas['io.k8s.api.apps.v1.DeploymentSpec'].properties.replicas.description).toMatch(/^Number of desired pods\./);
    expect(schemas['io.k8s.api.apps.v1.Deployment'].properties.kind.description).toMatch(/^Kind is a string value representing the REST resource/);
    const core = (openapiV3GroupVersion('api/v1') as Json).components.schemas;
    expect(core['io.k8s.api.core.v1.Container'].properties.image.description).toMatch(/^Container image name\./);
    expect(core['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].properties.labels.description).toMatch(/^Map of string keys and values that can be used to organize and categorize/);
    // A field of another type has that type's description (kinds keep theirs, other types give
    // theirs to their fields); required fields are listed.
    expect(schemas['io.k8s.api.apps.v1.DeploymentSpec'].properties.selector.description).toMatch(/^A label selector is a label query over a set of resources\./);
    expect(schemas['io.k8s.api.apps.v1.DeploymentSpec'].description).toBeUndefined();
    expect(schemas['io.k8s.api.apps.v1.DeploymentSpec'].required).toEqual(['selector', 'template']);
    expect(core['io.k8s.api.core.v1.Container'].required).toEqual(['name']);
    // Fields newer than the API served are not described (the wire-format table has them).
    expect(core['io.k8s.api.core.v1.PodSpec'].properties.hostnameOverride).toBeUndefined();
    // Every field of the commonest types has one.
    for (const t of ['io.k8s.api.core.v1.PodSpec', 'io.k8s.api.core.v1.Container', 'io.k8s.api.core.v1.ServiceSpec']) {
      const missing = Object.entries(core[t].properties as Record<string, Json>).filter(([, p]) => !p.description).map(([k]) => k);
      expect({ t, missing }).toEqual({ t, missing: [] });
    }
  });

  it('leaves atomic lists without a strategy (tolerations)', () => {
    const doc = openapiV3GroupVersion('api/v1') as Json;
    expect(doc.components.schemas['io.k8s.api.core.v1.PodSpec'].properties.tolerations['x-kubernetes-patch-strategy']).toBeUndefined();
  });
});

describe('openapi v2', () => {
  const doc = openapiV2() as Json;

  it('defines every stored kind with its GVK, refs only to #/definitions, none dangling, no allOf', () => {
    const defs = doc.definitions as Record<string, Json>;
    for (const r of RESOURCES.filter((x) => !x.readOnly && !x.createOnly)) {
      expect(Object.values(defs).some((s) => s['x-kubernetes-group-version-kind']?.some((g: Json) => g.kind === r.kind && g.version === r.version)), r.kind).toBe(true);
    }
    for (const ref of refs(doc)) {
      expect(ref.startsWith('#/definitions/'), ref).toBe(true);
      expect(defs[ref.slice('#/definitions/'.length)], ref).toBeDefined();
    }
    // (JSONSchemaProps has properties named allOf and oneOf: the keywords are the ones holding lists.)
    expect(JSON.stringify(doc)).not.toMatch(/"allOf":\[|"oneOf":\[/);
  });

  it('encodes as gnostic protobuf: swagger, info, then one named schema per definition', () => {
    const r = new BinaryReader(encodeOpenAPIv2(doc));
    const seen: Record<number, number> = {};
    let swagger = '';
    const names: string[] = [];
    while (r.pos < r.len) {
      const [no] = r.tag();
      seen[no] = (seen[no] ?? 0) + 1;
      if (no === 1) swagger = r.string();
      else if (no === 9) {
        const d = new BinaryReader(r.bytes());
        while (d.pos < d.len) {
          d.tag();
          const n = new BinaryReader(d.bytes());
          n.tag();
          names.push(n.string());
        }
      } else r.bytes();
    }
    expect(swagger).toBe('2.0');
    expect(seen[2]).toBe(1);
    expect(names).toEqual(Object.keys(doc.definitions));
  });
});
