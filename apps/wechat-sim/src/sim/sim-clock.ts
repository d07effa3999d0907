import { Injectable } from '@nestjs/common';

/** Wall-clock time that tests can move forward (POST /sim/clock/advance) to expire tokens and tickets. */
@Injectable()
export class SimClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  reset(): void {
    this.offsetMs = 0;
  }

  /** `YYYY-MM-DD` of now, the key of daily quotas (WeChat resets them at 00:00 China time). */
  dayKey(): string {
    return new Date(this.now() + 8 * 3600_000).toISOString().slice(0, 10);
  }

  monthKey(): string {
    return this.dayKey().slice(0, 7);
  }
}
