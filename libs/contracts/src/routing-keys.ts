/**
 * Routing keys and exchange names: PUBLIC CONTRACT (CONTRACT.md §2).
 * DO NOT RENAME any value here; subscribers outside this repository bind to them.
 */

/** The one durable topic exchange every event is published to. */
export const EVENTS_EXCHANGE = 'wxop.events';

/** Domain event types; the routing key of a domain event equals its type. */
export const DomainEventTypes = {
  AuthorizationAuthorized: 'authorization.authorized',
  AuthorizationUpdated: 'authorization.updated',
  AuthorizationUnauthorized: 'authorization.unauthorized',
  AuthorizationFailed: 'authorization.failed',
  TokenAuthorizerIssued: 'token.authorizer.issued',
  TokenAuthorizerInvalid: 'token.authorizer.invalid',
  TokenComponentUpdated: 'token.component.updated',
  ReleaseCommitted: 'release.committed',
  ReleaseAuditSubmitted: 'release.audit.submitted',
  ReleaseAuditSucceeded: 'release.audit.succeeded',
  ReleaseAuditFailed: 'release.audit.failed',
  ReleaseAuditDelayed: 'release.audit.delayed',
  ReleaseReleased: 'release.released',
  ReleaseReverted: 'release.reverted',
  ReleaseGrayStepped: 'release.gray.stepped',
  ReleaseCampaignStarted: 'release.campaign.started',
  ReleaseCampaignPaused: 'release.campaign.paused',
  ReleaseCampaignFinished: 'release.campaign.finished',
} as const;

export type DomainEventType = (typeof DomainEventTypes)[keyof typeof DomainEventTypes];

/** Prefixes of raw pushes published by ingress. */
export const RAW_COMPONENT_PUSH_PREFIX = 'wechat.component.';
export const RAW_MESSAGE_PUSH_PREFIX = 'wechat.message.';
export const RAW_MESSAGE_EVENT_PREFIX = 'wechat.message.event.';

/** Binding patterns a subscriber commonly uses. */
export const RoutingPatterns = {
  AllRawPushes: 'wechat.#',
  AllComponentPushes: 'wechat.component.*',
  AllMessagePushes: 'wechat.message.#',
  AllAuthorizationEvents: 'authorization.*',
  AllTokenEvents: 'token.#',
  AllReleaseEvents: 'release.#',
} as const;

/** Well-known raw push routing keys the services of this repository consume. */
export const RawPushTypes = {
  ComponentVerifyTicket: 'wechat.component.component_verify_ticket',
  Authorized: 'wechat.component.authorized',
  UpdateAuthorized: 'wechat.component.updateauthorized',
  Unauthorized: 'wechat.component.unauthorized',
  FastRegister: 'wechat.component.notify_third_fasteregister',
  TextMessage: 'wechat.message.text',
  WeappAuditSuccess: 'wechat.message.event.weapp_audit_success',
  WeappAuditFail: 'wechat.message.event.weapp_audit_fail',
  WeappAuditDelay: 'wechat.message.event.weapp_audit_delay',
} as const;

const SEGMENT = /^[a-z0-9_]+$/;

function segment(value: string, what: string): string {
  const lower = value.trim().toLowerCase();
  if (!SEGMENT.test(lower)) {
    throw new RangeError(`${what} ${JSON.stringify(value)} cannot be used in a routing key`);
  }
  return lower;
}

/** `wechat.component.<infotype>` for a push on the 授权事件接收URL (value lower-cased). */
export function componentPushType(infoType: string): string {
  return RAW_COMPONENT_PUSH_PREFIX + segment(infoType, 'InfoType');
}

/** `wechat.message.<msgtype>` for a user message on the 消息与事件接收URL. */
export function messagePushType(msgType: string): string {
  return RAW_MESSAGE_PUSH_PREFIX + segment(msgType, 'MsgType');
}

/** `wechat.message.event.<event>` for an event on the 消息与事件接收URL. */
export function messageEventType(event: string): string {
  return RAW_MESSAGE_EVENT_PREFIX + segment(event, 'Event');
}

/** True for the types ingress publishes (`wechat.*`). */
export function isRawPushType(type: string): boolean {
  return type.startsWith(RAW_COMPONENT_PUSH_PREFIX) || type.startsWith(RAW_MESSAGE_PUSH_PREFIX);
}

/**
 * Topic matching as RabbitMQ does it: `*` is exactly one word, `#` zero or more.
 * Used to dispatch a delivery to the handler whose binding it matched.
 */
export function topicMatches(pattern: string, routingKey: string): boolean {
  const p = pattern.split('.');
  const k = routingKey.split('.');
  const match = (pi: number, ki: number): boolean => {
    if (pi === p.length) return ki === k.length;
    const word = p[pi];
    if (word === '#') {
      for (let skip = ki; skip <= k.length; skip++) {
        if (match(pi + 1, skip)) return true;
      }
      return false;
    }
    if (ki === k.length) return false;
    return (word === '*' || word === k[ki]) && match(pi + 1, ki + 1);
  };
  return match(0, 0);
}
