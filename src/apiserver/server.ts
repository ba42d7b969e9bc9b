// The HTTP edge of the apiserver: authentication, routing (apiserver/routes.ts), the
// non-resource endpoints (version, health, discovery, OpenAPI), watch streams and Status errors.
// Resource requests go to the handler of their verb family (apiserver/handlers.ts); all semantics
// live in the registry.
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import type stream from 'node:stream';
import type { KubeObject } from '../api/types.js';
import { AGGREGATED_DISCOVERY, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, wantsAggregatedDiscovery } from './discovery.js';
import * as E from './errors.js';
import { StatusError } from './errors.js';
import { WebSocketServer } from 'ws';
import type { Pod } from '../api/types.js';
import { requestedContainer } from './pod-container.js';
import type { ProcessLogs } from './logs.js';
import type { MeasuredUsage } from '../sim/usage.js';
import { PORT_FORWARD_PROTOCOLS, type PortDialer, SPDY_PORT_FORWARD, servePortForwardChannels, servePortForwardSpdy, servePortForwardTunnel } from './port-forward.js';
import { CHANNEL_PROTOCOLS, type CommandRunner, type RemoteCommand, serveRemoteCommand } from './remote-command.js';
import { ApiCall, SUBRESOURCES, type ServerHooks, protobufOnly, send, sendError, serveCollection, serveConverted, serveMetrics, serveObject, statusOf, wantsTable } from './handlers.js';
import { openapiV2, openapiV3Index, openapiV3GroupVersion } from './openapi.js';
import { encodeWatchEvent } from '../api/protobuf/encode.js';
import { groupVersion } from '../api/resources.js';
import { encodeOpenAPIv2 } from '../api/protobuf/openapi-v2.js';
import type { ListOptions, Registry } from './registry.js';
import { parsePath } from './routes.js';
import { ADMIN, checkAuthorized, requestAttributes, requestUser, serveReview } from './authorization.js';
import { boolParam, checkPathNames, intParam, parseTarget } from './request.js';
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
  /**
   * A serving certificate and key (PEM): the port then speaks TLS too, told apart by a
   * connection's first byte, so kubeconfig clients use HTTPS while minikctl stays on plain HTTP.
   */
  tls?: { cert: string; key: string };
  /**
   * Runs `exec` and `attach` commands (the daemon's kubelet exec, following the operator's runtime
   * config). Without one, every exec is answered with an error saying nothing runs.
   */
  runCommand?: CommandRunner;
  /** The logs of containers that run as processes (the kubelet's process runtime), if any run. */
  processLogs?: ProcessLogs;
  /** Where port-forward connections go (the kubelet's dialer); without one, every port is refused. */
  portForward?: PortDialer;
  /** What containers that run as processes use (the kubelet measures it), for the metrics API. */
  measuredUsage?: MeasuredUsage;
}

/** Without a runner: nothing runs on the host, and the client is told why. */
const NOTHING_RUNS: CommandRunner = (cmd, _out, done) => {
  done({ error: `container "${cmd.container}" of pod "${cmd.pod.metadata.name}" is simulated: nothing runs in it` });
  return { stdin: () => {}, endStdin: () => {}, kill: () => {} };
};

/** Bytes of events a watch may have queued for a client that does not read, beyond its initial burst. */
export const WATCH_BUFFER_BYTES = 16 * 1024 * 1024;

/** The longest timer Node.js can set (about 24.8 days); longer watch timeouts are cut to it. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The media type of a protobuf watch stream. */
const PROTOBUF_STREAM = 'application/vnd.kubernetes.protobuf;stream=watch';

/** The media type kubectl asks /openapi/v2 for. */
const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2';
/** The protobuf /openapi/v2, encoded on first request. */
let openapiV2Protobuf: Uint8Array | undefined;

/** A watch without timeoutSeconds ends after 30 to 60 minutes, as the apiserver's --min-request-timeout spreads them. */
const MIN_REQUEST_TIMEOUT_S = 1800;

/** What the WebSocket library is shown instead of `SPDY/3.1+portforward.k8s.io` (see portForward). */
const TUNNEL_STAND_IN = 'minik-spdy-tunnel';

/** The request line for logs, with the token of a `/t/<token>` prefix hidden. */
function requestLine(method: string, url: string): string {
  return `${method} ${url.replace(/^\/t\/[^/?]*/, '/t/<token>')}`;
}

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

/** The Kubernetes API over HTTP on top of a registry. */
export class ApiServer {
  private server: http.Server;
  /** The same handler over TLS (when a certificate is given), and the listener that routes connections. */
  private secure?: https.Server;
  private listener: net.Server;
  /** Every open connection (closed with the server, as http.Server's closeAllConnections would). */
  private sockets = new Set<net.Socket>();
  private watches = new Set<() => void>();
  /** What handlers ask of the server: freshness waits and watch streams. */
  private hooks: ServerHooks = {
    waitFresh: (req, rv) => this.waitFresh(req, rv),
    watch: (call, namespace, opts) => this.watch(call, namespace, opts),
  };

  constructor(
    readonly registry: Registry,
    private opts: ServerOptions = {},
  ) {
    this.hooks.processLogs = opts.processLogs;
    this.hooks.measuredUsage = opts.measuredUsage;
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
      const line = requestLine(req.method ?? 'GET', req.url ?? '/');
      this.handle(req, res, line).catch((e) => {
        const err = statusOf(e);
        if (err.code >= 500) this.opts.errorLog?.(`${err.code} ${line}: ${e instanceof StatusError ? err.message : ((e as Error)?.stack ?? String(e))}`);
        if (!res.headersSent) sendError(res, err, req.headers.accept);
        else res.destroy();
      });
    };
    // Requests Node's HTTP parser refuses (a request line or headers over 16 KiB, malformed HTTP)
    // are answered as any refusal: a Status body, then the connection closes.
    const onClientError = (err: NodeJS.ErrnoException, socket: stream.Duplex) => {
      if (!socket.writable) return socket.destroy();
      const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
      const e = tooLarge ? E.headersTooLarge() : E.badRequest(`malformed HTTP request: ${err.code ?? err.message}`);
      const body = JSON.stringify(e.status);
      socket.end(`HTTP/1.1 ${e.code} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    this.server = http.createServer(onRequest);
    this.server.keepAliveTimeout = 30_000;
    this.server.on('clientError', onClientError);
    this.server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    if (opts.tls) {
      this.secure = https.createServer({ cert: opts.tls.cert, key: opts.tls.key }, onRequest);
      this.secure.keepAliveTimeout = 30_000;
      this.secure.on('clientError', onClientError);
      // A failed handshake (a client that does not trust the CA) closes that connection only.
      this.secure.on('tlsClientError', (_err, socket) => socket.destroy());
      this.secure.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    }
    // One port for both: a TLS connection starts with a handshake record (0x16), HTTP with a method.
    this.listener = net.createServer((socket) => {
      this.sockets.add(socket);
      socket.once('readable', () => {
        const first = socket.read(1) as Buffer | null;
        if (first === null) return socket.destroy();
        socket.unshift(first);
        (first[0] === 0x16 && this.secure ? this.secure : this.server).emit('connection', socket);
      });
      socket.once('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    });
  }

  /**
   * A request to upgrade the connection: `exec` and `attach` over WebSocket (remote-command.ts).
   * Checked as any request (token, RBAC, the pod and its container) before the upgrade; a refusal
   * is an HTTP answer with a Status, as kube-apiserver gives.
   */
  private upgrade(req: http.IncomingMessage, socket: stream.Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const refuse = (e: StatusError) => {
      const body = JSON.stringify(e.status);
      socket.end(`HTTP/1.1 ${e.code} ${http.STATUS_CODES[e.code] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    try {
      const line = requestLine(req.method ?? 'GET', req.url ?? '/');
      this.opts.log?.(line);
      const { q, segments, prefixOk } = this.target(req);
      if (!prefixOk && !this.authorized(req)) return refuse(E.unauthorized());
      const route = parsePath(segments, this.registry.resources);
      const user = requestUser(req);
      if (user !== ADMIN) checkAuthorized(this.registry, user, requestAttributes(route, req.method ?? 'GET', '/' + segments.join('/'), false));
      if (route.type !== 'resource' || route.r.kind !== 'Pod' || !route.name || route.namespace === undefined) return refuse(E.notFoundPath());
      const sub = route.subresource;
      if (sub === 'portforward') return this.portForward(req, socket, head, this.registry.get(route.r, route.namespace, route.name) as Pod, q, refuse);
      if (sub !== 'exec' && sub !== 'attach') return refuse(E.badRequest(`${sub ?? 'pods'} does not upgrade connections`));
      if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return refuse(E.badRequest(`unsupported upgrade "${req.headers.upgrade}": minik serves ${sub} over WebSocket (${CHANNEL_PROTOCOLS.join(', ')})`));
      const cmd = remoteCommand(this.registry.get(route.r, route.namespace, route.name) as Pod, sub, q);
      const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      const protocol = CHANNEL_PROTOCOLS.find((p) => offered.includes(p));
      if (!protocol) return refuse(E.badRequest(`none of the offered stream protocols is supported: [${offered.join(', ')}]; supported: ${CHANNEL_PROTOCOLS.join(', ')}`));
      this.websockets.handleUpgrade(req, socket, head, (ws) => serveRemoteCommand(ws, protocol, cmd, this.opts.runCommand ?? NOTHING_RUNS));
    } catch (e) {
      refuse(statusOf(e));
    }
  }

  /**
   * port-forward (port-forward.ts): SPDY tunnelled through a WebSocket (kubectl 1.31+), the v4
   * channel protocol (the Python client), or a plain SPDY/3.1 upgrade (older kubectl, and
   * kubectl's fallback).
   */
  private portForward(req: http.IncomingMessage, socket: stream.Duplex, head: Buffer, pod: Pod, q: URLSearchParams, refuse: (e: StatusError) => void): void {
    if (!pod.spec?.nodeName) return refuse(E.badRequest(`pod ${pod.metadata.name} does not have a host assigned`));
    const dial: PortDialer = this.opts.portForward ?? (() => Promise.reject(new Error('this API server forwards no ports')));
    const upgrade = (req.headers.upgrade ?? '').toLowerCase();
    if (upgrade === 'websocket') {
      const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      const protocol = PORT_FORWARD_PROTOCOLS.find((p) => offered.includes(p));
      if (!protocol) return refuse(E.badRequest(`none of the offered stream protocols is supported: [${offered.join(', ')}]; supported: ${PORT_FORWARD_PROTOCOLS.join(', ')}`));
      if (protocol === 'v4.channel.k8s.io') {
        const ports = q.getAll('ports').flatMap((p) => p.split(',')).filter(Boolean).map(Number);
        if (ports.length === 0) return refuse(E.badRequest('query parameter "port" is required'));
        if (ports.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) return refuse(E.badRequest(`invalid port in ${JSON.stringify(q.getAll('ports').join(','))}: ports must be between 1 and 65535`));
        this.portForwardSockets.handleUpgrade(req, socket, head, (ws) => servePortForwardChannels(ws, ports, pod, dial));
        return;
      }
      // `SPDY/3.1+portforward.k8s.io` is not an RFC 6455 token (it has a `/`), which the WebSocket
      // library refuses: it sees a stand-in, and answers with the protocol kubectl asked for.
      req.headers['sec-websocket-protocol'] = TUNNEL_STAND_IN;
      this.portForwardSockets.handleUpgrade(req, socket, head, (ws) => servePortForwardTunnel(ws, pod, dial));
      return;
    }
    if (upgrade !== 'spdy/3.1') return refuse(E.badRequest(`unsupported upgrade "${req.headers.upgrade}": port-forward is served over WebSocket (${PORT_FORWARD_PROTOCOLS.join(', ')}) and SPDY/3.1`));
    const versions = [req.headers['x-stream-protocol-version'] ?? []].flat().flatMap((v) => v.split(',')).map((v) => v.trim());
    if (!versions.includes(SPDY_PORT_FORWARD)) return refuse(E.forbiddenRequest(`unable to upgrade: unable to negotiate protocol: client supports [${versions.join(' ')}], server supports [${SPDY_PORT_FORWARD}]`));
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${SPDY_PORT_FORWARD}\r\n\r\n`);
    const session = servePortForwardSpdy({ write: (b) => socket.write(b), close: () => socket.end() }, pod, dial);
    if (head.length) session.receive(head);
    socket.on('data', (b: Buffer) => session.receive(b));
    socket.on('close', () => session.close());
  }

  private portForwardSockets = new WebSocketServer({ noServer: true, handleProtocols: (offered) => (offered.has(TUNNEL_STAND_IN) ? 'SPDY/3.1+portforward.k8s.io' : (PORT_FORWARD_PROTOCOLS.find((p) => offered.has(p)) ?? false)) });

  /** Starts listening on 127.0.0.1 (port 0 picks a free one); resolves with the port. */
  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(port, '127.0.0.1', () => resolve((this.listener.address() as AddressInfo).port));
    });
  }

  private websockets = new WebSocketServer({ noServer: true, handleProtocols: (offered) => CHANNEL_PROTOCOLS.find((p) => offered.has(p)) ?? false });

  /** How many watch streams are open (for tests and the daemon's log). */
  get openWatches(): number {
    return this.watches.size;
  }

  /** Stops accepting requests and ends open watches. */
  close(): Promise<void> {
    for (const stop of this.watches) stop();
    this.watches.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    return new Promise((resolve) => this.listener.close(() => resolve()));
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

  /**
   * A request's path segments and query. client-go sends no bearer token over plain HTTP, so the
   * kubeconfig's server URL may carry the token as a path prefix (`/t/<token>`): `prefixOk` says it
   * did and matched, and the segments are those after it.
   */
  private target(req: http.IncomingMessage): { q: URLSearchParams; segments: string[]; prefixOk: boolean } {
    const target = parseTarget(req.url ?? '/');
    let segments = target.segments;
    let prefixOk = false;
    if (segments[0] === 't' && segments.length >= 2) {
      prefixOk = this.tokenMatches(segments[1]);
      segments = segments.slice(2);
    }
    return { q: target.query, segments, prefixOk };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, line: string): Promise<void> {
    // Clients compute ages from the server's time: it comes from the cluster clock (fake in tests).
    res.setHeader('Date', new Date(this.registry.clock.now()).toUTCString());
    // Decoded before authentication, as the apiserver does: a malformed escape is a 400 for anyone.
    const { q, segments, prefixOk } = this.target(req);
    const resources = this.registry.resources;
    const route = parsePath(segments, resources);
    this.opts.log?.(line);
    const isPublic = route.type === 'version' || route.type === 'health';
    if (!isPublic && !prefixOk && !this.authorized(req)) return sendError(res, E.unauthorized(), req.headers.accept);
    // The administrator, or whom it impersonates (authorized by RBAC).
    const user = requestUser(req);
    if (!isPublic && user !== ADMIN) checkAuthorized(this.registry, user, requestAttributes(route, req.method ?? 'GET', '/' + segments.join('/'), q.get('watch') === 'true' || q.get('watch') === '1'));

    switch (route.type) {
      case 'version':
        return send(res, 200, VERSION_INFO);
      case 'health':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('ok');
        return;
      case 'openapi-v2': {
        // kubectl asks for gnostic's protobuf form (to validate `kind: List` files); others for JSON.
        if (!(req.headers.accept ?? '').includes(OPENAPI_V2_PROTOBUF)) return send(res, 200, openapiV2(), { Vary: 'Accept' });
        openapiV2Protobuf ??= encodeOpenAPIv2(openapiV2());
        res.writeHead(200, { 'Content-Type': `${OPENAPI_V2_PROTOBUF}.v1.0+protobuf`, 'Content-Length': openapiV2Protobuf.length, Vary: 'Accept' });
        res.end(openapiV2Protobuf);
        return;
      }
      case 'openapi-v3':
        return send(res, 200, openapiV3Index(resources));
      case 'openapi-v3-gv': {
        const doc = openapiV3GroupVersion(route.path, resources);
        return doc ? send(res, 200, doc) : sendError(res, E.notFoundPath(), req.headers.accept);
      }
      case 'discovery': {
        if ((route.what === 'api' || route.what === 'apis') && wantsAggregatedDiscovery(req.headers.accept)) {
          return send(res, 200, aggregatedDiscovery(resources, route.what === 'api'), { 'Content-Type': AGGREGATED_DISCOVERY, Vary: 'Accept' });
        }
        let doc: object | undefined;
        if (route.what === 'api') doc = apiVersions(req.headers.host ?? '127.0.0.1');
        else if (route.what === 'apis') doc = apiGroupList(resources);
        else if (route.what === 'group') doc = apiGroup(resources, route.group);
        else doc = apiResourceList(resources, route.group, route.version);
        return doc ? send(res, 200, doc) : sendError(res, E.notFoundPath(), req.headers.accept);
      }
      case 'unknown':
        return sendError(res, E.notFoundPath(), req.headers.accept);
    }

    const { r, name, subresource, namespace } = route;
    checkPathNames(namespace, name);
    const call = new ApiCall(req, res, q, this.registry, r, namespace, name, subresource, this.hooks);
    if (route.convert) return serveConverted(call, route.convert);
    if (r.namespaced && namespace === undefined && name !== undefined) return sendError(res, E.notFoundPath(), req.headers.accept);
    if (r.readOnly) return serveMetrics(call);
    if (r.createOnly) return serveReview(call, user);
    if (subresource && subresource !== 'status') {
      const handler = SUBRESOURCES[subresource];
      return handler ? handler(call) : sendError(res, E.notFoundPath(), req.headers.accept);
    }
    return name === undefined ? serveCollection(call) : serveObject(call);
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

  private async watch(call: ApiCall, namespace: string | undefined, opts: ListOptions & { resourceVersion?: string }): Promise<void> {
    const { req, res, r, q, accept } = call;
    const timeoutSeconds = intParam(q, 'timeoutSeconds');
    if (opts.resourceVersion && opts.resourceVersion !== '0') await this.waitFresh(req, opts.resourceVersion);
    if (req.destroyed) return;
    const table = wantsTable(accept);
    // A client that accepts only protobuf gets length-prefixed protobuf WatchEvents.
    const protobuf = !table && protobufOnly(accept);
    const frame = (type: string, object: object) =>
      protobuf ? encodeWatchEvent(type, object as Record<string, unknown>, groupVersion(r)) : JSON.stringify({ type, object }) + '\n';
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
      obj = this.registry.inVersion(r, obj);
      const object = table ? toTable(r, [obj], now(), (q.get('includeObject') as IncludeObject) ?? 'Metadata') : obj;
      res.write(frame(type, object));
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
        res.writeHead(200, { 'Content-Type': protobuf ? PROTOBUF_STREAM : 'application/json' });
        res.end(frame('ERROR', e.status));
        return;
      }
      throw e;
    }
    res.writeHead(200, { 'Content-Type': protobuf ? PROTOBUF_STREAM : 'application/json', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
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

/**
 * PodExecOptions / PodAttachOptions from the query, checked against the pod as kube-apiserver and
 * the kubelet check them: a command for exec, a container that exists (or the only one: the same
 * choice as a log's), a pod that runs on a node.
 */
function remoteCommand(pod: Pod, sub: 'exec' | 'attach', q: URLSearchParams): RemoteCommand {
  const name = pod.metadata.name!;
  const command = q.getAll('command');
  if (sub === 'exec' && command.length === 0) throw E.badRequest('you must specify at least 1 command');
  const { container: spec, status } = requestedContainer(pod, q.get('container') ?? undefined);
  const container = spec.name;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') throw E.badRequest(`cannot ${sub} into a container in a completed pod; current phase is ${phase}`);
  if (!pod.spec?.nodeName) throw E.badRequest(`pod ${name} does not have a host assigned`);
  if (!status?.state?.running) throw E.badRequest(`unable to upgrade connection: container not found ("${container}")`);
  return { pod, container, spec, command, stdin: boolParam(q, 'stdin'), stdout: q.get('stdout') === null ? sub === 'attach' : boolParam(q, 'stdout'), stderr: boolParam(q, 'stderr'), tty: boolParam(q, 'tty') };
}
