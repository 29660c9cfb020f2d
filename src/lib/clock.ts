/** The current time, injected so tests can move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that only moves when told to.
 *
 * @example
 * const clock = new FakeClock("2026-11-24T08:00:00Z");
 * clock.advance(60_000);
 */
export class FakeClock implements Clock {
  private current: number;

  constructor(start: string | Date = "2026-11-24T08:00:00Z") {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(time: string | Date): void {
    this.current = new Date(time).getTime();
  }

  advance(milliseconds: number): void {
    this.current += milliseconds;
  }
}
