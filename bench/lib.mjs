// What the benchmark scripts share: reading a numeric flag and taking a median.

/** `--name N` from the command line as a number, or `dflt`. */
export const numberArg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};

/** The median of a list of numbers. */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * A one-member etcd for a benchmark, on free loopback ports with a temp data dir (default
 * settings: every commit is fsynced). Needs the `etcd` binary (Debian's etcd-server).
 */
export async function startEtcd() {
  const { spawn, execFileSync } = await import('node:child_process');
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const net = await import('node:net');
  const free = () => new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
  execFileSync('sh', ['-c', 'command -v etcd']);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'minik-bench-etcd-'));
  const [client, peer] = [await free(), await free()];
  const url = `http://127.0.0.1:${client}`;
  const proc = spawn('etcd', ['--name', 'm0', '--data-dir', path.join(dir, 'data'), '--listen-client-urls', url, '--advertise-client-urls', url,
    '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`, '--initial-cluster', `m0=http://127.0.0.1:${peer}`, '--log-level', 'error'], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`${url}/health`);
      if ((await res.json()).health === 'true') break;
    } catch {
      // not up yet
    }
    if (i > 200) throw new Error('etcd did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  const exited = new Promise((r) => proc.once('exit', r));
  return {
    store: `etcd://127.0.0.1:${client}`,
    /** CPU seconds etcd has used (user + system, from /proc). */
    cpuSeconds() {
      const fields = fs.readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    },
    async stop() {
      proc.kill('SIGKILL');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
