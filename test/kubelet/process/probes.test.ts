// Probes against a process: one attempt of each handler, and the thresholds.
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Container, Probe } from '../../../src/api/types.js';
import { ProbeState, probeOnce, probePort } from '../../../src/kubelet/process/probes.js';

let server: http.Server;
let port: number;
let closedPort: number;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.statusCode = req.url === '/healthz' ? 200 : req.url === '/redirect' ? 302 : 500;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as net.AddressInfo).port;
  // A port nothing listens on: one that was just free.
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  closedPort = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
});

afterAll(() => server.close());

const c: Container = { name: 'app', ports: [{ name: 'http', containerPort: 0 }] } as Container;
const noExec = async () => ({ error: 'no exec here' });

describe('one probe attempt', () => {
  it.each([
    // The ports are known once the servers listen: each row builds its probe and answer then.
    ['httpGet 200', () => ({ httpGet: { path: '/healthz', port } }), () => ({ ok: true })],
    ['httpGet 302 passes (200-399)', () => ({ httpGet: { path: '/redirect', port } }), () => ({ ok: true })],
    ['httpGet 500', () => ({ httpGet: { path: '/', port } }), () => ({ ok: false, message: 'HTTP probe failed with statuscode: 500' })],
    ['tcpSocket open', () => ({ tcpSocket: { port } }), () => ({ ok: true })],
    ['tcpSocket refused', () => ({ tcpSocket: { port: closedPort } }), () => ({ ok: false, message: `dial tcp 127.0.0.1:${closedPort}: connect: connection refused` })],
    ['httpGet refused', () => ({ httpGet: { path: '/x', port: closedPort } }), () => ({ ok: false, message: `Get "http://127.0.0.1:${closedPort}/x": dial tcp 127.0.0.1:${closedPort}: connect: connection refused` })],
  ])('%s', async (_name, probe, want) => {
    expect(await probeOnce(probe() as Probe, c, '127.0.0.1', noExec)).toEqual(want());
  });

  it('exec: exit 0 passes, anything else fails with the output', async () => {
    expect(await probeOnce({ exec: { command: ['check'] } }, c, '127.0.0.1', async () => ({ exitCode: 0, output: '' }))).toEqual({ ok: true });
    expect(await probeOnce({ exec: { command: ['check'] } }, c, '127.0.0.1', async () => ({ exitCode: 1, output: 'not yet\n' }))).toEqual({ ok: false, message: 'not yet' });
  });

  it('looks named ports up in the container', () => {
    expect(probePort({ name: 'x', ports: [{ name: 'http', containerPort: 8080 }] } as Container, 'http')).toBe(8080);
    expect(probePort(c, '9090')).toBe(9090);
    expect(probePort(c, 'nope')).toBeUndefined();
  });
});

describe('probe thresholds', () => {
  it('flips after failureThreshold failures and successThreshold successes in a row', () => {
    const s = new ProbeState({ failureThreshold: 2, successThreshold: 2 }, true);
    const fail = { ok: false as const, message: 'x' };
    expect([s.record(fail), s.record({ ok: true }), s.record(fail), s.record(fail)]).toEqual([false, false, false, true]);
    expect(s.passing).toBe(false);
    expect([s.record({ ok: true }), s.record({ ok: true })]).toEqual([false, true]);
    expect(s.passing).toBe(true);
  });

  it('says when a probe that never passed has failed failureThreshold times in a row (a startup probe)', () => {
    const s = new ProbeState({ failureThreshold: 2 }, false);
    const fail = { ok: false as const, message: 'not yet' };
    s.record(fail);
    expect(s.failedOut).toBe(false);
    s.record({ ok: true });
    s.record(fail);
    expect(s.failedOut).toBe(false);
    s.record(fail);
    expect([s.failedOut, s.passing, s.lastFailure]).toEqual([true, false, 'not yet']);
  });
});
