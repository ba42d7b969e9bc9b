// RBAC's decisions (api/rbac.ts), rule by rule and binding by binding, with the bootstrap roles
// every cluster starts with (daemon/bootstrap-policy.ts).
import { describe, expect, it } from 'vitest';
import { type RbacState, type RequestAttributes, type UserInfo, authenticatedGroups, authorize, forbiddenMessage, ruleAllows, rulesFor } from '../../src/api/rbac.js';
import type { PolicyRule, Role, RoleBinding } from '../../src/api/types.js';
import { BOOTSTRAP_CLUSTER_ROLES, BOOTSTRAP_CLUSTER_ROLE_BINDINGS } from '../../src/daemon/bootstrap-policy.js';

const req = (verb: string, resource: string, extra: Partial<RequestAttributes> = {}): RequestAttributes => ({ verb, resourceRequest: true, namespace: 'default', apiGroup: '', resource, subresource: '', name: '', path: '', ...extra });
const path = (p: string, verb = 'get'): RequestAttributes => ({ verb, resourceRequest: false, namespace: '', apiGroup: '', resource: '', subresource: '', name: '', path: p });

describe('ruleAllows', () => {
  const r = (x: Partial<PolicyRule>): PolicyRule => ({ verbs: ['get'], apiGroups: [''], resources: ['pods'], ...x });
  it.each([
    [r({}), req('get', 'pods'), true],
    [r({}), req('list', 'pods'), false],
    [r({ verbs: ['*'] }), req('delete', 'pods'), true],
    [r({}), req('get', 'pods', { apiGroup: 'apps' }), false],
    [r({ apiGroups: ['*'] }), req('get', 'deployments', { apiGroup: 'apps' }), false],
    [r({ apiGroups: ['*'], resources: ['*'] }), req('get', 'deployments', { apiGroup: 'apps' }), true],
    [r({}), req('get', 'pods', { subresource: 'log' }), false],
    [r({ resources: ['pods/log'] }), req('get', 'pods', { subresource: 'log' }), true],
    [r({ resources: ['*/scale'], apiGroups: ['apps'] }), req('get', 'deployments', { apiGroup: 'apps', subresource: 'scale' }), true],
    [r({ resourceNames: ['web'] }), req('get', 'pods', { name: 'web' }), true],
    [r({ resourceNames: ['web'] }), req('get', 'pods', { name: 'db' }), false],
    // resourceNames never match a request without a name (list, create).
    [r({ verbs: ['list'], resourceNames: ['web'] }), req('list', 'pods'), false],
    [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }, path('/healthz'), true],
    [{ verbs: ['get'], nonResourceURLs: ['/apis/*'] }, path('/apis/apps/v1'), true],
    [{ verbs: ['get'], nonResourceURLs: ['/apis/*'] }, path('/api'), false],
    [r({}), path('/healthz'), false],
  ])('%j on %j: %s', (rule, a, want) => {
    expect(ruleAllows(rule, a)).toBe(want);
  });
});

const binding = (kind: 'RoleBinding' | 'ClusterRoleBinding', name: string, role: { kind: 'Role' | 'ClusterRole'; name: string }, subjects: RoleBinding['subjects'], namespace?: string): RoleBinding => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}) },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...role },
  subjects,
});

function state(roles: Role[], bindings: RoleBinding[]): RbacState {
  return {
    clusterRoles: BOOTSTRAP_CLUSTER_ROLES,
    clusterRoleBindings: [...BOOTSTRAP_CLUSTER_ROLE_BINDINGS, ...bindings.filter((b) => b.kind === 'ClusterRoleBinding')],
    roles: (ns) => roles.filter((r) => r.metadata.namespace === ns),
    roleBindings: (ns) => bindings.filter((b) => b.kind === 'RoleBinding' && b.metadata.namespace === ns),
  };
}

const user = (name: string, groups: string[] = []): UserInfo => ({ name, groups: authenticatedGroups(name, groups) });

describe('authorize', () => {
  const podReader: Role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'pod-reader', namespace: 'dev' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] };
  const s = state(
    [podReader],
    [
      binding('RoleBinding', 'read-pods', { kind: 'Role', name: 'pod-reader' }, [{ kind: 'User', name: 'jane' }], 'dev'),
      binding('RoleBinding', 'ci-edit', { kind: 'ClusterRole', name: 'edit' }, [{ kind: 'ServiceAccount', name: 'ci' }], 'dev'),
      binding('ClusterRoleBinding', 'auditors', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'Group', name: 'auditors' }]),
    ],
  );
  it.each([
    ['jane lists pods in dev', user('jane'), req('list', 'pods', { namespace: 'dev' }), true, 'RBAC: allowed by RoleBinding "read-pods/dev" of Role "pod-reader" to User "jane"'],
    ['jane lists pods in default', user('jane'), req('list', 'pods'), false, ''],
    ['jane deletes a pod in dev', user('jane'), req('delete', 'pods', { namespace: 'dev', name: 'x' }), false, ''],
    ["the ci service account edits deployments in dev (a RoleBinding granting a ClusterRole)", user('system:serviceaccount:dev:ci'), req('patch', 'deployments', { namespace: 'dev', apiGroup: 'apps', name: 'web' }), true, 'RBAC: allowed by RoleBinding "ci-edit/dev" of ClusterRole "edit" to ServiceAccount "ci/dev"'],
    ['...but not in default', user('system:serviceaccount:dev:ci'), req('patch', 'deployments', { apiGroup: 'apps', name: 'web' }), false, ''],
    ['...nor roles (edit does not grant RBAC)', user('system:serviceaccount:dev:ci'), req('create', 'roles', { namespace: 'dev', apiGroup: 'rbac.authorization.k8s.io' }), false, ''],
    ['an auditor reads deployments anywhere', user('amy', ['auditors']), req('list', 'deployments', { namespace: 'prod', apiGroup: 'apps' }), true, 'RBAC: allowed by ClusterRoleBinding "auditors" of ClusterRole "view" to Group "auditors"'],
    ['...but not secrets (view does not include them)', user('amy', ['auditors']), req('get', 'secrets', { namespace: 'prod', name: 's' }), false, ''],
    ['system:masters may do anything', user('admin', ['system:masters']), req('delete', 'nodes', { namespace: '', name: 'node-1' }), true, ''],
    ['anyone authenticated reads discovery', user('nobody'), path('/apis/apps/v1'), true, 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"'],
    ['anyone authenticated asks what it may do', user('nobody'), req('create', 'selfsubjectaccessreviews', { namespace: '', apiGroup: 'authorization.k8s.io' }), true, 'RBAC: allowed by ClusterRoleBinding "system:basic-user" of ClusterRole "system:basic-user" to Group "system:authenticated"'],
    ['...and nothing else', user('nobody'), req('list', 'pods'), false, ''],
  ])('%s', (_what, u, a, allowed, reason) => {
    expect(authorize(u, a, s)).toEqual({ allowed, reason });
  });

  it("lists a user's rules in a namespace (SelfSubjectRulesReview)", () => {
    expect(rulesFor(user('jane'), 'dev', s)).toContainEqual({ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] });
    expect(rulesFor(user('jane'), 'default', s)).not.toContainEqual({ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] });
  });

  it("words a refusal as kube-apiserver does", () => {
    expect(forbiddenMessage(user('jane'), req('list', 'pods'))).toBe('pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"');
    expect(forbiddenMessage(user('jane'), req('get', 'deployments', { apiGroup: 'apps', name: 'web', subresource: 'scale' }))).toBe('deployments.apps "web" is forbidden: User "jane" cannot get resource "deployments/scale" in API group "apps" in the namespace "default"');
    expect(forbiddenMessage(user('jane'), req('list', 'nodes', { namespace: '' }))).toBe('nodes is forbidden: User "jane" cannot list resource "nodes" in API group "" at the cluster scope');
    expect(forbiddenMessage(user('jane'), path('/metrics'))).toBe('forbidden: User "jane" cannot get path "/metrics"');
  });

  it('adds the groups Kubernetes gives an authenticated user', () => {
    expect(authenticatedGroups('system:serviceaccount:dev:ci', [])).toEqual(['system:serviceaccounts', 'system:serviceaccounts:dev', 'system:authenticated']);
    expect(authenticatedGroups('jane', ['devs'])).toEqual(['devs', 'system:authenticated']);
  });
});
