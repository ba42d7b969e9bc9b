// Small collection helpers the hot loops share.

/** Appends `value` to the list at `key`, creating it on first use (no copying: O(1)). */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Adds `by` (default 1) to the count at `key`, starting from 0. */
export function countUp<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}
