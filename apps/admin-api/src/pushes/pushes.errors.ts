import { AdminApiError } from '../shared/admin-api.errors';

export const PushErrorCodes = {
  PushNotFound: 'push_not_found',
  /** Its ticket or auth code is kept only as a hash: replaying it would hand consumers a wrong value. */
  PushNotReplayable: 'push_not_replayable',
  InvalidCursor: 'invalid_cursor',
} as const;
export type PushErrorCode = (typeof PushErrorCodes)[keyof typeof PushErrorCodes];

export const PUSH_ERROR_STATUS: Record<PushErrorCode, number> = {
  [PushErrorCodes.PushNotFound]: 404,
  [PushErrorCodes.PushNotReplayable]: 409,
  [PushErrorCodes.InvalidCursor]: 400,
};

export class PushError extends AdminApiError {
  constructor(code: PushErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, PUSH_ERROR_STATUS[code], message, details);
    this.name = 'PushError';
  }
}
