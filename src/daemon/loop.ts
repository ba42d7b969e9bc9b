// The control loop: every tick, each component syncs in turn. A tick is one store transaction
// (one SQLite commit, each object written once however many components touched it); each
// component runs as a unit of it, so one that throws is logged and its own writes undone, and the
// loop never stops for it.
import type { Registry } from '../apiserver/registry.js';
import type { Controller } from '../runtime/controller.js';

/** Runs controllers on a tick. Tests call tick() by hand instead of start(). */
export class ControlLoop {
  private timer?: NodeJS.Timeout;

  constructor(
    private reg: Registry,
    readonly controllers: Controller[],
    private log: (line: string) => void = () => {},
  ) {}

  /** One pass of every controller. */
  tick(): void {
    const reg = this.reg;
    reg.transaction(() => {
      for (const c of this.controllers) {
        try {
          reg.savepoint(() => c.sync(reg));
        } catch (e) {
          this.log(`controller ${c.name} failed: ${(e as Error).stack ?? e}`);
        }
      }
    });
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
