import {
  formatList,
  parseDlqArguments,
  runDlqCommand,
  UsageError,
  type DeadLetterOperations,
} from './dlq.cli';

describe(parseDlqArguments.name, () => {
  it('reads each command with its options', () => {
    expect(parseDlqArguments(['list'])).toEqual({ command: 'list', queues: [] });
    expect(parseDlqArguments(['list', '--queue', 'billing.authorizations', '--queue', 'x.y'])).toEqual({
      command: 'list',
      queues: ['billing.authorizations', 'x.y'],
    });
    expect(parseDlqArguments(['show', 'token.component-pushes'])).toEqual({
      command: 'show',
      queue: 'token.component-pushes',
      limit: 10,
    });
    expect(parseDlqArguments(['show', 'q.dlq', '--limit', '3'])).toMatchObject({ limit: 3 });
    expect(parseDlqArguments(['requeue', 'q', '--all'])).toEqual({
      command: 'requeue',
      queue: 'q',
      which: { all: true },
    });
    expect(parseDlqArguments(['requeue', 'q', '--id', 'abc'])).toMatchObject({ which: { id: 'abc' } });
    expect(parseDlqArguments(['purge', 'q'])).toEqual({ command: 'purge', queue: 'q' });
  });

  it('refuses what it cannot do safely, saying why', () => {
    const refusal = (argv: string[]) => {
      try {
        parseDlqArguments(argv);
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
      throw new Error(`accepted ${argv.join(' ')}`);
    };
    expect(refusal([])).toBe('no command');
    expect(refusal(['drop', 'q'])).toBe('unknown command drop');
    expect(refusal(['requeue', 'q'])).toMatch(/exactly one of --id/);
    expect(refusal(['requeue', 'q', '--all', '--id', 'x'])).toMatch(/exactly one of --id/);
    expect(refusal(['purge'])).toMatch(/exactly one queue/);
    expect(refusal(['purge', 'a', 'b'])).toMatch(/exactly one queue/);
    expect(refusal(['show', 'q', '--limit', '0'])).toMatch(/--limit/);
    expect(refusal(['show', 'q', '--limit'])).toMatch(/--limit needs a value/);
    expect(refusal(['show', 'q', '--force', 'yes'])).toMatch(/unknown option --force/);
  });
});

describe(runDlqCommand.name, () => {
  const operations = (overrides: Partial<DeadLetterOperations>): DeadLetterOperations => ({
    list: jest.fn().mockResolvedValue([]),
    show: jest.fn().mockResolvedValue([]),
    requeue: jest.fn().mockResolvedValue(0),
    purge: jest.fn().mockResolvedValue(0),
    ...overrides,
  });

  it('says how many messages a requeue moved, and fails when the id was not there', async () => {
    const sut = operations({ requeue: jest.fn().mockResolvedValueOnce(3).mockResolvedValueOnce(0) });
    await expect(
      runDlqCommand({ command: 'requeue', queue: 'q.dlq', which: { all: true } }, sut),
    ).resolves.toBe('requeued 3 messages onto q');
    await expect(runDlqCommand({ command: 'requeue', queue: 'q', which: { id: 'e1' } }, sut)).rejects.toThrow(
      'no dead letter with id e1 in q',
    );
  });

  it('prints dead letters as JSON and an empty queue in words', async () => {
    const letter = { messageId: 'e1', body: '', reason: 'non-retryable', envelope: { id: 'e1' } };
    const sut = operations({ show: jest.fn().mockResolvedValueOnce([letter]).mockResolvedValueOnce([]) });
    expect(JSON.parse(await runDlqCommand({ command: 'show', queue: 'q', limit: 1 }, sut))).toEqual([letter]);
    expect(await runDlqCommand({ command: 'show', queue: 'q', limit: 1 }, sut)).toBe('q: no dead letters');
  });
});

describe(formatList.name, () => {
  it('aligns one row per queue with the oldest message’s age in readable units', () => {
    expect(
      formatList([
        {
          queue: 'token.component-pushes.dlq',
          originalQueue: 'token.component-pushes',
          depth: 2,
          oldestAgeSeconds: 90,
        },
        { queue: 'a.dlq', originalQueue: 'a', depth: 0 },
        { queue: 'b.dlq', originalQueue: 'b', depth: 12, oldestAgeSeconds: 3 * 86_400 },
      ]).split('\n'),
    ).toEqual([
      'queue                       depth  oldest',
      'token.component-pushes.dlq  2      90 s',
      'a.dlq                       0      -',
      'b.dlq                       12     3 d',
    ]);
  });
});
