// minikctl: the kubectl-compatible CLI. run(argv, io) builds the commander program, runs one
// command and returns its exit code; it never calls process.exit, so tests run it in-process.
import { Command, CommanderError } from 'commander';
import { registerApply } from './commands/apply.js';
import { registerDiff } from './commands/diff.js';
import { registerAutoscale } from './commands/autoscale.js';
import { EXIT_USAGE, registerCheck } from './commands/check.js';
import { registerTop } from './commands/top.js';
import { registerCreate } from './commands/create.js';
import { registerDaemon } from './commands/daemon.js';
import { registerDelete } from './commands/delete.js';
import { registerDescribe } from './commands/describe.js';
import { registerGet } from './commands/get.js';
import { CLIENT_VERSION, registerInfo } from './commands/info.js';
import { registerLabelAndAnnotate } from './commands/label.js';
import { registerLogs } from './commands/logs.js';
import { registerNodeCommands } from './commands/node.js';
import { registerReplace } from './commands/replace.js';
import { registerRollout } from './commands/rollout.js';
import { registerScale } from './commands/scale.js';
import { registerService } from './commands/service.js';
import { registerExec } from './commands/exec.js';
import { registerPortForward } from './commands/port-forward.js';
import { registerPatch } from './commands/patch.js';
import { registerRun } from './commands/run.js';
import { registerExpose } from './commands/expose.js';
import { registerEvents } from './commands/events.js';
import { registerExplain } from './commands/explain.js';
import { registerConfig } from './commands/config.js';
import { registerAuth } from './commands/auth.js';
import { collect, impersonationHeaders } from './flags.js';
import { registerCompletion, runComplete } from './commands/completion.js';
import { registerEdit } from './commands/edit.js';
import { addExamples } from './help-examples.js';
import { registerSet } from './commands/set-image.js';
import { registerWait } from './commands/wait.js';
import { Context, loadColors } from './context.js';
import { formatError } from './errors.js';
import { type IO, processIO } from './io.js';

function commanderMessage(e: CommanderError): string {
  const m = /unknown command '([^']*)'/.exec(e.message);
  if (m) return `error: unknown command "${m[1]}" for "minikctl"\n\nRun 'minikctl --help' for usage.`;
  const o = /unknown option '([^']*)'/.exec(e.message);
  if (o) return `error: unknown flag: ${o[1]}\nSee 'minikctl --help' for usage.`;
  return e.message.startsWith('error:') ? e.message : `error: ${e.message}`;
}

/** Runs minikctl with arguments (without `node` and the script) and returns the exit code. */
export async function run(argv: string[], io: IO): Promise<number> {
  const program = new Command('minikctl');
  const noColor = argv.includes('--no-color');
  const colors = await loadColors(io, 'stderr', noColor);
  const context = new Context(io, colors, noColor);
  let result: Promise<number> = Promise.resolve(0);
  const ctx = () => context;
  const done = (p: Promise<number>) => {
    result = p;
    return p.then(() => undefined, () => undefined);
  };
  program
    .description('minikctl controls the minik cluster: a whole Kubernetes cluster in one Node.js process.')
    .version(CLIENT_VERSION, '--version', 'Print the minikctl version')
    .option('--no-color', 'Do not colour output (also NO_COLOR)')
    .option('--as <user>', 'Username to impersonate for the operation (a user or a service account: system:serviceaccount:NS:NAME)')
    .option('--as-group <group>', 'Group to impersonate for the operation (repeatable)', collect)
    .hook('preAction', () => {
      // Every request of the command acts as that user, authorized by RBAC (as kubectl --as).
      context.impersonation = impersonationHeaders(program.opts());
    })
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: () => undefined });
  registerApply(program, ctx, done);
  registerDiff(program, ctx, done);
  registerCheck(program, ctx, done);
  registerCreate(program, ctx, done);
  registerReplace(program, ctx, done);
  registerGet(program, ctx, done);
  registerDescribe(program, ctx, done);
  registerDelete(program, ctx, done);
  registerLabelAndAnnotate(program, ctx, done);
  registerScale(program, ctx, done);
  registerService(program, ctx, done);
  registerExec(program, ctx, done);
  registerPortForward(program, ctx, done);
  registerPatch(program, ctx, done);
  registerEdit(program, ctx, done);
  registerRun(program, ctx, done);
  registerExpose(program, ctx, done);
  registerEvents(program, ctx, done);
  registerExplain(program, ctx, done);
  registerRollout(program, ctx, done);
  registerSet(program, ctx, done);
  registerWait(program, ctx, done);
  registerNodeCommands(program, ctx, done);
  registerLogs(program, ctx, done);
  registerTop(program, ctx, done);
  registerAutoscale(program, ctx, done);
  registerInfo(program, ctx, done);
  registerConfig(program, ctx, done);
  registerAuth(program, ctx, done);
  registerCompletion(program, ctx, done);
  registerDaemon(program, ctx, done);
  addExamples(program);
  // Every command, at every level (`create secret tls`), throws instead of exiting, and writes through io.
  const quiet = (cmds: readonly Command[]): void => {
    for (const c of cmds) {
      c.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: () => undefined });
      quiet(c.commands);
    }
  };
  quiet(program.commands);
  // The completion scripts' question: its words are what the user typed, not options for us.
  if (argv[0] === '__complete') {
    try {
      return await runComplete(context, program, argv.slice(1));
    } catch {
      return 0; // nothing to offer (a completion must never print an error into the prompt)
    }
  }

  let code: number;
  try {
    await program.parseAsync(argv, { from: 'user' });
    code = await result;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(e.code)) code = 0;
      else if (e.code === 'commander.executeSubCommandAsync' || e.exitCode === 0) code = 0;
      else {
        io.stderr.write(commanderMessage(e) + '\n');
        // check's exit codes are a contract for scripts: 1 is findings, usage errors are 2.
        code = argv[0] === 'check' ? EXIT_USAGE : 1;
      }
    } else {
      io.stderr.write(colors.red(formatError(e)) + '\n');
      code = (e as { exitCode?: number }).exitCode ?? 1;
    }
  }
  await context.close();
  return code;
}

/** The process entry: run with process.argv and exit with its code. */
export async function main(): Promise<void> {
  // A reader that went away (`minikctl get pods | head -1`): stop quietly, as kubectl does when
  // SIGPIPE ends it (the same status, 128 + 13), instead of a stack trace.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EPIPE') process.exit(141);
      throw e;
    });
  }
  const code = await run(process.argv.slice(2), processIO());
  process.exitCode = code;
}
