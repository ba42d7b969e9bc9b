// -o yaml as kubectl prints it: sorted keys and YAML 1.1 quoting (what Go's yaml.v2 emits).
// Loaded only when YAML is printed: the yaml library is the slowest module to load.
import { Document, Scalar, isScalar, parse, parseDocument, visit } from 'yaml';
import { sortKeys } from '../api/sorted-keys.js';

/** YAML (or JSON) text read back, as `edit` reads the file it printed (throws on a syntax error). */
export const parseYaml = (text: string): unknown => parse(text);

/** One object (or List) as kubectl's `-o yaml`. */
export function toYaml(v: unknown): string {
  const doc = new Document(sortKeys(v), { version: '1.1' });
  // Go's yaml.v2 double-quotes a string that would read back as something else (`"1"`, `"true"`,
  // `""`), and single-quotes one that only needs quoting for its syntax (`'*/5 * * * *'`).
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string') return;
      const style = goStyle(node.value);
      if (style) node.type = style;
    },
  });
  return doc.toString({ indentSeq: false, lineWidth: 0, minContentWidth: 0, nullStr: 'null', defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN', doubleQuotedAsJSON: true, singleQuote: true });
}

/**
 * The quoting Go's yaml.v2 forces on a string, where the default (plain when it can be, else single
 * quotes) is not what it does: double quotes for a string that would read back as a number, bool,
 * null or time (`"1"`, `"true"`, `"~"`, `"12:30"`, `"2026-01-01"`), or that is empty or holds a tab or control
 * character; single quotes for one that starts with a quote.
 */
function goStyle(s: string): Scalar.Type | undefined {
  if (s === '' || /[\u0000-\u0008\u0009\u000b-\u001f\u007f]/.test(s)) return Scalar.QUOTE_DOUBLE;
  // Only what could read as a number, time, bool or null is parsed (every string of a large
  // `-o yaml` passes here): those start with a digit, sign, dot or tilde, or are one of the words.
  const maybe = /^[-+.~0-9]/.test(s) || /^(y|yes|n|no|true|false|on|off|null)$/i.test(s);
  const read = maybe ? parseDocument(s, { version: '1.1', logLevel: 'silent' }) : undefined;
  if (read && read.errors.length === 0 && read.warnings.length === 0 && isScalar(read.contents)) {
    const v: unknown = read.contents.value;
    if (v === null || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return Scalar.QUOTE_DOUBLE;
  }
  if (s.startsWith("'") || s.startsWith('"')) return Scalar.QUOTE_SINGLE;
  return undefined;
}
