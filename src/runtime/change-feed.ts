// What a control-loop component has not seen yet: the writes to the resources it watches since it
// last caught up (client-go's informer event handlers feeding a work queue, in one process). A
// component keyed by object syncs only what those changes touch; when they cannot be known (the
// first pass, history compacted, writes undone) it resyncs everything, as an informer re-lists.
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
    const known = from >= 0 && this.rewinds === reg.rewindCount && reg.revision >= from;
    this.caughtUp(reg);
    if (!known) return undefined;
    const changes = reg.changesAfter(from);
    const watched = this.watched;
    return watched ? changes?.filter((c) => watched.has(c.resource)) : changes;
  }

  /** Marks every write so far as seen: a component's own writes, made after it read, do not come back to it. */
  caughtUp(reg: Registry): void {
    this.at = reg.revision;
    this.rewinds = reg.rewindCount;
  }

  /** Forgets the position: the next read asks for a full resync (after a pass that failed half-way). */
  reset(): void {
    this.at = -1;
  }
}
