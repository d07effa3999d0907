import { RpcCallError, RpcRemoteError, RpcUnavailableError } from '@wxop/messaging';

/**
 * HTTP status of a service's RPC refusal, by the shape of its code (the services' code enums live
 * in libs/contracts): unknown things 404, bad requests 400, states that forbid the call 409,
 * "try later" 503, WeChat's refusals 502. A code none of these fits is a 502: the service failed.
 */
export function rpcRemoteStatus(code: string): number {
  if (code === 'INVALID_REQUEST') return 400;
  if (code.endsWith('_NOT_FOUND')) return 404;
  if (code === 'UNAVAILABLE' || code.endsWith('_UNAVAILABLE')) return 503;
  if (/_(NOT_AUTHORIZED|EXPIRED|USED|CONFLICT|IN_PROGRESS|EXISTS|NOT_ALLOWED|LIMIT_REACHED)$/.test(code))
    return 409;
  return 502;
}

/** `{ status, code, message, details }` of an RPC failure: remote refusals keep their code (lower-cased). */
export function rpcFailure(error: RpcCallError): {
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
} {
  if (error instanceof RpcRemoteError)
    return {
      status: rpcRemoteStatus(error.code),
      code: error.code.toLowerCase(),
      message: error.message,
      ...(error.details ? { details: error.details } : {}),
    };
  return {
    status: 503,
    code: 'service_unavailable',
    message:
      error instanceof RpcUnavailableError && error.reason === 'broker'
        ? `the message broker is unreachable (${error.pattern}): try again later`
        : `a service did not answer (${error.pattern}): try again later`,
  };
}
