import { parseLine } from './line-process';
import { HttpError } from './http';
import { FatalError, Tour, eventually } from './tour';

describe('Tour', () => {
  const clock = () => {
    let t = 1000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('prints each step, records its counts and closes with one JSON line', async () => {
    const lines: string[] = [];
    const time = clock();
    const tour = new Tour((line) => lines.push(line), time.now);
    await tour.step('ticket', 'The ticket', async (step) => {
      step.say('received');
      time.advance(1500);
      return { ticketAgeSeconds: 12 };
    });
    await tour.step('console', 'The console', async () => undefined);
    expect(tour.ok).toBe(true);
    expect(lines).toEqual([
      '\n[1] The ticket',
      '    received',
      '    ✓ ticket (1.5 s)',
      '\n[2] The console',
      '    ✓ console (0.0 s)',
    ]);
    expect(JSON.parse(tour.summary({ run: 'abc' }))).toEqual({
      demo: 'wxop',
      ok: true,
      seconds: 1.5,
      run: 'abc',
      steps: { ticket: { ok: true, ticketAgeSeconds: 12 }, console: { ok: true } },
    });
  });

  it('after a failed step skips the rest and is not ok', async () => {
    const lines: string[] = [];
    const tour = new Tour((line) => lines.push(line));
    const later = jest.fn();
    await tour.step('link', 'A link', async () => {
      throw new Error('POST /admin/v1/… answered 403');
    });
    await tour.step('authorize', 'Authorize', later);
    expect(later).not.toHaveBeenCalled();
    expect(tour.ok).toBe(false);
    expect(lines).toContain('    ✗ link: POST /admin/v1/… answered 403');
    const summary = JSON.parse(tour.summary()) as { ok: boolean; steps: Record<string, unknown> };
    expect(summary.ok).toBe(false);
    expect(summary.steps).toEqual({
      link: { ok: false, error: 'POST /admin/v1/… answered 403' },
      authorize: { ok: false, error: 'skipped: an earlier step failed' },
    });
  });

  it('is not ok before any step ran', () => {
    expect(new Tour(() => undefined).ok).toBe(false);
  });
});

describe('eventually', () => {
  it('answers the first defined value', async () => {
    let calls = 0;
    await expect(
      eventually('three calls', 1000, () => (++calls === 3 ? 'done' : undefined), 1),
    ).resolves.toBe('done');
    expect(calls).toBe(3);
  });

  it('names what it waited for, and the last error, when time runs out', async () => {
    await expect(
      eventually(
        'the campaign to finish',
        20,
        () => {
          throw new Error('503 from admin-api');
        },
        5,
      ),
    ).rejects.toThrow('the campaign to finish: not after 0 s (last error: 503 from admin-api)');
  });
});

describe('eventually, on what waiting cannot cure', () => {
  it('stops at once on a FatalError (an example that exited)', async () => {
    let calls = 0;
    const started = Date.now();
    await expect(
      eventually('the subscriber', 10_000, () => {
        calls++;
        throw new FatalError('examples/node-subscriber exited (code 1)');
      }),
    ).rejects.toThrow('examples/node-subscriber exited (code 1)');
    expect(calls).toBe(1);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops at once on a 4xx, and goes on through a 5xx', async () => {
    const refused = new HttpError(
      403,
      'GET',
      'http://127.0.0.1:3500/admin/v1/x',
      { error: 'forbidden' },
      null,
    );
    await expect(eventually('a page', 10_000, () => Promise.reject(refused), 1)).rejects.toBe(refused);
    let calls = 0;
    const unavailable = new HttpError(503, 'GET', 'http://127.0.0.1:3500/admin/v1/x', 'down', null);
    await expect(
      eventually('a page', 10_000, () => (++calls < 3 ? Promise.reject(unavailable) : 'up'), 1),
    ).resolves.toBe('up');
  });
});

describe('parseLine', () => {
  it('answers the JSON objects an example prints and nothing else', () => {
    expect(parseLine('{"type":"authorization.authorized","duplicate":false}')).toEqual({
      type: 'authorization.authorized',
      duplicate: false,
    });
    expect(parseLine('  {"a":1}  ')).toEqual({ a: 1 });
    expect(parseLine('listening on 3000')).toBeUndefined();
    expect(parseLine('[1,2]')).toBeUndefined();
    expect(parseLine('{not json')).toBeUndefined();
  });
});
