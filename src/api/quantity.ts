// resource.Quantity: parsing `500m`, `2`, `128Mi`, `1G`, `1e3` into numbers.

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/;

/** True when the string is a valid Kubernetes quantity. */
export function isQuantity(q: string | number): boolean {
  return typeof q === 'number' ? Number.isFinite(q) : QUANTITY.test(q.trim());
}

/** The value of a quantity as a plain number (`500m` -> 0.5, `1Gi` -> 1073741824); NaN if invalid. */
export function parseQuantity(q: string | number | undefined): number {
  if (q === undefined) return 0;
  if (typeof q === 'number') return q;
  const m = QUANTITY.exec(q.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  if (m[3] !== undefined) return n * 10 ** Number(m[3]);
  const suffix = m[2] ?? '';
  return n * (BINARY[suffix] ?? DECIMAL[suffix]);
}

/** CPU in millicores (`250m` -> 250, `2` -> 2000). */
export function milliCPU(q: string | number | undefined): number {
  return Math.round(parseQuantity(q) * 1000);
}

/** A number written as Kubernetes prints a quantity: millis for fractions, binary suffixes for whole multiples of 1024 (`1.5` -> `1500m`, 2147483648 -> `2Gi`). */
export function formatQuantity(v: number): string {
  if (!Number.isInteger(v)) return `${Math.round(v * 1000)}m`;
  for (const [suffix, n] of [['Ei', 2 ** 60], ['Pi', 2 ** 50], ['Ti', 2 ** 40], ['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) if (v >= n && v % n === 0) return `${v / n}${suffix}`;
  return String(v);
}
