// `minikctl auth can-i VERB TYPE[/NAME] | VERB /PATH`: asks the server with a
// SelfSubjectAccessReview whether the current user (or, with --as/--as-group, the one it
// impersonates) may do it; prints yes or no (with the reason the server gives) and exits 0 or 1,
// with kubectl's warnings. `--as=system:serviceaccount:NS:NAME` checks what a service account may
// do before deploying.
import type { Command } from 'commander';
import type { ResourceInfo } from '../../api/resources.js';
import type { SubjectAccessReview } from '../../api/types.js';
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

/** The impersonation headers of --as / --as-group (kubectl's). */
export function impersonationHeaders(opts: { as?: string; asGroup?: string[] }): Record<string, string | string[]> {
  // kubectl names the kubeconfig's user, minik's.
  if (!opts.as && opts.asGroup?.length) throw new CliError('error: requesting uid, groups or user-extra for minik without impersonating a user');
  return { ...(opts.as ? { 'Impersonate-User': opts.as } : {}), ...(opts.asGroup?.length ? { 'Impersonate-Group': opts.asGroup } : {}) };
}

/** Runs `auth can-i`; returns 0 for yes, 1 for no. */
export async function runCanI(ctx: Context, args: string[], opts: CanIOptions): Promise<number> {
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
    .action((args: string[], o: CanIOptions) => done(runCanI(ctx(), args, o)));
}
