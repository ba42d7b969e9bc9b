// Equality of API values as JSON sees them: same fields and values whatever the key order, a
// field set to undefined counts as absent. Shared sub-objects (interned, or carried over from
// the previous version) compare by identity first, so a status compared with the one it was
// derived from costs little.

/** True when `a` and `b` serialise to the same JSON, up to key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return equal(a, b, false);
}

/**
 * Equality as the apiserver sees two decoded objects: like jsonEqual, and a field set to null is
 * absent too (Go decodes both to the zero value). What decides whether a spec changed
 * (metadata.generation) and whether an immutable field was touched.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return equal(a, b, true);
}

function equal(a: unknown, b: unknown, nullIsAbsent: boolean): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equal(a[i], b[i], nullIsAbsent)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const absent = (v: unknown) => v === undefined || (nullIsAbsent && v === null);
  // for...in allocates nothing (this runs on every status write). Object.prototype has no
  // enumerable keys, so only own keys come up; a key named `__proto__` is data, read as an own
  // property (y['__proto__'] would be y's prototype).
  let nx = 0;
  for (const k in x) {
    const v = x[k];
    if (absent(v)) continue;
    nx++;
    const w = k === '__proto__' ? (Object.prototype.hasOwnProperty.call(y, k) ? y[k] : undefined) : y[k];
    if (!equal(v, w, nullIsAbsent)) return false;
  }
  let ny = 0;
  for (const k in y) if (!absent(y[k])) ny++;
  return nx === ny;
}
