// Small collection helpers the hot loops share.

/** Appends `value` to the list at `key`, creating it on first use (no copying: O(1)). */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
