import { describe, expect, it } from 'vitest';
import { jsonPatch, mergePatch, strategicMerge, threeWayPatch } from '../../src/api/patch.js';

describe('JSON merge patch (RFC 7386)', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: ['b'] }, { a: ['c', 'd'] }, { a: ['c', 'd'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: 'foo' }, 'bar', 'bar'],
  ])('%j + %j = %j', (target, patch, expected) => expect(mergePatch(target, patch)).toEqual(expected));
});

describe('JSON patch (RFC 6902)', () => {
  it('adds, replaces, removes, moves, copies and tests', () => {
    const doc = { spec: { replicas: 1, list: ['a', 'b'] }, x: 1 };
    const out = jsonPatch(doc, [
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'add', path: '/spec/list/1', value: 'z' },
      { op: 'add', path: '/spec/list/-', value: 'end' },
      { op: 'remove', path: '/x' },
      { op: 'copy', from: '/spec/replicas', path: '/copied' },
      { op: 'move', from: '/copied', path: '/moved' },
      { op: 'test', path: '/moved', value: 3 },
    ]);
    expect(out).toEqual({ spec: { replicas: 3, list: ['a', 'z', 'b', 'end'] }, moved: 3 });
    expect(doc.spec.replicas).toBe(1);
  });
  it('fails on a missing path', () => {
    expect(() => jsonPatch({}, [{ op: 'replace', path: '/spec/replicas', value: 3 }])).toThrow(/missing path/);
  });
});

describe('strategic merge patch', () => {
  const live = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'app', image: 'app:1', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }] },
            { name: 'sidecar', image: 'side:1' },
          ],
        },
      },
    },
  };
  it('merges containers by name and env by name', () => {
    const out = strategicMerge(live, { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:2', env: [{ name: 'B', value: '2' }] }] } } } });
    expect(out.spec.template.spec.containers).toEqual([
      { name: 'app', image: 'app:2', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ containerPort: 80 }] },
      { name: 'sidecar', image: 'side:1' },
    ]);
  });
  it('honours $patch: delete and $setElementOrder', () => {
    const out = strategicMerge(live, {
      spec: { template: { spec: { $setElementOrder: undefined, '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'app' }], containers: [{ name: 'app', $patch: 'delete' }] } } },
    });
    expect(out.spec.template.spec.containers).toEqual([{ name: 'sidecar', image: 'side:1' }]);
  });
  it('ignores a $setElementOrder that is not a list', () => {
    const patch = { spec: { template: { spec: { containers: [{ name: 'app', image: 'app:3' }] } } } };
    const withOrder = { spec: { template: { spec: { '$setElementOrder/containers': 'app', containers: [{ name: 'app', image: 'app:3' }] } } } };
    expect(strategicMerge(live, withOrder)).toEqual(strategicMerge(live, patch));
  });
  it('replaces lists without a merge key, and merges finalizers as a set', () => {
    const pod = (spec: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { finalizers: ['a'] }, spec });
    expect(strategicMerge(pod({ containers: [{ name: 'c', args: ['a', 'b'] }] }), { spec: { containers: [{ name: 'c', args: ['c'] }] } }).spec.containers).toEqual([{ name: 'c', args: ['c'] }]);
    expect(strategicMerge(pod({}), { metadata: { finalizers: ['b', 'a'] } }).metadata.finalizers).toEqual(['a', 'b']);
  });
  it('merges Service ports by port and container ports by containerPort', () => {
    expect(strategicMerge({ kind: 'Service', apiVersion: 'v1', spec: { ports: [{ port: 80, name: 'http' }] } }, { spec: { ports: [{ port: 443, name: 'https' }] } }).spec.ports).toHaveLength(2);
    const out = strategicMerge(live, { spec: { template: { spec: { containers: [{ name: 'app', ports: [{ containerPort: 81 }] }] } } } });
    expect(out.spec.template.spec.containers[0].ports).toEqual([{ containerPort: 80 }, { containerPort: 81 }]);
  });

  // Each row: a kind, its live object's spec, a patch, the spec after it. The strategies are the
  // ones Kubernetes declares on its types, wherever the field sits.
  it.each([
    ['topology spread constraints merge by topologyKey', 'Deployment', 'apps/v1',
      { template: { spec: { topologySpreadConstraints: [{ topologyKey: 'zone', maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' }, { topologyKey: 'host', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway' }] } } },
      { template: { spec: { topologySpreadConstraints: [{ topologyKey: 'zone', maxSkew: 2 }] } } },
      { template: { spec: { topologySpreadConstraints: [{ topologyKey: 'zone', maxSkew: 2, whenUnsatisfiable: 'DoNotSchedule' }, { topologyKey: 'host', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway' }] } } }],
    ['tolerations are atomic (no merge key)', 'Pod', 'v1',
      { tolerations: [{ key: 'a', operator: 'Exists' }] },
      { tolerations: [{ key: 'b', operator: 'Exists' }] },
      { tolerations: [{ key: 'b', operator: 'Exists' }] }],
    ['a PodDisruptionBudget selector is replaced whole', 'PodDisruptionBudget', 'policy/v1',
      { selector: { matchLabels: { app: 'a', tier: 'x' } } },
      { selector: { matchLabels: { app: 'b' } } },
      { selector: { matchLabels: { app: 'b' } } }],
    ['a Deployment selector merges key by key', 'Deployment', 'apps/v1',
      { selector: { matchLabels: { app: 'a', tier: 'x' } } },
      { selector: { matchLabels: { app: 'b' } } },
      { selector: { matchLabels: { app: 'b', tier: 'x' } } }],
    ['volume mounts in a StatefulSet merge by mountPath', 'StatefulSet', 'apps/v1',
      { template: { spec: { containers: [{ name: 'c', volumeMounts: [{ name: 'a', mountPath: '/a' }] }] } } },
      { template: { spec: { containers: [{ name: 'c', volumeMounts: [{ name: 'b', mountPath: '/b' }] }] } } },
      { template: { spec: { containers: [{ name: 'c', volumeMounts: [{ name: 'a', mountPath: '/a' }, { name: 'b', mountPath: '/b' }] }] } } }],
    ['$retainKeys drops what the patch does not keep', 'Deployment', 'apps/v1',
      { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } },
      { strategy: { $retainKeys: ['type'], type: 'Recreate' } },
      { strategy: { type: 'Recreate' } }],
    ['an object of a kind with no table: lists are atomic', 'Widget', 'example.com/v1',
      { containers: [{ name: 'a' }] },
      { containers: [{ name: 'b' }] },
      { containers: [{ name: 'b' }] }],
  ])('%s', (_, kind, apiVersion, spec, patch, want) => {
    expect(strategicMerge({ apiVersion, kind, spec }, { spec: patch })).toEqual({ apiVersion, kind, spec: want });
  });
});

describe('three-way patch (client-side apply)', () => {
  const original = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { labels: { a: '1', b: '2' } }, spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'app:1' }, { name: 'old', image: 'old:1' }] } } } };
  const live = { ...structuredClone(original), status: { replicas: 2 }, spec: { ...structuredClone(original.spec), revisionHistoryLimit: 10 } };
  it('is empty when the manifest did not change', () => {
    expect(threeWayPatch(original, original, live)).toEqual({});
  });
  it('sets changed fields, deletes removed ones and keeps server-set ones', () => {
    const modified = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { labels: { a: '1' } }, spec: { replicas: 3, template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } } };
    const patch = threeWayPatch(original, modified, live);
    expect(patch).toEqual({
      metadata: { labels: { b: null } },
      spec: { replicas: 3, template: { spec: { '$setElementOrder/containers': [{ name: 'app' }], containers: [{ $patch: 'delete', name: 'old' }, { name: 'app', image: 'app:2' }] } } },
    });
    const result = strategicMerge(live, patch);
    expect(result.spec).toEqual({ replicas: 3, revisionHistoryLimit: 10, template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } });
    expect(result.metadata.labels).toEqual({ a: '1' });
  });

  // What kubectl sends for an unchanged manifest, which then reports `configured`: both are
  // Kubernetes' own strategies at work, not differences in the live object.
  it('always sends an object replaced whole (a PodDisruptionBudget selector)', () => {
    const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'a' } } } };
    expect(threeWayPatch(pdb, pdb, pdb)).toEqual({ spec: { selector: { matchLabels: { app: 'a' } } } });
  });
  it('sends $retainKeys for a strategy whose live object has a defaulted key the manifest lacks', () => {
    const applied = { apiVersion: 'apps/v1', kind: 'Deployment', spec: { strategy: { rollingUpdate: { maxSurge: 1 } } } };
    const live = { apiVersion: 'apps/v1', kind: 'Deployment', spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
    expect(threeWayPatch(applied, applied, live)).toEqual({ spec: { strategy: { $retainKeys: ['rollingUpdate'] } } });
    const full = { apiVersion: 'apps/v1', kind: 'Deployment', spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
    expect(threeWayPatch(full, full, live)).toEqual({});
    const recreate = { apiVersion: 'apps/v1', kind: 'Deployment', spec: { strategy: { type: 'Recreate' } } };
    expect(threeWayPatch(full, recreate, live)).toEqual({ spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } });
  });
});
