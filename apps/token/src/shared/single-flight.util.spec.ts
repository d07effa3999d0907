import { SingleFlight } from './single-flight.util';

describe(SingleFlight.name, () => {
  it('runs concurrent calls with one key once and shares the result', async () => {
    const sut = new SingleFlight<number>();
    let calls = 0;
    let release!: (value: number) => void;
    const work = () => {
      calls += 1;
      return new Promise<number>((resolve) => (release = resolve));
    };
    const results = Promise.all([sut.run('a', work), sut.run('a', work), sut.run('a', work)]);
    release(42);
    expect(await results).toEqual([42, 42, 42]);
    expect(calls).toBe(1);
  });

  it('runs again once the previous call settled, also after a failure', async () => {
    const sut = new SingleFlight<number>();
    await expect(sut.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await sut.run('a', () => Promise.resolve(1))).toBe(1);
    expect(await sut.run('b', () => Promise.resolve(2))).toBe(2);
  });
});
