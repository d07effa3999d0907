/**
 * Durable queue names of this repository's consumers: PUBLIC CONTRACT for operators
 * (dashboards, alerts on `<queue>.dlq`). DO NOT RENAME: a rename orphans the old queue
 * with whatever it still holds. Naming rule: `<service>.<purpose>`.
 */
export const QueueNames = {
  TokenComponentPushes: 'token.component-pushes',
  AuthorizerAuthorizationPushes: 'authorizer.authorization-pushes',
  AuthorizerTokenEvents: 'authorizer.token-events',
  /** `wechat.message.text` of WeChat's 全网发布 test accounts (QUERY_AUTH_CODE); other texts are acked and dropped. */
  AuthorizerReleaseCheck: 'authorizer.release-check',
  CodeReleaseAuditResults: 'code-release.audit-results',
  AdminApiPushLog: 'admin-api.push-log',
  /** Bound with the enabled forwarding rules' event patterns (none without rules), admin-api (ADR 0018). */
  AdminApiForwarding: 'admin-api.forwarding',
  /** One message per (rule, event) delivery to an HTTP subscriber; fed by admin-api only, never by the events exchange. */
  AdminApiForwardingDeliveries: 'admin-api.forwarding-deliveries',
} as const;

/** Suffix of the dead-letter queue each consumer queue has. */
export const DEAD_LETTER_SUFFIX = '.dlq';
/** Suffix of the delay queue that feeds retries back to its queue. */
export const RETRY_SUFFIX = '.retry';

export function deadLetterQueueOf(queue: string): string {
  return queue + DEAD_LETTER_SUFFIX;
}

export function retryQueueOf(queue: string): string {
  return queue + RETRY_SUFFIX;
}
