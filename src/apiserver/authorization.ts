// Who a request is, and whether it may: the daemon's token is the cluster's administrator (in
// system:masters, as kubeadm's admin credentials are); `Impersonate-User` / `-Group` / `-Uid` /
// `-Extra-*` headers make the request another user's (the administrator may impersonate anyone),
// and such a request is authorized by RBAC (api/rbac.ts) over the stored roles and bindings:
// refused with kube-apiserver's 403 when no binding allows it. The access reviews
// (authorization.k8s.io/v1: SelfSubjectAccessReview, SubjectAccessReview,
// LocalSubjectAccessReview, SelfSubjectRulesReview) are answered here, never stored.
import type http from 'node:http';
import { type RbacState, type RequestAttributes, type UserInfo, MASTERS, authenticatedGroups, authorize, forbiddenMessage, rulesFor } from '../api/rbac.js';
import { resourceNamed } from '../api/resources.js';
import type { ResourceAttributes, SubjectAccessReview } from '../api/types.js';
import * as E from './errors.js';
import type { ApiCall } from './handlers.js';
import type { Registry } from './registry.js';
import type { Route } from './routes.js';

/** Whoever holds the daemon's token. */
export const ADMIN: UserInfo = { name: 'minik-admin', groups: [MASTERS, 'system:authenticated'] };

const header = (req: http.IncomingMessage, name: string): string[] => {
  const v = req.headers[name.toLowerCase()];
  return v === undefined ? [] : Array.isArray(v) ? v : v.split(',').map((s) => s.trim());
};

/** The user a request acts as: the administrator, or the one its Impersonate-* headers name. */
export function requestUser(req: http.IncomingMessage): UserInfo {
  const names = header(req, 'Impersonate-User');
  const groups = header(req, 'Impersonate-Group');
  const uid = header(req, 'Impersonate-Uid');
  const extraKeys = Object.keys(req.headers).filter((h) => h.startsWith('impersonate-extra-'));
  if (names.length === 0) {
    if (groups.length || uid.length || extraKeys.length) throw E.badRequest('impersonating user must be specified when impersonating groups, a uid or extra fields');
    return ADMIN;
  }
  const extra: Record<string, string[]> = {};
  for (const h of extraKeys) extra[decodeURIComponent(h.slice('impersonate-extra-'.length))] = header(req, h);
  return { name: names[0], groups: authenticatedGroups(names[0], groups), ...(uid.length ? { uid: uid[0] } : {}), ...(extraKeys.length ? { extra } : {}) };
}

/** The stored roles and bindings, as RBAC reads them. */
export function rbacState(reg: Registry): RbacState {
  return {
    clusterRoles: reg.list(resourceNamed('clusterroles'), undefined).items,
    clusterRoleBindings: reg.list(resourceNamed('clusterrolebindings'), undefined).items,
    roles: (ns) => reg.list(resourceNamed('roles'), ns).items,
    roleBindings: (ns) => reg.list(resourceNamed('rolebindings'), ns).items,
  };
}

/** What a request asks, in RBAC's terms (kube-apiserver's RequestInfo). */
export function requestAttributes(route: Route, method: string, pathname: string, watch: boolean): RequestAttributes {
  const base = { namespace: '', apiGroup: '', resource: '', subresource: '', name: '', path: '' };
  if (route.type !== 'resource') {
    const verb = { GET: 'get', HEAD: 'get', POST: 'post', PUT: 'put', PATCH: 'patch', DELETE: 'delete' }[method] ?? method.toLowerCase();
    return { ...base, verb, resourceRequest: false, path: pathname };
  }
  const named = route.name !== undefined;
  const read = watch ? 'watch' : named ? 'get' : 'list';
  const verbs: Record<string, string> = { GET: read, HEAD: read, POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: named ? 'delete' : 'deletecollection' };
  const verb = verbs[method] ?? method.toLowerCase();
  return { ...base, verb, resourceRequest: true, namespace: route.namespace ?? '', apiGroup: route.r.group, resource: route.r.plural, subresource: route.subresource ?? '', name: route.name ?? '' };
}

/** Refuses a request RBAC does not allow for its user (nothing to check for system:masters). */
export function checkAuthorized(reg: Registry, user: UserInfo, attrs: RequestAttributes): void {
  if (user.groups.includes(MASTERS)) return;
  if (authorize(user, attrs, rbacState(reg)).allowed) return;
  const details = attrs.resourceRequest ? { ...(attrs.name ? { name: attrs.name } : {}), ...(attrs.apiGroup ? { group: attrs.apiGroup } : {}), kind: attrs.resource } : undefined;
  throw E.forbiddenRequest(forbiddenMessage(user, attrs), details);
}

const fromResourceAttributes = (ra: ResourceAttributes): RequestAttributes => ({
  verb: ra.verb ?? '',
  resourceRequest: true,
  namespace: ra.namespace ?? '',
  apiGroup: ra.group === '*' ? '*' : (ra.group ?? ''),
  resource: ra.resource ?? '',
  subresource: ra.subresource ?? '',
  name: ra.name ?? '',
  path: '',
});

/** POST of an access review: the review, with its status filled in (201). */
export async function serveReview(call: ApiCall, user: UserInfo): Promise<void> {
  if (call.method !== 'POST') return call.notSupported();
  const body = (await call.body()) as SubjectAccessReview & { spec?: { namespace?: string } };
  const kind = call.r.kind;
  if (!body || typeof body !== 'object' || typeof body.spec !== 'object' || body.spec === null) throw E.badRequest(`${kind} in version "v1" cannot be handled as a ${kind}: spec is required`);
  const state = rbacState(call.reg);
  const answer = (status: object) => call.send(201, { kind, apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: body.spec, status });
  if (kind === 'SelfSubjectRulesReview') {
    const rules = rulesFor(user, body.spec.namespace ?? '', state);
    return answer({
      resourceRules: rules.filter((r) => !r.nonResourceURLs?.length).map((r) => ({ verbs: r.verbs, ...(r.apiGroups ? { apiGroups: r.apiGroups } : {}), ...(r.resources ? { resources: r.resources } : {}), ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}) })),
      nonResourceRules: rules.filter((r) => r.nonResourceURLs?.length).map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs })),
      incomplete: false,
    });
  }
  // Whose access: the asker's (self reviews), or the one the spec names.
  let subject = user;
  if (kind === 'SubjectAccessReview' || kind === 'LocalSubjectAccessReview') {
    if (!body.spec.user && !body.spec.groups?.length) throw E.invalidReview(kind, 'spec.user', 'at least one of user or group must be specified');
    subject = { name: body.spec.user ?? '', groups: body.spec.groups ?? [], ...(body.spec.uid ? { uid: body.spec.uid } : {}) };
  }
  const ra = body.spec.resourceAttributes;
  const nra = body.spec.nonResourceAttributes;
  if (!ra && !nra) throw E.invalidReview(kind, 'spec.resourceAttributes', 'exactly one of nonResourceAttributes or resourceAttributes must be specified');
  if (kind === 'LocalSubjectAccessReview' && ra && (ra.namespace ?? '') !== call.ns) throw E.invalidReview(kind, 'spec.resourceAttributes.namespace', 'must match metadata.namespace');
  const attrs: RequestAttributes = ra ? fromResourceAttributes(ra) : { verb: nra!.verb ?? '', resourceRequest: false, namespace: '', apiGroup: '', resource: '', subresource: '', name: '', path: nra!.path ?? '' };
  const decision = subject.groups.includes(MASTERS) ? { allowed: true, reason: '' } : authorize(subject, attrs, state);
  return answer({ allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) });
}
