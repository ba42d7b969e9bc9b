// `minikctl check [-f] PATH... [-R]`: verify a set of manifests in CI by running them in a
// throwaway in-process cluster on virtual time (no daemon, nothing in MINIK_HOME). A thin edge:
// flags in, runCheck() (src/check/check.ts), a printer out, and an exit code a script can trust:
// 0 clean, 1 findings at or above --fail-on, 2 usage or input errors.
import type { Command } from 'commander';
import { DEFAULT_NODES, type NodePool, parseZones } from '../../sim/node-pool.js';
import type { Severity } from '../../check/findings.js';
import { isQuantity } from '../../api/quantity.js';
import type { Context } from '../context.js';
import { loadColors } from '../context.js';
import { CliError } from '../errors.js';
import { parseDuration } from '../waiting.js';
import { CLIENT_VERSION } from './info.js';

/** Exit code for usage and input errors (exit 1 is for findings). */
export const EXIT_USAGE = 2;

interface CheckFlags {
  filename?: string[];
  recursive?: boolean;
  output?: string;
  failOn?: string;
  simulate?: boolean;
  horizon?: string;
  settle?: string;
  nodes?: string;
  nodeCpu?: string;
  nodeMemory?: string;
  nodePods?: string;
  zones?: string;
  region?: string;
  namespace?: string;
}

const OUTPUTS = ['text', 'json', 'junit', 'github', 'sarif'];
const FAIL_ON = ['error', 'warning', 'none'];

const usage = (msg: string) => new CliError(`error: ${msg}`, EXIT_USAGE);

function positiveInt(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw usage(`--${name} must be a positive whole number, got "${v}"`);
  return Number(v);
}

function duration(name: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  try {
    return parseDuration(v);
  } catch {
    throw usage(`--${name}: invalid duration "${v}" (use 30s, 15m, 1h)`);
  }
}

/** Parses the flags, runs the check, prints the report; returns the exit code. */
export async function runCheckCommand(ctx: Context, args: string[], flags: CheckFlags): Promise<number> {
  const paths = [...(flags.filename ?? []), ...args];
  if (paths.length === 0) throw usage('must specify one or more paths (files, folders, or - for standard input)');
  const output = flags.output ?? 'text';
  if (!OUTPUTS.includes(output)) throw usage(`unknown output format "${output}" (one of ${OUTPUTS.join(', ')})`);
  const failOn = (flags.failOn ?? 'error') as Severity | 'none';
  if (!FAIL_ON.includes(failOn)) throw usage(`--fail-on must be one of ${FAIL_ON.join(', ')}, got "${failOn}"`);
  const nodes: NodePool = {
    count: positiveInt('nodes', flags.nodes, DEFAULT_NODES.count),
    cpu: flags.nodeCpu ?? DEFAULT_NODES.cpu,
    memory: flags.nodeMemory ?? DEFAULT_NODES.memory,
    pods: positiveInt('node-pods', flags.nodePods, DEFAULT_NODES.pods),
    zones: parseZones(flags.zones),
    region: flags.region,
  };
  for (const [name, q] of [['node-cpu', nodes.cpu], ['node-memory', nodes.memory]]) if (!isQuantity(q)) throw usage(`--${name} must be a quantity (4, 500m, 8Gi), got "${q}"`);
  const { DEFAULT_HORIZON_MS, DEFAULT_QUIET_MS, CheckInputError, runCheck } = await import('../../check/check.js');
  const horizonMs = duration('horizon', flags.horizon, DEFAULT_HORIZON_MS);
  const quietMs = duration('settle', flags.settle, DEFAULT_QUIET_MS);

  let report;
  try {
    report = await runCheck({ paths, recursive: !!flags.recursive, readStdin: () => ctx.io.readStdin(), namespace: flags.namespace, nodes, simulate: flags.simulate !== false, horizonMs, quietMs });
  } catch (e) {
    if (e instanceof CheckInputError) {
      for (const line of e.errors) ctx.err(ctx.color.red(line));
      return EXIT_USAGE;
    }
    throw e;
  }
  const { fails } = await import('../../check/findings.js');
  switch (output) {
    case 'json':
      ctx.out((await import('../../printers/check/json.js')).json(report, failOn));
      break;
    case 'junit':
      ctx.out((await import('../../printers/check/junit.js')).junit(report, failOn));
      break;
    case 'github':
      ctx.out((await import('../../printers/check/github.js')).github(report));
      break;
    case 'sarif':
      ctx.out((await import('../../printers/check/sarif.js')).sarif(report, CLIENT_VERSION));
      break;
    default: {
      const colors = await loadColors(ctx.io, 'stdout', ctx.noColor);
      ctx.out((await import('../../printers/check/text.js')).text(report, failOn, colors));
    }
  }
  return report.findings.some((f) => fails(f.severity, failOn)) ? 1 : 0;
}

/** Registers `check`. */
export function registerCheck(program: Command, ctx: () => Context, done: (p: Promise<number>) => void): void {
  program
    .command('check')
    .description('Check manifests by running them in a throwaway in-process cluster: schema, admission, references, scheduling, rollouts')
    .argument('[paths...]', 'Files, folders, or - for standard input')
    .option('-f, --filename <path...>', 'Files, folders or - (standard input) to check')
    .option('-R, --recursive', 'Process the folders given with -f recursively')
    .option('-o, --output <format>', 'Output format: text, json, junit, github or sarif', 'text')
    .option('--fail-on <severity>', 'Exit 1 on findings of this severity or worse: error, warning or none', 'error')
    .option('--no-simulate', 'Check schema, admission and references only; do not run the cluster')
    .option('--horizon <duration>', 'Most simulated time to run the cluster (default 15m)')
    .option('--settle <duration>', 'Simulated time without progress after which the cluster has settled (default 5m)')
    .option('--nodes <count>', `Simulated nodes (default ${DEFAULT_NODES.count})`)
    .option('--node-cpu <quantity>', `CPU of each node (default ${DEFAULT_NODES.cpu})`)
    .option('--node-memory <quantity>', `Memory of each node (default ${DEFAULT_NODES.memory})`)
    .option('--node-pods <count>', `Pods each node can run (default ${DEFAULT_NODES.pods})`)
    .option('--zones <list>', 'Zones to spread the nodes over, comma-separated (topology.kubernetes.io/zone; default none)')
    .option('--region <name>', 'Region label of zoned nodes (topology.kubernetes.io/region)')
    .option('-n, --namespace <namespace>', 'The namespace of objects that name none (default "default")')
    .action((args: string[], o: CheckFlags) => done(runCheckCommand(ctx(), args, o)));
}
