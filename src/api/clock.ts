// The one clock every timestamp comes from. The daemon uses the real clock; tests and the
// fast-forward mode use a FakeClock and move time by hand, without sleeping.

/** A source of the current time in milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

/** Wall-clock time. */
export const realClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to. */
export class FakeClock implements Clock {
  constructor(private t: number = Date.parse('2026-01-01T00:00:00Z')) {}
  now(): number {
    return this.t;
  }
  /** Moves time forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.t += ms;
  }
  set(t: number): void {
    this.t = t;
  }
}
