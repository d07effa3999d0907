import { AdminApiError } from '../shared/admin-api.errors';

export const DeadLetterErrorCodes = {
  /** Not a consumer queue of this repository nor one of ADMIN_API_DEAD_LETTER_EXTRA_QUEUES. */
  UnknownQueue: 'dead_letter_queue_unknown',
  /** The queue or its DLQ does not exist on the broker (its consumer never started). */
  QueueMissing: 'dead_letter_queue_missing',
  RequeueTargetMissing: 'dead_letter_requeue_nothing_chosen',
  BrokerUnavailable: 'broker_unavailable',
} as const;
export type DeadLetterErrorCode = (typeof DeadLetterErrorCodes)[keyof typeof DeadLetterErrorCodes];

export const DEAD_LETTER_ERROR_STATUS: Record<DeadLetterErrorCode, number> = {
  [DeadLetterErrorCodes.UnknownQueue]: 404,
  [DeadLetterErrorCodes.QueueMissing]: 404,
  [DeadLetterErrorCodes.RequeueTargetMissing]: 400,
  [DeadLetterErrorCodes.BrokerUnavailable]: 503,
};

export class DeadLetterError extends AdminApiError {
  constructor(code: DeadLetterErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, DEAD_LETTER_ERROR_STATUS[code], message, details);
    this.name = 'DeadLetterError';
  }
}
