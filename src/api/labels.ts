// Label selectors: parsing the string form (`app=web,tier!=db,env in (a,b),!legacy`), converting
// the structured form (matchLabels/matchExpressions), and matching a label set.
import { labelValue, qualifiedName } from './names.js';
import type { LabelSelector } from './types.js';

/** One requirement of a selector. */
export interface Requirement {
  key: string;
  op: 'in' | 'notin' | 'exists' | '!' | '=' | '!=' | 'gt' | 'lt';
  values: string[];
}

/** A parsed selector: all requirements must hold. An empty selector matches everything. */
export type Selector = Requirement[];

/** Thrown for a selector string that does not parse; the message is the API's wording. */
export class SelectorParseError extends Error {}

const TOKEN = /\s*(!=|==|=|\(|\)|,|!|[^\s!=(),]+)/y;

function tokenize(s: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (TOKEN.lastIndex < s.length && (m = TOKEN.exec(s))) out.push(m[1]);
  if (s.slice(TOKEN.lastIndex).trim() !== '') throw new SelectorParseError(`unable to parse requirement: ${s}`);
  return out;
}

/** The apiserver's checks of one parsed requirement: a qualified key, label values, integers for gt/lt. */
function validateRequirement(r: Requirement): void {
  const keyErrs = qualifiedName(r.key);
  if (keyErrs.length) throw new SelectorParseError(`unable to parse requirement: <nil>: Invalid value: ${JSON.stringify(r.key)}: ${keyErrs.join('; ')}`);
  if (r.op === 'gt' || r.op === 'lt') {
    if (r.values.length !== 1 || !/^-?\d+$/.test(r.values[0])) throw new SelectorParseError(`unable to parse requirement: values: Invalid value: ${JSON.stringify(r.values)}: for 'Gt', 'Lt' operators, exactly one value is required and it must be an integer`);
    return;
  }
  if ((r.op === 'in' || r.op === 'notin') && r.values.length === 0) throw new SelectorParseError(`unable to parse requirement: values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`);
  r.values.forEach((v, i) => {
    const errs = labelValue(v);
    if (errs.length) throw new SelectorParseError(`unable to parse requirement: values[${i}][${r.key}]: Invalid value: ${JSON.stringify(v)}: ${errs.join('; ')}`);
  });
}

/** Parses the string form used by `-l` and `?labelSelector=`; keys and values are checked as the apiserver does. */
export function parseSelector(input: string): Selector {
  const reqs = parseSelectorSyntax(input);
  reqs.forEach(validateRequirement);
  return reqs;
}

function parseSelectorSyntax(input: string): Selector {
  const s = input.trim();
  if (s === '') return [];
  const toks = tokenize(s);
  const reqs: Selector = [];
  let i = 0;
  const fail = (msg: string): never => {
    throw new SelectorParseError(`unable to parse requirement: ${msg}`);
  };
  while (i < toks.length) {
    if (toks[i] === '!') {
      const key = toks[i + 1];
      if (!key || /^[(),=!]/.test(key)) fail(`found '${key ?? ''}', expected: identifier`);
      reqs.push({ key, op: '!', values: [] });
      i += 2;
    } else {
      const key = toks[i];
      if (/^[(),=!]/.test(key)) fail(`found '${key}', expected: !, identifier, or 'end of string'`);
      const op = toks[i + 1];
      if (op === undefined || op === ',') {
        reqs.push({ key, op: 'exists', values: [] });
        i += 1;
      } else if (op === '=' || op === '==' || op === '!=') {
        const v = toks[i + 2];
        const value = v === undefined || v === ',' ? '' : v;
        reqs.push({ key, op: op === '!=' ? '!=' : '=', values: [value] });
        i += v === undefined || v === ',' ? 2 : 3;
      } else if (op === 'in' || op === 'notin') {
        if (toks[i + 2] !== '(') fail(`found '${toks[i + 2] ?? ''}', expected: '('`);
        const values: string[] = [];
        let j = i + 3;
        while (j < toks.length && toks[j] !== ')') {
          if (toks[j] !== ',') values.push(toks[j]);
          j++;
        }
        if (toks[j] !== ')') fail(`found 'end of string', expected: ')'`);
        reqs.push({ key, op, values });
        i = j + 1;
      } else if (op === 'gt' || op === 'lt') {
        reqs.push({ key, op, values: [toks[i + 2] ?? ''] });
        i += 3;
      } else {
        fail(`found '${op}', expected: in, notin, =, ==, !=, gt, lt`);
      }
    }
    if (i < toks.length) {
      if (toks[i] !== ',') fail(`found '${toks[i]}', expected: ',' or 'end of string'`);
      i++;
      if (i === toks.length) fail(`found '', expected: identifier after ','`);
    }
  }
  return reqs;
}

/** Converts a metav1.LabelSelector into requirements (an empty selector matches everything). */
export function fromLabelSelector(sel: LabelSelector | undefined | null): Selector {
  if (!sel) return [];
  const reqs: Selector = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key, op: '=', values: [value] });
  for (const e of sel.matchExpressions ?? []) {
    const op = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[e.operator];
    reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return reqs;
}

/** True when the labels satisfy every requirement. */
export function matches(selector: Selector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const r of selector) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case '=':
      case 'in':
        if (!has || !r.values.includes(v)) return false;
        break;
      case '!=':
      case 'notin':
        if (has && r.values.includes(v)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      case 'gt':
      case 'lt': {
        if (!has) return false;
        const n = Number(v);
        const bound = Number(r.values[0]);
        if (Number.isNaN(n) || (r.op === 'gt' ? !(n > bound) : !(n < bound))) return false;
        break;
      }
    }
  }
  return true;
}

/** The string form of a metav1.LabelSelector, as kubectl shows it (`app=web,tier in (a,b)`). */
export function selectorString(sel: LabelSelector | undefined | null): string {
  if (!sel) return '';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) parts.push(`${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.join(',');
}

/** The string form of a plain map selector (Service, ReplicationController): `app=web,tier=fe`. */
export function mapSelectorString(sel: Record<string, string> | undefined | null): string {
  return Object.keys(sel ?? {})
    .sort()
    .map((k) => `${k}=${sel![k]}`)
    .join(',');
}
