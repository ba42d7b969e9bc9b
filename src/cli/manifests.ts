// Reading manifests for -f (loaded only by commands that take -f: it pulls in the yaml library): files, folders (-R), `-` for stdin and URLs; YAML (multi-document,
// anchors, CRLF) or JSON; `List` kinds expanded. Every problem is collected with its file, line
// and column, so one bad document never hides the good ones.
import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { KubeObject } from '../api/types.js';

/** One object read from a manifest, with where it came from. */
export interface ManifestObject {
  source: string;
  /** 1-based index of the YAML document in its file. */
  document: number;
  /** 1-based line where the document starts. */
  line: number;
  object: KubeObject;
}

/** The result of reading: the objects in order, and every error found on the way. */
export interface ManifestRead {
  objects: ManifestObject[];
  errors: string[];
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

function sizeError(name: string, size: number): string {
  return `error: ${name} is too large (${(size / 1024 / 1024).toFixed(1)} MiB): minik reads manifests of at most ${MAX_MANIFEST_BYTES / 1024 / 1024} MiB`;
}

/** Reads all -f sources into texts, in order; missing paths become errors. */
async function readSources(names: string[], recursive: boolean, stdin: () => Promise<string>): Promise<{ texts: { source: string; text: string }[]; errors: string[] }> {
  const texts: { source: string; text: string }[] = [];
  const errors: string[] = [];
  for (const name of names) {
    if (name === '-') {
      const text = await stdin();
      if (Buffer.byteLength(text) > MAX_MANIFEST_BYTES) errors.push(sizeError('STDIN', Buffer.byteLength(text)));
      else texts.push({ source: 'STDIN', text });
      continue;
    }
    if (/^https?:\/\//.test(name)) {
      try {
        const res = await fetch(name);
        if (!res.ok) errors.push(`error: unable to read URL "${name}", server reported ${res.status} ${res.statusText}, status code=${res.status}`);
        else texts.push({ source: name, text: await res.text() });
      } catch (e) {
        errors.push(`error: unable to read URL "${name}": ${(e as Error).message}`);
      }
      continue;
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(name);
    } catch {
      errors.push(`error: the path "${name}" does not exist`);
      continue;
    }
    const files = st.isDirectory() ? listFiles(name, recursive) : [name];
    for (const f of files) {
      const size = fs.statSync(f).size;
      if (size > MAX_MANIFEST_BYTES) {
        errors.push(sizeError(f, size));
        continue;
      }
      texts.push({ source: f, text: fs.readFileSync(f, 'utf8') });
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

function pushObject(out: ManifestRead, source: string, document: number, line: number, value: unknown): void {
  if (value === null || value === undefined) return;
  const problem = typeProblems(value);
  if (problem) {
    out.errors.push(`error: error validating "${source}" (document ${document}, line ${line}): ${problem}; if you choose to ignore these errors, turn validation off with --validate=false`);
    return;
  }
  const o = value as KubeObject;
  if (o.kind!.endsWith('List') && Array.isArray(o.items)) {
    for (const item of o.items) pushObject(out, source, document, line, item);
    return;
  }
  if (o.metadata !== undefined && (typeof o.metadata !== 'object' || o.metadata === null || Array.isArray(o.metadata))) {
    out.errors.push(`error: error validating "${source}" (document ${document}, line ${line}): error validating data: metadata must be an object`);
    return;
  }
  o.metadata ??= {};
  out.objects.push({ source, document, line, object: o });
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
  const lc = new LineCounter();
  let docs;
  try {
    docs = parseAllDocuments(trimmed, { lineCounter: lc, prettyErrors: false, uniqueKeys: false, merge: true });
  } catch (e) {
    out.errors.push(`error: error parsing ${source}: ${(e as Error).message}`);
    return;
  }
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, i) => {
    const document = i + 1;
    const start = doc.range?.[0] ?? 0;
    const line = lc.linePos(doc.contents?.range?.[0] ?? start).line;
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const pos = lc.linePos(e.pos[0]);
      const msg = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
      out.errors.push(`error: error parsing ${source}: yaml: line ${pos.line}, column ${pos.col}: ${msg}`);
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (e) {
      out.errors.push(`error: error parsing ${source} (document ${document}, line ${line}): ${(e as Error).message}`);
      return;
    }
    pushObject(out, source, document, line, value);
  });
}

/** Reads every -f source: objects in order plus all errors found. */
export async function readManifests(names: string[], recursive: boolean, stdin: () => Promise<string>): Promise<ManifestRead> {
  const { texts, errors } = await readSources(names, recursive, stdin);
  const out: ManifestRead = { objects: [], errors };
  for (const t of texts) await parseManifest(t.source, t.text, out);
  return out;
}
