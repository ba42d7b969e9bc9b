// The control loop: every tick, each component syncs in turn. A tick is one store transaction
// (one SQLite commit, each object written once however many components touched it); each
// component runs as a unit of it, so one that throws is logged and its own writes undone, and the
// loop never stops for it.
import { type Registry, StoreError, type Unchanged } from '../apiserver/registry.js';
import type { Controller } from '../runtime/controller.js';

/**
 * Who may run the loop, when daemons share a store (the leader election): a tick runs only while
 * mayAct() holds, and commits only while the fence objects are unchanged.
 */
export interface LoopGuard {
  mayAct(): boolean;
  fence(): Unchanged[];
}

/** Runs controllers on a tick. Tests call tick() by hand instead of start(). */
export class ControlLoop {
  private timer?: NodeJS.Timeout;

  constructor(
    private reg: Registry,
    readonly controllers: Controller[],
    private log: (line: string) => void = () => {},
    private guard?: LoopGuard,
  ) {}

  /**
   * One pass of every controller. Over a shared store the pass can fail as it commits (another
   * daemon wrote an object it wrote, the fence moved, etcd did not answer): nothing of it is kept
   * and the next tick starts over.
   */
  tick(): void {
    const reg = this.reg;
    if (this.guard && !this.guard.mayAct()) return;
    try {
      reg.transaction(
        () => {
          for (const c of this.controllers) {
            try {
              reg.savepoint(() => c.sync(reg));
            } catch (e) {
              this.log(`controller ${c.name} failed: ${(e as Error).stack ?? e}`);
            }
          }
        },
        this.guard ? { unchanged: this.guard.fence() } : undefined,
      );
      // A store that batches commits (etcd): the pass goes to it now, not with later requests.
      reg.flush();
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;
      this.log(`control loop pass not committed (${e.code}): ${e.message}`);
    }
  }

  /** Ticks every `ms` milliseconds until stop(). */
  start(ms: number): void {
    this.timer = setInterval(() => this.tick(), ms);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
