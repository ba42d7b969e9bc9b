// The state dir ($MINIK_HOME, default ~/.minik) and the files in it. Shared by the daemon, which
// writes them, and the client, which reads them to find the daemon.
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
  };
}

/** What daemon.json holds. */
export interface DaemonInfo {
  pid: number;
  port: number;
  startedAt: string;
}

/** The kubeconfig real clients use to reach the daemon. */
export function kubeconfig(port: number, token: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    // @kubernetes/client-node refuses plain HTTP unless told to skip TLS checks (kubectl ignores
    // this over HTTP); the daemon listens on 127.0.0.1 only.
    '    insecure-skip-tls-verify: true',
    // client-go sends no bearer token over plain HTTP; the token rides in the URL path instead.
    `    server: http://127.0.0.1:${port}/t/${token}`,
    '  name: minik',
    'contexts:',
    '- context:',
    '    cluster: minik',
    '    namespace: default',
    '    user: minik',
    '  name: minik',
    'current-context: minik',
    'preferences: {}',
    'users:',
    '- name: minik',
    '  user:',
    `    token: ${token}`,
    '',
  ].join('\n');
}
