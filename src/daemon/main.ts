// The daemon process: `node dist/daemon/main.js` (started by `minikctl daemon start` or by any
// command when no daemon runs). Logs to stdout, which the starter points at daemon.log.
import { DEFAULT_NODES, parseZones } from '../sim/node-pool.js';
import { LockHeld } from './lock.js';
import { startDaemon } from './daemon.js';
import { EXIT_LOCK_HELD, stateHome } from '../state/state.js';

const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

async function main(): Promise<void> {
  const port = process.env.MINIK_PORT ? Number(process.env.MINIK_PORT) : 0;
  const env = process.env;
  // Only a new cluster (no nodes yet) takes these; later starts keep the nodes it has.
  const nodes = {
    count: env.MINIK_NODES ? Number(env.MINIK_NODES) : DEFAULT_NODES.count,
    cpu: env.MINIK_NODE_CPU ?? DEFAULT_NODES.cpu,
    memory: env.MINIK_NODE_MEMORY ?? DEFAULT_NODES.memory,
    pods: env.MINIK_NODE_PODS ? Number(env.MINIK_NODE_PODS) : DEFAULT_NODES.pods,
    zones: parseZones(env.MINIK_NODE_ZONES),
    region: env.MINIK_NODE_REGION || undefined,
  };
  let daemon;
  try {
    daemon = await startDaemon({ home: stateHome(), port, log, logRequests: process.env.MINIK_LOG_REQUESTS === '1', tickMs: process.env.MINIK_TICK_MS ? Number(process.env.MINIK_TICK_MS) : undefined, nodes, store: env.MINIK_STORE, runtimeConfig: env.MINIK_RUNTIME_CONFIG || undefined });
  } catch (e) {
    if (e instanceof LockHeld) {
      process.stderr.write(`error: ${e.message}\n`);
      process.exit(EXIT_LOCK_HELD);
    }
    throw e;
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`received ${signal}, shutting down`);
    daemon.stop().then(
      () => process.exit(0),
      (e) => {
        log(`shutdown failed: ${(e as Error).stack}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('uncaughtException', (e) => log(`uncaught exception (daemon stays up): ${e.stack}`));
  process.on('unhandledRejection', (e) => log(`unhandled rejection (daemon stays up): ${(e as Error)?.stack ?? e}`));
}

main().catch((e) => {
  process.stderr.write(`error: ${(e as Error).message}\n`);
  process.exit(1);
});
