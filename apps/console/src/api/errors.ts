/** admin-api's refusal body: `{ error, message, correlationId, details? }`. */
export interface ApiErrorBody {
  error: string;
  message: string;
  correlationId?: string;
  details?: Record<string, unknown>;
}

/** A refused or failed call, with what the API said, so the page can show it with its correlation id. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly correlationId?: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** From a response body that may or may not be admin-api's error shape (a proxy's 502 page, say). */
  static from(status: number, body: unknown, statusText = ''): ApiError {
    if (body && typeof body === 'object' && typeof (body as ApiErrorBody).error === 'string') {
      const value = body as ApiErrorBody;
      return new ApiError(
        status,
        value.error,
        value.message ?? value.error,
        value.correlationId,
        value.details,
      );
    }
    const text = typeof body === 'string' && body.trim() ? body.trim().slice(0, 200) : statusText;
    return new ApiError(status, status === 0 ? 'network' : `http_${status}`, text || `HTTP ${status}`);
  }
}

export function isApiError(error: unknown, code?: string): error is ApiError {
  return error instanceof ApiError && (code === undefined || error.code === code);
}
