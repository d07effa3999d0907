import { uniqueRunId, waitUntil } from './test-env';

describe(uniqueRunId.name, () => {
  it('gives distinct names usable in database and queue names', () => {
    const ids = new Set(Array.from({ length: 100 }, uniqueRunId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^t[a-z0-9]+$/);
  });
});

describe(waitUntil.name, () => {
  it('resolves once the condition holds', async () => {
    let n = 0;
    await waitUntil(() => ++n > 3, 1000, 'n > 3');
    expect(n).toBe(4);
  });

  it('names what it waited for when time runs out', async () => {
    await expect(waitUntil(() => false, 50, 'the impossible')).rejects.toThrow('the impossible');
  });
});
