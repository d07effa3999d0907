import type { EventEnvelope } from '@wxop/contracts';

import type { ForwardingBindingsService } from './forwarding-bindings.service';
import type { ForwardingDeliveryRepository } from './forwarding-delivery.repository';
import type { ForwardingRuleRepository, RuleRecord } from './forwarding-rule.repository';
import { ForwardingRulesService } from './forwarding-rules.service';
import type { HttpDeliverer } from './http-deliverer';

const ruleOf = (id: string, eventPattern: string): RuleRecord => ({
  id,
  name: id,
  eventPattern,
  targetUrl: 'https://hooks.example.com/x',
  enabled: true,
  concurrency: 4,
  secret: 's',
  createdAt: new Date(),
  updatedAt: new Date(),
});

const eventOf = (type: string) => ({ id: 'e', type, componentAppid: 'wxc' }) as EventEnvelope<unknown>;

function setup(enabled: RuleRecord[]) {
  const rules = { listEnabled: jest.fn(async () => [...enabled]), update: jest.fn(async () => true) };
  const bindings = { reconcile: jest.fn(async () => undefined) };
  const sut = new ForwardingRulesService(
    rules as unknown as ForwardingRuleRepository,
    bindings as unknown as ForwardingBindingsService,
    {} as ForwardingDeliveryRepository,
    {} as HttpDeliverer,
    {
      rotationOverlapSeconds: 0,
      timeoutMs: 1000,
      prefetch: 1,
      eventsPrefetch: 1,
      inlineWaitMs: 0,
      bindingsReconcileMs: 1,
    },
  );
  return { sut, rules, bindings, enabled };
}

describe(ForwardingRulesService.name, () => {
  describe('matching', () => {
    afterEach(() => jest.useRealTimers());

    it('reuses the enabled rules it read, one read for concurrent events', async () => {
      const { sut, rules } = setup([ruleOf('r1', 'a.#')]);
      const matched = await Promise.all([1, 2, 3].map(() => sut.matching(eventOf('a.x'))));
      expect(matched.map((list) => list.map((rule) => rule.id))).toEqual([['r1'], ['r1'], ['r1']]);
      expect(rules.listEnabled).toHaveBeenCalledTimes(1);
    });

    it("reads again, at most every 200 ms, for an event no cached rule's pattern matches (a rule of another replica)", async () => {
      jest.useFakeTimers({ now: 1_000_000 });
      const { sut, rules, enabled } = setup([ruleOf('r1', 'a.#')]);
      await sut.matching(eventOf('a.x'));
      enabled.push(ruleOf('r2', 'b.#')); // created through another replica, which bound b.#
      jest.setSystemTime(1_000_100);
      expect(await sut.matching(eventOf('b.x'))).toEqual([]); // read 100 ms ago: not again yet
      jest.setSystemTime(1_000_300);
      expect((await sut.matching(eventOf('b.x'))).map((rule) => rule.id)).toEqual(['r2']);
      expect(rules.listEnabled).toHaveBeenCalledTimes(2);
    });
  });

  describe('update', () => {
    it('reconciles the bindings before answering when the pattern or enabled changes, not otherwise', async () => {
      const { sut, bindings } = setup([]);
      jest.spyOn(sut, 'get').mockResolvedValue(ruleOf('r1', 'a.#'));
      await sut.update('r1', { name: 'renamed' });
      expect(bindings.reconcile).not.toHaveBeenCalled();
      await sut.update('r1', { enabled: false });
      await sut.update('r1', { eventPattern: 'b.#' });
      expect(bindings.reconcile).toHaveBeenCalledTimes(2);
    });
  });
});
