import { describe, expect, it } from 'vitest';

import { ApiError } from './errors';

describe('ApiError.from', () => {
  it("keeps admin-api's code, message, correlation id and details", () => {
    const error = ApiError.from(429, {
      error: 'login_throttled',
      message: 'too many failed logins: try again later',
      correlationId: 'c-1',
      details: { retryAfterSeconds: 30 },
    });
    expect(error).toMatchObject({
      status: 429,
      code: 'login_throttled',
      message: 'too many failed logins: try again later',
      correlationId: 'c-1',
      details: { retryAfterSeconds: 30 },
    });
  });

  it("answers something readable for a body that is not admin-api's (a proxy's page)", () => {
    expect(ApiError.from(502, '<html>Bad Gateway</html>', 'Bad Gateway')).toMatchObject({
      code: 'http_502',
      message: '<html>Bad Gateway</html>',
    });
    expect(ApiError.from(503, undefined, 'Service Unavailable')).toMatchObject({
      code: 'http_503',
      message: 'Service Unavailable',
    });
    expect(ApiError.from(500, undefined).message).toBe('HTTP 500');
  });
});
