// The state dir ($MINIK_HOME, default ~/.minik) and the files in it. Shared by the daemon, which
// writes them, and the client, which reads them to find the daemon.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Paths of everything minik keeps in a state dir. */
export interface StatePaths {
  home: string;
  db: string;
  /** JSON {pid, port} written once the daemon listens; removed on clean shutdown. */
  daemon: string;
  lock: string;
  token: string;
  kubeconfig: string;
  log: string;
  /** The cluster CA's certificate and key (pki.ts). */
  caCert: string;
  caKey: string;
  /** The store setting a daemon was started with (`etcd://...`), kept for later starts. */
  store: string;
}

/** The state dir from the environment: $MINIK_HOME, else ~/.minik. */
export function stateHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.MINIK_HOME ? path.resolve(env.MINIK_HOME) : path.join(os.homedir(), '.minik');
}

/** The file paths inside a state dir. */
export function statePaths(home: string): StatePaths {
  return {
    home,
    db: path.join(home, 'minik.db'),
    daemon: path.join(home, 'daemon.json'),
    lock: path.join(home, 'daemon.lock'),
    token: path.join(home, 'token'),
    kubeconfig: path.join(home, 'kubeconfig'),
    log: path.join(home, 'daemon.log'),
    caCert: path.join(home, 'ca.crt'),
    caKey: path.join(home, 'ca.key'),
    store: path.join(home, 'store'),
  };
}

/** What daemon.json holds. */
export interface DaemonInfo {
  pid: number;
  port: number;
  startedAt: string;
  /** `etcd://...` when the daemon's store is etcd (absent: SQLite in the state dir). */
  store?: string;
}

/** True when a process with this pid exists and has not exited (a zombie counts as gone). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..."; state Z is an exited process nobody has reaped yet.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Exit code of a daemon process that found its state dir locked by another daemon. */
export const EXIT_LOCK_HELD = 3;

/** The mode of every file minik writes in a state dir: the database holds Secrets. */
export const PRIVATE_FILE_MODE = 0o600;
/** The mode of a state dir minik creates. */
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Creates the state dir (0700). An existing dir that others may read or enter is left as it is
 * (it may be shared on purpose) and reported, as etcd reports its data dir: returns the warning.
 */
export function prepareStateDir(home: string): string | undefined {
  fs.mkdirSync(home, { recursive: true, mode: PRIVATE_DIR_MODE });
  const mode = fs.statSync(home).mode & 0o777;
  if ((mode & 0o077) === 0) return undefined;
  return `warning: the state dir ${home} has mode 0${mode.toString(8)}; 0${PRIVATE_DIR_MODE.toString(8)} is recommended, to keep the cluster's data (Secrets included) from other users`;
}

/** Creates a file with mode 0600 when absent, and narrows an existing one (made by an older minik) to 0600. */
export function privateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  if ((fs.statSync(file).mode & 0o777) !== PRIVATE_FILE_MODE) fs.chmodSync(file, PRIVATE_FILE_MODE);
}

/** Writes a whole file with mode 0600 (also when it existed with another mode). */
export function writePrivateFile(file: string, text: string): void {
  privateFile(file);
  fs.writeFileSync(file, text, { mode: PRIVATE_FILE_MODE });
}
