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
});
