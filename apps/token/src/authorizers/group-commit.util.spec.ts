import { GroupCommit } from './group-commit.util';

describe(GroupCommit.name, () => {
  describe('submit', () => {
    it('writes a lone item at once, and the items submitted during that write together in the next', async () => {
      const batches: number[][] = [];
      let release!: () => void;
      const firstWrite = new Promise<void>((resolve) => (release = resolve));
      const sut = new GroupCommit<number, string>(async (items) => {
        batches.push(items);
        if (batches.length === 1) await firstWrite;
        return items.map((item) => `stored ${item}`);
      }, 10);

      const first = sut.submit(1);
      const later = [sut.submit(2), sut.submit(3), sut.submit(4)];
      expect(batches).toEqual([[1]]);
      release();
      await expect(first).resolves.toBe('stored 1');
      await expect(Promise.all(later)).resolves.toEqual(['stored 2', 'stored 3', 'stored 4']);
      expect(batches).toEqual([[1], [2, 3, 4]]);
    });

    it('splits what waits into batches of at most maxBatch', async () => {
      const batches: number[][] = [];
      let release!: () => void;
      const firstWrite = new Promise<void>((resolve) => (release = resolve));
      const sut = new GroupCommit<number, number>(async (items) => {
        batches.push(items);
        if (batches.length === 1) await firstWrite;
        return items;
      }, 2);

      const all = [0, 1, 2, 3, 4].map((item) => sut.submit(item));
      release();
      await expect(Promise.all(all)).resolves.toEqual([0, 1, 2, 3, 4]);
      expect(batches).toEqual([[0], [1, 2], [3, 4]]);
    });

    it('fails every item of a failed write, and writes the next batch anyway', async () => {
      let calls = 0;
      let release!: () => void;
      const firstWrite = new Promise<void>((resolve) => (release = resolve));
      const sut = new GroupCommit<number, number>(async (items) => {
        calls += 1;
        if (calls === 1) {
          await firstWrite;
          throw new Error('database gone');
        }
        return items;
      }, 10);

      const failed = sut.submit(1);
      const next = sut.submit(2);
      release();
      await expect(failed).rejects.toThrow('database gone');
      await expect(next).resolves.toBe(2);
    });
  });
});
