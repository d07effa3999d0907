import type { TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';

import { ApiError } from '../../api/errors';
import { loginErrorMessage } from './login-error';

const t = ((key: string, values?: Record<string, unknown>) =>
  values ? `${key}:${JSON.stringify(values)}` : key) as unknown as TFunction;

describe('loginErrorMessage', () => {
  it('names wrong credentials, and a lockout with how long to wait', () => {
    expect(loginErrorMessage(new ApiError(401, 'invalid_credentials', 'x'), t)).toBe('login.invalid');
    expect(
      loginErrorMessage(new ApiError(429, 'login_throttled', 'x', 'c', { retryAfterSeconds: 42 }), t),
    ).toBe('login.throttled:{"seconds":42}');
    expect(loginErrorMessage(new ApiError(429, 'login_throttled', 'x'), t)).toBe('login.throttledNoTime');
  });

  it("otherwise shows the API's own message, or that the service cannot be reached", () => {
    expect(loginErrorMessage(new ApiError(400, 'validation_failed', 'username must be a string'), t)).toBe(
      'username must be a string',
    );
    expect(loginErrorMessage(new ApiError(0, 'network', 'Failed to fetch'), t)).toBe('error.network');
    expect(loginErrorMessage(undefined, t)).toBeUndefined();
  });
});
