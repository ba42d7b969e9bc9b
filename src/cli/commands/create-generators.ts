// `minikctl create job|deployment|namespace NAME ...`: objects built from flags, as kubectl's
// generators build them (including `create job --from=cronjob/NAME`).
import type { Command } from 'commander';
import { qualifiedSingular, resolveResource } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { CliError, formatError } from '../errors.js';
import { preparePrinter, renderObjects } from '../output.js';
import { resolveNamespace } from '../flags.js';

interface GeneratorOptions {
  namespace?: string;
  output?: string;
  dryRun?: string;
  image?: string[] | string;
  from?: string;
  replicas?: string;
  port?: string;
}

/** Creates (or, with --dry-run=client, just prints) a generated object. */
async function createObject(ctx: Context, obj: KubeObject, opts: GeneratorOptions): Promise<number> {
  const r = resolveResource(obj.kind!)[0];
  const ns = r.namespaced ? resolveNamespace(opts) : undefined;
  if (ns) obj.metadata.namespace = ns;
  const fmt = opts.output ? await preparePrinter(opts.output) : undefined;
  const suffix = opts.dryRun === 'server' ? ' (server dry run)' : opts.dryRun === 'client' ? ' (dry run)' : '';
  try {
    let out = obj;
    if (opts.dryRun !== 'client') {
      const client = await ctx.client();
      out = (await client.request('POST', resourcePath(r, ns), { query: { fieldManager: 'kubectl-create', dryRun: opts.dryRun === 'server' ? 'All' : undefined }, body: obj })).body;
    }
    ctx.out(fmt && fmt.kind !== 'table' ? renderObjects(fmt, [{ r, o: out }], true) : `${qualifiedSingular(r)}/${out.metadata.name} created${suffix}\n`);
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
    const cjR = resolveResource('cronjobs')[0];
    let cj: KubeObject;
    try {
      cj = (await client.get(resourcePath(cjR, resolveNamespace(opts), cjName))).body;
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
    spec: { template: { metadata: {}, spec: { containers: [{ name, image, ...(command.length ? { command } : {}), resources: {} }], restartPolicy: 'Never' } } },
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
        metadata: { labels },
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
    .action((name: string, _o: GeneratorOptions, cmd: Command) => done(createObject(ctx(), { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, cmd.optsWithGlobals())));
}
