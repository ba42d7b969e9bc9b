// The reliability suite's harness: a real API server on a loopback port over an in-memory store,
// and raw HTTP requests that go out exactly as written (fetch would resolve `.` and `..` in the
// path, and refuses some bodies and headers an attacker can send).
import http from 'node:http';
import net from 'node:net';
import { FakeClock } from '../../src/api/clock.js';
import { Registry } from '../../src/apiserver/registry.js';
import { ApiServer, type ServerOptions } from '../../src/apiserver/server.js';
import { bootstrap } from '../../src/daemon/bootstrap.js';
import { Store } from '../../src/store/store.js';

export const TOKEN = 'reliability-token';

/** A server for one test file: its port, registry and what it logged as errors. */
export interface TestServer {
  port: number;
  reg: Registry;
  server: ApiServer;
  errors: string[];
  close(): Promise<void>;
}

/** Starts an API server on 127.0.0.1 (port 0) with a fresh in-memory cluster. */
export async function startServer(opts: Partial<ServerOptions> = {}): Promise<TestServer> {
  const clock = new FakeClock(Date.parse('2026-11-23T10:00:00Z'));
  const reg = new Registry(new Store(':memory:'), clock, () => 0.5);
  bootstrap(reg);
  const errors: string[] = [];
  const server = new ApiServer(reg, { token: TOKEN, errorLog: (l) => errors.push(l), ...opts });
  const port = await server.listen(0);
  return { port, reg, server, errors, close: () => server.close() };
}

/** What a raw request got back. */
export interface RawResponse {
  status: number;
  text: string;
  json: any;
  headers: http.IncomingHttpHeaders;
}

/** Sends one request with the path exactly as given; `token: false` sends none. */
export function raw(
  port: number,
  method: string,
  path: string,
  opts: { body?: string | Buffer; contentType?: string; token?: boolean; headers?: Record<string, string>; timeoutMs?: number; cutStream?: boolean } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token !== false) headers.Authorization = `Bearer ${TOKEN}`;
    if (opts.contentType) headers['Content-Type'] = opts.contentType;
    if (opts.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(opts.body));
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      // cutStream: a successful stream (a watch, log -f) is cut after its headers.
      if (opts.cutStream && (res.statusCode ?? 0) < 400) {
        res.destroy();
        req.destroy();
        resolve({ status: res.statusCode ?? 0, text: '', json: undefined, headers: res.headers });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: any;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, text, json, headers: res.headers });
      });
      res.on('error', reject);
    });
    req.setTimeout(opts.timeoutMs ?? 20_000, () => req.destroy(new Error(`no answer to ${method} ${path}`)));
    req.on('error', (e: NodeJS.ErrnoException) => (opts.cutStream && e.code === 'ECONNRESET' ? resolve({ status: 0, text: '', json: undefined, headers: {} }) : reject(e)));
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** A JSON request: the body is serialised and sent as application/json unless told otherwise. */
export function api(port: number, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<RawResponse> {
  return raw(port, method, path, body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body), contentType });
}

/**
 * Opens a watch over a raw socket and never reads from it: a client that has stopped reading.
 * Resolves once the response headers are in.
 */
export function stalledWatch(port: number, path: string): Promise<{ socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let head = '';
    socket.on('error', () => {});
    socket.on('data', (c: Buffer) => {
      head += c.toString('latin1');
      if (head.includes('\r\n\r\n')) {
        // Headers are in: stop reading, so the server's writes pile up.
        socket.removeAllListeners('data');
        socket.pause();
        resolve({ socket });
      }
    });
    socket.on('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`));
    socket.setTimeout(10_000, () => reject(new Error('watch did not open')));
  });
}

/** True when a response is an error answered as Kubernetes does: a `kind: Status` body with its own code. */
export function isStatus(r: RawResponse): boolean {
  return r.json?.kind === 'Status' && r.json?.apiVersion === 'v1' && r.json?.status === 'Failure' && r.json?.code === r.status;
}

/** Keys someone added to Object.prototype (should always be empty). */
export function prototypePollution(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).filter((k) => !BUILTIN_PROTOTYPE_KEYS.has(k));
}

const BUILTIN_PROTOTYPE_KEYS = new Set(Object.getOwnPropertyNames(Object.prototype));
