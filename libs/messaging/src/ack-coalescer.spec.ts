import { AckCoalescer, type AckTarget } from './ack-coalescer';

/** A channel that records frames and applies them as RabbitMQ does (multiple = every unacked tag ≤ it). */
function fakeChannel(): AckTarget & { frames: string[]; unacked: Set<number> } {
  const unacked = new Set<number>();
  const frames: string[] = [];
  const settle = (tag: number, multiple: boolean, kind: string) => {
    if (!unacked.has(tag)) throw new Error(`PRECONDITION_FAILED - unknown delivery tag ${tag}`);
    frames.push(`${kind} ${tag}${multiple ? ' multiple' : ''}`);
    if (multiple) for (const t of unacked) if (t <= tag) unacked.delete(t);
    unacked.delete(tag);
  };
  return {
    frames,
    unacked,
    ack: (message, allUpTo = false) => settle(message.fields.deliveryTag, allUpTo, 'ack'),
    nack: (message, allUpTo = false) => settle(message.fields.deliveryTag, allUpTo, 'nack'),
  };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('AckCoalescer', () => {
  function deliver(coalescer: AckCoalescer, channel: ReturnType<typeof fakeChannel>, tags: number[]) {
    for (const tag of tags) {
      channel.unacked.add(tag);
      coalescer.received(tag);
    }
  }

  it('acks a batch settled in one turn with one frame', async () => {
    const channel = fakeChannel();
    const coalescer = new AckCoalescer(channel);
    deliver(coalescer, channel, [1, 2, 3, 4, 5]);
    [1, 2, 3, 4, 5].forEach((tag) => coalescer.ack(tag));
    expect(channel.frames).toEqual([]);
    await nextTurn();
    expect(channel.frames).toEqual(['ack 5 multiple']);
    expect(channel.unacked.size).toBe(0);
  });

  it('never acks a delivery still in flight, and does not hold back those after it', async () => {
    const channel = fakeChannel();
    const coalescer = new AckCoalescer(channel);
    deliver(coalescer, channel, [1, 2, 3, 4]);
    [1, 3, 4].forEach((tag) => coalescer.ack(tag)); // 2 is still being handled
    await nextTurn();
    expect(channel.frames).toEqual(['ack 1 multiple', 'ack 3', 'ack 4']);
    expect([...channel.unacked]).toEqual([2]);
    deliver(coalescer, channel, [5, 6]);
    coalescer.ack(2);
    coalescer.ack(6);
    await nextTurn();
    // 2 ends the run (3 and 4 were acked alone already); 5 is in flight, so 6 goes alone.
    expect(channel.frames.slice(3)).toEqual(['ack 2 multiple', 'ack 6']);
    expect([...channel.unacked]).toEqual([5]);
  });

  it('sends nacks at once and passes over them in a later run', async () => {
    const channel = fakeChannel();
    const coalescer = new AckCoalescer(channel);
    deliver(coalescer, channel, [1, 2, 3]);
    coalescer.nack(2);
    expect(channel.frames).toEqual(['nack 2']);
    coalescer.ack(1);
    coalescer.ack(3);
    await nextTurn();
    expect(channel.frames).toEqual(['nack 2', 'ack 3 multiple']);
    expect(channel.unacked.size).toBe(0);
  });

  it('drops what waits when the channel has closed', async () => {
    const channel = fakeChannel();
    const coalescer = new AckCoalescer(channel);
    deliver(coalescer, channel, [1]);
    channel.unacked.clear(); // the broker forgot the channel's deliveries
    coalescer.ack(1);
    await nextTurn();
    expect(channel.frames).toEqual([]);
  });
});
