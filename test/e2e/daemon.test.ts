// The daemon as a real process: auto-start, one per state dir, token, kubeconfig, SIGTERM.
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAEMON_MAIN, readDaemonInfo } from '../../src/client/connect.js';
import { DAEMON_NODE_FLAGS } from '../../src/state/daemon-flags.js';
import { acquireLock } from '../../src/daemon/lock.js';
import { cliProcess, stopProcessDaemon, tempHome } from '../helpers.js';

let home: string;

beforeAll(() => {
  home = tempHome();
});
afterAll(() => stopProcessDaemon(home));

describe('the daemon', () => {
  it('is started by the first command, which says so on stderr', async () => {
    const r = await cliProcess(home, ['get', 'ns']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^minik daemon started \(pid \d+, listening on 127\.0\.0\.1:\d+, state in .*\)\n$/);
    expect(r.stdout).toMatch(/^NAME              STATUS   AGE\ndefault           Active   \d+s\nkube-node-lease   Active/);
    const again = await cliProcess(home, ['daemon', 'status']);
    expect(again.stdout).toMatch(/^minik daemon is running \(pid \d+/);
  });

  it('started by four commands at once, is started once and announced once', async () => {
    const cold = tempHome();
    try {
      const runs = await Promise.all([0, 1, 2, 3].map(() => cliProcess(cold, ['get', 'ns', '-o', 'name'])));
      expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0]);
      expect(runs.every((r) => r.stdout.includes('namespace/default'))).toBe(true);
      expect(runs.filter((r) => r.stderr.includes('minik daemon started')).length).toBe(1);
    } finally {
      await stopProcessDaemon(cold);
    }
  });

  it("runs with the daemon's Node.js flags (src/daemon/node-flags.ts)", () => {
    const info = readDaemonInfo(home)!;
    const args = fs.readFileSync(`/proc/${info.pid}/cmdline`, 'utf8').split('\0');
    expect(args.slice(1, 1 + DAEMON_NODE_FLAGS.length)).toEqual(DAEMON_NODE_FLAGS);
  });

  it('keeps its token, kubeconfig and CA key private (mode 0600) and refuses requests without the token', async () => {
    for (const f of ['token', 'kubeconfig', 'ca.key']) expect(fs.statSync(path.join(home, f)).mode & 0o777).toBe(0o600);
    const info = readDaemonInfo(home)!;
    const res = await fetch(`http://127.0.0.1:${info.port}/api/v1/namespaces`);
    expect(res.status).toBe(401);
    expect((await res.json()).reason).toBe('Unauthorized');
  });

  it("serves the kubeconfig's clients over HTTPS with a certificate its CA signed, and minikctl over plain HTTP, on one port", async () => {
    const info = readDaemonInfo(home)!;
    const kubeconfig = fs.readFileSync(path.join(home, 'kubeconfig'), 'utf8');
    const token = fs.readFileSync(path.join(home, 'token'), 'utf8').trim();
    expect(kubeconfig).toContain(`server: https://127.0.0.1:${info.port}\n`);
    expect(kubeconfig).not.toContain(token + '@');
    expect(kubeconfig.match(new RegExp(token, 'g'))).toHaveLength(1); // the user's token only, in no URL
    const ca = fs.readFileSync(path.join(home, 'ca.crt'), 'utf8');
    const get = (headers: Record<string, string>, trust: string | undefined) =>
      new Promise<{ status: number; cert: X509Certificate | undefined; error?: string }>((resolve) => {
        const req = https.get({ host: '127.0.0.1', port: info.port, path: '/api/v1/namespaces/default', headers, ...(trust ? { ca: trust } : {}) }, (res) => {
          res.resume();
          const peer = (res.socket as import('node:tls').TLSSocket).getPeerX509Certificate?.();
          res.on('end', () => resolve({ status: res.statusCode ?? 0, cert: peer }));
        });
        req.on('error', (e) => resolve({ status: 0, cert: undefined, error: (e as NodeJS.ErrnoException).code }));
      });
    const ok = await get({ Authorization: `Bearer ${token}` }, ca);
    expect(ok.status).toBe(200);
    expect(ok.cert!.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(ok.cert!.verify(new X509Certificate(ca).publicKey)).toBe(true);
    expect((await get({}, ca)).status).toBe(401);
    // A client that does not trust the CA is refused at the handshake; the daemon keeps serving.
    expect((await get({ Authorization: `Bearer ${token}` }, undefined)).error).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect((await fetch(`http://127.0.0.1:${info.port}/api/v1/namespaces/default`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('refuses a second daemon on the same state dir', () => {
    const r = spawnSync(process.execPath, [DAEMON_MAIN], { env: { ...process.env, MINIK_HOME: home }, encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/^error: another minik daemon \(pid \d+\) is already running on this state dir/);
  });

  it('shuts down cleanly on SIGTERM and keeps its data for the next start', async () => {
    await cliProcess(home, ['apply', '-f', '-'], { stdin: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: persisted}\ndata: {k: v}\n' });
    const info = readDaemonInfo(home)!;
    const stop = await cliProcess(home, ['daemon', 'stop']);
    expect(stop.stdout).toBe(`minik daemon stopped (pid ${info.pid})\n`);
    expect(fs.existsSync(path.join(home, 'daemon.json'))).toBe(false);
    // The kernel lock went with the process: the state dir can be locked again at once.
    acquireLock(path.join(home, 'daemon.lock'))();
    expect(fs.readFileSync(path.join(home, 'daemon.log'), 'utf8')).toMatch(/received SIGTERM, shutting down\n.*minik daemon stopped/);
    const caBefore = fs.readFileSync(path.join(home, 'ca.crt'), 'utf8');
    const r = await cliProcess(home, ['get', 'cm', 'persisted', '-o', 'jsonpath={.data.k}']);
    expect(r.stdout).toBe('v');
    // The cluster CA is the same after the restart: what pods were given stays valid.
    const published = await cliProcess(home, ['get', 'cm', 'kube-root-ca.crt', '-o', 'jsonpath={.data.ca\\.crt}']);
    expect(published.stdout).toBe(caBefore);
    expect(new X509Certificate(caBefore).ca).toBe(true);
  });
});
