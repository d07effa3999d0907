import { describe, expect, it } from 'vitest';

import { findQueue, messageLimit, payloadText, requeueBody, selectableIds, totalDepth } from './dead-letters';

const queues = [
  { queue: 'admin-api.push-log.dlq', originalQueue: 'admin-api.push-log', depth: 3 },
  { queue: 'authorizer.sync.dlq', originalQueue: 'authorizer.sync', depth: 0 },
];

describe('findQueue', () => {
  it('finds a queue by its DLQ name or by its consumer queue (the dashboard link)', () => {
    expect(findQueue(queues, 'admin-api.push-log.dlq')).toBe(queues[0]);
    expect(findQueue(queues, 'admin-api.push-log')).toBe(queues[0]);
    expect(findQueue(queues, 'authorizer.sync')).toBe(queues[1]);
  });

  it('finds nothing for an unknown or empty name', () => {
    expect(findQueue(queues, 'other')).toBeUndefined();
    expect(findQueue(queues, 'other.dlq')).toBeUndefined();
    expect(findQueue(queues, null)).toBeUndefined();
  });

  it('finds a DLQ by its consumer name even when originalQueue differs', () => {
    expect(findQueue([{ queue: 'x.dlq', originalQueue: 'renamed', depth: 1 }], 'x')?.queue).toBe('x.dlq');
  });
});

describe('requeueBody', () => {
  it('asks for all, or for each chosen id once', () => {
    expect(requeueBody('all')).toEqual({ all: true });
    expect(requeueBody(['a', 'b', 'a', ''])).toEqual({ ids: ['a', 'b'] });
  });

  it('refuses what the API would refuse', () => {
    expect(() => requeueBody([])).toThrow();
    expect(() => requeueBody(Array.from({ length: 201 }, (_, index) => `id${index}`))).toThrow();
  });
});

describe('the message list', () => {
  it('keeps the limit to the choices', () => {
    expect(messageLimit('50')).toBe(50);
    expect(messageLimit('7')).toBe(20);
    expect(messageLimit(null)).toBe(20);
  });

  it('selects only messages with an id', () => {
    expect(
      selectableIds([{ messageId: 'm1', body: '' }, { body: 'x' }, { messageId: '', body: '' }]),
    ).toEqual(['m1']);
  });

  it('shows the envelope as JSON, else the body', () => {
    expect(payloadText({ envelope: { id: 'e1' }, body: '{"id":"e1"}' })).toBe('{\n  "id": "e1"\n}');
    expect(payloadText({ body: 'not json' })).toBe('not json');
  });

  it('adds up the depths', () => {
    expect(totalDepth(queues)).toBe(3);
    expect(totalDepth([])).toBe(0);
  });
});
