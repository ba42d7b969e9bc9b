// The handlers of resource requests, one per verb family: a collection (list, watch, create,
// delete a collection), an object (get, watch, replace, patch, apply, delete), its subresources
// (status goes with the object; scale, binding, log, eviction, the streams), a version served by
// conversion, and the read-only metrics. Each reads what it needs from an ApiCall (the parsed
// request with its body, options and reply helpers) and calls the registry: no semantics here.
import type http from 'node:http';
import type { Conversion } from '../api/conversion.js';
import { type ResourceInfo, groupVersion } from '../api/resources.js';
import type { KubeObject, Pod, ServiceAccount } from '../api/types.js';
import { Path } from '../api/validation/field-errors.js';
import { serverSideApply } from './apply.js';
import { ConvertedResource } from './converted.js';
import * as E from './errors.js';
import { StatusError } from './errors.js';
import { encodeProtobuf, hasProtobuf } from '../api/protobuf/encode.js';
import { evict } from './eviction.js';
import { requestToken } from './tokens.js';
import type { MeasuredUsage } from '../sim/usage.js';
import { type LogOptions, type ProcessLogs, formatLogLine, logLines, renderLog } from './logs.js';
import { listMetrics, readMetrics } from './metrics.js';
import { type DeleteOptions, type FieldValidation, type ListOptions, type PatchType, type Registry, StoreError, type WriteOptions } from './registry.js';
import { boolParam, checkObjectMediaType, decodeBody, intParam, mediaType, readBody } from './request.js';
import { getScale, updateScale } from './scale.js';
import { type IncludeObject, toTable } from './table.js';

/** The protobuf media type of Kubernetes objects. */
export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

/**
 * Whether a client accepts only protobuf. Every other client is answered JSON (kubectl, Helm and
 * client-go's protobuf clients list JSON too, and read it); these get protobuf.
 */
export function protobufOnly(accept: string | undefined): boolean {
  if (!accept || !accept.includes(PROTOBUF)) return false;
  const types = accept.split(',').map((t) => t.split(';')[0].trim().toLowerCase());
  return types.includes(PROTOBUF) && !types.some((t) => t === 'application/json' || t === 'application/yaml' || t === '*/*' || t === 'application/*');
}

/** Answers `body` as JSON, or as protobuf to a client that accepts only that (406 when the body has no protobuf form). */
export function send(res: http.ServerResponse, code: number, body: unknown, extra: Record<string, string> = {}, accept?: string): void {
  if (protobufOnly(accept)) {
    if (!hasProtobuf(body)) return send(res, 406, E.notAcceptable().status, extra);
    const bytes = encodeProtobuf(body as Record<string, unknown>);
    res.writeHead(code, { ...extra, 'Content-Type': PROTOBUF, 'Content-Length': bytes.length, 'Cache-Control': 'no-cache, private' });
    res.end(bytes);
    return;
  }
  // A trailing newline, as the apiserver's JSON encoder writes every body.
  const json = JSON.stringify(body) + '\n';
  res.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', ...extra });
  res.end(json);
}

/** Any failure as the Status a client gets: a StatusError as it is, a store failure as its Status, anything else a 500. */
export function statusOf(e: unknown): StatusError {
  if (e instanceof StatusError) return e;
  if (e instanceof StoreError) return E.storeFailure(e.code, e.message);
  return E.internal(e instanceof Error ? e.message : String(e));
}

export function sendError(res: http.ServerResponse, e: StatusError, accept?: string): void {
  send(res, e.code, e.status, {}, accept);
}

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept);
}

/** A field selector for one name; a comma, `=`, `!` or backslash in it would otherwise read as syntax. */
export const nameSelector = (name: string) => `metadata.name=${name.replace(/[\\,=!]/g, '\\$&')}`;

const PATCH_TYPES: Record<string, PatchType | 'apply'> = {
  'application/merge-patch+json': 'merge',
  'application/json-patch+json': 'json',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** The propagation policies DeleteOptions may name. */
const PROPAGATION_POLICIES = ['Foreground', 'Background', 'Orphan'];

/** What the server does that handlers need: freshness waits and watch streams. */
export interface ServerHooks {
  /** Waits until the store has revision `rv` (the apiserver's watch cache wait), else 504. */
  waitFresh(req: http.IncomingMessage, rv: string): Promise<void>;
  /** Serves a watch stream. */
  watch(call: ApiCall, namespace: string | undefined, opts: ListOptions & { resourceVersion?: string }): Promise<void>;
  /** The logs of containers that run as processes, when the daemon runs any. */
  processLogs?: ProcessLogs;
  /** What containers that run as processes use, when the daemon runs any. */
  measuredUsage?: MeasuredUsage;
}

/** One request for a resource: what it names, and helpers to read its body and answer it. */
export class ApiCall {
  readonly method: string;
  readonly ns: string;
  readonly accept: string | undefined;
  /** Warnings for the client (sent as `Warning:` headers with the answer). */
  readonly warnings: string[] = [];

  constructor(
    readonly req: http.IncomingMessage,
    readonly res: http.ServerResponse,
    readonly q: URLSearchParams,
    readonly reg: Registry,
    readonly r: ResourceInfo,
    readonly namespace: string | undefined,
    readonly name: string | undefined,
    readonly subresource: string | undefined,
    readonly hooks: ServerHooks,
  ) {
    this.method = req.method ?? 'GET';
    this.ns = namespace ?? '';
    this.accept = req.headers.accept;
    // A deprecated version of a custom resource: every request for it is warned.
    if (r.custom?.deprecationWarning) this.warnings.push(r.custom.deprecationWarning);
  }

  /** The warnings as `Warning:` headers. */
  private warningHeaders(): Record<string, string> {
    return this.warnings.length ? { Warning: this.warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') } : {};
  }

  writeOpts(): WriteOptions {
    const { q, req } = this;
    return {
      dryRun: q.getAll('dryRun').includes('All'),
      fieldValidation: (q.get('fieldValidation') as FieldValidation | null) ?? 'Warn',
      // Unnamed writers are known by their user agent's product, as the apiserver does (`kubectl`, `node-fetch`).
      fieldManager: q.get('fieldManager') ?? (req.headers['user-agent'] ? req.headers['user-agent'].split('/')[0].trim() || undefined : undefined),
      subresource: this.subresource === 'status' ? 'status' : undefined,
      warnings: this.warnings,
    };
  }

  /**
   * Runs `answer` once the writes so far are committed (a store that commits in batches: nothing
   * is acknowledged before etcd has it); if their commit failed, answers with that failure.
   */
  private whenCommitted(answer: () => void): void {
    const settled = this.reg.settled();
    if (!settled) return answer();
    settled.then(answer, (e) => sendError(this.res, statusOf(e), this.accept));
  }

  /** Answers with an object (as a Table when asked for one), and the warnings. */
  reply(code: number, obj: KubeObject | object): void {
    this.whenCommitted(() => this.replyNow(code, obj));
  }

  private replyNow(code: number, obj: KubeObject | object): void {
    const headers = this.warningHeaders();
    // An object of the resource asked for (not a Status or a Scale): in the version asked for, or as a Table row.
    if ((obj as KubeObject).metadata && (obj as KubeObject).kind === this.r.kind) {
      const own = this.reg.inVersion(this.r, obj as KubeObject);
      if (wantsTable(this.accept)) return send(this.res, code, toTable(this.r, [own], this.reg.clock.now(), this.includeObject()), headers);
      obj = own;
    }
    send(this.res, code, obj, headers, this.accept);
  }

  send(code: number, body: unknown): void {
    this.whenCommitted(() => send(this.res, code, body, this.warningHeaders(), this.accept));
  }

  refuse(e: StatusError): void {
    sendError(this.res, e, this.accept);
  }

  notSupported(): void {
    sendError(this.res, E.methodNotSupported(this.r, this.method.toLowerCase()), this.accept);
  }

  includeObject(): IncludeObject {
    return (this.q.get('includeObject') as IncludeObject) ?? 'Metadata';
  }

  /** The decoded body (JSON or YAML, within the limits). */
  async body(): Promise<unknown> {
    if (this.method !== 'PATCH') checkObjectMediaType(this.req.headers['content-type']);
    return decodeBody(await readBody(this.req), this.req.headers['content-type']);
  }

  /** The patch type of the request's content type (undefined when it is none). */
  patchType(): PatchType | 'apply' | undefined {
    return PATCH_TYPES[mediaType(this.req.headers['content-type'])];
  }

  listOpts(): ListOptions {
    const q = this.q;
    return {
      labelSelector: q.get('labelSelector') ?? undefined,
      fieldSelector: q.get('fieldSelector') ?? undefined,
      limit: intParam(q, 'limit'),
      continue: q.get('continue') || undefined,
    };
  }

  /** A list's options, checked, once the store has the revision the list asks for. */
  async checkedListOpts(): Promise<ListOptions> {
    const opts = this.listOpts();
    const rv = this.q.get('resourceVersion');
    if (opts.continue && rv) throw E.badRequest('specifying resource version is not allowed when using continue');
    if (rv && rv !== '0') await this.hooks.waitFresh(this.req, rv);
    return opts;
  }

  /**
   * DeleteOptions from the body (JSON or YAML, bounded like any body) and the query; 422 for a
   * propagation policy Kubernetes does not know.
   */
  async deleteOptions(): Promise<DeleteOptions> {
    const { req, q } = this;
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
}

/** A version served by conversion (autoscaling/v1 HPAs): converted on the way in and out. */
export async function serveConverted(call: ApiCall, conversion: Conversion): Promise<void> {
  const { method, ns, name, namespace } = call;
  const view = new ConvertedResource(call.reg, call.r, conversion);
  if (call.subresource && call.subresource !== 'status') return call.refuse(E.notFoundPath());
  if (boolParam(call.q, 'watch')) return call.refuse(E.methodNotSupported(call.r, 'watch'));
  if (name === undefined) {
    if (method === 'GET') return call.send(200, view.list(namespace, await call.checkedListOpts()));
    if (method === 'POST') return call.send(201, view.create(ns, await call.body(), call.writeOpts()));
    return call.notSupported();
  }
  switch (method) {
    case 'GET':
      return call.send(200, view.get(ns, name));
    case 'PUT':
      return call.send(200, view.update(ns, name, await call.body(), call.writeOpts()));
    case 'PATCH': {
      const type = call.patchType();
      if (!type || type === 'apply') return call.refuse(E.unsupportedMediaType(mediaType(call.req.headers['content-type']) || 'none'));
      return call.send(200, view.patch(ns, name, type, await call.body(), call.writeOpts()));
    }
    case 'DELETE':
      return call.send(200, view.delete(ns, name, await call.deleteOptions()));
    default:
      return call.notSupported();
  }
}

/** metrics.k8s.io: computed on read, get and list only. */
export function serveMetrics(call: ApiCall): void {
  if (call.method !== 'GET' || call.subresource) return call.notSupported();
  if (call.name !== undefined) return call.reply(200, readMetrics(call.reg, call.r, call.ns, call.name, call.hooks.measuredUsage));
  return call.send(200, listMetrics(call.reg, call.r, call.namespace, call.q.get('labelSelector') ?? undefined, call.hooks.measuredUsage));
}

/** The subresources other than status, by name. */
export const SUBRESOURCES: Record<string, (call: ApiCall) => Promise<void> | void> = {
  async scale(call) {
    const { reg, r, ns, method } = call;
    const name = call.name!;
    if (method === 'GET') return call.send(200, getScale(reg, r, ns, name));
    if (method === 'PUT' || method === 'PATCH') {
      const ct = call.req.headers['content-type'] ?? 'application/json';
      return call.send(200, updateScale(reg, r, ns, name, method === 'PUT' ? 'put' : (PATCH_TYPES[mediaType(ct)] as PatchType) ?? 'merge', await call.body(), call.writeOpts()));
    }
    return call.notSupported();
  },
  // Writes the kind's strategy defines: a pod's binding (POST), a namespace's finalize (PUT).
  binding: strategyWrite('POST'),
  finalize: strategyWrite('PUT'),
  // Streams need a connection upgrade (WebSocket, or SPDY for port-forward), served in
  // server.ts's upgrade handler; a request without one gets the apiserver's answer to it.
  exec: stream,
  attach: stream,
  portforward: stream,
  log(call) {
    const { reg, r, ns, q, res } = call;
    const name = call.name!;
    if (call.method !== 'GET') return call.notSupported();
    const logOpts = logOptions(q, reg.clock.now());
    // Only pods have a log subresource.
    const processes = call.hooks.processLogs;
    const first = logLines(reg.get(r, ns, name) as Pod, logOpts, processes);
    const text = renderLog(first.lines, logOpts);
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    if (!boolParam(q, 'follow') || first.ended) {
      res.end(text);
      return;
    }
    if (first.process && processes) {
      // A process: each line as it is written, until the run exits (or limitBytes is reached).
      res.write(text);
      res.flushHeaders();
      let bytes = Buffer.byteLength(text);
      const stop = processes.followLog(
        first.process,
        (line) => {
          let out = formatLogLine(line, logOpts.timestamps);
          if (logOpts.limitBytes !== undefined && bytes + Buffer.byteLength(out) > logOpts.limitBytes) out = Buffer.from(out).subarray(0, logOpts.limitBytes - bytes).toString();
          res.write(out);
          bytes += Buffer.byteLength(out);
          if (logOpts.limitBytes !== undefined && bytes >= logOpts.limitBytes) {
            stop();
            res.end();
          }
        },
        () => res.end(),
      );
      res.on('close', () => stop());
      return;
    }
    // Follow: the lines the container's next steps add, until this run of it ends (or the pod
    // goes), within limitBytes.
    res.write(text);
    res.flushHeaders();
    // Lines already sent (a step can also take a line back, as readiness once the run ends).
    const sent = new Set(first.lines.map((l) => `${l.time} ${l.text}`));
    let bytes = Buffer.byteLength(text);
    let stop: (() => void) | undefined;
    const end = () => {
      stop?.();
      stop = undefined;
      res.end();
    };
    stop = reg.watch(r, ns, { fieldSelector: nameSelector(name) }, (e) => {
      if (e.type === 'DELETED') return end();
      let now: ReturnType<typeof logLines>;
      try {
        now = logLines(e.object as Pod, logOpts);
      } catch {
        return end(); // waiting again: this run is over
      }
      if (now.run !== first.run) return end();
      for (const line of now.lines) {
        const key = `${line.time} ${line.text}`;
        if (sent.has(key)) continue;
        sent.add(key);
        let out = formatLogLine(line, logOpts.timestamps);
        if (logOpts.limitBytes !== undefined && bytes + Buffer.byteLength(out) > logOpts.limitBytes) out = Buffer.from(out).subarray(0, logOpts.limitBytes - bytes).toString();
        res.write(out);
        bytes += Buffer.byteLength(out);
      }
      if (now.ended || (logOpts.limitBytes !== undefined && bytes >= logOpts.limitBytes)) end();
    });
    res.on('close', () => stop?.());
  },
  async token(call) {
    if (call.method !== 'POST') return call.notSupported();
    const sa = call.reg.get(call.r, call.ns, call.name!) as ServiceAccount;
    return call.send(201, requestToken(sa, await call.body(), call.reg.clock.now(), call.r));
  },
  async eviction(call) {
    if (call.method !== 'POST') return call.notSupported();
    const b = (await call.body()) as { deleteOptions?: DeleteOptions };
    evict(call.reg, call.ns, call.name!, b?.deleteOptions ?? {}, call.q.getAll('dryRun').includes('All'));
    return call.send(201, E.success());
  },
};

/** PodLogOptions from the query (sinceSeconds and sinceTime exclusive, as the apiserver checks). */
function logOptions(q: URLSearchParams, now: number): LogOptions {
  const int = (n: string) => {
    const v = intParam(q, n);
    if (v !== undefined && v < (n === 'tailLines' ? 0 : 1)) throw E.unprocessable(`${n}: Invalid value: ${v}: must be ${n === 'tailLines' ? 'greater than or equal to 0' : 'greater than 0'}`);
    return v;
  };
  const sinceSeconds = int('sinceSeconds');
  const sinceTime = q.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime) throw E.unprocessable('at most one of `sinceTime` or `sinceSeconds` may be specified');
  let since: number | undefined;
  if (sinceSeconds !== undefined) since = now - sinceSeconds * 1000;
  else if (sinceTime) {
    since = Date.parse(sinceTime);
    if (Number.isNaN(since)) throw E.badRequest(`parsing time "${sinceTime}" as "2006-01-02T15:04:05Z07:00": cannot parse "${sinceTime}"`);
  }
  return { container: q.get('container') ?? undefined, timestamps: boolParam(q, 'timestamps'), tailLines: int('tailLines'), previous: boolParam(q, 'previous'), since, limitBytes: int('limitBytes') };
}

/** A subresource written through the kind's strategy (Registry.writeSubresource). */
function strategyWrite(method: 'POST' | 'PUT'): (call: ApiCall) => Promise<void> {
  return async (call) => {
    if (call.method !== method) return call.notSupported();
    const written = call.reg.writeSubresource(call.r, call.ns, call.name!, call.subresource!, await call.body(), { dryRun: call.q.getAll('dryRun').includes('All') });
    // A binding answers a Status (as the apiserver's BindingREST does); finalize, the namespace.
    return method === 'POST' ? call.send(201, E.success()) : call.reply(200, written);
  };
}

function stream(call: ApiCall): void {
  if (call.method !== 'GET' && call.method !== 'POST') return call.notSupported();
  return call.refuse(E.badRequest('Upgrade request required'));
}

/** A collection: list or watch, create, delete a collection. */
export async function serveCollection(call: ApiCall): Promise<void> {
  const { reg, r, q, namespace, method } = call;
  if (method === 'GET') {
    if (boolParam(q, 'watch')) {
      const { labelSelector, fieldSelector } = call.listOpts();
      return call.hooks.watch(call, namespace, { labelSelector, fieldSelector, resourceVersion: q.get('resourceVersion') ?? undefined });
    }
    let l = reg.list(r, namespace, await call.checkedListOpts());
    if (r.custom && r.version !== r.custom.storageVersion) l = { ...l, items: l.items.map((o) => reg.inVersion(r, o)) };
    if (wantsTable(call.accept)) {
      const t = toTable(r, l.items, reg.clock.now(), call.includeObject(), l.metadata.resourceVersion);
      return call.send(200, l.metadata.continue ? { ...t, metadata: l.metadata } : t);
    }
    return call.send(200, l);
  }
  if (method === 'POST') {
    if (r.namespaced && namespace === undefined) return call.refuse(E.notFoundPath());
    return call.reply(201, reg.create(r, call.ns, await call.body(), { ...call.writeOpts(), owned: true }));
  }
  if (method === 'DELETE') {
    const opts = await call.deleteOptions();
    const { labelSelector, fieldSelector } = call.listOpts();
    const items = reg.deleteCollection(r, namespace, { labelSelector, fieldSelector }, opts);
    return call.send(200, { apiVersion: groupVersion(r), kind: `${r.kind}List`, metadata: { resourceVersion: String(reg.revision) }, items });
  }
  return call.notSupported();
}

/** One object (or its status): get or watch, replace, patch or apply, delete. */
export async function serveObject(call: ApiCall): Promise<void> {
  const { reg, r, ns, q, namespace, method } = call;
  const name = call.name!;
  switch (method) {
    case 'GET':
      if (boolParam(q, 'watch')) return call.hooks.watch(call, namespace, { fieldSelector: nameSelector(name), resourceVersion: q.get('resourceVersion') ?? undefined });
      return call.reply(200, reg.get(r, ns, name));
    case 'PUT':
      return call.reply(200, reg.update(r, ns, name, await call.body(), { ...call.writeOpts(), owned: true }));
    case 'PATCH': {
      const type = call.patchType();
      if (!type) return call.refuse(E.unsupportedMediaType(mediaType(call.req.headers['content-type']) || 'none'));
      // Custom resources declare no patch strategies: the apiserver takes no strategic merge patch for them.
      if (type === 'strategic' && r.custom) return call.refuse(E.strategicNotSupported());
      const patch = await call.body();
      if (type === 'apply') {
        const { object, created } = serverSideApply(reg, r, ns, name, patch, { ...call.writeOpts(), fieldManager: q.get('fieldManager') ?? undefined, force: boolParam(q, 'force') });
        return call.reply(created ? 201 : 200, object);
      }
      return call.reply(200, reg.patch(r, ns, name, type, patch, call.writeOpts()));
    }
    case 'DELETE':
      return call.reply(200, reg.delete(r, ns, name, await call.deleteOptions()).object);
    default:
      return call.notSupported();
  }
}
