import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

const storage = new AsyncLocalStorage<{ correlationId: string }>();
let contextEnabled = false;

/**
 * Turns on the async correlation context for this process (ObservabilityModule's
 * `correlationContext: true`). Off by default: on Node 20 AsyncLocalStorage runs on async_hooks,
 * and once a store is entered every promise pays for it (measured: half the throughput of a
 * realistic handler; docs/adr/0006). Without it, correlation ids travel explicitly.
 */
export function enableCorrelationContext(enabled = true): void {
  contextEnabled = enabled;
}

export function correlationContextEnabled(): boolean {
  return contextEnabled;
}

/** Runs `fn` with a correlation id that every log line written inside it carries (when the context is enabled). */
export function runWithCorrelationId<T>(correlationId: string | undefined, fn: () => T): T {
  return contextEnabled ? storage.run({ correlationId: correlationId || randomUUID() }, fn) : fn();
}

/** The correlation id of the current HTTP request or message, if any. */
export function currentCorrelationId(): string | undefined {
  return storage.getStore()?.correlationId;
}

/** HTTP headers a correlation id is read from, in order of preference. */
export const CORRELATION_HEADERS = ['x-correlation-id', 'x-request-id'] as const;
const VALID_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/** Takes a caller's correlation id if it is sane, else makes one. */
export function correlationIdFrom(headers: Record<string, string | string[] | undefined>): string {
  for (const name of CORRELATION_HEADERS) {
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value && VALID_ID.test(value)) return value;
  }
  return randomUUID();
}
