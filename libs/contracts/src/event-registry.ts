import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

import { EventEnvelopeDto, type EventEnvelope } from './envelope';
import { outerFieldsSurelyValid, rawPushDataSurelyValid } from './envelope-fast-check';
import { AuthorizationAuthorizedData } from './events/authorization-authorized.event';
import { AuthorizationFailedData } from './events/authorization-failed.event';
import { AuthorizationUnauthorizedData } from './events/authorization-unauthorized.event';
import { AuthorizationUpdatedData } from './events/authorization-updated.event';
import { RawPushData } from './events/raw-push.event';
import {
  ReleaseAuditDelayedData,
  ReleaseAuditFailedData,
  ReleaseAuditSubmittedData,
  ReleaseAuditSucceededData,
  ReleaseCampaignFinishedData,
  ReleaseCampaignPausedData,
  ReleaseCampaignStartedData,
  ReleaseCommittedData,
  ReleaseGraySteppedData,
  ReleaseReleasedData,
  ReleaseRevertedData,
} from './events/release.events';
import { TokenAuthorizerInvalidData } from './events/token-authorizer-invalid.event';
import { TokenAuthorizerIssuedData } from './events/token-authorizer-issued.event';
import { TokenComponentUpdatedData } from './events/token-component-updated.event';
import { DomainEventTypes, isRawPushType, type DomainEventType } from './routing-keys';

/** What an event type's envelope must look like. */
export interface EventSpec {
  dataClass: new () => object;
  /** Whether `authorizerAppid` must be present. */
  authorizer: 'required' | 'optional' | 'absent';
}

/** Every domain event of CONTRACT.md §2 with its payload class. */
export const DOMAIN_EVENT_SPECS: Readonly<Record<DomainEventType, EventSpec>> = {
  [DomainEventTypes.AuthorizationAuthorized]: {
    dataClass: AuthorizationAuthorizedData,
    authorizer: 'required',
  },
  [DomainEventTypes.AuthorizationUpdated]: { dataClass: AuthorizationUpdatedData, authorizer: 'required' },
  [DomainEventTypes.AuthorizationUnauthorized]: {
    dataClass: AuthorizationUnauthorizedData,
    authorizer: 'required',
  },
  [DomainEventTypes.AuthorizationFailed]: { dataClass: AuthorizationFailedData, authorizer: 'required' },
  [DomainEventTypes.TokenAuthorizerIssued]: { dataClass: TokenAuthorizerIssuedData, authorizer: 'required' },
  [DomainEventTypes.TokenAuthorizerInvalid]: {
    dataClass: TokenAuthorizerInvalidData,
    authorizer: 'required',
  },
  [DomainEventTypes.TokenComponentUpdated]: { dataClass: TokenComponentUpdatedData, authorizer: 'absent' },
  [DomainEventTypes.ReleaseCommitted]: { dataClass: ReleaseCommittedData, authorizer: 'required' },
  [DomainEventTypes.ReleaseAuditSubmitted]: { dataClass: ReleaseAuditSubmittedData, authorizer: 'required' },
  [DomainEventTypes.ReleaseAuditSucceeded]: { dataClass: ReleaseAuditSucceededData, authorizer: 'required' },
  [DomainEventTypes.ReleaseAuditFailed]: { dataClass: ReleaseAuditFailedData, authorizer: 'required' },
  [DomainEventTypes.ReleaseAuditDelayed]: { dataClass: ReleaseAuditDelayedData, authorizer: 'required' },
  [DomainEventTypes.ReleaseReleased]: { dataClass: ReleaseReleasedData, authorizer: 'required' },
  [DomainEventTypes.ReleaseReverted]: { dataClass: ReleaseRevertedData, authorizer: 'required' },
  [DomainEventTypes.ReleaseGrayStepped]: { dataClass: ReleaseGraySteppedData, authorizer: 'required' },
  [DomainEventTypes.ReleaseCampaignStarted]: { dataClass: ReleaseCampaignStartedData, authorizer: 'absent' },
  [DomainEventTypes.ReleaseCampaignPaused]: { dataClass: ReleaseCampaignPausedData, authorizer: 'absent' },
  [DomainEventTypes.ReleaseCampaignFinished]: {
    dataClass: ReleaseCampaignFinishedData,
    authorizer: 'absent',
  },
};

const RAW_PUSH_SPEC: EventSpec = { dataClass: RawPushData, authorizer: 'optional' };

/** The spec of a type: a domain event, any raw push, or undefined for a type this version does not know. */
export function eventSpecFor(type: string): EventSpec | undefined {
  if (Object.prototype.hasOwnProperty.call(DOMAIN_EVENT_SPECS, type)) {
    return DOMAIN_EVENT_SPECS[type as DomainEventType];
  }
  return isRawPushType(type) ? RAW_PUSH_SPEC : undefined;
}

/** An envelope broke the contract; `violations` lists every problem, one line each. */
export class ContractViolationError extends Error {
  constructor(readonly violations: string[]) {
    super(`event envelope violates the contract: ${violations.join('; ')}`);
    this.name = 'ContractViolationError';
  }
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => `${path}: ${message}`);
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/**
 * Lists what is wrong with an envelope: outer fields, then `data` against its type's class.
 * Unknown fields are tolerated (consumers must accept them); unknown types only get the outer checks.
 */
export function envelopeViolations(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return ['envelope: must be a JSON object'];
  }
  // The hand check accepts a subset of what the DTO accepts; anything else gets class-validator's verdict.
  const violations = outerFieldsSurelyValid(value as Record<string, unknown>)
    ? []
    : flatten(validateSync(plainToInstance(EventEnvelopeDto, value)));
  const envelope = value as Partial<EventEnvelope<unknown>>;
  const spec = typeof envelope.type === 'string' ? eventSpecFor(envelope.type) : undefined;
  if (!spec) return violations;

  if (spec.authorizer === 'required' && envelope.authorizerAppid === undefined) {
    violations.push(`authorizerAppid: required for ${envelope.type}`);
  }
  if (spec.authorizer === 'absent' && envelope.authorizerAppid !== undefined) {
    violations.push(`authorizerAppid: must be absent for ${envelope.type}`);
  }
  if (typeof envelope.data === 'object' && envelope.data !== null) {
    if (spec === RAW_PUSH_SPEC && rawPushDataSurelyValid(envelope.data as Record<string, unknown>)) {
      return violations;
    }
    const data = plainToInstance(spec.dataClass, envelope.data);
    violations.push(...flatten(validateSync(data, { forbidUnknownValues: false }), 'data'));
  }
  return violations;
}

/** Returns the envelope typed, or throws ContractViolationError listing every violation. */
export function assertValidEnvelope<TData = Record<string, unknown>>(value: unknown): EventEnvelope<TData> {
  const violations = envelopeViolations(value);
  if (violations.length > 0) {
    throw new ContractViolationError(violations);
  }
  return value as EventEnvelope<TData>;
}
