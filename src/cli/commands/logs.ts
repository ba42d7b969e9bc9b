// `minikctl logs`: a container's log (for simulated containers, its lifecycle lines), by pod name,
// TYPE/NAME of a workload (one of its pods), or -l selector.
import type { Command } from 'commander';
import { resourceNamed } from '../../api/resources.js';
import type { KubeList, Pod } from '../../api/types.js';
import { resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';
import { mostActivePod, podTarget } from '../pod-target.js';
import { resolveNamespace } from '../flags.js';

const podsR = resourceNamed('pods');

interface LogsOptions {
  namespace?: string;
  container?: string;
  selector?: string;
  tail?: string;
  timestamps?: boolean;
  previous?: boolean;
  follow?: boolean;
  allContainers?: boolean;
}

/** Runs `logs`; returns the exit code. */
export async function runLogs(ctx: Context, args: string[], opts: LogsOptions): Promise<number> {
  const ns = await resolveNamespace(ctx, opts);
  const client = await ctx.client();
  let pods: Pod[] = [];
  if (opts.selector) {
    pods = (await client.get<KubeList<Pod>>(resourcePath(podsR, ns), { labelSelector: opts.selector })).body.items;
    if (pods.length === 0) {
      ctx.err(`No resources found in ${ns} namespace.`);
      return 0;
    }
  } else {
    if (args.length === 0) throw new CliError("error: expected POD or TYPE/NAME is a required argument for the logs command\nSee 'minikctl logs -h' for help and examples");
    const target = await podTarget(ctx, client, ns, args[0], 'logs', (r, name) => (r.kind === 'Pod' ? new CliError(`error: error from server (NotFound): pods "${name}" not found in namespace "${ns}"`) : undefined));
    if (target.r.kind === 'Pod') pods = target.pods;
    else {
      const best = mostActivePod(target.pods);
      if (!best) throw new CliError(`error: timed out waiting for the condition`);
      if (target.pods.length > 1) ctx.err(`Found ${target.pods.length} pods, using pod/${best.metadata.name}`);
      pods = [best];
    }
    if (args[1] && !opts.container) opts.container = args[1];
  }
  for (const pod of pods) {
    const names = opts.allContainers || (opts.selector && !opts.container) ? (pod.spec?.containers ?? []).map((c) => c.name) : [opts.container ?? (pod.spec?.containers?.length === 1 ? pod.spec.containers[0].name : undefined)];
    for (const container of names) {
      const query = {
        container,
        tailLines: opts.tail ?? (opts.selector ? '10' : undefined),
        timestamps: opts.timestamps ? 'true' : undefined,
        previous: opts.previous ? 'true' : undefined,
        follow: opts.follow ? 'true' : undefined,
      };
      // Following: each line as the server sends it.
      if (opts.follow) await client.streamText(resourcePath(podsR, ns, pod.metadata.name, 'log'), query, (text) => ctx.out(text));
      else ctx.out(await client.text(resourcePath(podsR, ns, pod.metadata.name, 'log'), query));
    }
  }
  return 0;
}

/** Registers `logs`. */
export function registerLogs(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('logs')
    .description("Print the logs for a container in a pod (for minik's simulated containers: their lifecycle)")
    .argument('[args...]', 'POD [CONTAINER], or TYPE/NAME')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('-c, --container <name>', 'Print the logs of this container')
    .option('-l, --selector <selector>', 'Selector (label query) to filter on')
    .option('--tail <lines>', 'Lines of recent log file to display')
    .option('--timestamps', 'Include timestamps on each line')
    .option('-p, --previous', 'Print the logs for the previous instance of the container')
    .option('-f, --follow', 'Specify if the logs should be streamed')
    .option('--all-containers', 'Get all containers\' logs in the pod(s)')
    .action((args: string[], o: LogsOptions) => done(runLogs(ctx(), args, o)));
}
