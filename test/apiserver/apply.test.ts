// Server-side apply in process (apiserver/apply.ts): the semantics HTTP callers get, without HTTP.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/api/clock.js';
import { resourceNamed } from '../../src/api/resources.js';
import type { ConfigMap } from '../../src/api/types.js';
import { serverSideApply } from '../../src/apiserver/apply.js';
import { Registry } from '../../src/apiserver/registry.js';
import { bootstrap } from '../../src/daemon/bootstrap.js';
import { Store } from '../../src/store/store.js';
import { statusErrorOf } from '../helpers.js';

const cmR = resourceNamed('configmaps');

function registry(): Registry {
  const reg = new Registry(new Store(':memory:'), new FakeClock(Date.parse('2026-11-30T10:00:00Z')));
  bootstrap(reg);
  return reg;
}

const config = (data: Record<string, string>): ConfigMap => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app' }, data });


describe('server-side apply', () => {
  it('creates the object, then merges into it, recording the manager', () => {
    const reg = registry();
    const first = serverSideApply(reg, cmR, 'default', 'app', config({ a: '1' }), { fieldManager: 'ci' });
    expect(first.created).toBe(true);
    const second = serverSideApply(reg, cmR, 'default', 'app', config({ a: '1', b: '2' }), { fieldManager: 'ci' });
    expect(second.created).toBe(false);
    const cm = reg.get(cmR, 'default', 'app');
    expect(cm.data).toEqual({ a: '1', b: '2' });
    expect((cm.metadata.managedFields as { manager: string; operation: string }[]).map((m) => [m.manager, m.operation])).toEqual([['ci', 'Apply']]);
  });

  it('removes a field its manager stops applying', () => {
    const reg = registry();
    serverSideApply(reg, cmR, 'default', 'app', config({ a: '1', b: '2' }), { fieldManager: 'ci' });
    serverSideApply(reg, cmR, 'default', 'app', config({ a: '1' }), { fieldManager: 'ci' });
    expect(reg.get(cmR, 'default', 'app').data).toEqual({ a: '1' });
  });

  it('refuses a field another manager owns with another value, unless forced', () => {
    const reg = registry();
    serverSideApply(reg, cmR, 'default', 'app', config({ a: '1' }), { fieldManager: 'ci' });
    const e = statusErrorOf(() => serverSideApply(reg, cmR, 'default', 'app', config({ a: '2' }), { fieldManager: 'dev' }));
    expect(e.code).toBe(409);
    expect(e.status.reason).toBe('Conflict');
    expect(e.status.details?.causes).toEqual([{ reason: 'FieldManagerConflict', message: 'conflict with "ci" using v1', field: '.data.a' }]);
    expect(e.message).toBe('Apply failed with 1 conflict: conflict with "ci" using v1: .data.a');
    expect(reg.get(cmR, 'default', 'app').data).toEqual({ a: '1' });
    serverSideApply(reg, cmR, 'default', 'app', config({ a: '2' }), { fieldManager: 'dev', force: true });
    expect(reg.get(cmR, 'default', 'app').data).toEqual({ a: '2' });
  });

  it('needs a field manager and an object', () => {
    const reg = registry();
    expect(statusErrorOf(() => serverSideApply(reg, cmR, 'default', 'app', config({}), {})).message).toBe('PATCH, application/apply-patch+yaml requests require a fieldManager to be set');
    expect(statusErrorOf(() => serverSideApply(reg, cmR, 'default', 'app', ['x'], { fieldManager: 'ci' })).code).toBe(400);
  });

  it('writes nothing on a dry run', () => {
    const reg = registry();
    const { object, created } = serverSideApply(reg, cmR, 'default', 'app', config({ a: '1' }), { fieldManager: 'ci', dryRun: true });
    expect(created).toBe(true);
    expect(object.metadata.name).toBe('app');
    expect(reg.find(cmR, 'default', 'app')).toBeUndefined();
  });
});
