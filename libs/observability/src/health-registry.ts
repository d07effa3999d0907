import { Injectable } from '@nestjs/common';

/** A readiness check: resolves when the dependency is usable, throws (with a reason) when not. */
export type ReadinessCheck = () => void | Promise<void>;

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
