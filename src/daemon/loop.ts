// The control loop: every tick, each component syncs in turn, each in one store transaction.
// A component that throws is logged and skipped for that tick; the loop never stops for it.
import type { Registry } from '../apiserver/registry.js';
import type { Controller } from '../controllers/controller.js';

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
    for (const c of this.controllers) {
      try {
        this.reg.store.batch(() => c.sync(this.reg));
      } catch (e) {
        this.log(`controller ${c.name} failed: ${(e as Error).stack ?? e}`);
      }
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
