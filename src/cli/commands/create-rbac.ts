// `minikctl create role|clusterrole|rolebinding|clusterrolebinding NAME ...`: the RBAC objects
// kubectl's generators build from their flags (pure: the caller creates or prints them).
import { resolveResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { CliError } from '../errors.js';
import { toLabelSelector } from './create-policy.js';

const RBAC = 'rbac.authorization.k8s.io';
const RESOURCE_VERBS = ['*', 'get', 'delete', 'list', 'create', 'update', 'patch', 'watch', 'proxy', 'deletecollection', 'use', 'bind', 'escalate', 'impersonate'];
const NON_RESOURCE_VERBS = ['*', 'get', 'post', 'put', 'delete', 'patch', 'head', 'options'];

/** A flag given as a list, repeated or comma-separated (`--verb=get,list --verb=watch`). */
export const listFlag = (v: string | string[] | undefined): string[] => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean));

export interface RoleOptions {
  verb?: string[];
  resource?: string[];
  resourceName?: string[];
  nonResourceUrl?: string[];
  aggregationRule?: string;
}

interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** `pods`, `deployments.apps`, `pods/log`, `*`: its API group and resource name, as discovery knows it. */
function groupResource(arg: string): { group: string; resource: string } {
  const [name, sub] = arg.split('/', 2);
  if (name === '*') return { group: '', resource: sub ? `*/${sub}` : '*' };
  const r = resolveResource(name)[0];
  if (!r || r.categories.includes(name)) {
    const dot = name.indexOf('.');
    throw new CliError(`error: the server doesn't have a resource type "${dot < 0 ? name : name.slice(0, dot)}"`);
  }
  return { group: r.group, resource: sub ? `${r.plural}/${sub}` : r.plural };
}

/** The rules of a role: one per API group (groups in order), with the verbs and resource names given. */
function resourceRules(verbs: string[], resources: string[], resourceNames: string[]): PolicyRule[] {
  for (const v of verbs) if (!RESOURCE_VERBS.includes(v)) throw new CliError(`error: invalid verb: '${v}'`);
  const byGroup = new Map<string, string[]>();
  for (const arg of resources) {
    const { group, resource } = groupResource(arg);
    const list = byGroup.get(group) ?? [];
    if (!list.includes(resource)) list.push(resource);
    byGroup.set(group, list);
  }
  return [...byGroup.keys()].sort().map((group) => ({
    verbs,
    apiGroups: [group],
    resources: byGroup.get(group)!,
    ...(resourceNames.length ? { resourceNames } : {}),
  }));
}

/** `create role NAME --verb=... --resource=... [--resource-name=...]`. */
export function roleFrom(name: string, o: RoleOptions): KubeObject {
  const verbs = listFlag(o.verb);
  const resources = listFlag(o.resource);
  if (verbs.length === 0) throw new CliError('error: at least one verb must be specified');
  if (resources.length === 0) throw new CliError('error: at least one resource must be specified');
  return { apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: { name }, rules: resourceRules(verbs, resources, listFlag(o.resourceName)) };
}

/** `create clusterrole NAME --verb=... [--resource=...] [--non-resource-url=...] | --aggregation-rule=...`. */
export function clusterRoleFrom(name: string, o: RoleOptions): KubeObject {
  const base = { apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name } };
  if (o.aggregationRule) {
    if (o.verb?.length || o.resource?.length || o.nonResourceUrl?.length) throw new CliError('error: aggregation rule must be specified without nonResourceURLs, resources, verbs or resourceNames');
    // rules is no optional field of a ClusterRole: Go prints it, null.
    return { ...base, aggregationRule: { clusterRoleSelectors: [toLabelSelector(o.aggregationRule)] }, rules: null };
  }
  const verbs = listFlag(o.verb);
  const resources = listFlag(o.resource);
  const urls = listFlag(o.nonResourceUrl);
  if (verbs.length === 0) throw new CliError('error: at least one verb must be specified');
  if (resources.length === 0 && urls.length === 0) throw new CliError('error: one of resource or nonResourceURL must be specified');
  const rules = resources.length ? resourceRules(verbs, resources, listFlag(o.resourceName)) : [];
  if (urls.length) {
    for (const u of urls) if (!u.startsWith('/')) throw new CliError(`error: nonResourceURL should start with /`);
    for (const v of verbs) if (!NON_RESOURCE_VERBS.includes(v)) throw new CliError(`error: invalid verb: '${v}' for nonResourceURL`);
    rules.push({ verbs, nonResourceURLs: urls });
  }
  return { ...base, rules };
}

export interface BindingOptions {
  role?: string;
  clusterrole?: string;
  user?: string[];
  group?: string[];
  serviceaccount?: string[];
}

/** The subjects of a binding: users, then groups, then service accounts (`NAMESPACE:NAME`). */
function subjects(o: BindingOptions): object[] {
  const out: object[] = [];
  for (const name of listFlag(o.user)) out.push({ apiGroup: RBAC, kind: 'User', name });
  for (const name of listFlag(o.group)) out.push({ apiGroup: RBAC, kind: 'Group', name });
  for (const sa of o.serviceaccount ?? []) {
    const parts = sa.split(':');
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw new CliError(`error: serviceaccount must be <namespace>:<name>`);
    out.push({ kind: 'ServiceAccount', name: parts[1], namespace: parts[0] });
  }
  return out;
}

/** `create rolebinding NAME --role=R|--clusterrole=CR [--user=U] [--group=G] [--serviceaccount=NS:SA]`. */
export function roleBindingFrom(name: string, o: BindingOptions): KubeObject {
  if (!!o.role === !!o.clusterrole) throw new CliError('error: exactly one of clusterrole or role must be specified');
  const subs = subjects(o);
  return {
    apiVersion: `${RBAC}/v1`,
    kind: 'RoleBinding',
    metadata: { name },
    roleRef: { apiGroup: RBAC, kind: o.role ? 'Role' : 'ClusterRole', name: o.role ?? o.clusterrole },
    ...(subs.length ? { subjects: subs } : {}),
  };
}

/** `create clusterrolebinding NAME --clusterrole=CR [--user=U] [--group=G] [--serviceaccount=NS:SA]`. */
export function clusterRoleBindingFrom(name: string, o: BindingOptions): KubeObject {
  if (!o.clusterrole) throw new CliError('error: required flag(s) "clusterrole" not set');
  const subs = subjects(o);
  return {
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: o.clusterrole },
    ...(subs.length ? { subjects: subs } : {}),
  };
}
