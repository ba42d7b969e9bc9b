// `minikctl daemon start --store / --runtime-config`: a setting that cannot work is refused before
// any daemon starts, with what is wrong.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { cli, tempHome } from '../helpers.js';

it('refuses a bad store or runtime config before starting anything', async () => {
  const home = tempHome();
  try {
    expect(await cli(home, ['daemon', 'start', '--store', 'etcd://nohost'])).toEqual({ code: 1, stdout: '', stderr: 'error: invalid etcd endpoint "nohost" in store "etcd://nohost": expected HOST:PORT\n' });
    const config = path.join(home, 'rt.yaml');
    fs.writeFileSync(config, 'exec: [{workDir: here}]\n');
    expect(await cli(home, ['daemon', 'start', '--runtime-config', config])).toEqual({ code: 1, stdout: '', stderr: `error: ${config}: exec[0].workDir: expected an absolute path\n` });
    expect(fs.existsSync(path.join(home, 'daemon.json'))).toBe(false);
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
});
