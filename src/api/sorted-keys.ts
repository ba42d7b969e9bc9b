// A JSON value with every object's keys in sorted order (a new value; the input is not changed):
// what `-o yaml` prints and what the pod-template hash is computed over.

/** `dropNull`: leave out fields set to null too (fields set to undefined always go). */
export function sortKeys(v: unknown, dropNull = false): unknown {
  if (Array.isArray(v)) return v.map((x) => sortKeys(x, dropNull));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined && !(dropNull && x === null)) out[k] = sortKeys(x, dropNull);
    }
    return out;
  }
  return v;
}
