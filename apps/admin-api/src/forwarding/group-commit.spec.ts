import { GroupCommit } from './group-commit';

describe(GroupCommit.name, () => {
  it('writes what is added in one turn as one batch, and resolves each add after its write', async () => {
    const writes: string[][] = [];
    const sut = new GroupCommit<string>(
      async (entries) => {
        writes.push(entries);
      },
      { maxBatch: 10, maxConcurrentWrites: 1 },
    );
    await Promise.all(['a', 'b', 'c'].map((key) => sut.add(key, key)));
    expect(writes).toEqual([['a', 'b', 'c']]);
  });

  it('never puts the same key twice in a batch, and keeps their order', async () => {
    const writes: string[][] = [];
    const sut = new GroupCommit<string>(
      async (entries) => {
        writes.push(entries);
      },
      { maxBatch: 10, maxConcurrentWrites: 1 },
    );
    await Promise.all([sut.add('d1', 'd1#1'), sut.add('d2', 'd2#1'), sut.add('d1', 'd1#2')]);
    expect(writes).toEqual([['d1#1', 'd2#1'], ['d1#2']]);
  });

  it('splits at maxBatch and rejects the adds of a failed write only', async () => {
    let calls = 0;
    const sut = new GroupCommit<number>(
      async () => {
        calls++;
        if (calls === 1) throw new Error('deadlock');
      },
      { maxBatch: 2, maxConcurrentWrites: 1 },
    );
    const results = await Promise.allSettled([1, 2, 3].map((n) => sut.add(String(n), n)));
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(calls).toBe(2);
  });

  it('with writes in parallel, holds a key back until the batch writing it finished', async () => {
    const log: string[] = [];
    const finish: (() => void)[] = [];
    const sut = new GroupCommit<string>(
      (entries) =>
        new Promise<void>((resolve) => {
          log.push(`start ${entries.join(',')}`);
          finish.push(() => {
            log.push(`end ${entries.join(',')}`);
            resolve();
          });
        }),
      { maxBatch: 10, maxConcurrentWrites: 2 },
    );
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    const first = sut.add('d1', 'd1#delivered');
    await turn(); // batch 1 (d1) is being written
    const duplicate = sut.add('d1', 'd1#pending');
    const other = sut.add('d2', 'd2#1');
    await turn();
    expect(log).toEqual(['start d1#delivered', 'start d2#1']); // d2 beside it, d1 held back
    finish.shift()!();
    await first;
    await turn();
    expect(log).toEqual(['start d1#delivered', 'start d2#1', 'end d1#delivered', 'start d1#pending']);
    finish.splice(0).forEach((end) => end());
    await Promise.all([duplicate, other]);
  });
});
