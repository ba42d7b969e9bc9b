// CustomResourceDefinitions in a cluster: served at once, Established by their controller,
// custom objects pruned, defaulted and validated, status and scale subresources, several
// versions, discovery and openapi, and deletion (of the CRD, of a namespace) taking the objects.
import { describe, expect, it } from 'vitest';
import { resourceNamed } from '../../src/api/resources.js';
import type { CustomResourceDefinition, KubeObject } from '../../src/api/types.js';
import { aggregatedDiscovery, apiGroup, apiResourceList } from '../../src/apiserver/discovery.js';
import { openapiV3GroupVersion, openapiV3Index } from '../../src/apiserver/openapi.js';
import { getScale, updateScale } from '../../src/apiserver/scale.js';
import { bootstrap } from '../../src/daemon/bootstrap.js';
import { TestCluster } from '../cluster.js';
import { refusal } from '../helpers.js';

const crdR = resourceNamed('customresourcedefinitions');

function crontabs(extra: Partial<CustomResourceDefinition['spec']> = {}): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'crontabs.stable.example.com' },
    spec: {
      group: 'stable.example.com',
      scope: 'Namespaced',
      names: { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', shortNames: ['ct'] },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', required: ['image'], properties: { image: { type: 'string' }, replicas: { type: 'integer', default: 1, minimum: 0 } } },
                status: { type: 'object', properties: { replicas: { type: 'integer' }, selector: { type: 'string' } } },
              },
            },
          },
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' } },
          additionalPrinterColumns: [{ name: 'Image', type: 'string', jsonPath: '.spec.image' }],
        },
        { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
      ],
      ...extra,
    },
  };
}

const cron = (name: string, spec: Record<string, unknown>, extra: Partial<KubeObject> = {}): KubeObject => ({ apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name }, spec, ...extra });

function withCRD(): TestCluster {
  const c = new TestCluster();
  c.create(crontabs());
  return c;
}

describe('CustomResourceDefinitions', () => {
  it('serves the custom resource as soon as the CRD is stored; its controller marks it Established', () => {
    const c = withCRD();
    const r = c.reg.resources.forPath('stable.example.com', 'v1', 'crontabs');
    expect(r?.kind).toBe('CronTab');
    expect(c.reg.resources.resolve('ct')[0]).toBe(r);
    c.run(100);
    const crd = c.reg.get(crdR, '', 'crontabs.stable.example.com');
    expect(crd.status?.conditions?.map((x) => [x.type, x.status, x.reason])).toEqual([
      ['NamesAccepted', 'True', 'NoConflicts'],
      ['Established', 'True', 'InitialNamesAccepted'],
    ]);
    expect(crd.status?.acceptedNames?.kind).toBe('CronTab');
    expect(crd.status?.storedVersions).toEqual(['v1']);
  });

  it('prunes unknown fields (reported as warnings, refused under Strict), defaults, validates', () => {
    const c = withCRD();
    const r = c.reg.resources.forKind('stable.example.com/v1', 'CronTab')!;
    const warnings: string[] = [];
    const o = c.reg.create(r, 'default', cron('a', { image: 'x', bogus: 1 }), { warnings });
    expect(warnings).toEqual(['unknown field "spec.bogus"']);
    expect(o.spec).toEqual({ image: 'x', replicas: 1 });
    expect(o.metadata.generation).toBe(1);
    expect(refusal(() => c.reg.create(r, 'default', cron('b', { image: 'x', bogus: 1 }), { fieldValidation: 'Strict' }))).toEqual({
      code: 400,
      message: 'CronTab in version "v1" cannot be handled as a CronTab: strict decoding error: unknown field "spec.bogus"',
    });
    expect(refusal(() => c.reg.create(r, 'default', cron('c', { replicas: -1 })))).toEqual({
      code: 422,
      message: 'CronTab.stable.example.com "c" is invalid: [spec.image: Required value, spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0]',
    });
  });

  it('keeps status out of the main resource and spec out of /status; generation counts the rest', () => {
    const c = withCRD();
    const r = c.reg.resources.forKind('stable.example.com/v1', 'CronTab')!;
    const o = c.reg.create(r, 'default', cron('a', { image: 'x' }, { status: { replicas: 9 } }));
    expect(o.status).toBeUndefined();
    const s = c.reg.update(r, 'default', 'a', { ...o, spec: { image: 'y' }, status: { replicas: 2 } }, { subresource: 'status' });
    expect([s.spec, s.status, s.metadata.generation]).toEqual([{ image: 'x', replicas: 1 }, { replicas: 2 }, 1]);
    const u = c.reg.patch(r, 'default', 'a', 'merge', { spec: { image: 'z' }, status: { replicas: 7 } });
    expect([u.spec, u.status, u.metadata.generation]).toEqual([{ image: 'z', replicas: 1 }, { replicas: 2 }, 2]);
    // A label alone does not move generation.
    expect(c.reg.patch(r, 'default', 'a', 'merge', { metadata: { labels: { a: 'b' } } }).metadata.generation).toBe(2);
  });

  it('scales through the paths the CRD names', () => {
    const c = withCRD();
    const r = c.reg.resources.forKind('stable.example.com/v1', 'CronTab')!;
    c.reg.create(r, 'default', cron('a', { image: 'x', replicas: 2 }));
    c.reg.update(r, 'default', 'a', { ...c.reg.get(r, 'default', 'a'), status: { replicas: 2, selector: 'app=a' } }, { subresource: 'status' });
    expect(getScale(c.reg, r, 'default', 'a')).toMatchObject({ spec: { replicas: 2 }, status: { replicas: 2, selector: 'app=a' } });
    updateScale(c.reg, r, 'default', 'a', 'merge', { spec: { replicas: 5 } }, {});
    expect(c.reg.get(r, 'default', 'a').spec).toEqual({ image: 'x', replicas: 5 });
  });

  it('stores every version as the storage version and shows each version its own apiVersion', () => {
    const c = withCRD();
    const v1beta1 = c.reg.resources.forKind('stable.example.com/v1beta1', 'CronTab')!;
    const v1 = c.reg.resources.forKind('stable.example.com/v1', 'CronTab')!;
    c.reg.create(v1beta1, 'default', { ...cron('a', { image: 'x' }), apiVersion: 'stable.example.com/v1beta1' });
    const stored = c.reg.get(v1, 'default', 'a');
    expect(stored.apiVersion).toBe('stable.example.com/v1');
    expect(c.reg.inVersion(v1beta1, stored).apiVersion).toBe('stable.example.com/v1beta1');
    // A patch through the other version applies to the object as that version shows it.
    expect(c.reg.patch(v1beta1, 'default', 'a', 'merge', { spec: { image: 'y' } }).spec).toMatchObject({ image: 'y' });
  });

  it('appears in discovery (preferred version first) and in openapi v3 with its schema', () => {
    const c = withCRD();
    const cat = c.reg.resources;
    expect(apiGroup(cat, 'stable.example.com')).toMatchObject({ preferredVersion: { version: 'v1' }, versions: [{ version: 'v1' }, { version: 'v1beta1' }] });
    const list = apiResourceList(cat, 'stable.example.com', 'v1') as { resources: { name: string; shortNames?: string[] }[] };
    expect(list.resources.map((x) => x.name)).toEqual(['crontabs', 'crontabs/status', 'crontabs/scale']);
    expect(JSON.stringify(aggregatedDiscovery(cat, false))).toContain('"resource":"crontabs"');
    expect(Object.keys((openapiV3Index(cat) as { paths: object }).paths)).toContain('apis/stable.example.com/v1');
    const doc = openapiV3GroupVersion('apis/stable.example.com/v1', cat) as { components: { schemas: Record<string, { properties: Record<string, unknown> }> } };
    expect(Object.keys(doc.components.schemas['com.example.stable.v1.CronTab'].properties)).toEqual(['apiVersion', 'kind', 'spec', 'status', 'metadata']);
  });

  it('a CRD whose names another CRD holds is not served, and says why', () => {
    const c = withCRD();
    c.clock.advance(1000);
    c.create({ ...crontabs({ names: { plural: 'crons', singular: 'cron', kind: 'CronTab' } }), metadata: { name: 'crons.stable.example.com' } });
    c.run(100);
    expect(c.reg.resources.forPath('stable.example.com', 'v1', 'crons')).toBeUndefined();
    const crd = c.reg.get(crdR, '', 'crons.stable.example.com');
    expect(crd.status?.conditions?.map((x) => [x.type, x.status, x.reason, x.message])).toEqual([
      // As the naming controller, the last check that fails is the one reported (listKind after kind).
      ['NamesAccepted', 'False', 'ListKindConflict', '"CronTabList" is already in use'],
      ['Established', 'False', 'NotAccepted', 'not all names are accepted'],
    ]);
  });

  it("a CRD being deleted keeps its names until it is gone: a newer CRD claiming them is neither served nor marked accepted", () => {
    const c = withCRD();
    const r = c.reg.resources.forKind('stable.example.com/v1', 'CronTab')!;
    c.reg.create(r, 'default', cron('held', { image: 'x' }, { metadata: { name: 'held', finalizers: ['example.com/hold'] } }));
    c.reg.delete(crdR, '', 'crontabs.stable.example.com');
    c.clock.advance(1000);
    c.create({ ...crontabs({ names: { plural: 'crons', singular: 'cron', kind: 'CronTab' } }), metadata: { name: 'crons.stable.example.com' } });
    c.run(200);
    expect(c.reg.resources.forPath('stable.example.com', 'v1', 'crons')).toBeUndefined();
    const newer = c.reg.get(crdR, '', 'crons.stable.example.com');
    expect(newer.status?.conditions?.find((x) => x.type === 'NamesAccepted')?.status).toBe('False');
  });

  it('deleting the CRD refuses new objects, deletes the existing ones, then the CRD', () => {
    const c = withCRD();
    const r = c.reg.resources.forKind('stable.example.com/v1', 'CronTab')!;
    c.reg.create(r, 'default', cron('a', { image: 'x' }));
    c.reg.create(r, 'default', cron('b', { image: 'x' }, { metadata: { name: 'b', finalizers: ['example.com/hold'] } }));
    c.reg.delete(crdR, '', 'crontabs.stable.example.com');
    const marked = c.reg.get(crdR, '', 'crontabs.stable.example.com');
    expect(marked.metadata.finalizers).toEqual(['customresourcecleanup.apiextensions.k8s.io']);
    expect(marked.status?.conditions?.find((x) => x.type === 'Terminating')).toMatchObject({ status: 'True', reason: 'InstanceDeletionInProgress' });
    const terminating = c.reg.resources.forKind('stable.example.com/v1', 'CronTab')!;
    expect(refusal(() => c.reg.create(terminating, 'default', cron('c', { image: 'x' })))).toEqual({ code: 405, message: 'create not allowed while custom resource definition is terminating' });
    c.run(200);
    // The object with a finalizer waits for it; so does the CRD.
    expect(c.reg.list(terminating, 'default').items.map((o) => o.metadata.name)).toEqual(['b']);
    expect(c.reg.find(crdR, '', 'crontabs.stable.example.com')).toBeDefined();
    c.reg.patch(terminating, 'default', 'b', 'merge', { metadata: { finalizers: null } });
    c.run(200);
    expect(c.reg.find(crdR, '', 'crontabs.stable.example.com')).toBeUndefined();
    expect(c.reg.resources.forKind('stable.example.com/v1', 'CronTab')).toBeUndefined();
  });

  it('deleting a namespace deletes its custom objects; the garbage collector follows owners that are custom objects', () => {
    const c = withCRD();
    const r = c.reg.resources.forKind('stable.example.com/v1', 'CronTab')!;
    c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    const owner = c.reg.create(r, 'team', cron('a', { image: 'x' }));
    c.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned', namespace: 'default', ownerReferences: [] } });
    c.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'child', namespace: 'team', ownerReferences: [{ apiVersion: 'stable.example.com/v1', kind: 'CronTab', name: 'a', uid: owner.metadata.uid! }] } });
    c.reg.delete(r, 'team', 'a');
    c.run(500);
    expect(c.get('configmaps', 'child', 'team')).toBeUndefined();
    c.reg.create(r, 'team', cron('b', { image: 'x' }));
    c.reg.delete(resourceNamed('namespaces'), '', 'team');
    c.run(5000);
    expect(c.reg.list(r, 'team').items).toEqual([]);
  });
});

describe('CustomResourceDefinitions across a restart', () => {
  it('serves the custom resources of the CRDs in the store it opens', async () => {
    const { Store } = await import('../../src/store/store.js');
    const { Registry } = await import('../../src/apiserver/registry.js');
    const { FakeClock } = await import('../../src/api/clock.js');
    const { tempHome } = await import('../helpers.js');
    const fs = await import('node:fs');
    const dir = tempHome();
    const file = `${dir}/state.db`;
    const clock = new FakeClock(Date.parse('2026-12-01T10:00:00Z'));
    const before = new Store(file);
    const first = new Registry(before, clock);
    bootstrap(first);
    first.create(crdR, '', crontabs());
    first.create(first.resources.forKind('stable.example.com/v1', 'CronTab')!, 'default', cron('a', { image: 'x' }));
    before.close();
    const after = new Store(file);
    const second = new Registry(after, clock);
    const r = second.resources.forKind('stable.example.com/v1', 'CronTab');
    expect(r).toBeDefined();
    expect(second.list(r!, 'default').items.map((o) => o.metadata.name)).toEqual(['a']);
    after.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
