import { ConcurrencyLimit } from './concurrency.util';

describe(ConcurrencyLimit.name, () => {
  describe('run', () => {
    it('never runs more than the limit at once, and runs every task in order of arrival', async () => {
      const sut = new ConcurrencyLimit(3);
      let peak = 0;
      const started: number[] = [];
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          sut.run(async () => {
            started.push(i);
            peak = Math.max(peak, sut.running);
            await new Promise((resolve) => setTimeout(resolve, 2));
            return i * 2;
          }),
        ),
      );
      expect(peak).toBe(3);
      expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    });

    it('gives a freed slot to the first waiter, not to a task arriving in the same turn', async () => {
      const sut = new ConcurrencyLimit(1);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let peak = 0;
      const track = async () => {
        peak = Math.max(peak, sut.running);
        await new Promise((resolve) => setTimeout(resolve, 1));
        peak = Math.max(peak, sut.running);
      };
      const first = sut.run(() => gate);
      const waiter = sut.run(track);
      // Runs right after the first task's slot is freed, before the waiter's continuation.
      const newcomer = gate.then(() => sut.run(track));
      release();
      await Promise.all([first, waiter, newcomer]);
      expect(peak).toBe(1);
    });

    it('frees the slot of a task that failed', async () => {
      const sut = new ConcurrencyLimit(1);
      await expect(sut.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      await expect(sut.run(() => Promise.resolve('next'))).resolves.toBe('next');
      expect(sut.running).toBe(0);
    });

    it('refuses a limit below one', () => {
      expect(() => new ConcurrencyLimit(0)).toThrow(RangeError);
    });
  });
});
