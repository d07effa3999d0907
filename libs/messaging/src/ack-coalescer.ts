/** What the coalescer sends on: amqplib's channel, for one underlying channel's life. */
export interface AckTarget {
  ack(message: { fields: { deliveryTag: number } }, allUpTo?: boolean): void;
  nack(message: { fields: { deliveryTag: number } }, allUpTo?: boolean, requeue?: boolean): void;
}

/**
 * Acknowledges a channel's deliveries in as few frames as it can, without delaying any of them past
 * the current turn of the event loop. Deliveries settled in the same turn (a push-log batch of 500
 * committing at once) that form an unbroken run from the oldest unsettled delivery go out as one
 * `basic.ack` with `multiple`; any other ack goes out alone in that turn, so a slow delivery never
 * holds back the acks (and prefetch slots) of those after it. Nacks are sent at once. Only
 * deliveries the handler finished are ever acknowledged: `multiple` covers tags up to the highest
 * acked one, and every tag below it was acked or nacked already.
 */
export class AckCoalescer {
  /** Delivery tags not yet settled, oldest first (tags grow on a channel); `head` is the first live one. */
  private readonly order: number[] = [];
  private head = 0;
  /** Acks asked for and not yet sent. */
  private readonly acks = new Set<number>();
  /** Tags already settled on the wire (nacked, or acked alone) that the run may pass over. */
  private readonly sent = new Set<number>();
  private scheduled = false;

  constructor(private readonly channel: AckTarget) {}

  /** Called for every delivery, in the order the broker delivered them. */
  received(deliveryTag: number): void {
    this.order.push(deliveryTag);
  }

  ack(deliveryTag: number): void {
    this.acks.add(deliveryTag);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Nacks at once (a retry or DLQ path already made its copy); throws when the channel is closed. */
  nack(deliveryTag: number): void {
    this.channel.nack({ fields: { deliveryTag } }, false, false);
    this.sent.add(deliveryTag);
  }

  /** Sends what waits: one multiple-ack for the run from the oldest delivery, single acks for the rest. */
  flush(): void {
    this.scheduled = false;
    let runEnd: number | undefined;
    while (this.head < this.order.length) {
      const tag = this.order[this.head]!;
      if (this.acks.delete(tag)) runEnd = tag;
      else if (!this.sent.delete(tag)) break;
      this.head++;
    }
    if (this.head > 1024) {
      this.order.splice(0, this.head);
      this.head = 0;
    }
    try {
      if (runEnd !== undefined) this.channel.ack({ fields: { deliveryTag: runEnd } }, true);
      for (const tag of this.acks) {
        this.channel.ack({ fields: { deliveryTag: tag } }, false);
        this.sent.add(tag);
      }
    } catch {
      // The channel closed: the broker redelivers whatever was not acked, and inboxes make that harmless.
    }
    this.acks.clear();
  }
}
