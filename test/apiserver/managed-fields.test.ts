// Field ownership for server-side apply: paths, FieldsV1, conflicts, force, removal of fields a
// manager stopped applying, and ownership moving on ordinary updates.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/api/types.js';
import { conflictMessage, fieldPaths, fromFieldsV1, planApply, recordUpdate, toFieldsV1 } from '../../src/apiserver/managed-fields.js';

const deploy = (replicas: number, extra: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web', ...extra }, finalizers: ['example.com/keep'] },
  spec: { replicas, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } },
});
const T = '2026-11-23T10:00:00Z';

describe('managed fields', () => {
  it('lists the paths an object sets: keyed list items, sets, no system metadata', () => {
    expect([...fieldPaths(deploy(2))].map((p) => JSON.parse(p).join(' ')).sort()).toEqual([
      'f:metadata f:finalizers v:"example.com/keep"',
      'f:metadata f:labels f:app',
      'f:spec f:replicas',
      'f:spec f:template f:spec f:containers k:{"name":"nginx"} .',
      'f:spec f:template f:spec f:containers k:{"name":"nginx"} f:image',
      'f:spec f:template f:spec f:containers k:{"name":"nginx"} f:name',
    ]);
  });

  it('writes FieldsV1 as Kubernetes does and reads it back', () => {
    const paths = fieldPaths(deploy(2));
    const f = toFieldsV1(paths);
    expect(f).toEqual({
      'f:metadata': { 'f:finalizers': { 'v:"example.com/keep"': {} }, 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } } },
    });
    expect(fromFieldsV1(f)).toEqual(paths);
  });

  it('reports a conflict with another manager that set a field to another value; force takes it over', () => {
    const created = deploy(2);
    const entries = recordUpdate(undefined, undefined, created, 'kubectl-client-side-apply', T);
    const plan = planApply(entries, created, deploy(5), 'kubectl', false, T);
    expect(plan.conflicts.map((c) => [c.manager, c.apiVersion, c.path.join(' ')])).toEqual([['kubectl-client-side-apply', 'apps/v1', 'f:spec f:replicas']]);
    expect(conflictMessage(plan.conflicts)).toBe('Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    // The same value is no conflict: the field becomes shared.
    expect(planApply(entries, created, deploy(2), 'kubectl', false, T).conflicts).toEqual([]);
    const forced = planApply(entries, created, deploy(5), 'kubectl', true, T);
    expect(forced.conflicts).toEqual([]);
    const other = forced.entries.find((e) => e.manager === 'kubectl-client-side-apply')!;
    expect(fromFieldsV1(other.fieldsV1).has(JSON.stringify(['f:spec', 'f:replicas']))).toBe(false);
  });

  it('removes a field the manager no longer applies, unless another manager owns it', () => {
    const applied = deploy(2, { tier: 'front' });
    const first = planApply(undefined, undefined, applied, 'ci', false, T);
    const second = planApply(first.entries, applied, deploy(2), 'ci', false, T);
    expect(second.remove.map((p) => p.join(' '))).toEqual(['f:metadata f:labels f:tier']);
    const shared = recordUpdate(first.entries, applied, { ...applied, metadata: { ...applied.metadata, labels: { app: 'web', tier: 'back' } } }, 'kubectl-label', T);
    const third = planApply(shared, applied, deploy(2), 'ci', false, T);
    expect(third.remove).toEqual([]);
  });

  it('moves a changed field to the manager of an ordinary update', () => {
    const created = deploy(2);
    const entries = recordUpdate(undefined, undefined, created, 'kubectl-create', T);
    const scaled = recordUpdate(entries, created, deploy(4), 'kubectl-scale', T);
    expect(scaled.map((e) => e.manager)).toEqual(['kubectl-create', 'kubectl-scale']);
    expect(fromFieldsV1(scaled[1].fieldsV1)).toEqual(new Set([JSON.stringify(['f:spec', 'f:replicas'])]));
    expect(fromFieldsV1(scaled[0].fieldsV1).has(JSON.stringify(['f:spec', 'f:replicas']))).toBe(false);
  });
});
