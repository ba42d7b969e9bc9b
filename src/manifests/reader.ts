// Reading manifests for -f (loaded only by commands that take -f: it pulls in the yaml library): files, folders (-R), `-` for stdin and URLs; YAML (multi-document,
// anchors, CRLF) or JSON; `List` kinds expanded. Every problem is collected with its file, line
// and column, so one bad document never hides the good ones.
import fs from 'node:fs';
import path from 'node:path';
import jsyaml from 'js-yaml';
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments, parseDocument } from 'yaml';
import type { KubeObject } from '../api/types.js';

/** One object read from a manifest, with where it came from. */
export interface ManifestObject {
  source: string;
  /** 1-based index of the YAML document in its file. */
  document: number;
  /** 1-based line where the document starts. */
  line: number;
  object: KubeObject;
  /** The line of a field of this document (`spec.template.spec.containers[0].image`), when it is there. */
  lineOf?: (fieldPath: string) => number | undefined;
}

/**
 * A problem found while reading. `input`: the input itself is unusable (missing path, too large,
 * binary, an alias bomb); `parse`: a document's syntax; `object`: a document that is no object.
 */
export interface ManifestError {
  kind: 'input' | 'parse' | 'object';
  /** kubectl's wording, as apply prints it. */
  text: string;
  /** The message alone, without the `error: ...` prefix and location. */
  message: string;
  source: string;
  document?: number;
  line?: number;
  column?: number;
}

/** The result of reading: the objects in order, and every error found on the way. */
export interface ManifestRead {
  objects: ManifestObject[];
  errors: ManifestError[];
  /** Every file read, in order (a folder with no manifests reads none). */
  sources: string[];
}

/** Largest manifest file minik reads: a guard against a mistaken or hostile 100 MB input. */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
/** Alias expansions allowed per document: enough for real anchors, not for an alias bomb. */
const MAX_ALIASES = 1000;
const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

function listFiles(dir: string, recursive: boolean): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (recursive) out.push(...listFiles(p, true));
    } else if (EXTENSIONS.has(path.extname(e.name).toLowerCase())) out.push(p);
  }
  return out;
}

/** An input error: kubectl's `error: ...` text is the message with its prefix. */
function inputError(source: string, message: string): ManifestError {
  return { kind: 'input', text: `error: ${message}`, message, source };
}

function sizeError(name: string, size: number): ManifestError {
  return inputError(name, `${name} is too large (${(size / 1024 / 1024).toFixed(1)} MiB): minik reads manifests of at most ${MAX_MANIFEST_BYTES / 1024 / 1024} MiB`);
}

/** Binary data is no manifest: a NUL byte, or bytes that are not UTF-8. */
function binaryError(name: string, bytes: Buffer): ManifestError | undefined {
  const sample = bytes.subarray(0, 64 * 1024);
  let binary = sample.includes(0);
  if (!binary) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      binary = true;
    }
  }
  return binary ? inputError(name, `${name} is binary data, not a YAML or JSON manifest`) : undefined;
}

/** Reads all -f sources into texts, in order; missing paths, oversized and binary inputs become errors. */
async function readSources(names: string[], recursive: boolean, stdin: () => Promise<string>): Promise<{ texts: { source: string; text: string }[]; errors: ManifestError[] }> {
  const texts: { source: string; text: string }[] = [];
  const errors: ManifestError[] = [];
  for (const name of names) {
    if (name === '-') {
      const text = await stdin();
      if (Buffer.byteLength(text) > MAX_MANIFEST_BYTES) errors.push(sizeError('STDIN', Buffer.byteLength(text)));
      else if (text.includes('\0')) errors.push(inputError('STDIN', 'STDIN is binary data, not a YAML or JSON manifest'));
      else texts.push({ source: 'STDIN', text });
      continue;
    }
    if (/^https?:\/\//.test(name)) {
      try {
        const res = await fetch(name);
        if (!res.ok) errors.push(inputError(name, `unable to read URL "${name}", server reported ${res.status} ${res.statusText}, status code=${res.status}`));
        else texts.push({ source: name, text: await res.text() });
      } catch (e) {
        errors.push(inputError(name, `unable to read URL "${name}": ${(e as Error).message}`));
      }
      continue;
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(name);
    } catch {
      errors.push(inputError(name, `the path "${name}" does not exist`));
      continue;
    }
    const files = st.isDirectory() ? listFiles(name, recursive) : [name];
    for (const f of files) {
      const size = fs.statSync(f).size;
      if (size > MAX_MANIFEST_BYTES) {
        errors.push(sizeError(f, size));
        continue;
      }
      const bytes = fs.readFileSync(f);
      const binary = binaryError(f, bytes);
      if (binary) errors.push(binary);
      else texts.push({ source: f, text: bytes.toString('utf8') });
    }
  }
  return { texts, errors };
}

/** Checks the minimum every object needs: apiVersion and kind (as kubectl's client-side check does). */
function typeProblems(o: unknown): string | undefined {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return 'error validating data: the document is not an object';
  const missing = ['apiVersion', 'kind'].filter((k) => typeof (o as Record<string, unknown>)[k] !== 'string' || !(o as Record<string, string>)[k]).map((k) => `${k} not set`);
  if (missing.length === 0) return undefined;
  return `error validating data: ${missing.length > 1 ? `[${missing.join(', ')}]` : missing[0]}`;
}

function pushObject(out: ManifestRead, source: string, document: number, line: number, value: unknown, lineOf?: (p: string) => number | undefined): void {
  if (value === null || value === undefined) return;
  const problem = typeProblems(value);
  if (problem) {
    out.errors.push({
      kind: 'object',
      text: `error: error validating "${source}" (document ${document}, line ${line}): ${problem}; if you choose to ignore these errors, turn validation off with --validate=false`,
      message: problem,
      source,
      document,
      line,
    });
    return;
  }
  const o = value as KubeObject;
  if (o.kind!.endsWith('List') && Array.isArray(o.items)) {
    o.items.forEach((item: unknown, i: number) => pushObject(out, source, document, lineOf?.(`items[${i}]`) ?? line, item, lineOf && ((p) => lineOf(`items[${i}].${p}`))));
    return;
  }
  if (o.metadata !== undefined && (typeof o.metadata !== 'object' || o.metadata === null || Array.isArray(o.metadata))) {
    const message = 'error validating data: metadata must be an object';
    out.errors.push({ kind: 'object', text: `error: error validating "${source}" (document ${document}, line ${line}): ${message}`, message, source, document, line });
    return;
  }
  o.metadata ??= {};
  out.objects.push({ source, document, line, object: o, ...(lineOf ? { lineOf } : {}) });
}

/**
 * Where a field is written: the offset of its key (`labels:`, not the map below it), or of the
 * list item for an index; the deepest part of the path that exists when the rest does not.
 */
function keyOffset(node: unknown, keys: (string | number)[]): number | undefined {
  let cur = node;
  let at: number | undefined;
  for (const k of keys) {
    if (isMap(cur)) {
      const pair = cur.items.find((it) => (isScalar(it.key) ? String(it.key.value) : it.key) === String(k));
      if (!pair) break;
      at = (pair.key as { range?: [number, number, number] })?.range?.[0] ?? at;
      cur = pair.value;
    } else if (isSeq(cur) && typeof k === 'number') {
      const item = cur.items[k] as { range?: [number, number, number] } | undefined;
      if (!item) break;
      at = item.range?.[0] ?? at;
      cur = item;
    } else break;
  }
  return at;
}

/** `spec.containers[0].image` as the keys and indices of a YAML path. */
export function fieldPathKeys(p: string): (string | number)[] {
  const keys: (string | number)[] = [];
  for (const m of p.matchAll(/([^.[\]]+)|\[(\d+)\]|\[([^\]]*)\]/g)) {
    if (m[1] !== undefined) keys.push(m[1]);
    else if (m[2] !== undefined) keys.push(Number(m[2]));
    else keys.push(m[3]);
  }
  return keys;
}

/**
 * What the fast path leaves to the full parser: anchors and aliases (the full parser bounds their
 * expansion), merge keys, tags, directives, document-end markers, and the plain scalars js-yaml
 * resolves differently from YAML 1.2's core schema (`-.5`, `+.5` are floats; `0b101` and `-0x1F`
 * are strings), and what may be a collection used as a key (`{{ .Values.x }}`, `? `, `[a]: `),
 * which kubectl refuses. A false alarm (`cmd: a *b`) only costs speed.
 */
const NEEDS_FULL_PARSER = /(?:^|[\s[{,])[&*!][^\s,\]}]|^%|^\.\.\.(?:\s|$)|<<\s*:|(?:^|[\s[{,:])(?:[-+]\.\d|[-+]?0[bB]|[-+]0[xX])|(?:^|\s)!(?:\s|$)|\{\s*[{[]|^\s*(?:-\s+)*\?(?:\s|$)|^\s*(?:-\s+)*\[.*\]\s*:/m;

/** A value as Go's %#v prints it inside an interface{} (for kubectl's `invalid map key` message). */
function goRepr(node: unknown): string {
  if (isMap(node)) {
    const entries = node.items.map((p) => [goRepr(p.key), goRepr(p.value)] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return `map[interface {}]interface {}{${entries.map(([k, v]) => `${k}:${v}`).join(', ')}}`;
  }
  if (isSeq(node)) return `[]interface {}{${node.items.map(goRepr).join(', ')}}`;
  const v = isScalar(node) ? node.value : node;
  if (v === null || v === undefined) return 'interface {}(nil)';
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

/** A mapping key that is itself a map or a list (kubectl cannot convert that to JSON), or undefined. */
function collectionKey(node: unknown): { key: unknown; offset: number } | undefined {
  if (isMap(node)) {
    for (const p of node.items) {
      if (isMap(p.key) || isSeq(p.key)) return { key: p.key, offset: p.key.range?.[0] ?? 0 };
      const inner = collectionKey(p.value);
      if (inner) return inner;
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const inner = collectionKey(item);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** The documents of a multi-document text: each one's text range and the line of its first content. */
function splitDocuments(text: string): { from: number; to: number; line: number }[] {
  const docs: { from: number; to: number; line: number }[] = [];
  let from = 0;
  let line = 0;
  let sawContent = false;
  let lineNo = 0;
  for (let at = 0; at <= text.length; ) {
    const end = text.indexOf('\n', at);
    const stop = end < 0 ? text.length : end;
    lineNo++;
    const l = text.slice(at, stop);
    if (/^---(?:[ \t\r]|$)/.test(l)) {
      // A marker after content ends that document; a first marker only opens the first one.
      if (sawContent || docs.length > 0) docs.push({ from, to: at, line: line || lineNo });
      from = at + 3;
      sawContent = /\S/.test(l.slice(3)) && !/^\s*#/.test(l.slice(3));
      line = sawContent ? lineNo : 0;
    } else if (!sawContent && /\S/.test(l) && !/^\s*#/.test(l)) {
      sawContent = true;
      line = lineNo;
    }
    if (end < 0) break;
    at = end + 1;
  }
  if (sawContent || docs.length > 0) docs.push({ from, to: text.length, line: line || lineNo });
  return docs;
}

/**
 * The fast path: js-yaml (YAML 1.2's core schema, as the full parser's default) reads a file ten
 * times faster, which is most of checking 50,000 objects. Only for files without anchors or
 * aliases, and only when every document parses: otherwise nothing is added and the full parser
 * reads the file again with its exact errors. Field lines still come from the full parser, lazily.
 */
function parseFast(source: string, text: string, out: ManifestRead): boolean {
  if (NEEDS_FULL_PARSER.test(text)) return false;
  const docs = splitDocuments(text);
  const values: unknown[] = [];
  try {
    for (const d of docs) values.push(jsyaml.load(text.slice(d.from, d.to), { schema: jsyaml.CORE_SCHEMA, json: true }));
  } catch {
    return false;
  }
  docs.forEach((d, i) => pushObject(out, source, i + 1, d.line, values[i], fieldLines(text, d.from, d.to)));
  return true;
}

/**
 * The line of a field of the document at text[from, to): its syntax tree is parsed again only
 * when a finding asks (keeping 50,000 trees for that would cost more than the objects).
 */
function fieldLines(text: string, from: number, to: number): (fieldPath: string) => number | undefined {
  return (p) => {
    const sub = new LineCounter();
    const again = parseDocument(text.slice(from, to), { lineCounter: sub, uniqueKeys: false, merge: true });
    const at = keyOffset(again.contents, fieldPathKeys(p));
    return at === undefined ? undefined : lineAt(text, from) + sub.linePos(at).line - 1;
  };
}

/** The 1-based line of a text offset. */
function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Parses one source's text into objects (YAML or JSON). */
export async function parseManifest(source: string, text: string, out: ManifestRead): Promise<void> {
  const trimmed = text.replace(/^\uFEFF/, '');
  if (/^\s*[[{]/.test(trimmed)) {
    try {
      pushObject(out, source, 1, 1, JSON.parse(trimmed));
      return;
    } catch {
      // Not strict JSON: YAML (a superset of JSON flow style) gets its turn and a precise error.
    }
  }
  if (parseFast(source, trimmed, out)) return;
  const lc = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(trimmed, { lineCounter: lc, prettyErrors: false, uniqueKeys: false, merge: true });
  } catch (e) {
    out.errors.push({ kind: 'parse', text: `error: error parsing ${source}: ${(e as Error).message}`, message: (e as Error).message, source });
    return;
  }
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, i) => {
    const document = i + 1;
    const start = doc.range?.[0] ?? 0;
    const line = lc.linePos(doc.contents?.range?.[0] ?? start).line;
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      let at = e.pos[0];
      let msg = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      // A key indented under a value (`name: x` then `   labels: y`): the parser reports where the
      // value began, a line early; the fault is the second line's `:`, where go-yaml (kubectl)
      // reports it, in its words.
      const implicit = doc.errors.find((x) => x.code === 'MULTILINE_IMPLICIT_KEY');
      if (implicit && (e.code === 'BLOCK_AS_IMPLICIT_KEY' || e === implicit)) {
        at = implicit.pos[1];
        msg = 'mapping values are not allowed in this context';
      }
      const pos = lc.linePos(at);
      out.errors.push({ kind: 'parse', text: `error: error parsing ${source}: yaml: line ${pos.line}, column ${pos.col}: ${msg}`, message: `yaml: ${msg}`, source, document, line: pos.line, column: pos.col });
      return;
    }
    const bad = collectionKey(doc.contents);
    if (bad) {
      const pos = lc.linePos(bad.offset);
      const message = `error converting YAML to JSON: yaml: invalid map key: ${goRepr(bad.key)}`;
      out.errors.push({ kind: 'parse', text: `error: error parsing ${source}: ${message}`, message, source, document, line: pos.line, column: pos.col });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (e) {
      // toJS refuses only what expands past the alias budget: an input to refuse, not a typo.
      out.errors.push({ kind: 'input', text: `error: error parsing ${source} (document ${document}, line ${line}): ${(e as Error).message}`, message: (e as Error).message, source, document, line });
      return;
    }
    pushObject(out, source, document, line, value, fieldLines(trimmed, doc.range[0], doc.range[2]));
  });
}

/** Reads every -f source: objects in order plus all errors found. */
export async function readManifests(names: string[], recursive: boolean, stdin: () => Promise<string>): Promise<ManifestRead> {
  const { texts, errors } = await readSources(names, recursive, stdin);
  const out: ManifestRead = { objects: [], errors, sources: texts.map((t) => t.source) };
  for (const t of texts) await parseManifest(t.source, t.text, out);
  return out;
}
