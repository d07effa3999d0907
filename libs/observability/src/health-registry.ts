import { Injectable } from '@nestjs/common';

/** What a check may add to its entry in `/health/ready` (never a `status` key: that is the verdict). */
export type ReadinessDetails = Record<string, unknown>;

/**
 * A readiness check: resolves when the dependency is usable (optionally with details to show,
 * e.g. a state that is worth seeing but not the process's fault), throws (with a reason) when not.
 */
export type ReadinessCheck = () => void | ReadinessDetails | Promise<void | ReadinessDetails>;

/**
 * Where modules contribute readiness checks (database, broker, …) without this library
 * knowing them: `registry.register('database', () => dataSource.query('SELECT 1'))`.
 */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  entries(): [string, ReadinessCheck][] {
    return [...this.checks.entries()];
  }
}
