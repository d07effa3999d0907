import type { TFunction } from 'i18next';

import { ApiError } from '../../api/errors';

/** The login page's message for a refused login: wrong credentials, lockout with its wait, or the API's own words. */
export function loginErrorMessage(error: unknown, t: TFunction): string | undefined {
  if (!error) return undefined;
  if (!(error instanceof ApiError)) return String(error);
  if (error.code === 'invalid_credentials') return t('login.invalid');
  if (error.code === 'login_throttled') {
    const seconds = error.details?.['retryAfterSeconds'];
    return typeof seconds === 'number' && seconds > 0
      ? t('login.throttled', { seconds })
      : t('login.throttledNoTime');
  }
  if (error.code === 'network') return t('error.network');
  return error.message;
}
