import type { EventEnvelope } from '@wxop/contracts';

import type { ForwardingBindingsService } from './forwarding-bindings.service';
import type { ForwardingDeliveryRepository } from './forwarding-delivery.repository';
import type { ForwardingRuleRepository, RuleRecord } from './forwarding-rule.repository';
import { ForwardingRulesService } from './forwarding-rules.service';
import type { HttpDeliverer } from './http-deliverer';

const ruleOf = (id: string, eventPattern: string, componentAppid?: string): RuleRecord => ({
  id,
  name: id,
  eventPattern,
  componentAppid,
  targetUrl: 'https://hooks.example.com/x',
  enabled: true,
  concurrency: 4,
  secret: 's',
  createdAt: new Date(),
  updatedAt: new Date(),
});

const eventOf = (type: string, componentAppid = 'wxc') =>
  ({ id: 'e', type, componentAppid }) as EventEnvelope<unknown>;

function setup(enabled: RuleRecord[]) {
  /** The rules' version in the database; `versionGate`, when set, holds each version read. */
  const db = { version: 0, versionGate: undefined as Promise<void> | undefined };
  const rules = {
    listEnabled: jest.fn(async () => [...enabled]),
    update: jest.fn(async () => true),
    insert: jest.fn(async () => undefined),
    version: jest.fn(async () => {
      const version = String(db.version); // as of when the query runs
      await db.versionGate;
      return version;
    }),
  };
  const bindings = { applyAfterChange: jest.fn(async () => true) };
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
  jest.spyOn(sut as unknown as { assertTarget: () => Promise<void> }, 'assertTarget').mockResolvedValue();
  /** A rule created through another replica: committed with the version bumped. */
  const createdElsewhere = (rule: RuleRecord) => {
    enabled.push(rule);
    db.version++;
  };
  return { sut, rules, bindings, enabled, db, createdElsewhere };
}

describe(ForwardingRulesService.name, () => {
  describe('matching', () => {
    afterEach(() => jest.useRealTimers());

    it('reuses the enabled rules it read while their version stays, one read of each for concurrent events', async () => {
      const { sut, rules } = setup([ruleOf('r1', 'a.#')]);
      const matched = await Promise.all([1, 2, 3].map(() => sut.matching(eventOf('a.x'))));
      expect(matched.map((list) => list.map((rule) => rule.id))).toEqual([['r1'], ['r1'], ['r1']]);
      expect(await sut.matching(eventOf('a.y'))).toHaveLength(1);
      expect(rules.listEnabled).toHaveBeenCalledTimes(1);
      // The first event's read, then one shared by the two arriving while it ran; then the fourth's.
      expect(rules.version).toHaveBeenCalledTimes(3);
    });

    it("applies a rule created through another replica even when a cached rule's pattern matches the event", async () => {
      // R1 (release.# for component X) is cached here; R2 (release.#, any component) is created
      // through another replica; an event for component Y must reach R2.
      const { sut, rules, createdElsewhere } = setup([ruleOf('r1', 'release.#', 'wx_x')]);
      expect(await sut.matching(eventOf('release.released', 'wx_y'))).toEqual([]);
      createdElsewhere(ruleOf('r2', 'release.#'));
      const matched = await sut.matching(eventOf('release.released', 'wx_y'));
      expect(matched.map((rule) => rule.id)).toEqual(['r2']);
      expect(rules.listEnabled).toHaveBeenCalledTimes(2);
    });

    it('does not answer from a version read that began before the event arrived', async () => {
      const { sut, db, createdElsewhere } = setup([ruleOf('r1', 'release.#', 'wx_x')]);
      await sut.matching(eventOf('release.released', 'wx_x')); // R1 cached, at version 0
      let release!: () => void;
      db.versionGate = new Promise<void>((resolve) => (release = resolve));
      const early = sut.matching(eventOf('release.released', 'wx_y')); // its version read is under way
      await new Promise((resolve) => setImmediate(resolve));
      createdElsewhere(ruleOf('r2', 'release.#'));
      const late = sut.matching(eventOf('release.released', 'wx_y')); // arrived after R2 committed
      db.versionGate = undefined;
      release();
      expect(await early).toEqual([]); // version 0, from the cache
      expect((await late).map((rule) => rule.id)).toEqual(['r2']);
    });

    it('reads the rules again once the copy is older than 2 s, the version unchanged (a rule edited by hand)', async () => {
      jest.useFakeTimers({ now: 1_000_000, doNotFake: ['setImmediate', 'nextTick'] });
      const { sut, rules, enabled } = setup([ruleOf('r1', 'a.#')]);
      await sut.matching(eventOf('a.x'));
      enabled.push(ruleOf('r2', 'a.#'));
      jest.setSystemTime(1_001_000);
      expect(await sut.matching(eventOf('a.x'))).toHaveLength(1);
      jest.setSystemTime(1_002_100);
      expect(await sut.matching(eventOf('a.x'))).toHaveLength(2);
      expect(rules.listEnabled).toHaveBeenCalledTimes(2);
    });
  });

  describe('update', () => {
    it('reconciles the bindings before answering when the pattern or enabled changes, not otherwise', async () => {
      const { sut, bindings } = setup([]);
      jest.spyOn(sut, 'get').mockResolvedValue(ruleOf('r1', 'a.#'));
      await sut.update('r1', { name: 'renamed' });
      expect(bindings.applyAfterChange).not.toHaveBeenCalled();
      await sut.update('r1', { enabled: false });
      await sut.update('r1', { eventPattern: 'b.#' });
      expect(bindings.applyAfterChange).toHaveBeenCalledTimes(2);
    });
  });

  describe('bindings pending', () => {
    it('answers a saved change whose bindings could not be applied yet as saved, with bindingsPending', async () => {
      const { sut, bindings } = setup([]);
      jest.spyOn(sut, 'get').mockResolvedValue(ruleOf('r1', 'a.#'));
      bindings.applyAfterChange.mockResolvedValue(false);
      const created = await sut.create({
        name: 'n',
        eventPattern: 'a.#',
        targetUrl: 'https://h.example.com',
      });
      expect(created.bindingsPending).toBe(true);
      expect(created.secret).toBeTruthy();
      expect((await sut.update('r1', { enabled: false })).bindingsPending).toBe(true);
      bindings.applyAfterChange.mockResolvedValue(true);
      expect((await sut.update('r1', { enabled: true })).bindingsPending).toBe(false);
    });
  });
});
