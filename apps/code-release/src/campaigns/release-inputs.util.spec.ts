import { RequestReader } from '../shared/request.util';
import { parseReleaseInputs, RELEASE_INPUT_FIELDS } from './release-inputs.util';

const read = (body: Record<string, unknown>) => {
  const reader = new RequestReader(body, RELEASE_INPUT_FIELDS);
  const inputs = parseReleaseInputs(reader);
  let problems: string[] = [];
  try {
    reader.done();
  } catch (error) {
    problems = String((error as Error).message).split('; ');
  }
  return { inputs, problems };
};

describe(parseReleaseInputs.name, () => {
  it('defaults to on_approval without gray or speedup', () => {
    expect(read({})).toEqual({ inputs: { releaseMode: 'on_approval' }, problems: [] });
  });

  it('reads gray mode with its plan and a speedup policy', () => {
    const { inputs, problems } = read({
      releaseMode: 'gray',
      gray: { steps: [{ percentage: 10, waitSeconds: 5 }] },
      speedup: { afterSeconds: 3600 },
    });
    expect(problems).toEqual([]);
    expect(inputs).toEqual({
      releaseMode: 'gray',
      gray: { steps: [{ percentage: 10, waitSeconds: 5 }], experiencerFirst: false, debuggerFirst: false },
      speedup: { afterSeconds: 3600 },
    });
  });

  it('names every problem: a gray plan missing or out of place, bad steps, a bad speedup', () => {
    expect(read({ releaseMode: 'gray' }).problems.join('; ')).toContain(
      'gray is required with releaseMode gray',
    );
    expect(read({ releaseMode: 'manual', gray: { steps: [] } }).problems.join('; ')).toContain(
      'gray is allowed only with releaseMode gray',
    );
    const all = read({
      releaseMode: 'gray',
      gray: {
        steps: [
          { percentage: 50, waitSeconds: 1 },
          { percentage: 20, waitSeconds: 1 },
        ],
      },
      speedup: { afterSeconds: -1, every: 2 },
    }).problems.join('; ');
    expect(all).toContain('gray.steps[1].percentage must be higher than the step before (50)');
    expect(all).toContain('unknown field speedup.every');
    expect(all).toContain('speedup.afterSeconds must be an integer 0..2592000');
    expect(read({ releaseMode: 'later' }).problems.join('; ')).toContain(
      'releaseMode must be on_approval, manual or gray',
    );
  });
});
