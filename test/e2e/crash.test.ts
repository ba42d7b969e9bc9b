// kill -9 of the daemon in the middle of a large apply: after a restart the database is
// consistent and every write the CLI saw acknowledged is there.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { readDaemonInfo } from '../../src/client/connect.js';
import { BIN, ROOT, cliProcess, stopProcessDaemon, tempHome } from '../helpers.js';

const home = tempHome();
afterAll(() => stopProcessDaemon(home));

function manifest(n: number): string {
  const docs: string[] = [];
  for (let i = 0; i < n; i++) {
    docs.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${String(i).padStart(4, '0')}\n  labels: {batch: crash}\ndata:\n  index: "${i}"\n  payload: "${'x'.repeat(200)}"\n`);
  }
  return docs.join('---\n');
}

describe('crash safety', () => {
  it('survives kill -9 during a 2,000-object apply', async () => {
    await cliProcess(home, ['daemon', 'start']);
    const file = path.join(home, 'big.yaml');
    fs.writeFileSync(file, manifest(2000));
    const acknowledged: string[] = [];
    await new Promise<void>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'apply', '-f', file], { cwd: ROOT, env: { ...process.env, MINIK_HOME: home } });
      let buf = '';
      let killed = false;
      child.stdout.on('data', (c: Buffer) => {
        buf += c.toString();
        const lines = buf.split('\n');
        buf = lines.pop()!;
        for (const l of lines) if (l.endsWith(' created')) acknowledged.push(l.split(' ')[0].split('/')[1]);
        if (!killed && acknowledged.length >= 300) {
          killed = true;
          process.kill(readDaemonInfo(home)!.pid, 'SIGKILL');
        }
      });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('exit', () => {
        // Once the daemon is gone, the CLI stops sending and says so once.
        expect(stderr).toMatch(/error: the minik daemon is not reachable .*; \d+ of 2000 objects were not sent\n$/);
        resolve();
      });
    });
    expect(acknowledged.length).toBeGreaterThanOrEqual(300);
    expect(acknowledged.length).toBeLessThan(2000);

    // The next command restarts the daemon (which recovers the WAL) and serves every acknowledged object.
    const list = await cliProcess(home, ['get', 'cm', '-l', 'batch=crash', '-o', 'name']);
    expect(list.stderr).toMatch(/^minik daemon started/);
    const present = new Set(list.stdout.trim().split('\n').map((l) => l.replace('configmap/', '')));
    for (const name of acknowledged) expect(present.has(name)).toBe(true);

    // The database itself is consistent: intact, and no torn object.
    const db = new Database(path.join(home, 'minik.db'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const rows = db.prepare("SELECT name, rv, data FROM objects WHERE resource = 'configmaps' AND name LIKE 'cm-%'").all() as { name: string; rv: number; data: string }[];
    db.close();
    expect(rows.length).toBe(present.size);
    for (const r of rows) {
      const o = JSON.parse(r.data);
      expect(o.metadata.resourceVersion).toBe(String(r.rv));
      expect(o.data.payload).toHaveLength(200);
    }
    const maxRv = Math.max(...rows.map((r) => r.rv));
    const created = await cliProcess(home, ['apply', '-f', '-', '-o', 'jsonpath={.metadata.resourceVersion}'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: after-crash}\n' });
    expect(Number(created.stdout)).toBeGreaterThan(maxRv);
    // Re-running the apply completes the rest.
    const rerun = await cliProcess(home, ['apply', '-f', file]);
    expect(rerun.code).toBe(0);
    expect((await cliProcess(home, ['get', 'cm', '-l', 'batch=crash', '-o', 'name'])).stdout.trim().split('\n')).toHaveLength(2000);
  }, 120_000);
});
