// `explain`'s text, from a group-version's OpenAPI v3 document, laid out as kubectl 1.32's
// plaintext template lays it out: GROUP/KIND/VERSION, then either the kind or the field at the
// end of the path (FIELD: name <type>), its DESCRIPTION (wrapped at 76 columns, the descriptions
// of a field and of its type one after the other), and its FIELDS (each with its type, whether it
// is required, and its description; with --recursive, the names of every field below, indented).
// References are followed; a type met again on the way down stops there (cycles).

type Json = Record<string, unknown>;

/** A group/version/kind, as `x-kubernetes-group-version-kind` lists them. */
export interface GVK {
  group: string;
  version: string;
  kind: string;
}

/** A group/version/resource, as kubectl maps what the user typed. */
export interface GVR {
  group: string;
  version: string;
  resource: string;
}

export interface ExplainRequest {
  gvr: GVR;
  /** The fields after the resource: `spec`, `template`, ... */
  fieldPath: string[];
  recursive: boolean;
}

/** An explain that cannot be printed: kubectl's message, and what it printed before it. */
export class ExplainError extends Error {
  constructor(
    message: string,
    readonly printed = '',
  ) {
    super(message);
  }
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Wraps text at `limit` columns as kubectl's word-wrap writer does: breaks at the last space that
 * keeps a line within the limit (the space dropped), keeps existing line breaks, and leaves a
 * word longer than the limit whole on a line of its own.
 */
export function wordWrap(s: string, limit: number): string {
  let out = '';
  let column = 0; // what the current line holds so far, flushed
  let word = '';
  let spaces = '';
  for (const ch of s) {
    if (ch === '\n') {
      if (word === '') {
        if (column + spaces.length <= limit) out += spaces;
      } else out += spaces + word;
      out += '\n';
      spaces = word = '';
      column = 0;
    } else if (/\s/.test(ch) && ch !== '\u00a0') {
      if (spaces === '' || word !== '') {
        column += spaces.length + word.length;
        out += spaces + word;
        spaces = word = '';
      }
      spaces += ch;
    } else {
      word += ch;
      if (column + spaces.length + word.length > limit && word.length < limit) {
        out += '\n';
        column = 0;
        spaces = '';
      }
    }
  }
  if (word === '') {
    if (column + spaces.length <= limit) out += spaces;
  } else out += spaces + word;
  return out;
}

const indent = (amount: number, s: string): string => {
  const pad = ' '.repeat(amount);
  return pad + s.replaceAll('\n', `\n${pad}`);
};

class Explainer {
  constructor(
    private doc: Json,
    private recursive: boolean,
  ) {}

  /** The schema a `#/components/schemas/...` reference names, or undefined. */
  resolve(ref: unknown): Json | undefined {
    if (typeof ref !== 'string' || !ref.startsWith('#')) return undefined;
    let cur: unknown = this.doc;
    for (const k of ref.slice(1).split('/')) {
      if (k === '') continue;
      if (!isObject(cur) || !isObject(cur[k])) return undefined;
      cur = cur[k];
    }
    return cur as Json;
  }

  /** The type hint: string, integer, Object, []Container, map[string]string, DeploymentSpec... */
  typeGuess(s: Json): string {
    if (isObject(s.items)) return `[]${this.typeGuess(s.items)}`;
    if (isObject(s.additionalProperties)) return `map[string]${this.typeGuess(s.additionalProperties)}`;
    const allOf = s.allOf as Json[] | undefined;
    if (Array.isArray(allOf) && allOf.length === 1 && !s.properties) return this.typeGuess(allOf[0]);
    if (typeof s.$ref === 'string' && s.$ref) {
      const target = this.resolve(s.$ref);
      if (!target || !target.type || target.type === 'object') return s.$ref.split('/').at(-1)!.split('.').at(-1) || 'Object';
      return String(target.type);
    }
    return s.type === 'object' || !s.type ? 'Object' : String(s.type);
  }

  /** `ENUM:` lines (a field's own view) or `enum: a, b, ....` (in a field list, at most `limit`). */
  enumText(s: Json, long: boolean, limit: number, indentAmount = 0): string {
    const values = s.enum;
    if (!Array.isArray(values) || values.length === 0) return '';
    let out = long ? 'ENUM:' : `\n${' '.repeat(indentAmount)}enum: `;
    for (let i = 0; i < values.length; i++) {
      if (limit > -1 && i >= limit) {
        out += ', ....';
        break;
      }
      if (i > 0 && !long) out += ', ';
      else if (long) out += '\n    ';
      out += values[i] === '' ? '""' : String(values[i]);
    }
    return out;
  }

  /** A schema's description, then those of what it is made of (allOf, items, map values), one per line. */
  description(s: Json): string {
    const r = this.resolve(s.$ref) ?? s;
    if (Object.keys(r).length === 0) return '';
    let out = typeof r.description === 'string' && r.description ? `${r.description}\n` : '';
    for (const a of (r.allOf as Json[] | undefined) ?? []) out += this.description(a);
    if (isObject(r.items)) out += this.description(r.items);
    if (isObject(r.additionalProperties)) out += this.description(r.additionalProperties);
    return out;
  }

  externalDocs(s: Json, indentAmount: number): string {
    const docs = s.externalDocs;
    if (!isObject(docs)) return '';
    let out = `${indent(indentAmount, 'EXTERNAL DOCS:')}\n`;
    if (typeof docs.description === 'string' && docs.description) out += `${indent(indentAmount + 4, wordWrap(docs.description, 76 - indentAmount))}\n`;
    if (typeof docs.url === 'string' && docs.url) out += `${indent(indentAmount + 4, `URL: ${docs.url}`)}\n`;
    return out;
  }

  /** One line per field (with its description unless recursive), and with --recursive the fields below. */
  fieldList(s: Json, level: number, history: Set<string>): string {
    const ref = typeof s.$ref === 'string' ? s.$ref : '';
    if (ref && history.has(ref)) return '';
    const next = new Set(history).add(ref);
    const r = this.resolve(ref) ?? s;
    let out = '';
    const props = isObject(r.properties) ? r.properties : {};
    for (const name of Object.keys(props).sort()) {
      out += this.fieldDetail(r, name, level);
      if (this.recursive) out += this.fieldList(props[name] as Json, level + 1, next);
    }
    for (const a of (r.allOf as Json[] | undefined) ?? []) out += this.fieldList(a, level, next);
    if (isObject(r.items)) out += this.fieldList(r.items, level, next);
    if (isObject(r.additionalProperties)) out += this.fieldList(r.additionalProperties, level, next);
    return out;
  }

  fieldDetail(parent: Json, name: string, level: number): string {
    const indentAmount = level * 2;
    const f = (parent.properties as Json)[name] as Json;
    const required = Array.isArray(parent.required) && parent.required.includes(name);
    let out = `${indent(indentAmount, name)}\t<${this.typeGuess(f)}>${required ? ' -required-' : ''}${this.enumText(f, false, 4, indentAmount)}\n`;
    if (this.recursive) return out;
    const description = typeof f.description === 'string' && f.description ? f.description : '<no description>';
    out += `${indent(indentAmount + 2, wordWrap(description, 78 - indentAmount))}\n`;
    const docs = this.externalDocs(f, indentAmount + 2);
    if (docs) out += `\n${docs}`;
    return `${out}\n`;
  }

  /** Follows the path to its end, then prints what is there ('' when a field is missing). */
  output(s: Json, path: string[], history: Set<string>): string {
    const ref = typeof s.$ref === 'string' ? s.$ref : '';
    const next = new Set(history).add(ref);
    const r = this.resolve(ref) ?? s;
    if (path.length === 0) {
      let out = `DESCRIPTION:\n${indent(4, wordWrap(this.description(r) || '<empty>', 76))}\n`;
      const docs = this.externalDocs(r, 0);
      if (docs) out += `\n${docs}`;
      const fields = this.fieldList(r, 1, new Set());
      if (fields) out += `FIELDS:\n${fields}`;
      return out;
    }
    if (ref && history.has(ref)) return '';
    const props = r.properties;
    if (isObject(props) && isObject(props[path[0]])) {
      const sub = props[path[0]] as Json;
      let out = '';
      if (path.length === 1) out += `FIELD: ${path[0]} <${this.typeGuess(sub)}>\n${this.enumText(sub, true, -1)}\n\n`;
      return out + this.output(sub, path.slice(1), new Set());
    }
    if (isObject(r.items)) return this.output(r.items, path, next);
    if (isObject(r.additionalProperties)) return this.output(r.additionalProperties, path, next);
    for (const a of (r.allOf as Json[] | undefined) ?? []) {
      const out = this.output(a, path, next);
      if (out) return out;
    }
    return '';
  }
}

/** The kind a resource's paths are of: the x-kubernetes-group-version-kind of their first operation that has one. */
function kindOfPaths(doc: Json, gvr: GVR): GVK | undefined {
  const prefix = gvr.group ? `/apis/${gvr.group}` : '/api';
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const p of [
    `${prefix}/${gvr.version}/${gvr.resource}`,
    `${prefix}/${gvr.version}/${gvr.resource}/{name}`,
    `${prefix}/${gvr.version}/namespaces/{namespace}/${gvr.resource}`,
    `${prefix}/${gvr.version}/namespaces/{namespace}/${gvr.resource}/{name}`,
  ]) {
    const item = paths[p];
    if (!isObject(item)) continue;
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = item[method];
      if (isObject(op) && isObject(op['x-kubernetes-group-version-kind'])) return op['x-kubernetes-group-version-kind'] as unknown as GVK;
    }
  }
  return undefined;
}

/** The kind's schema in a document: the component whose x-kubernetes-group-version-kind names it. */
function kindSchema(doc: Json, gvk: GVK): Json | undefined {
  const schemas = isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {};
  for (const name of Object.keys(schemas).sort()) {
    const s = schemas[name] as Json;
    const gvks = s['x-kubernetes-group-version-kind'];
    if (Array.isArray(gvks) && gvks.some((g: GVK) => g.group === gvk.group && g.version === gvk.version && g.kind === gvk.kind && Object.keys(g).length === 3)) return s;
  }
  return undefined;
}

/**
 * The explain text of a resource or one of its fields (the document of its group-version): the
 * kind its paths are of, then that kind's schema. Throws ExplainError with kubectl's message
 * and, as kubectl, what was printed before the fault was found.
 */
export function explain(doc: Json, req: ExplainRequest): string {
  const { gvr, fieldPath } = req;
  const gvk = kindOfPaths(doc, gvr);
  if (!gvk) throw new ExplainError(`error: GVR (${gvr.group}/${gvr.version}, Resource=${gvr.resource}) not found in OpenAPI schema`);
  let out = gvk.group ? `GROUP:      ${gvk.group}\n` : '';
  out += `KIND:       ${gvk.kind}\nVERSION:    ${gvk.version}\n\n`;
  const schema = kindSchema(doc, gvk);
  if (!schema) throw new ExplainError(`error: GVK map[group:${gvk.group} kind:${gvk.kind} version:${gvk.version}] not found in OpenAPI schema`, out);
  const body = new Explainer(doc, req.recursive).output(schema, fieldPath, new Set());
  if (!body) throw new ExplainError(`error: field "${fieldPath.at(-1)}" does not exist`, out);
  return `${out}${body}\n`;
}
