// Impersonation, RBAC enforcement for impersonated requests, and the access reviews, over HTTP
// against a real server (the administrator's token; Impersonate-* headers make other users).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/api/clock.js';
import { parsePath } from '../../src/apiserver/routes.js';
import { requestAttributes } from '../../src/apiserver/authorization.js';
import { Registry } from '../../src/apiserver/registry.js';
import { ApiServer } from '../../src/apiserver/server.js';
import { bootstrap } from '../../src/daemon/bootstrap.js';
import { Store } from '../../src/store/store.js';

const TOKEN = 'test-token';
let server: ApiServer;
let base: string;

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, { method, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const AUTHZ = '/apis/authorization.k8s.io/v1';

beforeAll(async () => {
  const reg = new Registry(new Store(':memory:'), new FakeClock(Date.parse('2026-12-01T10:00:00Z')));
  bootstrap(reg);
  server = new ApiServer(reg, { token: TOKEN });
  base = `http://127.0.0.1:${await server.listen(0)}`;
  await api('POST', `${RBAC}/namespaces/default/roles`, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'cm-reader' }, rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] });
  await api('POST', `${RBAC}/namespaces/default/rolebindings`, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'jane' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'cm-reader' }, subjects: [{ kind: 'User', name: 'jane' }] });
  await api('POST', `${RBAC}/namespaces/default/rolebindings`, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'ci' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'ServiceAccount', name: 'ci', namespace: 'default' }] });
});
afterAll(() => server.close());

describe('request attributes (kube-apiserver RequestInfo)', () => {
  const attrs = (method: string, path: string, watch = false) => requestAttributes(parsePath(path.split('/').filter(Boolean)), method, path, watch);
  it.each([
    ['GET', '/api/v1/namespaces/default/pods', false, { verb: 'list', resource: 'pods', namespace: 'default', name: '' }],
    ['GET', '/api/v1/namespaces/default/pods', true, { verb: 'watch', resource: 'pods' }],
    ['GET', '/api/v1/namespaces/default/pods/web', false, { verb: 'get', name: 'web' }],
    ['GET', '/api/v1/namespaces/default/pods/web/log', false, { verb: 'get', subresource: 'log' }],
    ['POST', '/apis/apps/v1/namespaces/dev/deployments', false, { verb: 'create', apiGroup: 'apps', resource: 'deployments', namespace: 'dev' }],
    ['PUT', '/apis/apps/v1/namespaces/dev/deployments/web/scale', false, { verb: 'update', subresource: 'scale' }],
    ['PATCH', '/api/v1/nodes/node-1', false, { verb: 'patch', resource: 'nodes', namespace: '' }],
    ['DELETE', '/api/v1/namespaces/default/configmaps', false, { verb: 'deletecollection' }],
    ['DELETE', '/api/v1/namespaces/default/configmaps/a', false, { verb: 'delete' }],
    ['GET', '/apis', false, { verb: 'get', resourceRequest: false, path: '/apis' }],
  ])('%s %s (watch %s)', (method, path, watch, want) => {
    expect(attrs(method, path, watch)).toMatchObject(want);
  });
});

describe('impersonation and RBAC', () => {
  const as = (user: string, groups: string[] = []) => ({ 'Impersonate-User': user, ...(groups.length ? { 'Impersonate-Group': groups.join(',') } : {}) });

  it('lets an impersonated user do what its bindings allow, and refuses the rest with the apiserver\'s 403', async () => {
    expect((await api('GET', '/api/v1/namespaces/default/configmaps', undefined, as('jane'))).status).toBe(200);
    const refused = await api('GET', '/api/v1/namespaces/default/secrets', undefined, as('jane'));
    expect(refused).toEqual({
      status: 403,
      body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'secrets is forbidden: User "jane" cannot list resource "secrets" in API group "" in the namespace "default"', reason: 'Forbidden', details: { kind: 'secrets' }, code: 403 },
    });
    expect((await api('DELETE', '/api/v1/nodes/node-1', undefined, as('jane'))).body.message).toBe('nodes "node-1" is forbidden: User "jane" cannot delete resource "nodes" in API group "" at the cluster scope');
    // Discovery is everyone's; a service account gets its groups and its namespace's bindings.
    expect((await api('GET', '/apis', undefined, as('jane'))).status).toBe(200);
    expect((await api('GET', '/apis/apps/v1/namespaces/default/deployments', undefined, as('system:serviceaccount:default:ci'))).status).toBe(200);
    expect((await api('GET', '/apis/apps/v1/namespaces/kube-system/deployments', undefined, as('system:serviceaccount:default:ci'))).status).toBe(403);
    // A group binding counts; system:masters may do anything; groups need a user.
    expect((await api('GET', '/api/v1/nodes', undefined, as('ops', ['system:masters']))).status).toBe(200);
    expect((await api('GET', '/api/v1/nodes', undefined, { 'Impersonate-Group': 'system:masters' })).status).toBe(400);
  });

  it('answers access reviews: self, for a subject, local, and the rules of a namespace', async () => {
    const ssar = (spec: object, headers: Record<string, string> = {}) => api('POST', `${AUTHZ}/selfsubjectaccessreviews`, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec }, headers);
    expect((await ssar({ resourceAttributes: { namespace: 'default', verb: 'delete', resource: 'nodes' } })).body.status).toEqual({ allowed: true });
    const jane = await ssar({ resourceAttributes: { namespace: 'default', verb: 'get', resource: 'configmaps', name: 'x' } }, as('jane'));
    expect(jane.status).toBe(201);
    expect(jane.body).toMatchObject({ kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', status: { allowed: true, reason: 'RBAC: allowed by RoleBinding "jane/default" of Role "cm-reader" to User "jane"' } });
    expect((await ssar({ resourceAttributes: { namespace: 'default', verb: 'create', resource: 'configmaps' } }, as('jane'))).body.status).toEqual({ allowed: false });
    expect((await ssar({ nonResourceAttributes: { path: '/healthz', verb: 'get' } }, as('jane'))).body.status.allowed).toBe(true);
    const sar = await api('POST', `${AUTHZ}/subjectaccessreviews`, { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'system:serviceaccount:default:ci', groups: ['system:serviceaccounts'], resourceAttributes: { namespace: 'default', verb: 'create', group: 'apps', resource: 'deployments' } } });
    expect(sar.body.status).toMatchObject({ allowed: true });
    const local = await api('POST', `${AUTHZ}/namespaces/dev/localsubjectaccessreviews`, { apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', spec: { user: 'jane', resourceAttributes: { namespace: 'default', verb: 'get', resource: 'configmaps' } } });
    expect(local.status).toBe(422);
    const rules = await api('POST', `${AUTHZ}/selfsubjectrulesreviews`, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'default' } }, as('jane'));
    expect(rules.body.status.resourceRules).toContainEqual({ verbs: ['get', 'list'], apiGroups: [''], resources: ['configmaps'] });
    expect(rules.body.status.nonResourceRules).toContainEqual(expect.objectContaining({ nonResourceURLs: expect.arrayContaining(['/healthz']) }));
    // Reviews are answered, not stored: no GET.
    expect((await api('GET', `${AUTHZ}/selfsubjectaccessreviews`)).status).toBe(405);
  });
});
