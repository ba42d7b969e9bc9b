// `minikctl exec`: a command in a container, as `kubectl exec` runs it: over WebSocket
// (v5.channel.k8s.io, v4 as a fallback), stdin with -i, the remote exit code as minikctl's (and
// kubectl's "command terminated with exit code N"). What runs is the daemon's decision
// (docs/runtime.md); a simulated container without an exec rule answers why nothing runs.
import type { Command } from 'commander';
import { resourceNamed } from '../../api/resources.js';
import type { Pod, Status } from '../../api/types.js';
import { ApiError, resourcePath } from '../../client/client.js';
import type { Context } from '../context.js';
import { CliError } from '../errors.js';
import { resolveNamespace } from '../flags.js';

const podsR = resourceNamed('pods');

interface ExecOptions {
  namespace?: string;
  container?: string;
  stdin?: boolean;
  tty?: boolean;
  quiet?: boolean;
}

/** The container a command goes to: -c, else the default-container annotation, else the first (saying so when there are several). */
export function chooseContainer(pod: Pod, asked: string | undefined, note: (line: string) => void): string {
  if (asked) return asked;
  const containers = pod.spec?.containers ?? [];
  const annotated = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  if (annotated && containers.some((c) => c.name === annotated)) return annotated;
  if (containers.length > 1) {
    const all = [...containers.map((c) => c.name), ...(pod.spec?.initContainers ?? []).map((c) => `${c.name} (init)`)];
    note(`Defaulted container "${containers[0].name}" out of: ${all.join(', ')}`);
  }
  return containers[0]?.name ?? '';
}

/** The exit code a remote command's Status says, or the error it reports. */
export function exitCodeOf(status: Status | undefined): { exitCode: number } | { error: string } {
  if (!status || status.status === 'Success') return { exitCode: 0 };
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  if (status.reason === 'NonZeroExitCode' && cause?.message !== undefined) return { exitCode: Number(cause.message) };
  return { error: status.message ?? 'the command failed' };
}

async function runExec(ctx: Context, args: string[], command: string[], opts: ExecOptions): Promise<number> {
  const target = args[0];
  if (!target) throw new CliError("error: expected 'exec POD_NAME COMMAND [ARG1] [ARG2] ... [ARGN]'.\nPOD_NAME and COMMAND are required arguments for the exec command\nSee 'minikctl exec -h' for help and examples");
  if (command.length === 0) throw new CliError('error: you must specify at least one command for the container');
  const name = target.startsWith('pod/') || target.startsWith('pods/') ? target.slice(target.indexOf('/') + 1) : target;
  if (name.includes('/')) throw new CliError(`error: minikctl exec takes a pod (NAME or pod/NAME), not ${target}`);
  const ns = await resolveNamespace(ctx, opts);
  const client = await ctx.client();
  const pod = (await client.get<Pod>(resourcePath(podsR, ns, name))).body;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw new CliError(`error: cannot exec into a container in a completed pod; current phase is ${phase}`);
  if (opts.tty) ctx.err('Unable to use a TTY - minik has no terminal for exec; running without one');
  const container = chooseContainer(pod, opts.container, (line) => !opts.quiet && ctx.err(line));
  const q = new URLSearchParams();
  for (const c of command) q.append('command', c);
  q.set('container', container);
  if (opts.stdin) q.set('stdin', 'true');
  q.set('stdout', 'true');
  q.set('stderr', 'true');
  let status: Status | undefined;
  const onMessage = (raw: Buffer) => {
    if (raw.length === 0) return;
    const data = raw.subarray(1);
    if (raw[0] === 1) ctx.io.stdout.write(data);
    else if (raw[0] === 2) ctx.io.stderr.write(data);
    else if (raw[0] === 3 && data.length) status = JSON.parse(data.toString('utf8')) as Status;
  };
  let ws;
  try {
    ws = await client.webSocket(resourcePath(podsR, ns, name, 'exec'), q, ['v5.channel.k8s.io', 'v4.channel.k8s.io'], onMessage);
  } catch (e) {
    if (e instanceof ApiError && e.status.message) throw new CliError(`error: ${e.status.message}`);
    throw e;
  }
  const v5 = ws.protocol === 'v5.channel.k8s.io';
  const closed = new Promise<void>((resolve) => (ws.readyState === ws.CLOSED ? resolve() : ws.on('close', () => resolve())));
  if (opts.stdin) {
    const send = (d: Buffer) => ws.readyState === ws.OPEN && ws.send(Buffer.concat([Buffer.from([0]), d]));
    const endInput = () => {
      if (v5 && ws.readyState === ws.OPEN) ws.send(Buffer.from([255, 0]));
    };
    if (ctx.io.stdin) {
      ctx.io.stdin.on('data', (d: Buffer | string) => send(Buffer.isBuffer(d) ? d : Buffer.from(d)));
      ctx.io.stdin.on('end', endInput);
      void closed.then(() => (ctx.io.stdin as NodeJS.ReadableStream & { pause?: () => void }).pause?.());
    } else {
      send(Buffer.from(await ctx.io.readStdin()));
      endInput();
    }
  }
  await closed;
  const result = exitCodeOf(status);
  if ('error' in result) throw new CliError(`error: ${result.error}`);
  if (result.exitCode !== 0) ctx.err(`command terminated with exit code ${result.exitCode}`);
  return result.exitCode;
}

/** Registers `exec`. */
export function registerExec(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('exec')
    .description('Execute a command in a container')
    .argument('<pod>', 'POD or pod/POD')
    .argument('[command...]', 'The command and its arguments, after --')
    .option('-n, --namespace <namespace>', 'If present, the namespace scope for this CLI request')
    .option('-c, --container <name>', 'Container name. If omitted, the kubectl.kubernetes.io/default-container annotation, else the first container')
    .option('-i, --stdin', 'Pass stdin to the container')
    .option('-t, --tty', 'Stdin is a TTY (minik has none: warned and ignored)')
    .option('-q, --quiet', 'Only print output from the remote session')
    .action((pod: string, command: string[], o: ExecOptions) => done(runExec(ctx(), [pod], command, o)));
}
