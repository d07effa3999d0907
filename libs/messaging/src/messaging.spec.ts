import { RpcException } from '@nestjs/microservices';

import { ConsumeEvent } from './consume-event.decorator';
import { attemptOf, originalRoutingKey } from './delivery.util';
import { BrokerNames, resolveMessagingOptions } from './messaging.options';
import { AmqpRpcContext } from './rpc/amqp-rpc.context';
import { RPC_DEADLINE_HEADER } from './rpc/amqp-rpc.server';
import { RpcError, toRpcErrorBody } from './rpc/rpc.errors';

const message = (headers: Record<string, unknown> | undefined, routingKey = 'q') =>
  ({ properties: { headers }, fields: { routingKey } }) as unknown as Parameters<
    typeof originalRoutingKey
  >[0];

describe(attemptOf.name, () => {
  it('is 1 for a first delivery', () => {
    expect(attemptOf(message(undefined), 'q')).toBe(1);
    expect(attemptOf(message({}), 'q')).toBe(1);
  });

  it('counts rejections from this queue only', () => {
    const headers = {
      'x-death': [
        { queue: 'q.retry', reason: 'expired', count: 2 },
        { queue: 'q', reason: 'rejected', count: 2, 'routing-keys': ['authorization.authorized'] },
        { queue: 'other', reason: 'rejected', count: 9 },
      ],
    };
    expect(attemptOf(message(headers), 'q')).toBe(3);
    expect(attemptOf(message(headers), 'other')).toBe(10);
  });

  it('starts from the attempt carried by a retry copy, adding fallback rejections', () => {
    expect(attemptOf(message({ 'x-wxop-attempt': 4 }), 'q')).toBe(4);
    const headers = { 'x-wxop-attempt': 4, 'x-death': [{ queue: 'q', reason: 'rejected', count: 1 }] };
    expect(attemptOf(message(headers), 'q')).toBe(5);
    expect(attemptOf(message({ 'x-wxop-attempt': 'nonsense' }), 'q')).toBe(1);
  });
});

describe(originalRoutingKey.name, () => {
  it('reads the first routing key from the oldest x-death entry', () => {
    const headers = {
      'x-death': [
        { queue: 'q.retry', reason: 'expired', count: 1, 'routing-keys': ['q'] },
        { queue: 'q', reason: 'rejected', count: 1, 'routing-keys': ['release.released'] },
      ],
    };
    expect(originalRoutingKey(message(headers, 'q'))).toBe('release.released');
  });

  it('prefers the routing key a retry copy carries', () => {
    const headers = {
      'x-wxop-original-routing-key': 'wechat.component.authorized',
      'x-death': [{ queue: 'q.retry.5s', reason: 'expired', count: 1, 'routing-keys': ['q.retry.5s'] }],
    };
    expect(originalRoutingKey(message(headers, 'q'))).toBe('wechat.component.authorized');
  });

  it('falls back to the delivery routing key', () => {
    expect(originalRoutingKey(message(undefined, 'token.authorizer.issued'))).toBe('token.authorizer.issued');
  });
});

describe(toRpcErrorBody.name, () => {
  it('keeps code, message and details of an RpcError', () => {
    expect(toRpcErrorBody(new RpcError('NOT_FOUND', 'no such thing', { id: 1 }))).toEqual({
      code: 'NOT_FOUND',
      message: 'no such thing',
      details: { id: 1 },
    });
  });

  it('accepts the plain object Nest turns an RpcError into', () => {
    expect(toRpcErrorBody(new RpcError('X', 'y').getError())).toEqual({
      code: 'X',
      message: 'y',
      details: undefined,
    });
  });

  it('hides anything else behind INTERNAL', () => {
    expect(toRpcErrorBody(new Error('password=hunter2'))).toEqual({
      code: 'INTERNAL',
      message: 'internal error',
    });
    expect(toRpcErrorBody({ status: 'error', message: 'Internal server error' })).toEqual({
      code: 'INTERNAL',
      message: 'internal error',
    });
    expect(toRpcErrorBody(new RpcException('plain'))).toEqual({
      code: 'INTERNAL',
      message: 'internal error',
    });
  });
});

describe(resolveMessagingOptions.name, () => {
  it('fills safe defaults', () => {
    expect(resolveMessagingOptions({ url: 'amqp://x', serviceName: 'token' })).toMatchObject({
      prefetch: 20,
      confirmTimeoutMs: 2000,
      retry: {
        defaults: {
          initialDelayMs: 5000,
          multiplier: 2,
          maxDelayMs: 600_000,
          maxTotalMs: 86_400_000,
          jitter: 0.2,
        },
        byQueue: {},
      },
      namespace: '',
    });
  });
});

describe(BrokerNames.name, () => {
  it('keeps the public names without a namespace and prefixes every object with one', () => {
    expect(new BrokerNames('').eventsExchange).toBe('wxop.events');
    const sut = new BrokerNames('t1.');
    expect([
      sut.eventsExchange,
      sut.rpcExchange,
      sut.retryExchange,
      sut.queue('token.x'),
      sut.rpcQueue('token'),
    ]).toEqual(['t1.wxop.events', 't1.wxop.rpc', 't1.wxop.retry', 't1.token.x', 't1.token.rpc']);
  });
});

describe(ConsumeEvent.name, () => {
  it('refuses a handler without queue or patterns', () => {
    expect(() => ConsumeEvent({ queue: '', patterns: ['a'] })).toThrow(TypeError);
    expect(() => ConsumeEvent({ queue: 'q', patterns: [] })).toThrow(TypeError);
  });
});

describe(AmqpRpcContext.name, () => {
  const contextWith = (headers: Record<string, unknown> | undefined) =>
    new AmqpRpcContext([{ properties: { headers } } as never, {} as never, 'p']);

  it('gives the caller’s deadline from the request’s header, and none when it sent none or garbage', () => {
    expect(contextWith({ [RPC_DEADLINE_HEADER]: 1_796_000_000_000 }).getDeadline()).toBe(1_796_000_000_000);
    expect(contextWith({}).getDeadline()).toBeUndefined();
    expect(contextWith(undefined).getDeadline()).toBeUndefined();
    expect(contextWith({ [RPC_DEADLINE_HEADER]: 'soon' }).getDeadline()).toBeUndefined();
  });
});
