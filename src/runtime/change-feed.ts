// What a control-loop component has not seen yet: the writes to the resources it watches since it
// last caught up (client-go's informer event handlers feeding a work queue, in one process). A
// component keyed by object syncs only what those changes touch; when they cannot be known (the
// first pass, history compacted, writes undone) it resyncs everything, as an informer re-lists.
import { type ResourceInfo, qualifiedPlural } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import type { Change, Registry } from '../apiserver/registry.js';

export class ChangeFeed {
  private at = -1;
  private rewinds = -1;
  private watched?: Set<string>;

  /** `resources`: store keys (`pods`, `deployments.apps`); every resource when left out. */
  constructor(resources?: string[]) {
    this.watched = resources && new Set(resources);
  }

  /**
   * The watched resources' changes since the last read or catch-up, oldest first; undefined when
   * they are unknown, and the caller must resync everything.
   */
  read(reg: Registry): Change[] | undefined {
    const from = this.at;
    const known = from >= 0 && this.rewinds === reg.rewindCount && reg.cursor >= from;
    this.caughtUp(reg);
    if (!known) return undefined;
    const changes = reg.changesAfter(from);
    const watched = this.watched;
    return watched ? changes?.filter((c) => watched.has(c.resource)) : changes;
  }

  /** Marks every write so far as seen: a component's own writes, made after it read, do not come back to it. */
  caughtUp(reg: Registry): void {
    this.at = reg.cursor;
    this.rewinds = reg.rewindCount;
  }

  /** Forgets the position: the next read asks for a full resync (after a pass that failed half-way). */
  reset(): void {
    this.at = -1;
  }
}

/**
 * A keyed controller's work per pass (client-go's work queue with AddAfter): the keys its changes
 * touch plus those whose wake-up time came, or everything when the changes are unknown. A pass
 * that throws forgets the feed's position, so the next pass resyncs everything.
 */
export class KeyedQueue {
  private feed: ChangeFeed;
  private wakes = new Map<string, number>();

  constructor(resources?: string[]) {
    this.feed = new ChangeFeed(resources);
  }

  /**
   * One pass: `touchedBy` turns the changes into keys; `sync` gets the keys to sync, or undefined
   * for all of them (it is not called when there is nothing to do). The pass's own writes are
   * marked seen afterwards.
   */
  run(reg: Registry, touchedBy: (changes: Change[]) => Set<string>, sync: (keys: Set<string> | undefined) => void): void {
    const changes = this.feed.read(reg);
    try {
      const keys = changes ? touchedBy(changes) : undefined;
      // A full pass sets every wake-up again.
      if (!keys) this.wakes.clear();
      const now = reg.clock.now();
      for (const [key, t] of this.wakes) {
        if (t > now) continue;
        keys?.add(key);
        this.wakes.delete(key);
      }
      if (keys?.size !== 0) sync(keys);
      this.feed.caughtUp(reg);
    } catch (e) {
      this.feed.reset();
      throw e;
    }
  }

  /** Asks for `key` to be synced at clock time `t` (the earliest of several asks wins). */
  wakeAt(key: string, t: number): void {
    this.wakes.set(key, Math.min(this.wakes.get(key) ?? Infinity, t));
  }
}

/** The key a KeyedQueue holds for an object: `namespace/name` (namespace names have no `/`). */
export const objectKey = (namespace: string, name: string): string => `${namespace}/${name}`;

/** The object a key names, as the store has it now, or undefined when it is gone. */
export function findByKey<O extends KubeObject>(reg: Registry, r: ResourceInfo<O>, key: string): O | undefined {
  const slash = key.indexOf('/');
  return reg.find(r, key.slice(0, slash), key.slice(slash + 1));
}

/** True when a change is to an object of `r`: then its objects are of r's type. */
export function changeTo<O extends KubeObject>(c: Change, r: ResourceInfo<O>): c is Change & { object: O; prev?: O } {
  return c.resource === qualifiedPlural(r);
}
