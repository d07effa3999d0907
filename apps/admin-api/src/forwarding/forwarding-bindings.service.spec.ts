import type { SchedulerRegistry } from '@nestjs/schedule';
import { QueueNames } from '@wxop/contracts';
import type { EventConsumers } from '@wxop/messaging';

import type { BindingsTransaction, ForwardingBindingRepository } from './forwarding-binding.repository';
import { ForwardingBindingsService, isBindingKey } from './forwarding-bindings.service';

function setup(state: { enabled: string[]; recorded: string[] }) {
  const calls: string[] = [];
  const tx: BindingsTransaction = {
    enabledPatterns: jest.fn(async () => [...state.enabled]),
    recordedPatterns: jest.fn(async () => [...state.recorded]),
    record: jest.fn(async (pattern: string) => {
      calls.push(`record ${pattern}`);
      state.recorded.push(pattern);
    }),
    forget: jest.fn(async (pattern: string) => {
      calls.push(`forget ${pattern}`);
      state.recorded = state.recorded.filter((recorded) => recorded !== pattern);
    }),
  };
  let locks = 0;
  /** Set by a test to hold a run inside the lock. */
  const hold: { gate?: Promise<void> } = {};
  const repository = {
    underLock: jest.fn(async (work: (tx: BindingsTransaction) => Promise<unknown>) => {
      locks++;
      const result = await work(tx);
      await hold.gate;
      return result;
    }),
  };
  const consumers = {
    bindQueue: jest.fn(async (queue: string, pattern: string) => void calls.push(`bind ${queue} ${pattern}`)),
    unbindQueue: jest.fn(
      async (queue: string, pattern: string) => void calls.push(`unbind ${queue} ${pattern}`),
    ),
  };
  const sut = new ForwardingBindingsService(
    repository as unknown as ForwardingBindingRepository,
    consumers as unknown as EventConsumers,
    {} as SchedulerRegistry,
    { bindingsReconcileMs: 30_000 },
  );
  return { sut, calls, consumers, state, hold, locks: () => locks };
}

const QUEUE = QueueNames.AdminApiForwarding;

describe(ForwardingBindingsService.name, () => {
  describe('reconcile', () => {
    it('records then binds each wanted pattern, and unbinds then forgets the recorded ones no rule wants', async () => {
      const { sut, calls, state } = setup({ enabled: ['a.#', 'b.*', 'a.#'], recorded: ['#', 'b.*'] });
      await sut.reconcile();
      expect(calls).toEqual([
        'record a.#',
        `bind ${QUEUE} a.#`,
        `bind ${QUEUE} b.*`,
        `unbind ${QUEUE} #`,
        'forget #',
      ]);
      expect(state.recorded.sort()).toEqual(['a.#', 'b.*']);
    });

    it('binds nothing, and leaves no binding, when no rule is enabled', async () => {
      const { sut, consumers, state } = setup({ enabled: [], recorded: ['x.#'] });
      await sut.reconcile();
      expect(consumers.bindQueue).not.toHaveBeenCalled();
      expect(consumers.unbindQueue).toHaveBeenCalledWith(QUEUE, 'x.#');
      expect(state.recorded).toEqual([]);
    });

    it('unbinds the legacy catch-all # though unrecorded (a previous version bound it again), unless a rule wants it', async () => {
      const { sut, calls } = setup({ enabled: ['a.#'], recorded: ['a.#'] });
      await sut.reconcile();
      expect(calls).toEqual([`bind ${QUEUE} a.#`, `unbind ${QUEUE} #`]);
      const wanted = setup({ enabled: ['#'], recorded: ['#'] });
      await wanted.sut.reconcile();
      expect(wanted.calls).toEqual([`bind ${QUEUE} #`]);
    });

    it('does not bind a stored pattern that is no binding key', async () => {
      const { sut, consumers } = setup({ enabled: ['Bad Pattern', 'ok.#'], recorded: [] });
      await sut.reconcile();
      expect(consumers.bindQueue.mock.calls).toEqual([[QUEUE, 'ok.#']]);
    });

    it('runs again after a reconcile in progress when asked during it, once for all callers waiting', async () => {
      const { sut, state, consumers, hold, locks } = setup({ enabled: ['a.#'], recorded: [] });
      let release!: () => void;
      hold.gate = new Promise<void>((resolve) => (release = resolve));
      const first = sut.reconcile();
      await new Promise((resolve) => setImmediate(resolve));
      expect(locks()).toBe(1); // in progress: it has read the rules already
      state.enabled = ['b.#']; // a rule changed meanwhile: its caller must see it applied
      const second = sut.reconcile();
      const third = sut.reconcile();
      hold.gate = undefined;
      release();
      await Promise.all([first, second, third]);
      expect(locks()).toBe(2);
      expect(consumers.unbindQueue).toHaveBeenCalledWith(QUEUE, 'a.#');
      expect(state.recorded).toEqual(['b.#']);
    });
  });
});

describe('isBindingKey', () => {
  it('accepts AMQP topic patterns of lower-case words, * and #, and refuses the rest', () => {
    for (const good of ['#', '*', 'wechat.#', 'authorization.*', 'a.#.b', 'a_b.c1'])
      expect(isBindingKey(good)).toBe(true);
    for (const bad of ['', 'a..b', '.a', 'a.', 'A.b', 'a-b', 'a.#b', 'a b', `${'a.'.repeat(128)}a`])
      expect(isBindingKey(bad)).toBe(false);
  });
});

describe(`${ForwardingBindingsService.name} after a rule change`, () => {
  afterEach(() => jest.useRealTimers());

  it('answers false when the reconcile failed, and retries soon (1 s, doubling) until one succeeds', async () => {
    jest.useFakeTimers();
    const { sut, consumers } = setup({ enabled: ['a.#'], recorded: [] });
    consumers.bindQueue
      .mockRejectedValueOnce(new Error('broker not connected'))
      .mockRejectedValueOnce(new Error('broker not connected'));
    expect(await sut.applyAfterChange()).toBe(false);
    expect(sut.pending).toBe(true);
    await jest.advanceTimersByTimeAsync(1000); // the first retry fails too
    expect(consumers.bindQueue).toHaveBeenCalledTimes(2);
    expect(sut.pending).toBe(true);
    await jest.advanceTimersByTimeAsync(1999);
    expect(consumers.bindQueue).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(1); // 2 s later: succeeds
    expect(consumers.bindQueue).toHaveBeenCalledTimes(3);
    expect(sut.pending).toBe(false);
    expect(await sut.applyAfterChange()).toBe(true);
  });
});
