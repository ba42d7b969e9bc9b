// Decoding a request before any handler sees it: the target (path segments and query, taken
// literally: `.` and `..` are names to refuse, not directions to follow), the body (bounded in
// bytes and in nesting) and its media type. Everything here is linear in the input and answers
// bad input with a 4xx Status, never an exception of its own.
import type http from 'node:http';
import * as E from './errors.js';
import { ProtobufError, decodeProtobuf } from '../api/protobuf/decode.js';

/** Largest request body accepted, as the apiserver's limit (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Deepest JSON nesting decoded, as Go's encoding/json (and so the apiserver) allows. */
export const MAX_JSON_DEPTH = 10_000;

/**
 * Deepest nesting of an object minik accepts in a body or stores. Kubernetes decodes up to 10,000
 * levels and then drops the unknown fields where such depth could hide; minik keeps unknown
 * fields, and V8 cannot serialise values much deeper than a few thousand levels, so it bounds
 * them here. No built-in kind comes near: a Pod is about 12 levels deep.
 */
export const MAX_OBJECT_DEPTH = 1_000;

/** The 400 for a value nested deeper than MAX_OBJECT_DEPTH. */
export const tooDeep = (what: string) => E.badRequest(`${what} is nested more than ${MAX_OBJECT_DEPTH} levels deep, which minik does not accept`);

/** The target of a request: decoded path segments and the query. */
export interface RequestTarget {
  /** The path as sent (still percent-encoded), for logs. */
  rawPath: string;
  /** Non-empty path segments, each percent-decoded on its own (`%2F` stays inside its segment). */
  segments: string[];
  query: URLSearchParams;
  /** `?...` as sent, or ''. */
  search: string;
}

/**
 * Splits a request target without normalising it. `new URL()` would resolve `.` and `..` (also
 * `%2e%2e`) before routing, so `DELETE .../configmaps/.` would address the whole collection.
 */
export function parseTarget(rawUrl: string): RequestTarget {
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const search = q < 0 ? '' : rawUrl.slice(q);
  const segments: string[] = [];
  for (const part of rawPath.split('/')) {
    if (part === '') continue;
    try {
      segments.push(decodeURIComponent(part));
    } catch {
      const bad = /%(?![0-9a-fA-F]{2})..?/.exec(part)?.[0] ?? part;
      throw E.badRequest(`invalid URL escape ${JSON.stringify(bad)}`);
    }
  }
  return { rawPath, segments, query: new URLSearchParams(search), search };
}

/** Why a name cannot be a path segment (apimachinery's IsValidPathSegmentName); [] when it can. */
export function pathSegmentNameErrors(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  if (name.includes('/')) errs.push("may not contain '/'");
  if (name.includes('%')) errs.push("may not contain '%'");
  return errs;
}

/** 400 for a name or namespace in the path that cannot be one, worded as the apiserver does. */
export function checkPathNames(namespace: string | undefined, name: string | undefined): void {
  if (namespace !== undefined) {
    const errs = pathSegmentNameErrors(namespace);
    if (errs.length) throw E.badRequest(`Namespace parameter invalid: ${JSON.stringify(namespace)}: ${errs.join(';')}`);
  }
  if (name !== undefined) {
    const errs = pathSegmentNameErrors(name);
    if (errs.length) throw E.badRequest(`Name parameter invalid: ${JSON.stringify(name)}: ${errs.join(';')}`);
  }
}

/** Reads a whole body, at most MAX_BODY_BYTES (413 past that, without buffering the rest). */
export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (c: Buffer) => {
      if (over) return;
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        over = true;
        chunks.length = 0;
        reject(E.tooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks));
    });
    req.on('error', (e) => {
      if (!over) reject(e);
    });
  });
}

/** The media type of a Content-Type header, lower case without parameters ('' when absent). */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** Media types a whole object may be sent in (POST, PUT, DeleteOptions); '' is JSON, as clients without a header mean it. */
/** Kubernetes' protobuf media type (objects of the kinds api/protobuf decodes). */
const PROTOBUF = 'application/vnd.kubernetes.protobuf';

const OBJECT_MEDIA_TYPES = new Set(['', 'application/json', 'application/yaml', '*/*', PROTOBUF]);

/** 415 unless an object body may come in this media type. */
export function checkObjectMediaType(contentType: string | undefined): void {
  const ct = mediaType(contentType);
  if (!OBJECT_MEDIA_TYPES.has(ct)) throw E.unsupportedMediaType(ct);
}

/**
 * The deepest nesting of a JSON text, counted in one pass (brackets inside strings do not count),
 * stopping as soon as it passes `limit`. Returns the depth and the offending character.
 */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): { depth: number; at?: string } {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return { depth: max, at: text[i] };
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return { depth: max };
}

/** Parses JSON from a client: 400 on a syntax error or nesting deeper than MAX_JSON_DEPTH (or MAX_OBJECT_DEPTH). */
export function decodeJson(text: string): unknown {
  const d = jsonDepth(text);
  if (d.at) throw E.badRequest(`error decoding JSON: invalid character '${d.at}' exceeded max depth`);
  if (d.depth > MAX_OBJECT_DEPTH) throw tooDeep('the request body');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw E.badRequest(`error decoding JSON: ${(e as Error).message}`);
  }
}

/**
 * The nesting depth of a decoded value, and an upper bound of its JSON size (every string counted
 * as if each character needed a six-byte escape), in one iterative walk. Stops early past `limit`.
 */
export function measureValue(v: unknown, limit = MAX_OBJECT_DEPTH): { depth: number; sizeBound: number } {
  let max = 0;
  let bound = 0;
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (typeof x === 'string') {
      bound += 6 * x.length + 3;
      continue;
    }
    if (typeof x !== 'object' || x === null) {
      bound += 25;
      continue;
    }
    const depth = d + 1;
    if (depth > max) max = depth;
    if (max > limit) return { depth: max, sizeBound: Infinity };
    bound += 2;
    if (Array.isArray(x)) for (const child of x) stack.push([child, depth]);
    else
      for (const k in x) {
        bound += 6 * k.length + 4;
        stack.push([(x as Record<string, unknown>)[k], depth]);
      }
  }
  return { depth: max, sizeBound: bound };
}

/** The nesting depth of a decoded value, iteratively (YAML bodies are checked after parsing). */
export function valueDepth(v: unknown, limit = MAX_OBJECT_DEPTH): number {
  return measureValue(v, limit).depth;
}

/** Decodes a body by its media type: JSON (depth-checked) or YAML (aliases bounded). */
export async function decodeBody(buf: Buffer, contentType: string | undefined): Promise<unknown> {
  const ct = mediaType(contentType);
  if (ct === PROTOBUF) {
    if (buf.length === 0) throw E.badRequest('the request body is empty');
    try {
      return decodeProtobuf(buf);
    } catch (e) {
      if (!(e instanceof ProtobufError)) throw e;
      if (e.unsupportedKind) throw E.unsupportedMediaTypeFor(ct, e.message);
      throw E.badRequest(`error decoding protobuf: ${e.message}`);
    }
  }
  const text = buf.toString('utf8');
  if (text.trim() === '') throw E.badRequest('the request body is empty');
  if (ct.includes('protobuf')) throw E.unsupportedMediaType(ct);
  if (ct === 'application/yaml' || ct === 'application/apply-patch+yaml') {
    const { parse } = await import('yaml');
    let v: unknown;
    try {
      v = parse(text, { maxAliasCount: 100 });
    } catch (e) {
      throw E.badRequest(`error decoding YAML: ${e instanceof RangeError ? 'the document is nested too deeply' : (e as Error).message}`);
    }
    if (valueDepth(v) > MAX_OBJECT_DEPTH) throw tooDeep('the request body');
    return v;
  }
  return decodeJson(text);
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/**
 * A boolean query parameter read as the apiserver reads it (Go's strconv.ParseBool: `1 t T TRUE
 * true True`, `0 f F FALSE false False`); absent or empty is false, anything else a 400.
 */
export function boolParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  if (v === null || v === '') return false;
  if (TRUE.has(v)) return true;
  if (FALSE.has(v)) return false;
  throw E.badRequest(`invalid value for query parameter ${name}: strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

/** A query parameter that must be a whole number when present; 400 otherwise. */
export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d{1,15}$/.test(v)) throw E.badRequest(`invalid value for query parameter ${name}: ${JSON.stringify(v)}: must be an integer`);
  return Number(v);
}
