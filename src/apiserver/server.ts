// The HTTP edge of the apiserver: authentication, routing, body limits, content negotiation
// (JSON, YAML bodies, Table), watch streams and Status errors. All semantics live in the registry.
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ResourceInfo, groupVersion } from '../api/resources.js';
import type { KubeObject, Pod } from '../api/types.js';
import { AGGREGATED_DISCOVERY, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, wantsAggregatedDiscovery } from './discovery.js';
import { listMetrics, readMetrics } from './metrics.js';
import { evict } from './eviction.js';
import { serverSideApply } from './apply.js';
import { ConvertedResource } from './converted.js';
import * as E from './errors.js';
import { StatusError } from './errors.js';
import { openapiV3Index, openapiV3GroupVersion } from './openapi.js';
import { type DeleteOptions, type FieldValidation, type PatchType, Registry, type WriteOptions } from './registry.js';
import { containerLog } from './logs.js';
import { parsePath } from './routes.js';
import { boolParam, checkObjectMediaType, checkPathNames, decodeBody, intParam, mediaType, parseTarget, readBody } from './request.js';
import { Path } from '../api/validation/field-errors.js';
import { getScale, updateScale } from './scale.js';
import { type IncludeObject, toTable } from './table.js';

export { MAX_BODY_BYTES } from './request.js';

/** The `/version` answer: minor "32" keeps the kubectl dispatcher on its built-in v1.32 client. */
export const VERSION_INFO = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-minik',
  gitCommit: 'minik',
  gitTreeState: 'clean',
  buildDate: '2026-11-23T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** Options of the HTTP server. */
export interface ServerOptions {
  /** Bearer token required on every request but the public ones; none = no auth (tests only). */
  token?: string;
  /** Called for each request, for the daemon's log. */
  log?: (line: string) => void;
  /** Called for every 5xx answer and every watch closed for not reading, with the request line. */
  errorLog?: (line: string) => void;
  /** How long a watch or list from a revision not yet reached waits for it (the apiserver's 3 s). */
  freshnessTimeoutMs?: number;
  /** Bytes a watch may have waiting for its client before it is closed (default WATCH_BUFFER_BYTES). */
  watchBufferBytes?: number;
}

/** Bytes of events a watch may have queued for a client that does not read, beyond its initial burst. */
export const WATCH_BUFFER_BYTES = 16 * 1024 * 1024;

/** The longest timer Node.js can set (about 24.8 days); longer watch timeouts are cut to it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A watch without timeoutSeconds ends after 30 to 60 minutes, as the apiserver's --min-request-timeout spreads them. */
const MIN_REQUEST_TIMEOUT_S = 1800;

/** The request line for logs, with the token of a `/t/<token>` prefix hidden. */
function requestLine(method: string, url: string): string {
  return `${method} ${url.replace(/^\/t\/[^/?]*/, '/t/<token>')}`;
}

const PATCH_TYPES: Record<string, PatchType | 'apply'> = {
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

function send(res: http.ServerResponse, code: number, body: unknown, extra: Record<string, string> = {}): void {
  // A trailing newline, as the apiserver's JSON encoder writes every body.
  const json = JSON.stringify(body) + '\n';
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', ...extra });
  res.end(json);
}

function sendError(res: http.ServerResponse, e: StatusError): void {
  send(res, e.code, e.status);
}

/** A field selector for one name; a comma, `=`, `!` or backslash in it would otherwise read as syntax. */
const nameSelector = (name: string) => `metadata.name=${name.replace(/[\\,=!]/g, '\\$&')}`;

/** The propagation policies DeleteOptions may name. */
const PROPAGATION_POLICIES = ['Foreground', 'Background', 'Orphan'];

/** Waits until the store reaches revision `rv`, at most `ms`; false on time-out or when the client goes away first. */
function waitForRevision(reg: Pick<Registry, 'revision' | 'subscribe'>, rv: number, ms: number, req: http.IncomingMessage): Promise<boolean> {
  if (reg.revision >= rv) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      unsubscribe();
      req.off('close', onClose);
      resolve(ok);
    };
    const onClose = () => done(false);
    const unsubscribe = reg.subscribe(() => {
      if (reg.revision >= rv) done(true);
    });
    const timer = setTimeout(() => done(reg.revision >= rv), ms);
    req.on('close', onClose);
  });
}

function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept);
}

/** The Kubernetes API over HTTP on top of a registry. */
export class ApiServer {
  private server: http.Server;
  private watches = new Set<() => void>();

  constructor(
    readonly registry: Registry,
    private opts: ServerOptions = {},
  ) {
    this.server = http.createServer((req, res) => {
      const line = requestLine(req.method ?? 'GET', req.url ?? '/');
      this.handle(req, res, line).catch((e) => {
        const err = e instanceof StatusError ? e : E.internal(e instanceof Error ? e.message : String(e));
        if (err.code >= 500) this.opts.errorLog?.(`${err.code} ${line}: ${e instanceof StatusError ? err.message : ((e as Error)?.stack ?? String(e))}`);
        if (!res.headersSent) sendError(res, err);
        else res.destroy();
      });
    });
    this.server.keepAliveTimeout = 30_000;
    // Requests Node's HTTP parser refuses (a request line or headers over 16 KiB, malformed HTTP)
    // are answered as any refusal: a Status body, then the connection closes.
    this.server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return socket.destroy();
      const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
      const e = tooLarge ? E.headersTooLarge() : E.badRequest(`malformed HTTP request: ${err.code ?? err.message}`);
      const body = JSON.stringify(e.status);
      socket.end(`HTTP/1.1 ${e.code} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    });
  }

  /** Starts listening on 127.0.0.1 (port 0 picks a free one); resolves with the port. */
  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve((this.server.address() as AddressInfo).port));
    });
  }

  /** How many watch streams are open (for tests and the daemon's log). */
  get openWatches(): number {
    return this.watches.size;
  }

  /** Stops accepting requests and ends open watches. */
  close(): Promise<void> {
    for (const stop of this.watches) stop();
    this.watches.clear();
    this.server.closeAllConnections?.();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private tokenMatches(candidate: string): boolean {
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.opts.token ?? '');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private authorized(req: http.IncomingMessage): boolean {
    if (!this.opts.token) return true;
    const m = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    return !!m && this.tokenMatches(m[1].trim());
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, line: string): Promise<void> {
    // Clients compute ages from the server's time: it comes from the cluster clock (fake in tests).
    res.setHeader('Date', new Date(this.registry.clock.now()).toUTCString());
    const method = req.method ?? 'GET';
    // Decoded before authentication, as the apiserver does: a malformed escape is a 400 for anyone.
    const target = parseTarget(req.url ?? '/');
    const q = target.query;
    // client-go sends no bearer token over plain HTTP, so the kubeconfig's server URL carries the
    // token as a path prefix (`/t/<token>`).
    let segments = target.segments;
    let prefixOk = false;
    if (segments[0] === 't' && segments.length >= 2) {
      prefixOk = this.tokenMatches(segments[1]);
      segments = segments.slice(2);
    }
    const route = parsePath(segments);
    this.opts.log?.(line);
    const isPublic = route.type === 'version' || route.type === 'health';
    if (!isPublic && !prefixOk && !this.authorized(req)) return sendError(res, E.unauthorized());

    switch (route.type) {
      case 'version':
        return send(res, 200, VERSION_INFO);
      case 'health':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('ok');
        return;
      case 'openapi-v2':
        return sendError(res, E.notFoundPath());
      case 'openapi-v3':
        return send(res, 200, openapiV3Index());
      case 'openapi-v3-gv': {
        const doc = openapiV3GroupVersion(route.path);
        return doc ? send(res, 200, doc) : sendError(res, E.notFoundPath());
      }
      case 'discovery': {
        if ((route.what === 'api' || route.what === 'apis') && wantsAggregatedDiscovery(req.headers.accept)) {
          return send(res, 200, aggregatedDiscovery(route.what === 'api'), { 'Content-Type': AGGREGATED_DISCOVERY, Vary: 'Accept' });
        }
        let doc: object | undefined;
        if (route.what === 'api') doc = apiVersions(req.headers.host ?? '127.0.0.1');
        else if (route.what === 'apis') doc = apiGroupList();
        else if (route.what === 'group') doc = apiGroup(route.group);
        else doc = apiResourceList(route.group, route.version);
        return doc ? send(res, 200, doc) : sendError(res, E.notFoundPath());
      }
      case 'unknown':
        return sendError(res, E.notFoundPath());
    }

    const { r, name, subresource } = route;
    const namespace = route.namespace;
    checkPathNames(namespace, name);
    const ns = namespace ?? '';
    const reg = this.registry;
    const accept = req.headers.accept;
    const warnings: string[] = [];
    const writeOpts = (): WriteOptions => ({
      dryRun: q.getAll('dryRun').includes('All'),
      fieldValidation: (q.get('fieldValidation') as FieldValidation | null) ?? 'Warn',
      // Unnamed writers are known by their user agent's product, as the apiserver does (`kubectl`, `node-fetch`).
      fieldManager: q.get('fieldManager') ?? (req.headers['user-agent'] ? req.headers['user-agent'].split('/')[0].trim() || undefined : undefined),
      subresource: subresource === 'status' ? 'status' : undefined,
      warnings,
    });
    const reply = (code: number, obj: KubeObject | object) => {
      const headers: Record<string, string> = {};
      if (warnings.length) headers['Warning'] = warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ');
      if (wantsTable(accept) && (obj as KubeObject).metadata && (obj as KubeObject).kind === r.kind)
        return send(res, code, toTable(r, [obj as KubeObject], reg.clock.now(), (q.get('includeObject') as IncludeObject) ?? 'Metadata'), headers);
      send(res, code, obj, headers);
    };
    const body = async () => {
      if (method !== 'PATCH') checkObjectMediaType(req.headers['content-type']);
      return decodeBody(await readBody(req), req.headers['content-type']);
    };
    const listOpts = () => ({
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector: q.get('fieldSelector') ?? undefined,
      limit: intParam(q, 'limit'),
      continue: q.get('continue') || undefined,
    });
    /** A list's options, checked, once the store has the revision the list asks for. */
    const checkedListOpts = async () => {
      const opts = listOpts();
      const rv = q.get('resourceVersion');
      if (opts.continue && rv) throw E.badRequest('specifying resource version is not allowed when using continue');
      if (rv && rv !== '0') await this.waitFresh(req, rv);
      return opts;
    };
    const list = async (ns: string | undefined) => reg.list(r, ns, await checkedListOpts());

    if (route.convert) {
      // An alternate version (autoscaling/v1 HPAs): converted on the way in and out.
      const view = new ConvertedResource(reg, r, route.convert);
      if (subresource && subresource !== 'status') return sendError(res, E.notFoundPath());
      if (boolParam(q, 'watch')) return sendError(res, E.methodNotSupported(r, 'watch'));
      if (name === undefined) {
        if (method === 'GET') return send(res, 200, view.list(namespace, await checkedListOpts()));
        if (method === 'POST') return send(res, 201, view.create(ns, await body(), writeOpts()));
        return sendError(res, E.methodNotSupported(r, method.toLowerCase()));
      }
      switch (method) {
        case 'GET':
          return send(res, 200, view.get(ns, name));
        case 'PUT':
          return send(res, 200, view.update(ns, name, await body(), writeOpts()));
        case 'PATCH': {
          const ct = mediaType(req.headers['content-type']);
          const type = PATCH_TYPES[ct];
          if (!type || type === 'apply') return sendError(res, E.unsupportedMediaType(ct || 'none'));
          return send(res, 200, view.patch(ns, name, type, await body(), writeOpts()));
        }
        case 'DELETE':
          return send(res, 200, view.delete(ns, name, await this.deleteOptions(req, q)));
        default:
          return sendError(res, E.methodNotSupported(r, method.toLowerCase()));
      }
    }
    if (r.namespaced && namespace === undefined && name !== undefined) return sendError(res, E.notFoundPath());

    if (r.readOnly) {
      if (method !== 'GET' || subresource) return sendError(res, E.methodNotSupported(r, method.toLowerCase()));
      const selector = q.get('labelSelector') ?? undefined;
      if (name !== undefined) return reply(200, readMetrics(reg, r, ns, name));
      return send(res, 200, listMetrics(reg, r, namespace, selector));
    }
    if (subresource === 'scale') {
      if (method === 'GET') return send(res, 200, getScale(reg, r, ns, name!));
      if (method === 'PUT' || method === 'PATCH') {
        const ct = req.headers['content-type'] ?? 'application/json';
        return send(res, 200, updateScale(reg, r, ns, name!, method === 'PUT' ? 'put' : (PATCH_TYPES[mediaType(ct)] as PatchType) ?? 'merge', await body(), writeOpts()));
      }
      return sendError(res, E.methodNotSupported(r, method.toLowerCase()));
    }
    if (subresource === 'binding') {
      if (method !== 'POST') return sendError(res, E.methodNotSupported(r, method.toLowerCase()));
      const b = (await body()) as { target?: { name?: string }; metadata?: { name?: string } };
      if (!b?.target?.name) return sendError(res, E.badRequest('Binding.target.name: Required value'));
      reg.bind(ns, name!, b.target.name, { dryRun: q.getAll('dryRun').includes('All') });
      return send(res, 201, E.success());
    }
    if (subresource === 'exec' || subresource === 'attach' || subresource === 'portforward') {
      // Streams need a connection upgrade (SPDY or WebSocket), which minik does not serve yet; a
      // request without one gets the apiserver's answer to it.
      if (method !== 'GET' && method !== 'POST') return sendError(res, E.methodNotSupported(r, method.toLowerCase()));
      return sendError(res, E.badRequest('Upgrade request required'));
    }
    if (subresource === 'log') {
      if (method !== 'GET') return sendError(res, E.methodNotSupported(r, method.toLowerCase()));
      const logOpts = { container: q.get('container') ?? undefined, timestamps: boolParam(q, 'timestamps'), tailLines: q.get('tailLines') !== null ? Number(q.get('tailLines')) : undefined, previous: boolParam(q, 'previous') };
      // Only pods have a log subresource.
      const text = containerLog(reg.get(r, ns, name!) as Pod, logOpts);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      if (!boolParam(q, 'follow')) {
        res.end(text);
        return;
      }
      // Follow: the (simulated) log gains no lines; the stream ends when the pod goes away.
      res.write(text);
      res.flushHeaders();
      let stop: (() => void) | undefined;
      stop = reg.watch(r, ns, { fieldSelector: nameSelector(name!) }, (e) => {
        const phase = (e.object as Pod).status?.phase;
        if (e.type === 'DELETED' || phase === 'Succeeded' || phase === 'Failed') {
          stop?.();
          stop = undefined;
          res.end();
        }
      });
      res.on('close', () => stop?.());
      return;
    }
    if (subresource === 'eviction') {
      if (method !== 'POST') return sendError(res, E.methodNotSupported(r, method.toLowerCase()));
      const b = (await body()) as { deleteOptions?: DeleteOptions };
      evict(reg, ns, name!, b?.deleteOptions ?? {}, q.getAll('dryRun').includes('All'));
      return send(res, 201, E.success());
    }
    if (subresource && subresource !== 'status') return sendError(res, E.notFoundPath());

    if (name === undefined) {
      if (method === 'GET') {
        if (boolParam(q, 'watch')) {
          const { labelSelector, fieldSelector } = listOpts();
          return this.watch(req, res, r, namespace, { labelSelector, fieldSelector, resourceVersion: q.get('resourceVersion') ?? undefined }, q, accept);
        }
        const l = await list(namespace);
        if (wantsTable(accept)) {
          const t = toTable(r, l.items, reg.clock.now(), (q.get('includeObject') as IncludeObject) ?? 'Metadata', l.metadata.resourceVersion);
          return send(res, 200, l.metadata.continue ? { ...t, metadata: l.metadata } : t);
        }
        return send(res, 200, l);
      }
      if (method === 'POST') {
        if (r.namespaced && namespace === undefined) return sendError(res, E.notFoundPath());
        return reply(201, reg.create(r, ns, await body(), { ...writeOpts(), owned: true }));
      }
      if (method === 'DELETE') {
        const opts = await this.deleteOptions(req, q);
        const { labelSelector, fieldSelector } = listOpts();
        const items = reg.deleteCollection(r, namespace, { labelSelector, fieldSelector }, opts);
        return send(res, 200, { apiVersion: groupVersion(r), kind: `${r.kind}List`, metadata: { resourceVersion: String(reg.revision) }, items });
      }
      return sendError(res, E.methodNotSupported(r, method.toLowerCase()));
    }

    switch (method) {
      case 'GET':
        if (boolParam(q, 'watch')) return this.watch(req, res, r, namespace, { fieldSelector: nameSelector(name), resourceVersion: q.get('resourceVersion') ?? undefined }, q, accept);
        return reply(200, reg.get(r, ns, name));
      case 'PUT':
        return reply(200, reg.update(r, ns, name, await body(), { ...writeOpts(), owned: true }));
      case 'PATCH': {
        const ct = mediaType(req.headers['content-type']);
        const type = PATCH_TYPES[ct];
        if (!type) return sendError(res, E.unsupportedMediaType(ct || 'none'));
        const patch = await body();
        if (type === 'apply') {
          const { object, created } = serverSideApply(reg, r, ns, name, patch, { ...writeOpts(), fieldManager: q.get('fieldManager') ?? undefined, force: boolParam(q, 'force') });
          return reply(created ? 201 : 200, object);
        }
        return reply(200, reg.patch(r, ns, name, type, patch, writeOpts()));
      }
      case 'DELETE': {
        const opts = await this.deleteOptions(req, q);
        return reply(200, reg.delete(r, ns, name, opts).object);
      }
      default:
        return sendError(res, E.methodNotSupported(r, method.toLowerCase()));
    }
  }

  /**
   * DeleteOptions from the body (JSON or YAML, bounded like any body) and the query; 422 for a
   * propagation policy Kubernetes does not know.
   */
  private async deleteOptions(req: http.IncomingMessage, q: URLSearchParams): Promise<DeleteOptions> {
    const buf = await readBody(req);
    let opts: DeleteOptions = {};
    if (buf.toString('utf8').trim() !== '') {
      checkObjectMediaType(req.headers['content-type']);
      const decoded = await decodeBody(buf, req.headers['content-type']);
      if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) throw E.badRequest('error decoding DeleteOptions: the body is not an object');
      opts = decoded as DeleteOptions;
      if (opts.gracePeriodSeconds === null) delete opts.gracePeriodSeconds;
      if (opts.gracePeriodSeconds !== undefined && !Number.isInteger(opts.gracePeriodSeconds)) throw E.badRequest('error decoding DeleteOptions: gracePeriodSeconds must be an integer');
    }
    const grace = intParam(q, 'gracePeriodSeconds');
    if (grace !== undefined) opts.gracePeriodSeconds = grace;
    if (q.get('propagationPolicy')) opts.propagationPolicy = q.get('propagationPolicy') as DeleteOptions['propagationPolicy'];
    if (opts.propagationPolicy === null) delete opts.propagationPolicy;
    if (opts.propagationPolicy !== undefined && !PROPAGATION_POLICIES.includes(opts.propagationPolicy))
      throw E.invalidOptions('DeleteOptions', [new Path('propagationPolicy').notSupported(opts.propagationPolicy, [...PROPAGATION_POLICIES, 'nil'])]);
    if (q.getAll('dryRun').includes('All') || ((opts as { dryRun?: unknown }).dryRun as string[] | undefined)?.includes?.('All')) opts.dryRun = true;
    else delete opts.dryRun;
    const orphan = (opts as { orphanDependents?: boolean }).orphanDependents;
    if (orphan !== undefined && !opts.propagationPolicy) opts.propagationPolicy = orphan ? 'Orphan' : 'Background';
    return opts;
  }

  /**
   * A watch or list from a revision the store has not reached waits for it, as the apiserver's
   * watch cache does (3 s), then answers 504. A resourceVersion that is no number is a 400.
   */
  private async waitFresh(req: http.IncomingMessage, rv: string): Promise<void> {
    if (!/^\d{1,15}$/.test(rv)) throw E.badRequest(`invalid resource version: ${rv}`);
    const want = Number(rv);
    const reg = this.registry;
    if (want <= reg.revision) return;
    if (!(await waitForRevision(reg, want, this.opts.freshnessTimeoutMs ?? 3000, req))) throw E.tooLargeResourceVersion(want, reg.revision);
  }

  private async watch(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    r: ResourceInfo,
    namespace: string | undefined,
    opts: { labelSelector?: string; fieldSelector?: string; resourceVersion?: string },
    q: URLSearchParams,
    accept: string | undefined,
  ): Promise<void> {
    const timeoutSeconds = intParam(q, 'timeoutSeconds');
    if (opts.resourceVersion && opts.resourceVersion !== '0') await this.waitFresh(req, opts.resourceVersion);
    if (req.destroyed) return;
    const table = wantsTable(accept);
    const now = () => this.registry.clock.now();
    let stop: (() => void) | undefined;
    // A client that stops reading must not make the daemon buffer without limit: past its initial
    // burst plus this many bytes waiting, the watch is closed (the client re-watches, as after any
    // disconnect), as the apiserver closes watchers whose channel stays full.
    let allowance = this.opts.watchBufferBytes ?? WATCH_BUFFER_BYTES;
    let started = false;
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    const end = () => {
      closed = true;
      if (!stop) return;
      stop();
      stop = undefined;
      this.watches.delete(end);
      clearTimeout(timer);
      res.end();
    };
    const write = (type: string, obj: KubeObject) => {
      if (closed) return;
      const object = table ? toTable(r, [obj], now(), (q.get('includeObject') as IncludeObject) ?? 'Metadata') : obj;
      res.write(JSON.stringify({ type, object }) + '\n');
      if (started && res.writableLength > allowance) {
        this.opts.errorLog?.(`closing a watch whose client does not read (${res.writableLength} bytes waiting): ${requestLine(req.method ?? 'GET', req.url ?? '/')}`);
        end();
        res.destroy();
      }
    };
    const buffered: [string, KubeObject][] = [];
    try {
      stop = this.registry.watch(r, namespace, opts, (e) => (started ? write(e.type, e.object) : buffered.push([e.type, e.object])));
    } catch (e) {
      if (e instanceof StatusError && e.code === 410) {
        // As the apiserver does: a 200 stream carrying one ERROR event, then the end.
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ type: 'ERROR', object: e.status }) + '\n');
        return;
      }
      throw e;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    // Node sends no headers until the first write: flush them so clients know the watch is open.
    res.flushHeaders();
    for (const [t, o] of buffered) write(t, o);
    buffered.length = 0;
    allowance += res.writableLength;
    started = true;
    const seconds = timeoutSeconds !== undefined && timeoutSeconds > 0 ? timeoutSeconds : MIN_REQUEST_TIMEOUT_S * (1 + Math.random());
    timer = setTimeout(end, Math.min(seconds * 1000, MAX_TIMER_MS));
    timer.unref();
    this.watches.add(end);
    res.on('close', end);
    res.on('error', end);
  }
}
