// The shape of every control-loop component: a level-triggered sync that reads the API, compares
// with what should be, and acts. It may run any number of times with the same result.
import { pushTo } from '../api/collections.js';
import { resourceNamed } from '../api/resources.js';
import type { Pod } from '../api/types.js';
import type { Registry } from '../apiserver/registry.js';

const podsR = resourceNamed('pods');

/**
 * Remembers the store revision a controller last synced at, so a controller whose decisions
 * depend only on stored state can skip ticks where nothing changed.
 */
export class RevisionGate {
  private seen = -1;
  private wake = Infinity;

  /**
   * `resources` (store keys: `pods`, `deployments.apps`): only writes to these count, so kubelet
   * heartbeats and Events do not make a controller that never reads them resync everything.
   * Without it, any write counts.
   */
  constructor(private resources?: string[]) {}

  /** True when the store changed since the last call that returned true, or a wake-up time came. */
  changed(reg: Registry): boolean {
    const rev = this.resources ? this.resources.reduce((n, r) => n + reg.writeCount(r), 0) : reg.cursor;
    const now = reg.clock.now();
    if (rev === this.seen && now < this.wake) return false;
    this.seen = rev;
    this.wake = Infinity;
    return true;
  }

  /** Asks for a sync at clock time `t` even if nothing changes by then. */
  wakeAt(t: number): void {
    this.wake = Math.min(this.wake, t);
  }
}

/** One component of the control loop. */
export interface Controller {
  readonly name: string;
  /** One pass over the whole cluster state. Must be idempotent. */
  sync(reg: Registry): void;
}

/** Pods grouped by the uid of their controller of `kind` (one pass over the pods). */
export function podsByController(reg: Registry, kind: string): Map<string, Pod[]> {
  const out = new Map<string, Pod[]>();
  for (const p of reg.scan(podsR)) {
    const ctrl = (p.metadata.ownerReferences ?? []).find((r) => r.controller && r.kind === kind);
    if (ctrl) pushTo(out, ctrl.uid, p);
  }
  return out;
}


/** The pods among `pods` that still exist and are not being deleted, as the store has them now. */
export function currentPods(reg: Registry, pods: Pod[]): Pod[] {
  const out: Pod[] = [];
  for (const p of pods) {
    const cur = reg.find(podsR, p.metadata.namespace ?? '', p.metadata.name!);
    if (cur && cur.metadata.uid === p.metadata.uid && !cur.metadata.deletionTimestamp) out.push(cur);
  }
  return out;
}
