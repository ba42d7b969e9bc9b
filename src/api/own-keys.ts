// Keys that come from users (labels, data, patch paths, field paths) are data, never a path into
// an object's prototype: `__proto__`, `constructor` and `prototype` are read only as own
// properties and written as own properties. Every walker of user-supplied keys goes through these.

const has = Object.prototype.hasOwnProperty;

/** True when `key` is an own property of `o` (never an inherited one such as `__proto__`). */
export function hasOwn(o: object, key: string): boolean {
  return has.call(o, key);
}

/** `o[key]` when it is an own property; undefined otherwise. */
export function getOwn(o: object, key: string): unknown {
  return has.call(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

/** Sets `o[key]` as an own data property: `__proto__` becomes a key like any other, not the prototype. */
export function setOwn(o: object, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  else (o as Record<string, unknown>)[key] = value;
}
