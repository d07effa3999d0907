/**
 * A refusal of admin-api, answered as `{ error: code, message, correlationId, details? }` with
 * `status` by AdminApiErrorFilter. Each feature keeps its own code enum and an exhaustive
 * `Record<Code, number>` status map in `<feature>.errors.ts` and throws subclasses of this.
 */
export class AdminApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

/** Codes of refusals that belong to no feature. */
export const CommonErrorCodes = {
  BadRequest: 'bad_request',
  ValidationFailed: 'validation_failed',
  Unauthenticated: 'unauthenticated',
  Forbidden: 'forbidden',
  NotFound: 'not_found',
  Conflict: 'conflict',
  PayloadTooLarge: 'payload_too_large',
  UnsupportedMediaType: 'unsupported_media_type',
  TooManyRequests: 'too_many_requests',
  ServiceUnavailable: 'service_unavailable',
  UpstreamFailed: 'upstream_failed',
  Internal: 'internal',
} as const;
export type CommonErrorCode = (typeof CommonErrorCodes)[keyof typeof CommonErrorCodes];

export const COMMON_ERROR_STATUS: Record<CommonErrorCode, number> = {
  [CommonErrorCodes.BadRequest]: 400,
  [CommonErrorCodes.ValidationFailed]: 400,
  [CommonErrorCodes.Unauthenticated]: 401,
  [CommonErrorCodes.Forbidden]: 403,
  [CommonErrorCodes.NotFound]: 404,
  [CommonErrorCodes.Conflict]: 409,
  [CommonErrorCodes.PayloadTooLarge]: 413,
  [CommonErrorCodes.UnsupportedMediaType]: 415,
  [CommonErrorCodes.TooManyRequests]: 429,
  [CommonErrorCodes.ServiceUnavailable]: 503,
  [CommonErrorCodes.UpstreamFailed]: 502,
  [CommonErrorCodes.Internal]: 500,
};

export class CommonError extends AdminApiError {
  constructor(code: CommonErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, COMMON_ERROR_STATUS[code], message, details);
    this.name = 'CommonError';
  }
}
