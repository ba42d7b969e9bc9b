// The daemon: one process that is the cluster. Opens the store, serves the API, writes the
// token, kubeconfig and daemon.json, and shuts down cleanly. startDaemon() runs it in-process
// (tests); main.ts runs it as its own process.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { type Clock, realClock } from '../api/clock.js';
import { ApiServer } from '../apiserver/server.js';
import { Registry, storeKey } from '../apiserver/registry.js';
import type { ObjectStore } from '../store/backend.js';
import { EtcdStore } from '../store/etcd-store.js';
import { Store, StoreError } from '../store/store.js';
import { StatusError } from '../apiserver/errors.js';
import { LeaderElector, newIdentity } from './leader-election.js';
import { ApiServerIdentity } from './apiserver-identity.js';
import { IDENTITY_LABEL, liveApiServers } from '../api/apiserver-identity.js';
import { resourceNamed } from '../api/resources.js';
import { type StoreSetting, resolveStoreSetting } from '../state/store-setting.js';
import { loadRuntimeConfig } from '../state/runtime-config.js';
import { execRunner } from '../kubelet/exec.js';
import { ProcessRuntime } from '../kubelet/process/runtime.js';
import { portDialer } from '../kubelet/port-forward.js';
import { ServiceProxy } from '../proxy/service-proxy.js';
import { bootstrap } from './bootstrap.js';
import { acquireLock } from './lock.js';
import { controlPlane } from './components.js';
import { ControlLoop } from './loop.js';
import { DEFAULT_NODES, type NodePool } from '../sim/node-pool.js';
import { CA_NAME, issueServingCertificate, loadOrCreateCA } from './pki.js';
import { type DaemonInfo, prepareStateDir, privateFile, statePaths, writePrivateFile } from '../state/state.js';
import { type KubeConfig, readKubeconfig, withMinikEntries, withPeerEntries, writeKubeconfig } from '../state/kubeconfig.js';

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
  /** The store: `etcd://HOST:PORT,...` or `sqlite`; kept in the state dir for later starts (see store-setting.ts). */
  store?: string;
  /** The operator's runtime config file (state/runtime-config.ts): what may run on this machine. None: nothing. */
  runtimeConfig?: string;
}

/** A running daemon. */
export interface Daemon {
  port: number;
  registry: Registry;
  loop: ControlLoop;
  /** Over etcd: the leader election (only the leader runs the loop). */
  elector?: LeaderElector;
  /** The store (benchmarks read the etcd store's stats). */
  store: ObjectStore;
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

const leasesR = resourceNamed('leases');
const LEASES_KEY = storeKey(leasesR);

/** Where daemons on one etcd keep the cluster's identity (outside the objects' keys). */
const IDENTITY_KEY = '/registry/minik.dev/identity';

/**
 * Daemons on one etcd are one cluster: the first to start stores its API token and CA there, and
 * every other daemon takes them (written into its own state dir), so one kubeconfig's credentials
 * work against any of them. Whoever can read etcd can read every Secret anyway.
 */
function shareIdentity(store: EtcdStore, paths: ReturnType<typeof statePaths>): void {
  const token = readOrCreateToken(paths.token);
  const ca = loadOrCreateCA(paths.caCert, paths.caKey, CA_NAME);
  const mine = { token, caCert: ca.certPem, caKey: ca.key.export({ type: 'pkcs8', format: 'pem' }) as string };
  const shared = JSON.parse(store.createKeyIfAbsent(IDENTITY_KEY, JSON.stringify(mine))) as typeof mine;
  if (shared.token !== token) writePrivateFile(paths.token, shared.token + '\n');
  if (shared.caCert !== mine.caCert) {
    writePrivateFile(paths.caKey, shared.caKey);
    writePrivateFile(paths.caCert, shared.caCert);
  }
}

/** Creates the bootstrap objects; over etcd another daemon starting at once may write some first (then again). */
function bootstrapShared(registry: Registry, nodes: NodePool): void {
  for (let attempt = 1; ; attempt++) {
    try {
      bootstrap(registry, nodes);
      return registry.flush();
    } catch (e) {
      const lostRace = (e instanceof StoreError && (e.code === 'Conflict' || e.code === 'AlreadyExists')) || (e instanceof StatusError && e.code === 409);
      if (!lostRace || attempt >= 5) throw e;
    }
  }
}

function openStore(setting: StoreSetting, db: string): ObjectStore {
  // Group commit: requests that arrive together share one etcd commit (see etcd-store.ts).
  if (setting.kind === 'etcd') return new EtcdStore({ endpoints: setting.endpoints, groupCommit: true });
  // SQLite gives the -wal and -shm files the database file's mode: 0600 for all three.
  for (const f of [db, `${db}-wal`, `${db}-shm`]) if (f === db || fs.existsSync(f)) privateFile(f);
  return new Store(db);
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
  let store: ObjectStore | undefined;
  let processes: ProcessRuntime | undefined;
  try {
    const clock = opts.clock ?? realClock;
    const setting = resolveStoreSetting(opts.store, paths.store);
    store = openStore(setting, paths.db);
    if (store instanceof EtcdStore) shareIdentity(store, paths);
    const registry = new Registry(store, clock);
    const nodes = opts.nodes ?? DEFAULT_NODES;
    bootstrapShared(registry, nodes);
    const token = readOrCreateToken(paths.token);
    const ca = loadOrCreateCA(paths.caCert, paths.caKey, CA_NAME);
    // kube-apiserver's serving names: where clients reach it, and its in-cluster Service.
    const serving = issueServingCertificate(ca, 'kube-apiserver', ['127.0.0.1', 'localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', '10.96.0.1']);
    const runtime = loadRuntimeConfig(opts.runtimeConfig);
    // Only the operator's runtime config makes anything run on this machine (docs/runtime.md).
    processes = runtime.processes ? new ProcessRuntime(runtime.processes, paths.home, log, () => clock.now()) : undefined;
    const server = new ApiServer(registry, {
      token,
      log: opts.logRequests ? log : undefined,
      errorLog: log,
      tls: { cert: serving.certPem, key: serving.keyPem },
      runCommand: execRunner(runtime, paths.home, processes),
      processLogs: processes,
      portForward: portDialer(runtime, processes),
      measuredUsage: processes?.measuredUsage,
    });
    const port = await server.listen(opts.port ?? 0);
    let existing: KubeConfig | undefined;
    try {
      existing = readKubeconfig(paths.kubeconfig);
    } catch {
      existing = undefined; // not a kubeconfig: written anew
    }
    writeKubeconfig(paths.kubeconfig, withMinikEntries(existing, port, token, ca.certPem));
    const info: DaemonInfo = { pid: process.pid, port, startedAt: new Date(clock.now()).toISOString(), ...(setting.kind === 'etcd' ? { store: setting.url } : {}) };
    writePrivateFile(paths.daemon, JSON.stringify(info) + '\n');
    log(`minik daemon listening on 127.0.0.1:${port} (pid ${process.pid}, state ${paths.home}, store ${setting.kind === 'etcd' ? setting.url : paths.db})`);

    // Compaction: remember the revision each minute; drop history older than HISTORY_MS (over
    // etcd, the leader also compacts etcd's history, as kube-apiserver does every 5 minutes).
    const marks: { at: number; rev: number }[] = [];
    let elector: LeaderElector | undefined;
    const compactor = setInterval(() => {
      const now = clock.now();
      marks.push({ at: now, rev: store!.revision });
      while (marks.length > 0 && now - marks[0].at > HISTORY_MS) {
        const rev = marks.shift()!.rev;
        store!.compact(rev);
        if (store instanceof EtcdStore && elector?.isLeader) {
          try {
            store.compactHistory(rev);
          } catch (e) {
            log(`etcd compaction to ${rev} failed: ${(e as Error).message}`);
          }
        }
      }
    }, 60_000);
    compactor.unref();

    const tickMs = opts.tickMs ?? 100;
    const startLoop = () => {
      loop.tick();
      if (tickMs > 0) loop.start(tickMs);
    };
    let loop: ControlLoop;
    // With processes, a userspace kube-proxy serves NodePorts on loopback (src/proxy).
    const proxy = processes ? new ServiceProxy((uid) => processes!.hasPod(uid), log) : undefined;
    const components = [...controlPlane(nodes, ca.certPem, processes), ...(proxy ? [proxy] : [])];
    let identity: ApiServerIdentity | undefined;
    let unsubscribePeers: (() => void) | undefined;
    if (store instanceof EtcdStore) {
      // Daemons on one etcd: each says where it serves (its identity Lease); only the elected
      // leader runs the control loop.
      const id = newIdentity();
      const own = `https://127.0.0.1:${port}`;
      // The kubeconfig lists the cluster's other API servers as contexts (minik-<port>), kept current.
      let listed = '';
      const listPeers = () => {
        const leases = registry.list(leasesR, 'kube-system', { labelSelector: IDENTITY_LABEL }).items;
        const peers = liveApiServers(leases, Date.now()).map((s) => s.server).filter((s) => s !== own);
        if (peers.join() === listed) return;
        listed = peers.join();
        try {
          writeKubeconfig(paths.kubeconfig, withPeerEntries(readKubeconfig(paths.kubeconfig) ?? withMinikEntries(undefined, port, token, ca.certPem), peers, ca.certPem));
        } catch (e) {
          log(`could not list the other API servers in ${paths.kubeconfig}: ${(e as Error).message}`);
        }
      };
      identity = new ApiServerIdentity(registry, id, own, listPeers);
      identity.start();
      unsubscribePeers = registry.subscribe((changes) => {
        if (changes.some((c) => c.resource === LEASES_KEY && c.namespace === 'kube-system' && c.name.startsWith('apiserver-'))) setImmediate(listPeers);
      });
      elector = new LeaderElector(registry, id, {
        onStartedLeading: () => {
          log(`${elector!.identity} became the leader: running the control loop`);
          startLoop();
        },
        onStoppedLeading: (why) => {
          log(`${elector!.identity} stopped leading (${why}): control loop stopped`);
          loop.stop();
        },
      });
      loop = new ControlLoop(registry, components, log, elector);
      elector.start();
    } else {
      loop = new ControlLoop(registry, components, log);
      startLoop();
    }

    let stopped = false;
    return {
      port,
      registry,
      loop,
      elector,
      store,
      async stop() {
        if (stopped) return;
        stopped = true;
        elector?.stop();
        identity?.stop();
        unsubscribePeers?.();
        loop.stop();
        clearInterval(compactor);
        await server.close();
        proxy?.close();
        // Every process the runtime started is gone before the daemon says it stopped.
        await processes?.shutdown();
        await store!.close();
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
    await processes?.shutdown();
    await store?.close();
    release();
    throw e;
  }
}
