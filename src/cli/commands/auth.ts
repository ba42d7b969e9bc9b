// `minikctl auth can-i VERB TYPE[/NAME] | VERB /PATH`: asks the server with a
// SelfSubjectAccessReview whether the current user (or, with --as/--as-group, the one it
// impersonates) may do it; prints yes or no (with the reason the server gives) and exits 0 or 1,
// with kubectl's warnings. `--as=system:serviceaccount:NS:NAME` checks what a service account may
// do before deploying.
import type { Command } from 'commander';
import type { ResourceInfo } from '../../api/resources.js';
import type { PolicyRule, SubjectAccessReview } from '../../api/types.js';
import { tabulate } from '../../printers/tabwriter.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';
import { resolveNamespace } from '../flags.js';

interface CanIOptions {
  namespace?: string;
  allNamespaces?: boolean;
  subresource?: string;
  quiet?: boolean;
}

const RESOURCE_VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'use', 'bind', 'impersonate', 'escalate', 'approve', 'sign', '*'];
const NON_RESOURCE_VERBS = ['get', 'put', 'post', 'head', 'options', 'delete', 'patch', '*'];


/** A rule split into one per API group, resource and name, and one per path (rbac BreakdownRule). */
function breakdown(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      if (rule.resourceNames?.length) for (const name of rule.resourceNames) out.push({ apiGroups: [group], resources: [resource], verbs: rule.verbs, resourceNames: [name] });
      else out.push({ apiGroups: [group], resources: [resource], verbs: rule.verbs });
    }
  }
  for (const url of rule.nonResourceURLs ?? []) out.push({ nonResourceURLs: [url], verbs: rule.verbs });
  return out;
}

/** Rules of one group, resource and (at most one) name merged, their verbs appended (rbac CompactRules). */
function compact(rules: PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const isSimple = !r.nonResourceURLs?.length && r.apiGroups?.length === 1 && r.resources?.length === 1 && (r.resourceNames?.length ?? 0) <= 1 && r.verbs.length > 0;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups![0], r.resources![0], r.resourceNames?.[0] ?? '']);
    const seen = simple.get(key);
    if (seen) seen.verbs = [...seen.verbs, ...r.verbs];
    else simple.set(key, { ...r, verbs: [...r.verbs] });
  }
  return [...out, ...simple.values()];
}

const goList = (v: string[] | undefined) => `[${(v ?? []).join(' ')}]`;
/** The Go String() of a PolicyRule, which kubectl sorts the list by. */
const ruleString = (r: PolicyRule) => `&PolicyRule{Verbs:${goList(r.verbs)},APIGroups:${goList(r.apiGroups)},Resources:${goList(r.resources)},ResourceNames:${goList(r.resourceNames)},NonResourceURLs:${goList(r.nonResourceURLs)},}`;

/** `resource.group/subresource`, as kubectl's describe combines them. */
function resourceGroup(r: PolicyRule): string {
  const resource = r.resources?.[0];
  if (!resource) return '';
  const [name, sub] = resource.split(/\/(.*)/s, 2);
  const group = r.apiGroups?.[0];
  return `${name}${group ? `.${group}` : ''}${sub ? `/${sub}` : ''}`;
}

/** `auth can-i --list`: every rule the user has in the namespace, as kubectl prints them. */
async function runList(ctx: Context, opts: CanIOptions & { headers?: boolean }): Promise<number> {
  if (opts.quiet || opts.allNamespaces || opts.subresource) throw new CliError("error: list option can't be specified with neither quiet, all-namespaces nor subresource options");
  const namespace = await resolveNamespace(ctx, opts);
  const client = await ctx.client();
  const review = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', metadata: {}, spec: { namespace } };
  const res = await client.request<{ status?: { resourceRules?: PolicyRule[]; nonResourceRules?: PolicyRule[]; incomplete?: boolean; evaluationError?: string } }>('POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { body: review });
  const status = res.body.status ?? {};
  if (status.incomplete) ctx.warn(`the list may be incomplete: ${status.evaluationError ?? ''}`);
  const rules = [...(status.resourceRules ?? []), ...(status.nonResourceRules ?? [])].flatMap(breakdown);
  const sorted = compact(rules)
    .map((r, i) => ({ r, i, s: ruleString(r) }))
    .sort((a, b) => (a.s < b.s ? -1 : a.s > b.s ? 1 : a.i - b.i))
    .map((x) => x.r);
  const rows = sorted.map((r) => [resourceGroup(r), goList(r.nonResourceURLs), goList(r.resourceNames), goList(r.verbs)]);
  ctx.out(tabulate(opts.headers === false ? rows : [['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs'], ...rows]));
  return 0;
}

/** Runs `auth can-i`; returns 0 for yes, 1 for no. */
export async function runCanI(ctx: Context, args: string[], opts: CanIOptions & { list?: boolean; headers?: boolean }): Promise<number> {
  if (opts.list) {
    if (args.length) throw new CliError('error: list option must be specified with no arguments');
    return runList(ctx, opts);
  }
  if (opts.headers === false) throw new CliError('error: --no-headers cannot be set without --list specified');
  if (args.length !== 2) throw new CliError("error: you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'minikctl auth can-i -h' for help and examples.");
  const [verb, target] = args;
  // kubectl's messages end in a newline of their own, so each warning is followed by a blank line.
  const warn = (m: string) => ctx.warn(`${m}\n`);
  let spec: SubjectAccessReview['spec'];
  if (target.startsWith('/')) {
    if (opts.subresource) throw new CliError('error: --subresource can not be used with NonResourceURL');
    if (!NON_RESOURCE_VERBS.includes(verb)) warn(`verb '${verb}' is not a known verb`);
    spec = { nonResourceAttributes: { path: target, verb } };
  } else {
    const [type, name] = target.split('/', 2);
    let r: Pick<ResourceInfo, 'group' | 'plural' | 'namespaced'> | undefined;
    if (type === '*') r = { group: '', plural: '*', namespaced: true };
    else {
      const found = (await ctx.catalogFor([type])).resolve(type);
      r = found.length === 1 ? found[0] : undefined;
      if (!r) {
        const dot = type.indexOf('.');
        const [res, group] = dot < 0 ? [type, ''] : [type.slice(0, dot), type.slice(dot + 1)];
        warn(group ? `the server doesn't have a resource type '${res}' in group '${group}'` : `the server doesn't have a resource type '${res}'`);
        r = { group, plural: res, namespaced: true };
      }
    }
    if (!opts.allNamespaces && !r.namespaced) warn(r.group ? `resource '${r.plural}' is not namespace scoped in group '${r.group}'` : `resource '${r.plural}' is not namespace scoped`);
    if (!RESOURCE_VERBS.includes(verb)) warn(`verb '${verb}' is not a known verb`);
    const namespace = opts.allNamespaces ? '' : await resolveNamespace(ctx, opts);
    spec = { resourceAttributes: { namespace, verb, group: r.group, resource: r.plural, subresource: opts.subresource ?? '', name: name ?? '' } };
  }
  const client = await ctx.client();
  const review = { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: {}, spec };
  const res = await client.request<SubjectAccessReview>('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { body: review });
  const status = res.body.status ?? { allowed: false };
  if (!opts.quiet) {
    if (status.allowed) ctx.out('yes\n');
    else ctx.out(`no${status.reason ? ` - ${status.reason}` : ''}${status.evaluationError ? ` - ${status.evaluationError}` : ''}\n`);
  }
  return status.allowed ? 0 : 1;
}

/** Registers `auth can-i`. */
export function registerAuth(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  const auth = program.command('auth').description('Inspect authorization');
  auth
    .command('can-i')
    .description('Check whether an action is allowed')
    .argument('[args...]', 'VERB TYPE[/NAME] or VERB /NONRESOURCEURL')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('-A, --all-namespaces', 'If true, check the specified action in all namespaces')
    .option('--subresource <name>', 'SubResource such as pod/log or deployment/scale')
    .option('-q, --quiet', 'If true, suppress output and just return the exit code')
    .option('--list', 'If true, prints all allowed actions')
    .option('--no-headers', 'If true, prints allowed actions without headers')
    .addHelpText(
      'after',
      `
Examples:
  # Check to see if I can create pods in any namespace
  minikctl auth can-i create pods --all-namespaces

  # Check to see if a service account can list deployments in namespace "dev"
  minikctl auth can-i list deployments.apps -n dev --as=system:serviceaccount:dev:ci

  # Check to see if a user in a group can read one secret
  minikctl auth can-i get secrets/db --as=jane --as-group=developers

  # Check to see if I can read pod logs
  minikctl auth can-i get pods --subresource=log

  # Check to see if I can access the URL /logs/
  minikctl auth can-i get /logs/
`,
    )
    .action((args: string[], o: CanIOptions & { list?: boolean; headers?: boolean }) => done(runCanI(ctx(), args, o)));
}
