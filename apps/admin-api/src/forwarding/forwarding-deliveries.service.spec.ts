import type { DeliveryQueue } from './delivery-queue';
import { DeliveryAttemptFailed, ForwardingDeliveriesService } from './forwarding-deliveries.service';
import type { DeliveryRecord, ForwardingDeliveryRepository } from './forwarding-delivery.repository';
import type { RuleRecord } from './forwarding-rule.repository';
import { ruleMatches, type ForwardingRulesService } from './forwarding-rules.service';
import type { AttemptOutcome, HttpDeliverer } from './http-deliverer';
import { signatureV1 } from './signature.util';

const rule: RuleRecord = {
  id: 'rule-1',
  name: 'r',
  eventPattern: 'authorization.*',
  targetUrl: 'https://hooks.example.com/x',
  enabled: true,
  concurrency: 2,
  secret: 'new-secret',
  createdAt: new Date(),
  updatedAt: new Date(),
};

const delivery: DeliveryRecord = {
  id: '7',
  ruleId: rule.id,
  eventId: 'e-1',
  eventType: 'authorization.authorized',
  envelope: {
    id: 'e-1',
    type: 'authorization.authorized',
    version: 1,
    occurredAt: '2026-12-01T00:00:00.000Z',
    componentAppid: 'wxc',
    data: {},
  },
  isTest: false,
  state: 'pending',
  attempts: 0,
  createdAt: new Date(),
  updatedAt: new Date(),
};

function setup(outcome: AttemptOutcome, ruleOverrides: Partial<RuleRecord> = {}) {
  const rules = {
    forDelivery: jest.fn().mockResolvedValue({ ...rule, ...ruleOverrides }),
    matching: jest.fn().mockResolvedValue([{ ...rule, ...ruleOverrides }]),
  };
  const deliveries = {
    find: jest.fn().mockResolvedValue(delivery),
    recordAttempt: jest.fn().mockResolvedValue(undefined),
    createForEvent: jest.fn().mockResolvedValue({
      pending: [{ id: '7', ruleId: rule.id }],
      body: JSON.stringify(delivery.envelope),
    }),
  };
  const deliverer = { post: jest.fn().mockResolvedValue(outcome) };
  const queue = { enqueue: jest.fn() };
  const sut = new ForwardingDeliveriesService(
    rules as unknown as ForwardingRulesService,
    deliveries as unknown as ForwardingDeliveryRepository,
    queue as unknown as DeliveryQueue,
    deliverer as unknown as HttpDeliverer,
    { inlineWaitMs: 50 },
  );
  return { sut, rules, deliveries, deliverer, queue };
}

describe(ForwardingDeliveriesService.name, () => {
  describe('onEvent (the first attempt, inline)', () => {
    it('delivers at once, logs the attempt, and queues nothing', async () => {
      const { sut, deliveries, deliverer, queue } = setup({ statusCode: 200, latencyMs: 1, delivered: true });
      await sut.onEvent(delivery.envelope);
      const [url, body, headers] = deliverer.post.mock.calls[0] as [string, string, Record<string, string>];
      expect(url).toBe(rule.targetUrl);
      expect(body).toBe(JSON.stringify(delivery.envelope));
      const timestamp = Number(headers['x-wxop-timestamp']);
      expect(headers['x-wxop-signature']).toBe(signatureV1('new-secret', timestamp, body));
      expect(deliveries.recordAttempt).toHaveBeenCalledWith(
        '7',
        expect.objectContaining({ statusCode: 200 }),
        'delivered',
      );
      expect(queue.enqueue).not.toHaveBeenCalled();
    });

    it('logs a failed first attempt as pending and hands the delivery to the retry queue', async () => {
      const { sut, deliveries, queue } = setup({ statusCode: 500, latencyMs: 1, delivered: false });
      await sut.onEvent(delivery.envelope);
      expect(deliveries.recordAttempt).toHaveBeenCalledWith(
        '7',
        expect.objectContaining({ statusCode: 500 }),
        'pending',
      );
      expect(queue.enqueue).toHaveBeenCalledWith([{ deliveryId: '7', ruleId: rule.id }], 'wxc');
    });

    it('does not acknowledge (rejects) when the attempt could not be logged', async () => {
      const { sut, deliveries, queue } = setup({ statusCode: 200, latencyMs: 1, delivered: true });
      deliveries.recordAttempt.mockRejectedValue(new Error('database gone'));
      await expect(sut.onEvent(delivery.envelope)).rejects.toThrow('database gone');
      expect(queue.enqueue).not.toHaveBeenCalled();
    });
    it("does not wait behind a rule whose target never answers: others' first attempts go on", async () => {
      const slow: RuleRecord = {
        ...rule,
        id: 'rule-slow',
        targetUrl: 'https://slow.example.com/x',
        concurrency: 1,
      };
      const { sut, rules, deliveries, deliverer, queue } = setup({
        statusCode: 200,
        latencyMs: 1,
        delivered: true,
      });
      rules.matching.mockResolvedValue([{ ...rule, concurrency: 8 }, slow]);
      deliveries.createForEvent.mockImplementation(async (_ruleIds: string[], envelope: { id: string }) => ({
        pending: [
          { id: `${envelope.id}:fast`, ruleId: rule.id },
          { id: `${envelope.id}:slow`, ruleId: slow.id },
        ],
        body: JSON.stringify(envelope),
      }));
      deliverer.post.mockImplementation((url: string) =>
        url === slow.targetUrl
          ? new Promise(() => undefined) // never answers (the 10 s timeout is the deliverer's)
          : Promise.resolve({ statusCode: 200, latencyMs: 1, delivered: true }),
      );
      void sut.onEvent({ ...delivery.envelope, id: 'e-1' }); // holds the slow rule's only slot
      const later = ['e-2', 'e-3', 'e-4'].map((id) => sut.onEvent({ ...delivery.envelope, id }));
      const settled = await Promise.race([
        Promise.all(later).then(() => 'acked'),
        new Promise((resolve) => setTimeout(() => resolve('stalled'), 500)),
      ]);
      expect(settled).toBe('acked');
      for (const id of ['e-1', 'e-2', 'e-3', 'e-4']) {
        expect(deliveries.recordAttempt).toHaveBeenCalledWith(`${id}:fast`, expect.anything(), 'delivered');
      }
      // The slow rule's one slot is taken by e-1; the others were queued for retry, not attempted.
      expect(deliverer.post.mock.calls.filter(([url]) => url === slow.targetUrl)).toHaveLength(1);
      for (const id of ['e-2', 'e-3', 'e-4']) {
        expect(queue.enqueue).toHaveBeenCalledWith([{ deliveryId: `${id}:slow`, ruleId: slow.id }], 'wxc');
        expect(deliveries.recordAttempt).not.toHaveBeenCalledWith(
          `${id}:slow`,
          expect.anything(),
          expect.anything(),
        );
      }
    });

    it("waits for a busy rule's slot (in line, bounded) and attempts inline instead of queueing", async () => {
      const { sut, rules, deliveries, deliverer, queue } = setup({
        statusCode: 200,
        latencyMs: 1,
        delivered: true,
      });
      rules.matching.mockResolvedValue([{ ...rule, concurrency: 1 }]);
      deliveries.createForEvent.mockImplementation(async (_ruleIds: string[], envelope: { id: string }) => ({
        pending: [{ id: `${envelope.id}:d`, ruleId: rule.id }],
        body: JSON.stringify(envelope),
      }));
      let inFlight = 0;
      let peak = 0;
      deliverer.post.mockImplementation(async () => {
        peak = Math.max(peak, ++inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return { statusCode: 200, latencyMs: 5, delivered: true };
      });
      // Three events behind one slot: 5 ms each, well within the 50 ms wait.
      await Promise.all(['e-1', 'e-2', 'e-3'].map((id) => sut.onEvent({ ...delivery.envelope, id })));
      expect(peak).toBe(1);
      expect(deliverer.post).toHaveBeenCalledTimes(3);
      for (const id of ['e-1', 'e-2', 'e-3']) {
        expect(deliveries.recordAttempt).toHaveBeenCalledWith(`${id}:d`, expect.anything(), 'delivered');
      }
      expect(queue.enqueue).not.toHaveBeenCalled();
    });
  });

  describe('attempt', () => {
    it('marks a 2xx delivered and signs "<timestamp>.<body>" with the rule secret', async () => {
      const { sut, deliveries, deliverer } = setup({ statusCode: 204, latencyMs: 3, delivered: true });
      await sut.attempt({ deliveryId: '7', ruleId: rule.id }, { lastAttempt: false });
      expect(deliveries.recordAttempt).toHaveBeenCalledWith(
        '7',
        expect.objectContaining({ statusCode: 204 }),
        'delivered',
      );
      const [url, body, headers] = deliverer.post.mock.calls[0] as [string, string, Record<string, string>];
      expect(url).toBe(rule.targetUrl);
      expect(body).toBe(JSON.stringify(delivery.envelope));
      expect(headers['x-wxop-event-id']).toBe('e-1');
      expect(headers['x-wxop-event-type']).toBe('authorization.authorized');
      const timestamp = Number(headers['x-wxop-timestamp']);
      expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(5);
      expect(headers['x-wxop-signature']).toBe(signatureV1('new-secret', timestamp, body));
    });

    it('sends both signatures while a previous secret is within its overlap', async () => {
      const { sut, deliverer } = setup(
        { statusCode: 200, latencyMs: 1, delivered: true },
        { previousSecret: 'old' },
      );
      await sut.attempt({ deliveryId: '7', ruleId: rule.id }, { lastAttempt: false });
      const [, body, headers] = deliverer.post.mock.calls[0] as [string, string, Record<string, string>];
      const timestamp = Number(headers['x-wxop-timestamp']);
      expect(headers['x-wxop-signature']).toBe(
        `${signatureV1('new-secret', timestamp, body)} ${signatureV1('old', timestamp, body)}`,
      );
    });

    it('logs a failure and throws so the queue retries it', async () => {
      const { sut, deliveries } = setup({ statusCode: 503, latencyMs: 2, delivered: false });
      await expect(
        sut.attempt({ deliveryId: '7', ruleId: rule.id }, { lastAttempt: false }),
      ).rejects.toBeInstanceOf(DeliveryAttemptFailed);
      expect(deliveries.recordAttempt).toHaveBeenCalledWith(
        '7',
        expect.objectContaining({ statusCode: 503 }),
        'pending',
      );
    });

    it('marks the delivery failed on the last attempt instead of retrying', async () => {
      const { sut, deliveries } = setup({ latencyMs: 2, error: 'ECONNREFUSED', delivered: false });
      await sut.attempt({ deliveryId: '7', ruleId: rule.id }, { lastAttempt: true });
      expect(deliveries.recordAttempt).toHaveBeenCalledWith(
        '7',
        expect.objectContaining({ error: 'ECONNREFUSED' }),
        'failed',
      );
    });

    it('does nothing for a delivery already settled (a duplicate message)', async () => {
      const { sut, deliveries, deliverer } = setup({ statusCode: 200, latencyMs: 1, delivered: true });
      deliveries.find.mockResolvedValue({ ...delivery, state: 'delivered' });
      await sut.attempt({ deliveryId: '7', ruleId: rule.id }, { lastAttempt: false });
      expect(deliverer.post).not.toHaveBeenCalled();
      expect(deliveries.recordAttempt).not.toHaveBeenCalled();
    });
  });
});

describe('ruleMatches', () => {
  it('applies the topic pattern and the component and authorizer filters', () => {
    const event = { type: 'authorization.authorized', componentAppid: 'wxc', authorizerAppid: 'wxa' };
    expect(ruleMatches({ eventPattern: 'authorization.*' }, event)).toBe(true);
    expect(ruleMatches({ eventPattern: '#' }, event)).toBe(true);
    expect(ruleMatches({ eventPattern: 'wechat.#' }, event)).toBe(false);
    expect(ruleMatches({ eventPattern: '#', componentAppid: 'wxother' }, event)).toBe(false);
    expect(ruleMatches({ eventPattern: '#', componentAppid: 'wxc', authorizerAppid: 'wxa' }, event)).toBe(
      true,
    );
    expect(ruleMatches({ eventPattern: '#', authorizerAppid: 'wxb' }, event)).toBe(false);
  });
});
