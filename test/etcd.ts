// etcd for tests: members of a fresh cluster on loopback ports, each with a temp data dir, stopped
// (and their dirs removed) by stop(). Tests that need etcd skip when the `etcd` binary is absent
// (`.ci/run` installs Debian's etcd-server).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The etcd binary, or undefined when it is not installed. */
export const ETCD_BIN: string | undefined = (() => {
  try {
    return execFileSync('sh', ['-c', 'command -v etcd'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
})();

/** A port nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface EtcdMember {
  name: string;
  clientUrl: string;
  running(): boolean;
  /** kill -9 (or another signal), and wait for the process to end. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on its data dir (after kill). */
  start(): Promise<void>;
}

export interface EtcdCluster {
  members: EtcdMember[];
  /** The client URLs of every member. */
  endpoints: string[];
  /** The `etcd://` store setting naming every member. */
  storeUrl: string;
  stop(): Promise<void>;
}

async function healthy(url: string, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      const body = (await res.json()) as { health?: string };
      if (body.health === 'true') return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Starts a new etcd cluster of `size` members and waits until it serves. */
export async function startEtcd(size = 1): Promise<EtcdCluster> {
  if (!ETCD_BIN) throw new Error('etcd is not installed');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minik-etcd-'));
  const specs: { name: string; client: number; peer: number }[] = [];
  for (let i = 0; i < size; i++) specs.push({ name: `m${i}`, client: await freePort(), peer: await freePort() });
  const initialCluster = specs.map((s) => `${s.name}=http://127.0.0.1:${s.peer}`).join(',');
  const members = specs.map((s) => {
    let proc: ChildProcess | undefined;
    let exited: Promise<void> = Promise.resolve();
    const clientUrl = `http://127.0.0.1:${s.client}`;
    const launch = () => {
      const args = [
        '--name', s.name,
        '--data-dir', path.join(dir, s.name),
        '--listen-client-urls', clientUrl,
        '--advertise-client-urls', clientUrl,
        '--listen-peer-urls', `http://127.0.0.1:${s.peer}`,
        '--initial-advertise-peer-urls', `http://127.0.0.1:${s.peer}`,
        '--initial-cluster', initialCluster,
        '--initial-cluster-state', 'new',
        '--initial-cluster-token', path.basename(dir),
        // Elections in a second, not 10 s of a WAN default: loopback members.
        '--heartbeat-interval', '100',
        '--election-timeout', '1000',
        '--log-level', 'error',
      ];
      const p = spawn(ETCD_BIN!, args, { stdio: ['ignore', 'ignore', fs.openSync(path.join(dir, `${s.name}.log`), 'a')] });
      proc = p;
      exited = new Promise((resolve) => p.once('exit', () => resolve()));
    };
    launch();
    const member: EtcdMember = {
      name: s.name,
      clientUrl,
      running: () => !!proc && proc.exitCode === null && proc.signalCode === null,
      async kill(signal: NodeJS.Signals = 'SIGKILL') {
        if (member.running()) proc!.kill(signal);
        await exited;
      },
      async start() {
        if (member.running()) return;
        launch();
      },
    };
    return member;
  });
  const cluster: EtcdCluster = {
    members,
    endpoints: members.map((m) => m.clientUrl),
    storeUrl: `etcd://${specs.map((s) => `127.0.0.1:${s.client}`).join(',')}`,
    async stop() {
      await Promise.all(members.map((m) => m.kill('SIGKILL')));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  const ok = await Promise.all(members.map((m) => healthy(m.clientUrl, 20_000)));
  if (!ok.every(Boolean)) {
    const logs = specs.map((s) => fs.readFileSync(path.join(dir, `${s.name}.log`), 'utf8')).join('\n');
    await cluster.stop();
    throw new Error(`etcd did not become healthy:\n${logs}`);
  }
  return cluster;
}
