import { AdminApiError } from '../shared/admin-api.errors';

export const ForwardingErrorCodes = {
  RuleNotFound: 'forwarding_rule_not_found',
  DeliveryNotFound: 'forwarding_delivery_not_found',
  RuleNameTaken: 'forwarding_rule_name_taken',
  TargetRefused: 'forwarding_target_refused',
  InvalidPattern: 'forwarding_invalid_pattern',
} as const;
export type ForwardingErrorCode = (typeof ForwardingErrorCodes)[keyof typeof ForwardingErrorCodes];

/** HTTP status per code; exhaustive, so a new code that is not mapped fails the type check. */
export const FORWARDING_ERROR_STATUS: Record<ForwardingErrorCode, number> = {
  [ForwardingErrorCodes.RuleNotFound]: 404,
  [ForwardingErrorCodes.DeliveryNotFound]: 404,
  [ForwardingErrorCodes.RuleNameTaken]: 409,
  [ForwardingErrorCodes.TargetRefused]: 400,
  [ForwardingErrorCodes.InvalidPattern]: 400,
};

/** A refusal of the forwarding feature. */
export class ForwardingError extends AdminApiError {
  constructor(code: ForwardingErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, FORWARDING_ERROR_STATUS[code], message, details);
    this.name = 'ForwardingError';
  }

  static ruleNotFound(id: string): ForwardingError {
    return new ForwardingError(ForwardingErrorCodes.RuleNotFound, `no forwarding rule ${id}`);
  }

  static deliveryNotFound(id: string): ForwardingError {
    return new ForwardingError(ForwardingErrorCodes.DeliveryNotFound, `no delivery ${id} of this rule`);
  }

  static nameTaken(name: string): ForwardingError {
    return new ForwardingError(ForwardingErrorCodes.RuleNameTaken, `a forwarding rule named ${name} exists`);
  }

  static targetRefused(reason: string): ForwardingError {
    return new ForwardingError(ForwardingErrorCodes.TargetRefused, `target refused: ${reason}`);
  }
}
