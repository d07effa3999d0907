export { MessagingModule, retryTotalsByQueue } from './messaging.module';
export {
  MESSAGING_OPTIONS,
  BrokerNames,
  resolveMessagingOptions,
  type MessagingOptions,
  type ResolvedMessagingOptions,
} from './messaging.options';
export { AmqpConnection } from './amqp-connection';
export { EventPublisher, type PublishOptions } from './event-publisher';
export {
  EventConsumers,
  type DeliveryContext,
  type EventHandler,
  type DeadLetterReason,
} from './event-consumers';
export { ConsumeEvent, type ConsumeEventOptions } from './consume-event.decorator';
export { EventBroadcasts } from './event-broadcasts';
export { PublishError, NonRetryableError } from './messaging.errors';
export { Inbox, InboxMigration1763800000000, INBOX_TABLE, type InboxResult } from './inbox';
export { TransactionalOutbox, OutboxMigration1764000000001, OUTBOX_TABLE } from './outbox';
export { attemptOf, firstFailedAtOf, originalRoutingKey, RetryHeaders } from './delivery.util';
export {
  AUTH_CODE_RETRY_POLICY,
  DEFAULT_RETRY_POLICY,
  delayAfterAttempt,
  delayLadder,
  delayQueueOf,
  isLastAttempt,
  nextRetry,
  resolveRetryPolicy,
  type RetryDecision,
  type RetryPolicy,
} from './retry-policy';
export { AmqpRpcServer, RPC_DEADLINE_HEADER } from './rpc/amqp-rpc.server';
export { AmqpRpcClient, type RpcRequestOptions } from './rpc/amqp-rpc.client';
export { AmqpRpcContext } from './rpc/amqp-rpc.context';
export {
  RpcError,
  RpcCallError,
  RpcTimeoutError,
  RpcUnavailableError,
  RpcRemoteError,
  toRpcErrorBody,
  type RpcErrorBody,
  type RpcReply,
} from './rpc/rpc.errors';
export { DeadLetters, type DeadLetter, type DeadLetterQueueInfo } from './dead-letters';
