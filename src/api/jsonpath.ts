// kubectl's JSONPath templates (`-o jsonpath=...`, `--sort-by`, `wait --for=jsonpath=`):
// `{.a.b}`, `[n]`, `[*]`, `[a:b]`, `..name`, `[?(@.x=="y")]`, `{range ...}{end}`, quoted literals.

import { hasOwn } from './own-keys.js';

/** Thrown for a template that does not parse. */
export class JsonPathError extends Error {}

/** Thrown when a template that parsed cannot be executed on the data (an array index out of range). */
export class JsonPathExecError extends Error {}

type Step =
  | { t: 'field'; name: string }
  | { t: 'index'; i: number }
  | { t: 'slice'; start?: number; end?: number }
  | { t: 'all' }
  | { t: 'recurse'; name: string }
  | { t: 'filter'; path: Step[]; op?: string; value?: unknown };

type Node = { t: 'text'; text: string } | { t: 'expr'; steps: Step[] } | { t: 'range'; steps: Step[]; body: Node[] };

function parsePath(src: string): Step[] {
  const steps: Step[] = [];
  let i = 0;
  const s = src.trim();
  if (s === '' || s === '.' || s === '@' || s === '$') return steps;
  while (i < s.length) {
    const c = s[i];
    if (c === '$' || c === '@') i++;
    else if (c === '.' && s[i + 1] === '.') {
      const m = /^[\w-]+/.exec(s.slice(i + 2));
      if (!m) throw new JsonPathError(`unrecognized identifier in ${src}`);
      steps.push({ t: 'recurse', name: m[0] });
      i += 2 + m[0].length;
    } else if (c === '.') {
      // A field name runs to the next unescaped `.` or `[`; `\.` is a literal dot (annotation keys).
      const m = /^(?:\\.|[^.[\]\\])+/.exec(s.slice(i + 1));
      if (!m) {
        i++;
        continue;
      }
      const name = m[0].replace(/\\(.)/g, '$1');
      steps.push(name === '*' ? { t: 'all' } : { t: 'field', name });
      i += 1 + m[0].length;
    } else if (c === '[') {
      let depth = 0;
      let j = i;
      for (; j < s.length; j++) {
        if (s[j] === '[') depth++;
        else if (s[j] === ']' && --depth === 0) break;
      }
      const inner = s.slice(i + 1, j).trim();
      i = j + 1;
      if (inner === '*') steps.push({ t: 'all' });
      else if (inner.startsWith('?(')) {
        const body = inner.slice(2, -1).trim();
        const m = /^(@[^\s=!<>]*)\s*(==|!=|<=|>=|<|>)\s*(.+)$/.exec(body);
        if (m) {
          let v: unknown = m[3].trim();
          if (/^(['"]).*\1$/.test(v as string)) v = (v as string).slice(1, -1);
          else if (!Number.isNaN(Number(v))) v = Number(v);
          steps.push({ t: 'filter', path: parsePath(m[1]), op: m[2], value: v });
        } else steps.push({ t: 'filter', path: parsePath(body) });
      } else if (/^-?\d*:-?\d*$/.test(inner)) {
        const [a, b] = inner.split(':');
        steps.push({ t: 'slice', start: a ? Number(a) : undefined, end: b ? Number(b) : undefined });
      } else if (/^-?\d+$/.test(inner)) steps.push({ t: 'index', i: Number(inner) });
      else if (/^(['"]).*\1$/.test(inner)) steps.push({ t: 'field', name: inner.slice(1, -1) });
      else throw new JsonPathError(`invalid array index ${inner}`);
    } else throw new JsonPathError(`unrecognized character in action: ${c}`);
  }
  return steps;
}

/**
 * Index and slice bounds as client-go's jsonpath checks them (evalArray): a negative start counts
 * from the end; a range asking for no element is empty; otherwise a start outside the array or an
 * end past it is an error (kubectl -o jsonpath exits 1 on it, which scripts rely on).
 */
function checkedSlice(v: unknown[], start: number | undefined, end: number | undefined): unknown[] {
  const len = v.length;
  let from = start ?? 0;
  if (from < 0) from += len;
  let to = end ?? len;
  if (end !== undefined && end < 0) to += len;
  if (to === from) return [];
  if (from >= len || from < 0) throw new JsonPathExecError(`array index out of bounds: index ${from}, length ${len}`);
  if (to > len || to < 0) throw new JsonPathExecError(`array index out of bounds: index ${to - 1}, length ${len}`);
  if (from > to) throw new JsonPathExecError(`starting index ${from} is greater than ending index ${to}`);
  return v.slice(from, to);
}

function apply(steps: Step[], roots: unknown[], strict = false): unknown[] {
  let cur = roots;
  for (const st of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (v === undefined || v === null) continue;
      switch (st.t) {
        case 'field':
          if (typeof v === 'object' && !Array.isArray(v) && hasOwn(v as object, st.name)) next.push((v as Record<string, unknown>)[st.name]);
          break;
        case 'index':
          if (!Array.isArray(v)) break;
          // [n] is the slice [n:n+1]; [-1] the last element.
          if (strict) next.push(...checkedSlice(v, st.i, st.i < 0 ? (st.i + 1 === 0 ? v.length : st.i + 1) : st.i + 1));
          else {
            const i = st.i < 0 ? v.length + st.i : st.i;
            if (i >= 0 && i < v.length) next.push(v[i]);
          }
          break;
        case 'slice':
          if (Array.isArray(v)) next.push(...(strict ? checkedSlice(v, st.start, st.end) : v.slice(st.start, st.end)));
          break;
        case 'all':
          if (Array.isArray(v)) next.push(...v);
          else if (typeof v === 'object') next.push(...Object.values(v as object));
          break;
        case 'recurse': {
          const walk = (x: unknown) => {
            if (Array.isArray(x)) x.forEach(walk);
            else if (x && typeof x === 'object') {
              if (hasOwn(x as object, st.name)) next.push((x as Record<string, unknown>)[st.name]);
              Object.values(x as object).forEach(walk);
            }
          };
          walk(v);
          break;
        }
        case 'filter':
          if (Array.isArray(v))
            for (const item of v) {
              const got = apply(st.path, [item], strict);
              if (st.op === undefined) {
                if (got.length > 0 && got[0] !== false && got[0] !== null) next.push(item);
                continue;
              }
              const x = got[0];
              const y = st.value;
              const ok =
                st.op === '==' ? String(x) === String(y) : st.op === '!=' ? String(x) !== String(y) : st.op === '<' ? Number(x) < Number(y) : st.op === '>' ? Number(x) > Number(y) : st.op === '<=' ? Number(x) <= Number(y) : Number(x) >= Number(y);
              if (got.length > 0 && ok) next.push(item);
            }
          break;
      }
    }
    cur = next;
  }
  return cur;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };

function unquote(s: string): string {
  return s.replace(/\\(.)/g, (m, c: string) => ESCAPES[c] ?? m);
}

function parseTemplate(tpl: string): Node[] {
  const tokens: { text?: string; action?: string }[] = [];
  let i = 0;
  while (i < tpl.length) {
    const open = tpl.indexOf('{', i);
    if (open < 0) {
      tokens.push({ text: tpl.slice(i) });
      break;
    }
    if (open > i) tokens.push({ text: tpl.slice(i, open) });
    let depth = 0;
    let j = open;
    let quote: string | null = null;
    for (; j < tpl.length; j++) {
      const ch = tpl[j];
      if (quote) {
        if (ch === '\\') j++;
        else if (ch === quote) quote = null;
      } else if (ch === '"' || ch === "'") quote = ch;
      else if (ch === '{') depth++;
      else if (ch === '}' && --depth === 0) break;
    }
    if (j >= tpl.length) throw new JsonPathError(`unclosed action`);
    tokens.push({ action: tpl.slice(open + 1, j).trim() });
    i = j + 1;
  }
  let pos = 0;
  const parseNodes = (inRange: boolean): Node[] => {
    const nodes: Node[] = [];
    while (pos < tokens.length) {
      const tk = tokens[pos++];
      if (tk.text !== undefined) nodes.push({ t: 'text', text: tk.text });
      else if (tk.action === 'end') {
        if (!inRange) throw new JsonPathError('not in range, nothing to end');
        return nodes;
      } else if (tk.action!.startsWith('range ')) nodes.push({ t: 'range', steps: parsePath(tk.action!.slice(6)), body: parseNodes(true) });
      else if (/^(["']).*\1$/s.test(tk.action!)) nodes.push({ t: 'text', text: unquote(tk.action!.slice(1, -1)) });
      else nodes.push({ t: 'expr', steps: parsePath(tk.action!) });
    }
    if (inRange) throw new JsonPathError('unclosed range');
    return nodes;
  };
  return parseNodes(false);
}

function format(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Evaluates one path (`.status.phase`) against a value: all matches. */
export function evalPath(path: string, data: unknown): unknown[] {
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1);
  return apply(parsePath(p), [data]);
}

/**
 * Renders a JSONPath template against data, as `kubectl -o jsonpath=` does. Missing keys print
 * nothing (kubectl's --allow-missing-template-keys); an index out of range throws JsonPathExecError.
 */
export function renderJsonPath(template: string, data: unknown): string {
  const nodes = parseTemplate(template);
  const render = (ns: Node[], root: unknown): string => {
    let out = '';
    for (const n of ns) {
      if (n.t === 'text') out += n.text;
      else if (n.t === 'expr') out += apply(n.steps, [root], true).map(format).join(' ');
      else for (const item of apply(n.steps, [root], true)) out += render(n.body, item);
    }
    return out;
  };
  return render(nodes, data);
}
