// A set of keys that may give false positives but never false negatives, in a few bytes per key:
// 32-bit hashes in an open-addressed table. The store asks it before looking a cold object up
// in SQLite, so creating an object that does not exist yet (every new Event) costs no query.
// Keys are never removed (a deleted key only costs a query later).

/** FNV-1a over the string's UTF-16 code units; never 0 (0 marks an empty slot). */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h === 0 ? 1 : h;
}

/** May-contain set of strings. */
export class KeyFilter {
  private slots = new Int32Array(1024);
  private used = 0;

  add(key: string): void {
    this.insert(hash(key) | 0);
    if (this.used * 2 > this.slots.length) this.grow();
  }

  /** False only when the key was never added. */
  mayHave(key: string): boolean {
    const h = hash(key) | 0;
    const mask = this.slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = this.slots[i];
      if (v === 0) return false;
      if (v === h) return true;
    }
  }

  private insert(h: number): void {
    const mask = this.slots.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = this.slots[i];
      if (v === h) return;
      if (v === 0) {
        this.slots[i] = h;
        this.used++;
        return;
      }
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.used = 0;
    for (const h of old) if (h !== 0) this.insert(h);
  }
}
