// -o json as kubectl prints it: Go's json.MarshalIndent with 4 spaces. Objects from the server are
// maps to kubectl, and Go writes a map's keys sorted (byte order, so "10" before "9"); strings get
// Go's HTML-safe escapes (`&` is \u0026, `<` \u003c, `>` \u003e; U+2028 and U+2029 too).

const GO_ESCAPES: Record<string, string> = { '&': '\\u0026', '<': '\\u003c', '>': '\\u003e', '\u2028': '\\u2028', '\u2029': '\\u2029' };

function str(s: string): string {
  return JSON.stringify(s).replace(/[&<>\u2028\u2029]/g, (c) => GO_ESCAPES[c]);
}

const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function write(v: unknown, indent: string, sorted: boolean): string {
  if (typeof v === 'string') return str(v);
  if (v === null || typeof v !== 'object') return v === undefined ? 'null' : JSON.stringify(v) ?? 'null';
  const inner = indent + '    ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + write(x, inner, sorted)).join(',\n')}\n${indent}]`;
  }
  const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined);
  if (sorted) keys.sort(byBytes);
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `${inner}${str(k)}: ${write((v as Record<string, unknown>)[k], inner, sorted)}`).join(',\n')}\n${indent}}`;
}

/**
 * One object (or List) as kubectl's `-o json`. `sorted: false` keeps the keys' order, for
 * documents kubectl prints from a Go struct (`version -o json`).
 */
export function toJson(v: unknown, opts: { sorted?: boolean } = {}): string {
  return write(v, '', opts.sorted ?? true) + '\n';
}
