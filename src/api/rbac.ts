// RBAC as kube-apiserver's authorizer decides it: a request is allowed when some binding that
// names the user (or one of the user's groups, or the user's service account) grants a role
// with a rule that covers the request. Rules only allow; nothing denies. ClusterRoleBindings
// count everywhere, RoleBindings in their namespace (a RoleBinding may grant a ClusterRole's
// rules there). Pure: the caller hands over the roles and bindings.
import type { PolicyRule, RbacSubject, Role, RoleBinding } from './types.js';

/** Who is asking (authentication's answer, or an impersonation's). */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** What is asked: a verb on a resource (namespace '' at the cluster scope) or on a path. */
export interface RequestAttributes {
  verb: string;
  resourceRequest: boolean;
  namespace: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  name: string;
  /** A non-resource request's path (`/healthz`, `/apis`). */
  path: string;
}

/** The roles and bindings RBAC reads. */
export interface RbacState {
  clusterRoles: Role[];
  clusterRoleBindings: RoleBinding[];
  roles(namespace: string): Role[];
  roleBindings(namespace: string): RoleBinding[];
}

/** The group whose members may do anything (kube-apiserver's privileged group). */
export const MASTERS = 'system:masters';

const SA_PREFIX = 'system:serviceaccount:';

/** The groups Kubernetes adds to an authenticated user: service accounts get theirs. */
export function authenticatedGroups(name: string, groups: string[]): string[] {
  const out = [...groups];
  if (name.startsWith(SA_PREFIX)) {
    const ns = name.slice(SA_PREFIX.length).split(':')[0];
    for (const g of ['system:serviceaccounts', `system:serviceaccounts:${ns}`]) if (!out.includes(g)) out.push(g);
  }
  if (name !== 'system:anonymous' && !out.includes('system:authenticated')) out.push('system:authenticated');
  return out;
}

function subjectMatches(s: RbacSubject, user: UserInfo, bindingNamespace: string): boolean {
  switch (s.kind) {
    case 'User':
      return s.name === user.name;
    case 'Group':
      return user.groups.includes(s.name);
    case 'ServiceAccount':
      return user.name === `${SA_PREFIX}${s.namespace || bindingNamespace}:${s.name}`;
    default:
      return false;
  }
}

const has = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

/** Whether one rule covers the request (the rules of kube-apiserver's RBAC). */
export function ruleAllows(rule: PolicyRule, a: RequestAttributes): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!a.resourceRequest) {
    return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === a.path || (u.endsWith('*') && a.path.startsWith(u.slice(0, -1))));
  }
  if (!has(rule.apiGroups, a.apiGroup)) return false;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resources = rule.resources ?? [];
  const resourceOk = resources.some((r) => r === '*' || r === combined || (a.subresource !== '' && r === `*/${a.subresource}`));
  if (!resourceOk) return false;
  return !rule.resourceNames?.length || rule.resourceNames.includes(a.name);
}

/** The bindings that apply where the request is, each with the rules of the role it grants. */
function* grants(state: RbacState, namespace: string): Generator<{ binding: RoleBinding; rules: PolicyRule[] }> {
  const clusterRole = (name: string) => state.clusterRoles.find((r) => r.metadata.name === name);
  for (const b of state.clusterRoleBindings) {
    if (b.roleRef?.kind === 'ClusterRole') yield { binding: b, rules: clusterRole(b.roleRef.name)?.rules ?? [] };
  }
  if (!namespace) return;
  for (const b of state.roleBindings(namespace)) {
    const role = b.roleRef?.kind === 'Role' ? state.roles(namespace).find((r) => r.metadata.name === b.roleRef.name) : clusterRole(b.roleRef?.name);
    yield { binding: b, rules: role?.rules ?? [] };
  }
}

function bindingNames(user: UserInfo, b: RoleBinding): RbacSubject | undefined {
  const ns = b.metadata.namespace ?? '';
  return (b.subjects ?? []).find((s) => subjectMatches(s, user, ns));
}

/** RBAC's decision, with kube-apiserver's reason when allowed (`RBAC: allowed by ...`). */
export function authorize(user: UserInfo, a: RequestAttributes, state: RbacState): { allowed: boolean; reason: string } {
  if (user.groups.includes(MASTERS)) return { allowed: true, reason: '' };
  for (const { binding, rules } of grants(state, a.resourceRequest ? a.namespace : '')) {
    const subject = bindingNames(user, binding);
    if (!subject || !rules.some((r) => ruleAllows(r, a))) continue;
    const ns = binding.metadata.namespace;
    const where = ns ? `RoleBinding "${binding.metadata.name}/${ns}"` : `ClusterRoleBinding "${binding.metadata.name}"`;
    const who = subject.kind === 'ServiceAccount' ? `ServiceAccount "${subject.name}/${subject.namespace || ns}"` : `${subject.kind} "${subject.name}"`;
    return { allowed: true, reason: `RBAC: allowed by ${where} of ${binding.roleRef.kind} "${binding.roleRef.name}" to ${who}` };
  }
  return { allowed: false, reason: '' };
}

/**
 * Every rule that applies to the user in a namespace (SelfSubjectRulesReview's answer): those of
 * the bindings that name the user (system:masters' come from the cluster-admin binding).
 */
export function rulesFor(user: UserInfo, namespace: string, state: RbacState): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const { binding, rules } of grants(state, namespace)) if (bindingNames(user, binding)) out.push(...rules);
  return out;
}

/** kube-apiserver's 403 message for a refused request. */
export function forbiddenMessage(user: UserInfo, a: RequestAttributes): string {
  if (!a.resourceRequest) return `forbidden: User "${user.name}" cannot ${a.verb} path "${a.path}"`;
  const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  const what = a.name ? `${qualified} "${a.name}"` : qualified;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const scope = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `${what} is forbidden: User "${user.name}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" ${scope}`;
}
