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
  const text = doc.toString({ indentSeq: false, lineWidth: 0, minContentWidth: 0, nullStr: 'null', defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN', doubleQuotedAsJSON: true, singleQuote: true });
  return foldLongScalars(text);
}

/** Every line's long scalar folded, except the lines of literal blocks (`key: |`), which are text. */
function foldLongScalars(text: string): string {
  let blockOf = -1; // the indentation of the line that opened a literal block, while inside it
  return text
    .split('\n')
    .map((line) => {
      const indentation = line.length - line.trimStart().length;
      if (blockOf >= 0 && (line.trim() === '' || indentation > blockOf)) return line;
      blockOf = /(?:: |^ *(?:- )+)[|>][-+]?\d*$/.test(line) ? indentation : -1;
      return blockOf >= 0 ? line : foldLine(line);
    })
    .join('\n');
}

/** Go's yaml.v2 emitter breaks a long plain or single-quoted scalar past this column. */
const BEST_WIDTH = 80;
const ENTRY = /^( *)((?:- )*)([^\s'"#:-][^:]*|'(?:[^']|'')*'): (.+)$/;
const ITEM = /^( *)((?:- )+)(.+)$/;

/**
 * A line with a long scalar folded as Go's yaml.v2 folds it: at the first space (one, between
 * two non-spaces) found when the line is already past column 80, the space becomes a line break
 * and the indentation of the value's continuation (two more than its key, or the item's column).
 */
function foldLine(line: string): string {
  if (line.length <= BEST_WIDTH) return line;
  let prefix: string;
  let value: string;
  let indent: number;
  const entry = ENTRY.exec(line);
  if (entry) {
    const keyColumn = entry[1].length + entry[2].length;
    prefix = line.slice(0, line.length - entry[4].length);
    value = entry[4];
    indent = keyColumn + 2;
  } else {
    const item = ITEM.exec(line);
    if (!item || /^[^'"\s][^:]*: /.test(item[3])) return line;
    prefix = item[1] + item[2];
    value = item[3];
    indent = prefix.length;
  }
  const quoted = value.startsWith("'");
  if (!quoted && /^["|>[{&*!]/.test(value)) return line;
  if (quoted && !value.endsWith("'")) return line;
  let out = prefix;
  let column = prefix.length;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    const spaceBefore = i > 0 && value[i - 1] === ' ';
    const inner = !quoted || (i > 0 && i < value.length - 1);
    if (ch === ' ' && !spaceBefore && column > BEST_WIDTH && inner && value[i + 1] !== ' ' && i + 1 < value.length) {
      out += `\n${' '.repeat(indent)}`;
      column = indent;
      continue;
    }
    out += ch;
    column++;
  }
  return out;
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
