// `minikctl run NAME --image=IMAGE [-- ARGS...]`: a pod with one container, as kubectl's run
// generator builds it (labels run=NAME unless --labels, args after --, or command with --command).
import type { Command } from 'commander';
import type { KubeObject } from '../../api/types.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';
import { collect } from '../flags.js';
import { createObject } from './create-generators.js';

interface RunOptions {
  namespace?: string;
  output?: string;
  dryRun?: string;
  image?: string;
  port?: string;
  env?: string[];
  labels?: string;
  annotations?: string[];
  restart?: string;
  command?: boolean;
  imagePullPolicy?: string;
}

/** `key=value,key=value` (labels) or repeated `key=value` (annotations) as a map. */
function pairs(items: string[], what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new CliError(`error: invalid ${what} spec: ${item}`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** The pod `run` creates. */
export function runPod(name: string, args: string[], o: RunOptions): KubeObject {
  if (!o.image) throw new CliError('error: required flag(s) "image" not set');
  const restart = o.restart ?? 'Always';
  if (!['Always', 'OnFailure', 'Never'].includes(restart)) throw new CliError(`error: invalid restart policy: ${restart}`);
  if (o.port !== undefined && !/^\d+$/.test(o.port)) throw new CliError(`error: invalid argument "${o.port}" for "--port" flag: strconv.ParseInt: parsing "${o.port}": invalid syntax`);
  const env = (o.env ?? []).map((e) => {
    const eq = e.indexOf('=');
    if (eq <= 0) throw new CliError(`error: invalid env: ${e}`);
    return { name: e.slice(0, eq), value: e.slice(eq + 1) };
  });
  const labels = o.labels ? pairs(o.labels.split(','), 'label') : { run: name };
  const annotations = o.annotations?.length ? pairs(o.annotations, 'annotation') : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels, ...(annotations ? { annotations } : {}) },
    spec: {
      containers: [
        {
          name,
          image: o.image,
          ...(args.length ? (o.command ? { command: args } : { args }) : {}),
          ...(env.length ? { env } : {}),
          ...(o.imagePullPolicy ? { imagePullPolicy: o.imagePullPolicy } : {}),
          ...(o.port !== undefined ? { ports: [{ containerPort: Number(o.port) }] } : {}),
          resources: {},
        },
      ],
      dnsPolicy: 'ClusterFirst',
      restartPolicy: restart,
    },
    status: {},
  };
}

/** Registers `run`. */
export function registerRun(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('run')
    .description('Create and run a particular image in a pod')
    .argument('<name>')
    .argument('[args...]', 'After --: the container\'s arguments (its command with --command)')
    .requiredOption('--image <image>', 'The image for the container to run')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('--port <port>', 'The port that this container exposes')
    .option('--env <key=value>', 'Environment variables to set in the container (repeatable)', collect)
    .option('-l, --labels <labels>', 'Comma separated labels to apply to the pod; replaces run=NAME')
    .option('--annotations <key=value>', 'Annotations to apply to the pod (repeatable)', collect)
    .option('--restart <policy>', 'The restart policy for this Pod: Always, OnFailure or Never', 'Always')
    .option('--command', 'Use the extra arguments as the command instead of the arguments')
    .option('--image-pull-policy <policy>', 'The image pull policy for the container: Always, IfNotPresent or Never')
    .option('-o, --output <format>', 'Output format: yaml|json|name')
    .option('--dry-run <mode>', 'none, client or server')
    .addHelpText(
      'after',
      `
Examples:
  # Start a nginx pod
  minikctl run nginx --image=nginx

  # Start a hazelcast pod and let the container expose port 5701
  minikctl run hazelcast --image=hazelcast/hazelcast --port=5701

  # Start a busybox pod that runs a command once and is not restarted
  minikctl run once --image=busybox --restart=Never --command -- sh -c "echo hello"

  # Dry run: print the pod kubectl would create, as YAML
  minikctl run nginx --image=nginx --dry-run=client -o yaml
`,
    )
    .action((name: string, args: string[], o: RunOptions) => {
      let pod: KubeObject;
      try {
        pod = runPod(name, args, o);
      } catch (e) {
        return done(Promise.reject(e));
      }
      done(createObject(ctx(), pod, o, { verb: 'created', fieldManager: 'kubectl-run' }));
    });
}
