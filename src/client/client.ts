// The API client minikctl uses: HTTP + JSON to the daemon, bearer token, Status errors as
// ApiError. Knows nothing of the store or the apiserver's code; only the REST paths.
import http from 'node:http';
import { type ResourceInfo } from '../api/resources.js';
import type { KubeObject, Status, WatchEvent } from '../api/types.js';

/** A non-2xx answer from the API; `status` is the Status object it carried. */
export class ApiError extends Error {
  constructor(
    readonly status: Status,
    readonly httpStatus: number,
  ) {
    super(status.message ?? `the server responded with HTTP ${httpStatus}`);
  }
  get reason(): string {
    return this.status.reason ?? '';
  }
}

/** A successful answer, with the server's time (from its Date header) for computing ages. */
export interface ApiResponse<T = KubeObject> {
  status: number;
  body: T;
  serverNow: number;
  warnings: string[];
}

/** Options of one request. */
export interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
  /** More request headers (`Impersonate-User`). */
  headers?: Record<string, string | string[]>;
}

/** The path of a resource collection or object: `/apis/apps/v1/namespaces/default/deployments/web`. */
export function resourcePath(r: ResourceInfo, namespace: string | undefined, name?: string, subresource?: string): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (r.namespaced && namespace !== undefined) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${r.plural}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

function toStatus(code: number, text: string): Status {
  try {
    const body = JSON.parse(text);
    if (body && body.kind === 'Status') return body as Status;
  } catch {
    // not JSON
  }
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code, message: text.trim() || `the server responded with HTTP ${code}`, reason: code === 404 ? 'NotFound' : 'InternalError' };
}

/** The ApiError of an answer that refuses (its body is a Status, or text). */
function refusal(res: http.IncomingMessage): Promise<ApiError> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => resolve(new ApiError(toStatus(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')), res.statusCode ?? 0)));
  });
}

function parseWarnings(h: string | string[] | undefined): string[] {
  if (!h) return [];
  const all = Array.isArray(h) ? h.join(', ') : h;
  const out: string[] = [];
  const re = /299 - "((?:[^"\\]|\\.)*)"/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(all))) out.push(JSON.parse(`"${m[1]}"`));
  return out;
}

/** A connection to one daemon. */
export class Client {
  private agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  /** Headers sent with every request (impersonation: `--as`, `--as-group`). */
  defaultHeaders: Record<string, string | string[]> = {};

  constructor(
    readonly host: string,
    readonly port: number,
    private token: string,
  ) {}

  /** Sends one request; resolves with the parsed JSON body, or rejects with ApiError. */
  request<T = KubeObject>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined) qs.append(k, v);
    const url = qs.toString() ? `${path}?${qs}` : path;
    const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.host,
          port: this.port,
          method,
          path: url,
          agent: this.agent,
          headers: {
            Authorization: `Bearer ${this.token}`,
            Accept: 'application/json',
            ...this.defaultHeaders,
            ...opts.headers,
            ...(payload !== undefined ? { 'Content-Type': opts.contentType ?? 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const code = res.statusCode ?? 0;
            const serverNow = Date.parse(res.headers.date ?? '') || Date.now();
            if (code < 200 || code >= 300) return reject(new ApiError(toStatus(code, text), code));
            let body: unknown = text;
            if ((res.headers['content-type'] ?? '').includes('json')) {
              try {
                body = JSON.parse(text);
              } catch {
                // leave as text
              }
            }
            resolve({ status: code, body: body as T, serverNow, warnings: parseWarnings(res.headers.warning) });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** GET an object or list. */
  get<T = KubeObject>(path: string, query?: Record<string, string | undefined>): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, { query });
  }

  /** GET a plain-text body (pod logs). */
  async text(path: string, query?: Record<string, string | undefined>): Promise<string> {
    const r = await this.request<string>('GET', path, { query });
    return typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
  }

  /** GET a plain-text body as it arrives (logs -f): each chunk to `onChunk`; resolves at its end. */
  streamText(path: string, query: Record<string, string | undefined>, onChunk: (text: string) => void): Promise<void> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) qs.append(k, v);
    return new Promise((resolve, reject) => {
      const req = http.request({ host: this.host, port: this.port, method: 'GET', path: `${path}?${qs}`, headers: { Authorization: `Bearer ${this.token}`, ...this.defaultHeaders } }, (res) => {
        const code = res.statusCode ?? 0;
        if (code >= 300) return void refusal(res).then(reject);
        res.setEncoding('utf8');
        res.on('data', onChunk);
        res.on('end', () => resolve());
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  /**
   * Opens a WebSocket to the API (exec, attach, port-forward), offering `protocols`; each message
   * goes to `onMessage`; rejects with the Status of a refusal.
   */
  async webSocket(path: string, query: URLSearchParams, protocols: string[], onMessage: (data: Buffer) => void): Promise<import('ws').WebSocket> {
    const { WebSocket } = await import('ws');
    const ws = new WebSocket(`ws://${this.host}:${this.port}${path}?${query}`, protocols, { headers: { Authorization: `Bearer ${this.token}`, ...(this.defaultHeaders as Record<string, string>) } });
    // Attached before the socket opens: the server may write in the same packet as its answer.
    ws.on('message', (raw: Buffer | ArrayBuffer | Buffer[]) => onMessage(Array.isArray(raw) ? Buffer.concat(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw)));
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) => void refusal(res).then(reject));
      ws.once('error', reject);
    });
  }

  /**
   * Opens a watch (`?watch=true`) and calls `onEvent` for each event until `stop()` is called or
   * the server ends the stream (then `onEnd`).
   */
  watch(path: string, query: Record<string, string | undefined>, onEvent: (e: WatchEvent) => void, onEnd: (err?: Error) => void): { stop(): void } {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...query, watch: 'true' })) if (v !== undefined) qs.append(k, v);
    let ended = false;
    const finish = (err?: Error) => {
      if (!ended) {
        ended = true;
        onEnd(err);
      }
    };
    const req = http.request({ host: this.host, port: this.port, method: 'GET', path: `${path}?${qs}`, headers: { Authorization: `Bearer ${this.token}`, Accept: 'application/json' } }, (res) => {
      if ((res.statusCode ?? 0) >= 300) return void refusal(res).then(finish);
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) onEvent(JSON.parse(line));
        }
      });
      res.on('end', () => finish());
      res.on('error', (e) => finish(e));
    });
    req.on('error', (e) => finish(e));
    req.end();
    return {
      stop() {
        ended = true;
        req.destroy();
      },
    };
  }

  /** Releases pooled connections so the process can exit. */
  close(): void {
    this.agent.destroy();
  }
}
