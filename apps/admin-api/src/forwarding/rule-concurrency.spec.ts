import { KeyedConcurrency } from './rule-concurrency';

describe(KeyedConcurrency.name, () => {
  describe('run', () => {
    it('runs at most the limit of one key at once, and other keys beside it', async () => {
      const sut = new KeyedConcurrency();
      let inFlight = 0;
      let peak = 0;
      const releases: (() => void)[] = [];
      const task = (): Promise<void> =>
        new Promise<void>((resolve) => {
          inFlight++;
          peak = Math.max(peak, inFlight);
          releases.push(() => {
            inFlight--;
            resolve();
          });
        });
      const all = [1, 2, 3, 4, 5].map(() => sut.run('a', 2, task));
      let otherRan = false;
      const other = sut.run('b', 1, async () => {
        otherRan = true;
      });
      await new Promise((resolve) => setImmediate(resolve));
      expect(inFlight).toBe(2);
      await other;
      expect(otherRan).toBe(true);
      while (releases.length > 0) {
        releases.shift()!();
        await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(all);
      expect(peak).toBe(2);
    });
  });

  describe('tryRun', () => {
    it('runs only with a free slot now, and answers undefined (not running the task) otherwise', async () => {
      const sut = new KeyedConcurrency();
      let release!: () => void;
      const held = sut.tryRun('a', 1, () => new Promise<void>((resolve) => (release = resolve)));
      expect(held).toBeDefined();
      const task = jest.fn(async () => 'ran');
      expect(sut.tryRun('a', 1, task)).toBeUndefined();
      expect(task).not.toHaveBeenCalled();
      await expect(sut.tryRun('b', 1, task)).resolves.toBe('ran');
      release();
      await held;
      await expect(sut.tryRun('a', 1, task)).resolves.toBe('ran');
    });
  });

  describe('runWithin', () => {
    it('waits in line for a slot that frees within the wait, and runs the task then', async () => {
      const sut = new KeyedConcurrency();
      let release!: () => void;
      const held = sut.run('a', 1, () => new Promise<void>((resolve) => (release = resolve)));
      const waiting = sut.runWithin('a', 1, 1000, async () => 'ran');
      setTimeout(() => release(), 20);
      await expect(waiting).resolves.toEqual({ result: 'ran' });
      await held;
    });

    it('gives up after the wait without running the task, and leaves its place in line to the next', async () => {
      jest.useFakeTimers();
      try {
        const sut = new KeyedConcurrency();
        let release!: () => void;
        const held = sut.run('a', 1, () => new Promise<void>((resolve) => (release = resolve)));
        const task = jest.fn(async () => 'ran');
        const gaveUp = sut.runWithin('a', 1, 100, task);
        const patient = sut.runWithin('a', 1, 10_000, async () => 'patient');
        await jest.advanceTimersByTimeAsync(150);
        await expect(gaveUp).resolves.toBeUndefined();
        expect(task).not.toHaveBeenCalled();
        release();
        await held;
        await expect(patient).resolves.toEqual({ result: 'patient' });
        // Every slot is free again: a task runs at once.
        await expect(sut.tryRun('a', 1, task)).resolves.toBe('ran');
      } finally {
        jest.useRealTimers();
      }
    });
  });
});
