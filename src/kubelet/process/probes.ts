// A process container's probes, run as the kubelet's prober runs them: each on its own timer
// (initialDelaySeconds, then every periodSeconds, timeoutSeconds each), a result changing only
// after successThreshold / failureThreshold attempts in a row. httpGet (any status 200-399 passes)
// and tcpSocket dial the pod's address; exec runs the command in the container's context.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Container, Probe } from '../../api/types.js';

/** Runs an exec probe's command; resolves with its exit code, or an error message. */
export type ProbeExec = (command: string[], timeoutMs: number) => Promise<{ exitCode: number; output: string } | { error: string }>;

/** One attempt's outcome: pass, or why it failed (the kubelet's words for the event). */
export type ProbeOutcome = { ok: true } | { ok: false; message: string };

/** A probe's port: a number, or the name of one of the container's ports. */
export function probePort(c: Container, port: number | string): number | undefined {
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return (c.ports ?? []).find((p) => p.name === port)?.containerPort;
}

/** One attempt of a probe against a container whose pod has address `host`. */
export async function probeOnce(p: Probe, c: Container, host: string, exec: ProbeExec): Promise<ProbeOutcome> {
  const timeoutMs = (p.timeoutSeconds ?? 1) * 1000;
  if (p.exec) {
    const r = await exec(p.exec.command ?? [], timeoutMs);
    if ('error' in r) return { ok: false, message: r.error };
    return r.exitCode === 0 ? { ok: true } : { ok: false, message: r.output.trim() || `command ${JSON.stringify((p.exec.command ?? []).join(' '))} exited with ${r.exitCode}` };
  }
  if (p.httpGet) {
    const port = probePort(c, p.httpGet.port);
    if (port === undefined) return { ok: false, message: `unknown port ${JSON.stringify(p.httpGet.port)}` };
    const target = p.httpGet.host || host;
    const pathPart = (p.httpGet.path as string | undefined) || '/';
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
    for (const h of (p.httpGet.httpHeaders as { name: string; value: string }[] | undefined) ?? []) headers[h.name] = h.value;
    const secure = (p.httpGet.scheme ?? 'HTTP').toUpperCase() === 'HTTPS';
    return new Promise((resolve) => {
      const req = (secure ? https : http).get({ host: target, port, path: pathPart, headers, timeout: timeoutMs, rejectUnauthorized: false }, (res) => {
        res.resume();
        const code = res.statusCode ?? 0;
        resolve(code >= 200 && code < 400 ? { ok: true } : { ok: false, message: `HTTP probe failed with statuscode: ${code}` });
      });
      req.on('timeout', () => {
        req.destroy();
        resolve({ ok: false, message: `Get "${secure ? 'https' : 'http'}://${target}:${port}${pathPart}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
      });
      req.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, message: `Get "${secure ? 'https' : 'http'}://${target}:${port}${pathPart}": dial tcp ${target}:${port}: connect: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}` }));
    });
  }
  if (p.tcpSocket) {
    const port = probePort(c, p.tcpSocket.port);
    if (port === undefined) return { ok: false, message: `unknown port ${JSON.stringify(p.tcpSocket.port)}` };
    const target = p.tcpSocket.host || host;
    return new Promise((resolve) => {
      const s = net.connect({ host: target, port, timeout: timeoutMs });
      s.on('connect', () => {
        s.destroy();
        resolve({ ok: true });
      });
      s.on('timeout', () => {
        s.destroy();
        resolve({ ok: false, message: `dial tcp ${target}:${port}: i/o timeout` });
      });
      s.on('error', (e: NodeJS.ErrnoException) => resolve({ ok: false, message: `dial tcp ${target}:${port}: connect: ${e.code === 'ECONNREFUSED' ? 'connection refused' : e.message}` }));
    });
  }
  // gRPC probes are not spoken: they pass (as a simulated one does).
  return { ok: true };
}

/** A probe's result as it stands, with the thresholds applied. */
export class ProbeState {
  private successes = 0;
  private failures = 0;
  /** Passing (readiness: ready; liveness and startup: alive). Readiness starts failing, liveness passing. */
  passing: boolean;
  lastFailure = '';

  constructor(
    private probe: Probe,
    initiallyPassing: boolean,
  ) {
    this.passing = initiallyPassing;
  }

  /** It has failed failureThreshold times in a row (a startup probe that never passed: the container is killed). */
  get failedOut(): boolean {
    return this.failures >= (this.probe.failureThreshold ?? 3);
  }

  /** Records an attempt; true when the result changed. */
  record(o: ProbeOutcome): boolean {
    if (o.ok) {
      this.failures = 0;
      this.successes++;
      if (!this.passing && this.successes >= (this.probe.successThreshold ?? 1)) return (this.passing = true);
      return false;
    }
    this.lastFailure = o.message;
    this.successes = 0;
    this.failures++;
    if (this.passing && this.failures >= (this.probe.failureThreshold ?? 3)) {
      this.passing = false;
      return true;
    }
    return false;
  }
}
