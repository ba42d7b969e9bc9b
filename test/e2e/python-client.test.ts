// The official Python client (Debian's python3-kubernetes) against minik: typed creates of each
// workload kind, a 409 read as a Status, a watch with watch=True and an informer-style
// list+watch loop (test/e2e/python/client.py). Skipped unless a python3 that imports
// `kubernetes` is found (MINIK_PYTHON, python3 on PATH, or /usr/bin/python3).
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliProcess, stopProcessDaemon, tempHome } from '../helpers.js';

function findPython(): string | undefined {
  for (const p of [process.env.MINIK_PYTHON, 'python3', '/usr/bin/python3']) {
    if (!p) continue;
    try {
      execFileSync(p, ['-c', 'import kubernetes'], { stdio: 'ignore' });
      return p;
    } catch {
      // not this one
    }
  }
  return undefined;
}
const PYTHON = findPython();
if (!PYTHON) console.warn('no python3 with the kubernetes package: skipping the Python client test');

let home: string;

describe.skipIf(!PYTHON)('the Python client', () => {
  beforeAll(async () => {
    home = tempHome();
    await cliProcess(home, ['get', 'ns']); // starts the daemon, writes the kubeconfig
  }, 60_000);
  afterAll(async () => {
    await stopProcessDaemon(home);
  });

  it('creates each workload kind, reads a conflict, watches and runs an informer loop', async () => {
    const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(PYTHON!, [path.join(__dirname, 'python', 'client.py')], { env: { ...process.env, KUBECONFIG: path.join(home, 'kubeconfig') }, timeout: 90_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? 1 : 0, stdout, stderr }),
      ),
    );
    expect(out.stderr).toBe('');
    expect(out.stdout).toBe(
      [
        'deployment py-deploy 1',
        // New workloads come back with their status counters at 0, which the typed models require.
        'replicaset py-rs 0',
        'daemonset py-ds 0',
        'statefulset py-sts 0',
        'job py-job 1',
        'cronjob py-cj */5 * * * *',
        'conflict 409 Conflict',
        'watch ADDED,MODIFIED,DELETED',
        'informer 1',
        '',
      ].join('\n'),
    );
  }, 120_000);
});
