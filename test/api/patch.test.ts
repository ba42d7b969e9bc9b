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
    expect(strategicMerge({ spec: { args: ['a', 'b'] } }, { spec: { args: ['c'] } })).toEqual({ spec: { args: ['c'] } });
    expect(strategicMerge({ metadata: { finalizers: ['a'] } }, { metadata: { finalizers: ['b', 'a'] } })).toEqual({ metadata: { finalizers: ['a', 'b'] } });
  });
  it('merges Service ports by port and container ports by containerPort', () => {
    expect(strategicMerge({ spec: { ports: [{ port: 80, name: 'http' }] } }, { spec: { ports: [{ port: 443, name: 'https' }] } }).spec.ports).toHaveLength(2);
  });
});

describe('three-way patch (client-side apply)', () => {
  const original = { metadata: { labels: { a: '1', b: '2' } }, spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'app:1' }, { name: 'old', image: 'old:1' }] } } } };
  const live = { ...structuredClone(original), status: { replicas: 2 }, spec: { ...structuredClone(original.spec), revisionHistoryLimit: 10 } };
  it('is empty when the manifest did not change', () => {
    expect(threeWayPatch(original, original, live)).toEqual({});
  });
  it('sets changed fields, deletes removed ones and keeps server-set ones', () => {
    const modified = { metadata: { labels: { a: '1' } }, spec: { replicas: 3, template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } } };
    const patch = threeWayPatch(original, modified, live);
    expect(patch).toEqual({
      metadata: { labels: { b: null } },
      spec: { replicas: 3, template: { spec: { '$setElementOrder/containers': [{ name: 'app' }], containers: [{ $patch: 'delete', name: 'old' }, { name: 'app', image: 'app:2' }] } } },
    });
    const result = strategicMerge(live, patch);
    expect(result.spec).toEqual({ replicas: 3, revisionHistoryLimit: 10, template: { spec: { containers: [{ name: 'app', image: 'app:2' }] } } });
    expect(result.metadata.labels).toEqual({ a: '1' });
  });
});
