import { RpcException } from '@nestjs/microservices';

/** The error body a reply carries. */
export interface RpcErrorBody {
  /** Machine-readable, e.g. `AUTHORIZER_NOT_FOUND`; `INTERNAL` for unexpected failures. */
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * Thrown by a `@MessagePattern` handler to answer with a typed error; the caller
 * receives it as RpcRemoteError with the same code, message and details.
 */
export class RpcError extends RpcException {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super({ code, message, details } satisfies RpcErrorBody);
    this.name = 'RpcError';
  }
}

/** Base of every error an RPC caller can receive. */
export abstract class RpcCallError extends Error {
  abstract readonly kind: 'timeout' | 'unavailable' | 'remote';

  constructor(
    readonly pattern: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** No reply in time: the server may be slow, down, or may still act on the request. */
export class RpcTimeoutError extends RpcCallError {
  readonly kind = 'timeout';
  constructor(pattern: string, timeoutMs: number) {
    super(pattern, `no reply to ${pattern} within ${timeoutMs} ms`);
    this.name = 'RpcTimeoutError';
  }
}

/**
 * The request could not be delivered. `reason`: `no-handler` (no service is bound to the
 * pattern at all), `broker` (unreachable or the publish failed), `closed` (client shut down).
 */
export class RpcUnavailableError extends RpcCallError {
  readonly kind = 'unavailable';
  constructor(
    pattern: string,
    readonly reason: 'no-handler' | 'broker' | 'closed',
    options?: { cause?: unknown },
  ) {
    super(pattern, `${pattern} is unavailable: ${RpcUnavailableError.describe(reason)}`, options);
    this.name = 'RpcUnavailableError';
  }

  private static describe(reason: 'no-handler' | 'broker' | 'closed'): string {
    return reason === 'no-handler'
      ? 'no service handles this pattern'
      : reason === 'broker'
        ? 'broker unreachable'
        : 'client closed';
  }
}

/** The server handled the request and answered with an error. */
export class RpcRemoteError extends RpcCallError {
  readonly kind = 'remote';
  readonly code: string;
  readonly details?: Record<string, unknown>;

  constructor(pattern: string, body: RpcErrorBody) {
    super(pattern, body.message);
    this.name = 'RpcRemoteError';
    this.code = body.code;
    this.details = body.details;
  }
}

/** The JSON a reply carries. */
export type RpcReply<T = unknown> = { ok: true; data: T } | { ok: false; error: RpcErrorBody };

/** Normalises whatever a handler threw (through Nest's exception filter) into an error body. */
export function toRpcErrorBody(error: unknown): RpcErrorBody {
  if (error instanceof RpcError) return { code: error.code, message: error.message, details: error.details };
  if (error && typeof error === 'object') {
    const candidate = error as Partial<RpcErrorBody> & { status?: unknown };
    if (typeof candidate.code === 'string' && typeof candidate.message === 'string') {
      return { code: candidate.code, message: candidate.message, details: candidate.details };
    }
  }
  // Unexpected failures are not described to the caller (they may hold internals); the server logs them.
  return { code: 'INTERNAL', message: 'internal error' };
}
