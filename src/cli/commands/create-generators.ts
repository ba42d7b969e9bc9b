// `minikctl create job|deployment|namespace NAME ...`: objects built from flags, as kubectl's
// generators build them (including `create job --from=cronjob/NAME`).
import type { Command } from 'commander';
import { qualifiedSingular, resolveResource, resourceNamed } from '../../api/resources.js';
import type { CronJob, KubeObject } from '../../api/types.js';
import { resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { CliError, formatError } from '../errors.js';
import { preparePrinter, renderObjects } from '../output.js';
import { collect, resolveNamespace } from '../flags.js';
import { type ServiceOptions, type ServiceType, serviceFrom } from './create-service.js';
import { type DataSources, type DockerRegistryOptions, configMapFrom, dockerRegistrySecretFrom, genericSecretFrom, tlsSecretFrom } from './create-data.js';

export interface GeneratorOptions extends DataSources, DockerRegistryOptions, ServiceOptions {
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
  const ns = r.namespaced ? resolveNamespace(opts) : undefined;
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
    ctx.err(formatError(e));
    return 1;
  }
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
      cj = (await client.get<CronJob>(resourcePath(cjR, resolveNamespace(opts), cjName))).body;
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
