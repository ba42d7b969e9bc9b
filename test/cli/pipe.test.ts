// minikctl writing into a pipe whose reader went away (`minikctl get pods | head -1`): it stops
// quietly with SIGPIPE's status, as kubectl does, instead of crashing with a stack trace.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { BIN, tempHome } from '../helpers.js';

it('exits 141 without a word when its reader has gone', async () => {
  const home = tempHome();
  try {
    const child = spawn(BIN, ['create', 'configmap', 'x', '--from-literal=a=b', '--dry-run=client', '-o', 'yaml'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MINIK_HOME: home } });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect({ code, stderr }).toEqual({ code: 141, stderr: '' });
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
