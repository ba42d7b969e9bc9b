// The shape of every control-loop component: a level-triggered sync that reads the API, compares
// with what should be, and acts. It may run any number of times with the same result.
import type { Registry } from '../apiserver/registry.js';

/** One component of the control loop. */
export interface Controller {
  readonly name: string;
  /** One pass over the whole cluster state. Must be idempotent. */
  sync(reg: Registry): void;
}
