// CEL, the expression language of CRD validation rules (x-kubernetes-validations) and
// ValidatingAdmissionPolicies, through @bufbuild/cel: expressions parsed once and kept, JSON
// values handed over as CEL values (integers as CEL ints where the schema, or the value, says so),
// results and errors handed back as plain values. The library is loaded on the first expression
// (about 200 ms and 18 MiB): clusters without rules or policies never pay for it.
import { createRequire } from 'node:module';
import type { CelEnv, CelInput } from '@bufbuild/cel';
import { kubernetesFunctions } from './cel-kubernetes.js';
import type { JSONSchemaProps } from './types.js';

type CelLib = typeof import('@bufbuild/cel');

let lib: { cel: CelLib; env: CelEnv } | undefined;

function load(): { cel: CelLib; env: CelEnv } {
  if (!lib) {
    const require = createRequire(import.meta.url);
    const cel = require('@bufbuild/cel') as CelLib;
    const { strings } = require('@bufbuild/cel/ext') as typeof import('@bufbuild/cel/ext');
    lib = { cel, env: cel.celEnv({ funcs: [...strings, ...kubernetesFunctions(cel)] }) };
  }
  return lib;
}

/** A compiled expression, or why it does not compile. */
export type Compiled = { ok: true; run: (vars: Record<string, CelInput>) => unknown } | { ok: false; error: string };

const cache = new Map<string, Compiled>();

/** Compiles an expression (remembered: policies and schemas run the same ones on every write). */
export function compile(expression: string): Compiled {
  let c = cache.get(expression);
  if (c) return c;
  try {
    const { cel, env } = load();
    const program = cel.plan(env, cel.parse(expression));
    c = { ok: true, run: (vars) => program(vars) };
  } catch (e) {
    c = { ok: false, error: (e as Error).message };
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(expression, c);
  return c;
}

/** The outcome of evaluating an expression: its value, or the error it raised. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: string };

/** Evaluates a compiled expression with variables (CEL values, see toCel). */
export function evaluate(c: Compiled, vars: Record<string, CelInput>): Outcome {
  if (!c.ok) return { ok: false, error: `compilation failed: ${c.error}` };
  try {
    const value = c.run(vars);
    if (load().cel.isCelError(value)) return { ok: false, error: (value as Error).message };
    return { ok: true, value };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/**
 * A JSON value as a CEL value: objects as maps, lists as lists, numbers as ints where the schema
 * says integer (or, with no schema, where the number is whole) and as doubles otherwise.
 */
export function toCel(v: unknown, s?: JSONSchemaProps): CelInput {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    const whole = Number.isInteger(v);
    if (s?.type === 'number') return v;
    return whole && (s === undefined || s.type === 'integer' || s['x-kubernetes-int-or-string'] || !s.type) ? BigInt(v) : v;
  }
  if (Array.isArray(v)) {
    const items = s && !Array.isArray(s.items) ? s.items : undefined;
    return v.map((x) => toCel(x, items));
  }
  if (typeof v === 'object') {
    const m = new Map<string, CelInput>();
    const extra = s && typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
    for (const [k, x] of Object.entries(v)) m.set(k, toCel(x, s?.properties?.[k] ?? extra));
    return m;
  }
  return v as CelInput;
}

/**
 * The message of a failed rule or validation: its messageExpression's result when that evaluates
 * to a non-blank string, else its message, else `fallback` (as Kubernetes words each default).
 */
export function failureMessage(rule: { message?: string; messageExpression?: string }, vars: Record<string, CelInput>, fallback: string): string {
  if (rule.messageExpression) {
    const m = evaluate(compile(rule.messageExpression), vars);
    if (m.ok && typeof m.value === 'string' && m.value.trim()) return m.value;
  }
  return rule.message || fallback;
}
