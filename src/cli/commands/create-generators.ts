// `minikctl create KIND NAME ...`: objects built from flags, as kubectl's generators build them
// (including `create job --from=cronjob/NAME`), and `create token`. The builders of the other
// kinds are in create-data.ts, create-service.ts, create-policy.ts, create-rbac.ts and
// create-ingress.ts; this file registers every subcommand.
import type { Command } from 'commander';
import { qualifiedSingular, resolveResource, resourceNamed } from '../../api/resources.js';
import type { CronJob, KubeObject } from '../../api/types.js';
import { ApiError, resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { CliError, formatError } from '../errors.js';
import { preparePrinter, renderObjects } from '../output.js';
import { collect, resolveNamespace } from '../flags.js';
import { type ServiceOptions, type ServiceType, serviceFrom } from './create-service.js';
import { type DataSources, type DockerRegistryOptions, configMapFrom, dockerRegistrySecretFrom, genericSecretFrom, tlsSecretFrom } from './create-data.js';
import { type IngressOptions, ingressFrom } from './create-ingress.js';
import { type PdbOptions, type PriorityClassOptions, type QuotaOptions, pdbFrom, priorityClassFrom, quotaFrom } from './create-policy.js';
import { type BindingOptions, type RoleOptions, clusterRoleBindingFrom, clusterRoleFrom, roleBindingFrom, roleFrom } from './create-rbac.js';
import { parseDuration } from '../waiting.js';

export interface GeneratorOptions extends DataSources, DockerRegistryOptions, ServiceOptions, PdbOptions, PriorityClassOptions, QuotaOptions, RoleOptions, BindingOptions, IngressOptions {
  namespace?: string;
  type?: string;
  cert?: string;
  key?: string;
  output?: string;
  dryRun?: string;
  image?: string[] | string;
  from?: string;
  replicas?: string;
  port?: string;
  schedule?: string;
  restart?: string;
  audience?: string[];
  duration?: string;
  boundObjectKind?: string;
  boundObjectName?: string;
  boundObjectUid?: string;
}

/**
 * Creates (or, with --dry-run=client, just prints) a generated object. Generated objects carry
 * what kubectl's typed objects print when empty (`status: {}`, a template's null
 * creationTimestamp); the server resets status on create. Prints kubectl's line (`created`, or
 * `how.verb`) or the object with -o; returns the exit code.
 */
/** What a generating command says it did, and the field manager it writes as. */
export interface Creation {
  verb: string;
  fieldManager: string;
}

const CREATE: Creation = { verb: 'created', fieldManager: 'kubectl-create' };

export async function createObject(ctx: Context, obj: KubeObject, opts: GeneratorOptions, how: Creation = CREATE): Promise<number> {
  const r = resolveResource(obj.kind!)[0];
  const ns = r.namespaced ? await resolveNamespace(ctx, opts) : undefined;
  // As kubectl's generators: the namespace is written into the object only when -n names one.
  if (ns && opts.namespace) obj.metadata.namespace = ns;
  const fmt = opts.output ? await preparePrinter(opts.output) : undefined;
  const suffix = opts.dryRun === 'server' ? ' (server dry run)' : opts.dryRun === 'client' ? ' (dry run)' : '';
  try {
    // Printed from a Go struct, a client-side object shows its unset creationTimestamp as null.
    let out: KubeObject = { ...obj, metadata: { ...obj.metadata, creationTimestamp: null } };
    if (opts.dryRun !== 'client') {
      const client = await ctx.client();
      out = (await client.request('POST', resourcePath(r, ns), { query: { fieldManager: how.fieldManager, dryRun: opts.dryRun === 'server' ? 'All' : undefined }, body: obj })).body;
    }
    ctx.out(fmt && fmt.kind !== 'table' ? renderObjects(fmt, [{ r, o: out }], true) : `${qualifiedSingular(r)}/${out.metadata.name} ${how.verb}${suffix}\n`);
    return 0;
  } catch (e) {
    // kubectl's generators wrap the server's answer in their own words (`error: failed to create
    // deployment: deployments.apps "web" already exists`); kinds without a wrapper print it as is.
    const wrap = failedToCreate(obj);
    if (wrap === undefined) ctx.err(formatError(e));
    else ctx.err(`error: ${wrap}${e instanceof ApiError ? e.message : formatError(e).replace(/^error: /, '').trimEnd()}`);
    return 1;
  }
}

/** How kubectl's generator for a kind words a failed create, up to the error (undefined: not wrapped). */
function failedToCreate(obj: KubeObject): string | undefined {
  const words: Record<string, string> = {
    ClusterRoleBinding: 'failed to create clusterrolebinding: ',
    ConfigMap: 'failed to create configmap: ',
    CronJob: 'failed to create cronjob: ',
    Deployment: 'failed to create deployment: ',
    Ingress: 'failed to create ingress: ',
    Job: 'failed to create job: ',
    PodDisruptionBudget: 'failed to create poddisruptionbudgets: ',
    PriorityClass: 'failed to create priorityclass: ',
    ResourceQuota: 'failed to create quota: ',
    RoleBinding: 'failed to create rolebinding: ',
    Secret: 'failed to create secret ',
    ServiceAccount: 'failed to create serviceaccount: ',
  };
  if (obj.kind === 'Service') return `failed to create ${(obj.spec as { type?: string } | undefined)?.type ?? 'ClusterIP'} service: `;
  return words[obj.kind ?? ''];
}

/** `create job NAME --from=cronjob/CJ`, or `create job NAME --image=IMG [-- COMMAND ...]`. */
export async function runCreateJob(ctx: Context, name: string, command: string[], opts: GeneratorOptions): Promise<number> {
  const image = Array.isArray(opts.image) ? opts.image[0] : opts.image;
  if (opts.from) {
    const [kind, cjName] = opts.from.split('/');
    if (!cjName || !['cronjob', 'cronjobs', 'cj', 'cronjob.batch', 'cronjobs.batch'].includes(kind.toLowerCase())) throw new CliError(`error: from must be an existing cronjob: ${opts.from}`);
    const client = await ctx.client();
    const cjR = resourceNamed('cronjobs');
    let cj: CronJob;
    try {
      cj = (await client.get<CronJob>(resourcePath(cjR, await resolveNamespace(ctx, opts), cjName))).body;
    } catch (e) {
      ctx.err(formatError(e));
      return 1;
    }
    const tpl = cj.spec?.jobTemplate ?? {};
    return createObject(ctx, {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        ...(tpl.metadata?.labels ? { labels: tpl.metadata.labels } : {}),
        annotations: { 'cronjob.kubernetes.io/instantiate': 'manual', ...(tpl.metadata?.annotations ?? {}) },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: cj.metadata.name!, uid: cj.metadata.uid!, controller: true }],
      },
      spec: tpl.spec ?? {},
    }, opts);
  }
  if (!image) throw new CliError('error: either --image or --from must be specified');
  return createObject(ctx, {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: [{ name, image, ...(command.length ? { command } : {}), resources: {} }], restartPolicy: 'Never' } } },
    status: {},
  }, opts);
}

/** `create cronjob NAME --image=IMG --schedule=CRON [--restart=OnFailure] [-- COMMAND ...]`. */
export function cronJobFrom(name: string, command: string[], opts: GeneratorOptions): KubeObject {
  const image = Array.isArray(opts.image) ? opts.image[0] : opts.image;
  if (!image) throw new CliError('error: --image must be specified');
  if (!opts.schedule) throw new CliError('error: --schedule must be specified');
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: {
      schedule: opts.schedule,
      jobTemplate: {
        metadata: { creationTimestamp: null, name },
        spec: { template: { metadata: { creationTimestamp: null }, spec: { containers: [{ name, image, ...(command.length ? { command } : {}), resources: {} }], restartPolicy: opts.restart ?? 'OnFailure' } } },
      },
    },
    status: {},
  };
}

/**
 * `create token SA [--audience=A] [--duration=D] [--bound-object-kind=K --bound-object-name=N]`:
 * asks serviceaccounts/SA/token for a token and prints it (or the TokenRequest with -o).
 */
export async function runCreateToken(ctx: Context, name: string, opts: GeneratorOptions): Promise<number> {
  let expirationSeconds: number | undefined;
  if (opts.duration !== undefined) {
    const ms = parseDuration(opts.duration);
    if (ms % 1000 !== 0) throw new CliError('error: --duration must be an integer number of seconds');
    if (ms > 0) expirationSeconds = ms / 1000;
  }
  if (opts.boundObjectName && !opts.boundObjectKind) throw new CliError('error: --bound-object-name can only be set if --bound-object-kind is provided');
  const kinds: Record<string, string> = { Pod: 'v1', Secret: 'v1', Node: 'v1' };
  if (opts.boundObjectKind && !kinds[opts.boundObjectKind]) throw new CliError(`error: supported --bound-object-kind values are ${Object.keys(kinds).join(', ')}`);
  if (opts.boundObjectKind && !opts.boundObjectName) throw new CliError('error: --bound-object-name is required if --bound-object-kind is provided');
  const request = {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    metadata: { creationTimestamp: null },
    spec: {
      audiences: opts.audience ?? [],
      ...(expirationSeconds !== undefined ? { expirationSeconds } : {}),
      ...(opts.boundObjectKind ? { boundObjectRef: { kind: opts.boundObjectKind, apiVersion: kinds[opts.boundObjectKind], name: opts.boundObjectName, ...(opts.boundObjectUid ? { uid: opts.boundObjectUid } : {}) } } : {}),
    },
    status: { expirationTimestamp: null, token: '' },
  };
  const fmt = opts.output ? await preparePrinter(opts.output) : undefined;
  try {
    const client = await ctx.client();
    const saR = resourceNamed('serviceaccounts');
    const res = await client.request('POST', `${resourcePath(saR, await resolveNamespace(ctx, opts), name)}/token`, { body: request });
    const answered = res.body as KubeObject & { status?: { token?: string } };
    ctx.out(fmt && fmt.kind !== 'table' ? renderObjects(fmt, [{ r: saR, o: answered }], true) : `${answered.status?.token ?? ''}\n`);
    return 0;
  } catch (e) {
    // kubectl prints the server's message as it is (not the usual `Error from server` wording).
    ctx.err(`error: failed to create token: ${e instanceof ApiError ? e.message : formatError(e).replace(/^error: /, '').trimEnd()}`);
    return 1;
  }
}

/** The container name kubectl derives from an image: its last path part, without tag or digest. */
export function containerNameFromImage(image: string): string {
  const last = image.split('/').pop() ?? image;
  return last.split('@')[0].split(':')[0].toLowerCase().replace(/[^a-z0-9-]/g, '-');
}

/** `create deployment NAME --image=IMG [--replicas=N] [--port=P] [-- COMMAND ...]`. */
export async function runCreateDeployment(ctx: Context, name: string, command: string[], opts: GeneratorOptions): Promise<number> {
  const images = opts.image === undefined ? [] : Array.isArray(opts.image) ? opts.image : [opts.image];
  if (images.length === 0) throw new CliError('error: required flag(s) "image" not set');
  const labels = { app: name };
  return createObject(ctx, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas: Number(opts.replicas ?? 1),
      selector: { matchLabels: labels },
      strategy: {},
      template: {
        metadata: { creationTimestamp: null, labels },
        spec: {
          containers: images.map((image, i) => ({
            name: containerNameFromImage(image),
            image,
            ...(i === 0 && command.length ? { command } : {}),
            ...(i === 0 && opts.port ? { ports: [{ containerPort: Number(opts.port) }] } : {}),
            resources: {},
          })),
        },
      },
    },
    status: {},
  }, opts);
}

const collectImages = (v: string, prev: string[] = []) => [...prev, v];

/**
 * Registers `create job`, `create deployment` and `create namespace` under `create`. `create`
 * itself takes -n/-o/--dry-run too, so the subcommands read their options with the parent's.
 */
export function registerCreateGenerators(create: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  const common = (c: Command) =>
    c
      .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
      .option('-o, --output <format>', 'Output format: yaml|json|name')
      .option('--dry-run <mode>', 'none, client or server');
  common(create.command('job').description('Create a job with the specified name').argument('<name>').argument('[command...]'))
    .option('--image <image>', 'Image name to run')
    .option('--from <resource>', 'The name of the resource to create a Job from (only cronjob is supported)')
    .action((name: string, command: string[], _o: GeneratorOptions, cmd: Command) => done(runCreateJob(ctx(), name, command, cmd.optsWithGlobals())));
  common(create.command('deployment').alias('deploy').description('Create a deployment with the specified name').argument('<name>').argument('[command...]'))
    .option('--image <image>', 'Image names to run (repeatable)', collectImages)
    .option('-r, --replicas <n>', 'Number of replicas to create', '1')
    .option('--port <port>', 'The containerPort that this deployment exposes')
    .action((name: string, command: string[], _o: GeneratorOptions, cmd: Command) => done(runCreateDeployment(ctx(), name, command, cmd.optsWithGlobals())));
  common(create.command('namespace').alias('ns').description('Create a namespace with the specified name').argument('<name>'))
    .action((name: string, _o: GeneratorOptions, cmd: Command) => done(createObject(ctx(), { apiVersion: 'v1', kind: 'Namespace', metadata: { name }, spec: {}, status: {} }, cmd.optsWithGlobals())));
  // A generator's errors (bad keys, unreadable files) are the command's result, as any other error.
  const generated = (build: () => KubeObject, opts: GeneratorOptions) => {
    try {
      return createObject(ctx(), build(), opts);
    } catch (e) {
      return Promise.reject(e);
    }
  };
  const sources = (c: Command) =>
    c
      .option('--from-literal <key=value>', 'Specify a key and literal value to insert (repeatable)', collect)
      .option('--from-file <[key=]source>', 'A file (its name is the key unless given), or a folder of files (repeatable)', collect)
      .option('--from-env-file <file>', 'A file of KEY=VALUE lines (repeatable)', collect);
  sources(common(create.command('configmap').alias('cm').description('Create a config map from a local file, directory or literal value').argument('<name>')))
    .addHelpText('after', `\nExamples:\n  # Create a config map named my-config with key1=config1 and key2=config2\n  minikctl create configmap my-config --from-literal=key1=config1 --from-literal=key2=config2\n\n  # Create a config map from every file in a folder, each file's name its key\n  minikctl create configmap my-config --from-file=path/to/bar\n`)
    .action((name: string, _o: GeneratorOptions, cmd: Command) => done(generated(() => configMapFrom(name, cmd.optsWithGlobals(), ctx().io.env), cmd.optsWithGlobals())));
  const service = create.command('service').alias('svc').description('Create a service using a specified subcommand');
  const types: [string, ServiceType, string][] = [
    ['clusterip', 'ClusterIP', 'Create a ClusterIP service'],
    ['nodeport', 'NodePort', 'Create a NodePort service'],
    ['loadbalancer', 'LoadBalancer', 'Create a LoadBalancer service'],
    ['externalname', 'ExternalName', 'Create an ExternalName service'],
  ];
  for (const [sub, type, description] of types) {
    const c = common(service.command(sub).description(description).argument('<name>')).option('--tcp <port[:targetPort]>', 'Port pairs can be specified as \'<port>:<targetPort>\' (repeatable)', collect);
    if (type === 'ClusterIP') c.option('--clusterip <ip>', 'Assign your own ClusterIP or set to \'None\' for a \'headless\' service (no loadbalancing)');
    if (type === 'NodePort') c.option('--node-port <port>', 'Port used to expose the service on each node in a cluster');
    if (type === 'ExternalName') c.option('--external-name <name>', 'External name of service');
    c.addHelpText('after', `\nExamples:\n  minikctl create service ${sub} my-svc ${type === 'ExternalName' ? '--external-name bar.com' : '--tcp=5678:8080'}\n`);
    c.action((name: string, _o: GeneratorOptions, cmd: Command) => done(generated(() => serviceFrom(type, name, cmd.optsWithGlobals()), cmd.optsWithGlobals())));
  }
  common(create.command('cronjob').alias('cj').description('Create a cron job with the specified name').argument('<name>').argument('[command...]'))
    .option('--image <image>', 'Image name to run')
    .option('--schedule <cron>', 'A schedule in the Cron format the job should be run with')
    .option('--restart <policy>', "job's restart policy. supported values: OnFailure, Never", 'OnFailure')
    .addHelpText('after', `\nExamples:\n  # Create a cron job\n  minikctl create cronjob my-job --image=busybox --schedule="*/1 * * * *"\n\n  # Create a cron job with a command\n  minikctl create cronjob my-job --image=busybox --schedule="*/1 * * * *" -- date\n`)
    .action((name: string, command: string[], _o: GeneratorOptions, cmd: Command) => done(generated(() => cronJobFrom(name, command, cmd.optsWithGlobals()), cmd.optsWithGlobals())));
  common(create.command('poddisruptionbudget').alias('pdb').description('Create a pod disruption budget with the specified name').argument('<name>'))
    .option('--selector <selector>', 'A label selector to use for this budget')
    .option('--min-available <n>', 'The minimum number or percentage of available pods this budget requires')
    .option('--max-unavailable <n>', 'The maximum number or percentage of unavailable pods this budget requires')
    .addHelpText('after', `\nExamples:\n  # Create a pod disruption budget named my-pdb that will select all pods with the app=rails label\n  # and require at least one of them being available at any point in time\n  minikctl create poddisruptionbudget my-pdb --selector=app=rails --min-available=1\n`)
    .action((name: string, _o: GeneratorOptions, cmd: Command) => done(generated(() => pdbFrom(name, cmd.optsWithGlobals()), cmd.optsWithGlobals())));
  common(create.command('priorityclass').alias('pc').description('Create a priority class with the specified name').argument('<name>'))
    .option('--value <n>', 'the value of this priority class', '0')
    .option('--global-default', 'global-default specifies whether this PriorityClass should be considered as the default priority')
    .option('--description <text>', 'description is an arbitrary string that usually provides guidelines on when this priority class should be used')
    .option('--preemption-policy <policy>', 'preemption-policy is the policy for preempting pods with lower priority', 'PreemptLowerPriority')
    .addHelpText('after', `\nExamples:\n  # Create a priority class named high-priority\n  minikctl create priorityclass high-priority --value=1000 --description="high priority"\n`)
    .action((name: string, _o: GeneratorOptions, cmd: Command) => done(generated(() => priorityClassFrom(name, cmd.optsWithGlobals()), cmd.optsWithGlobals())));
  common(create.command('quota').alias('resourcequota').description('Create a quota with the specified name').argument('<name>'))
    .option('--hard <list>', 'A comma-delimited set of resource=quantity pairs that define a hard limit')
    .option('--scopes <list>', 'A comma-delimited set of quota scopes that must all match each object tracked by the quota')
    .addHelpText('after', `\nExamples:\n  # Create a new resource quota named my-quota\n  minikctl create quota my-quota --hard=cpu=1,memory=1G,pods=2,services=3,replicationcontrollers=2,resourcequotas=1,secrets=5,persistentvolumeclaims=10\n`)
    .action((name: string, _o: GeneratorOptions, cmd: Command) => done(generated(() => quotaFrom(name, cmd.optsWithGlobals()), cmd.optsWithGlobals())));
  const rules = (c: Command) =>
    c
      .option('--verb <verbs>', 'Verb that applies to the resources contained in the rule (repeatable)', collect)
      .option('--resource <resources>', 'Resource that the rule applies to (repeatable)', collect)
      .option('--resource-name <names>', 'Resource in the white list that the rule applies to (repeatable)', collect);
  rules(common(create.command('role').description('Create a role with single rule').argument('<name>')))
    .addHelpText('after', `\nExamples:\n  # Create a role named "pod-reader" that allows user to perform "get", "watch" and "list" on pods\n  minikctl create role pod-reader --verb=get --verb=list --verb=watch --resource=pods\n`)
    .action((name: string, _o: GeneratorOptions, cmd: Command) => done(generated(() => roleFrom(name, cmd.optsWithGlobals()), cmd.optsWithGlobals())));
  rules(common(create.command('clusterrole').description('Create a cluster role').argument('<name>')))
    .option('--non-resource-url <urls>', 'A partial url that user should have access to (repeatable)', collect)
    .option('--aggregation-rule <selector>', 'An aggregation label selector for combining ClusterRoles')
    .addHelpText('after', `\nExamples:\n  # Create a cluster role named "pod-reader" that allows user to perform "get", "watch" and "list" on pods\n  minikctl create clusterrole pod-reader --verb=get,list,watch --resource=pods\n`)
    .action((name: string, _o: GeneratorOptions, cmd: Command) => done(generated(() => clusterRoleFrom(name, cmd.optsWithGlobals()), cmd.optsWithGlobals())));
  const subjects = (c: Command) =>
    c
      .option('--user <names>', 'Usernames to bind to the role (repeatable)', collect)
      .option('--group <names>', 'Groups to bind to the role (repeatable)', collect)
      .option('--serviceaccount <namespace:name>', 'Service accounts to bind to the role, in the format <namespace>:<name> (repeatable)', collect);
  subjects(common(create.command('rolebinding').description('Create a role binding for a particular role or cluster role').argument('<name>')))
    .option('--role <name>', 'Role this RoleBinding should reference')
    .option('--clusterrole <name>', 'ClusterRole this RoleBinding should reference')
    .addHelpText('after', `\nExamples:\n  # Create a role binding for user1, user2, and group1 using the admin cluster role\n  minikctl create rolebinding admin --clusterrole=admin --user=user1 --user=user2 --group=group1\n`)
    .action((name: string, _o: GeneratorOptions, cmd: Command) => done(generated(() => roleBindingFrom(name, cmd.optsWithGlobals()), cmd.optsWithGlobals())));
  subjects(common(create.command('clusterrolebinding').description('Create a cluster role binding for a particular cluster role').argument('<name>')))
    .option('--clusterrole <name>', 'ClusterRole this ClusterRoleBinding should reference')
    .addHelpText('after', `\nExamples:\n  # Create a cluster role binding for user1, user2, and group1 using the cluster-admin cluster role\n  minikctl create clusterrolebinding cluster-admin --clusterrole=cluster-admin --user=user1 --user=user2 --group=group1\n`)
    .action((name: string, _o: GeneratorOptions, cmd: Command) => done(generated(() => clusterRoleBindingFrom(name, cmd.optsWithGlobals()), cmd.optsWithGlobals())));
  common(create.command('ingress').alias('ing').description('Create an ingress with the specified name').argument('<name>'))
    .option('--rule <rule>', 'Rule in format host/path=service:port[,tls=secretname]; a path ending in * matches by prefix (repeatable)', collect)
    .option('--class <name>', 'Ingress Class to be used')
    .option('--default-backend <service:port>', 'Default service for backend, in format of svcname:port')
    .option('--annotation <key=value>', 'Annotation to insert in the ingress object (repeatable)', collect)
    .addHelpText('after', `\nExamples:\n  # Create a single ingress called 'simple' that directs requests to foo.com/bar to svc\n  # svc1:8080 with a TLS secret "my-cert"\n  minikctl create ingress simple --rule="foo.com/bar=svc1:8080,tls=my-cert"\n`)
    .action((name: string, _o: GeneratorOptions, cmd: Command) => done(generated(() => ingressFrom(name, cmd.optsWithGlobals()), cmd.optsWithGlobals())));
  common(create.command('token').description('Request a service account token').argument('<serviceaccount>'))
    .option('--audience <audience>', 'Audience of the requested token (repeatable)', collect)
    .option('--duration <duration>', 'Requested lifetime of the issued token (the server may return a different one)')
    .option('--bound-object-kind <kind>', 'Kind of an object to bind the token to: Pod, Secret or Node')
    .option('--bound-object-name <name>', 'Name of an object to bind the token to')
    .option('--bound-object-uid <uid>', 'UID of an object to bind the token to')
    .addHelpText('after', `\nExamples:\n  # Request a token to authenticate to the kube-apiserver as the service account "myapp" in the current namespace\n  minikctl create token myapp\n\n  # Request a token with a custom expiration\n  minikctl create token myapp --duration 10m\n`)
    .action((name: string, _o: GeneratorOptions, cmd: Command) => done(runCreateToken(ctx(), name, cmd.optsWithGlobals())));
  common(create.command('serviceaccount').alias('sa').description('Create a service account with the specified name').argument('<name>'))
    .action((name: string, _o: GeneratorOptions, cmd: Command) => done(createObject(ctx(), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } }, cmd.optsWithGlobals())));
  const secret = create.command('secret').description('Create a secret using a specified subcommand');
  sources(common(secret.command('generic').description('Create a secret from a local file, directory, or literal value').argument('<name>')))
    .option('--type <type>', 'The type of secret to create')
    .addHelpText('after', `\nExamples:\n  # Create a new secret named my-secret with key1=supersecret and key2=topsecret\n  minikctl create secret generic my-secret --from-literal=key1=supersecret --from-literal=key2=topsecret\n`)
    .action((name: string, _o: GeneratorOptions, cmd: Command) => done(generated(() => genericSecretFrom(name, cmd.optsWithGlobals(), ctx().io.env, cmd.optsWithGlobals().type), cmd.optsWithGlobals())));
  common(secret.command('tls').description('Create a TLS secret from the given public/private key pair').argument('<name>'))
    .option('--cert <file>', 'Path to PEM encoded public key certificate')
    .option('--key <file>', 'Path to private key associated with given certificate')
    .addHelpText('after', `\nExamples:\n  # Create a new TLS secret named tls-secret with the given key pair\n  minikctl create secret tls tls-secret --cert=path/to/tls.crt --key=path/to/tls.key\n`)
    .action((name: string, _o: GeneratorOptions, cmd: Command) => done(generated(() => tlsSecretFrom(name, cmd.optsWithGlobals().cert, cmd.optsWithGlobals().key), cmd.optsWithGlobals())));
  common(secret.command('docker-registry').description('Create a secret for use with a Docker registry').argument('<name>'))
    .option('--docker-server <server>', 'Server location for Docker registry', 'https://index.docker.io/v1/')
    .option('--docker-username <user>', 'Username for Docker registry authentication')
    .option('--docker-password <password>', 'Password for Docker registry authentication')
    .option('--docker-email <email>', 'Email for Docker registry')
    .addHelpText('after', `\nExamples:\n  # Create a new secret named my-secret for use with Docker registries\n  minikctl create secret docker-registry my-secret --docker-server=DOCKER_REGISTRY_SERVER --docker-username=DOCKER_USER --docker-password=DOCKER_PASSWORD --docker-email=DOCKER_EMAIL\n`)
    .action((name: string, _o: GeneratorOptions, cmd: Command) => done(generated(() => dockerRegistrySecretFrom(name, cmd.optsWithGlobals()), cmd.optsWithGlobals())));
}
