// The daemon: one process that is the cluster. Opens the store, serves the API, writes the
// token, kubeconfig and daemon.json, and shuts down cleanly. startDaemon() runs it in-process
// (tests); main.ts runs it as its own process.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { type Clock, realClock } from '../api/clock.js';
import { ApiServer } from '../apiserver/server.js';
import { Registry } from '../apiserver/registry.js';
import { Store } from '../store/store.js';
import { bootstrap } from './bootstrap.js';
import { acquireLock } from './lock.js';
import { controlPlane } from './components.js';
import { ControlLoop } from './loop.js';
import { DEFAULT_NODES, type NodePool } from '../sim/node-pool.js';
import { CA_NAME, issueServingCertificate, loadOrCreateCA } from './pki.js';
import { type DaemonInfo, prepareStateDir, privateFile, statePaths, writePrivateFile } from '../state/state.js';
import { type KubeConfig, readKubeconfig, withMinikEntries, writeKubeconfig } from '../state/kubeconfig.js';

/** How to run a daemon. */
export interface DaemonOptions {
  home: string;
  /** 0 (default) picks a free port; MINIK_PORT sets one. */
  port?: number;
  clock?: Clock;
  log?: (line: string) => void;
  /** Log every request (the daemon log's verbose mode). */
  logRequests?: boolean;
  /** Control-loop tick in ms (default 100); 0 = no automatic ticks (tests tick by hand). */
  tickMs?: number;
  /** Simulated nodes of a new cluster (default 3 x 4 CPU / 8Gi / 110 pods). */
  nodes?: NodePool;
}

/** A running daemon. */
export interface Daemon {
  port: number;
  registry: Registry;
  loop: ControlLoop;
  stop(): Promise<void>;
}

/** How long the change log keeps history for watches (etcd's default compaction keeps about 5 min). */
const HISTORY_MS = 5 * 60 * 1000;

function readOrCreateToken(file: string): string {
  try {
    const t = fs.readFileSync(file, 'utf8').trim();
    if (t) return t;
  } catch {
    // created below
  }
  const token = randomBytes(32).toString('hex');
  writePrivateFile(file, token + '\n');
  return token;
}

/** The pid daemon.json names, to say who holds the lock. */
function readHolder(file: string): number | undefined {
  try {
    return (JSON.parse(fs.readFileSync(file, 'utf8')) as DaemonInfo).pid;
  } catch {
    return undefined;
  }
}

/** Starts a daemon on a state dir; fails with LockHeld if another one holds it. */
export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const paths = statePaths(opts.home);
  const log = opts.log ?? (() => {});
  const wideDir = prepareStateDir(paths.home);
  const release = acquireLock(paths.lock, () => readHolder(paths.daemon));
  if (wideDir) log(wideDir);
  let store: Store | undefined;
  try {
    const clock = opts.clock ?? realClock;
    // SQLite gives the -wal and -shm files the database file's mode: 0600 for all three.
    for (const f of [paths.db, `${paths.db}-wal`, `${paths.db}-shm`]) if (f === paths.db || fs.existsSync(f)) privateFile(f);
    store = new Store(paths.db);
    const registry = new Registry(store, clock);
    const nodes = opts.nodes ?? DEFAULT_NODES;
    bootstrap(registry, nodes);
    const token = readOrCreateToken(paths.token);
    const ca = loadOrCreateCA(paths.caCert, paths.caKey, CA_NAME);
    // kube-apiserver's serving names: where clients reach it, and its in-cluster Service.
    const serving = issueServingCertificate(ca, 'kube-apiserver', ['127.0.0.1', 'localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', '10.96.0.1']);
    const server = new ApiServer(registry, { token, log: opts.logRequests ? log : undefined, errorLog: log, tls: { cert: serving.certPem, key: serving.keyPem } });
    const port = await server.listen(opts.port ?? 0);
    let existing: KubeConfig | undefined;
    try {
      existing = readKubeconfig(paths.kubeconfig);
    } catch {
      existing = undefined; // not a kubeconfig: written anew
    }
    writeKubeconfig(paths.kubeconfig, withMinikEntries(existing, port, token, ca.certPem));
    const info: DaemonInfo = { pid: process.pid, port, startedAt: new Date(clock.now()).toISOString() };
    writePrivateFile(paths.daemon, JSON.stringify(info) + '\n');
    log(`minik daemon listening on 127.0.0.1:${port} (pid ${process.pid}, state ${paths.home})`);

    // Compaction: remember the revision each minute; drop history older than HISTORY_MS.
    const marks: { at: number; rev: number }[] = [];
    const compactor = setInterval(() => {
      const now = clock.now();
      marks.push({ at: now, rev: store!.revision });
      while (marks.length > 0 && now - marks[0].at > HISTORY_MS) store!.compact(marks.shift()!.rev);
    }, 60_000);
    compactor.unref();

    const loop = new ControlLoop(registry, controlPlane(nodes, ca.certPem), log);
    loop.tick();
    const tickMs = opts.tickMs ?? 100;
    if (tickMs > 0) loop.start(tickMs);

    let stopped = false;
    return {
      port,
      registry,
      loop,
      async stop() {
        if (stopped) return;
        stopped = true;
        loop.stop();
        clearInterval(compactor);
        await server.close();
        store!.close();
        try {
          const cur = JSON.parse(fs.readFileSync(paths.daemon, 'utf8')) as DaemonInfo;
          if (cur.pid === process.pid) fs.unlinkSync(paths.daemon);
        } catch {
          // already gone
        }
        release();
        log('minik daemon stopped');
      },
    };
  } catch (e) {
    store?.close();
    release();
    throw e;
  }
}
