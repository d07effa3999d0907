import type { RequestReader } from '../shared/request.util';
import { parseGrayPlan, type GrayPlan } from './gray-plan.util';

export type ReleaseMode = 'on_approval' | 'manual' | 'gray';

/** The release side of a campaign's inputs, frozen at creation. */
export interface ReleaseInputs {
  releaseMode: ReleaseMode;
  /** With releaseMode `gray`. */
  gray?: GrayPlan;
  /** speedupaudit once per target still in audit this long after its submit. */
  speedup?: { afterSeconds: number };
}

/** Fields of `code-release.campaigns.create` read here. */
export const RELEASE_INPUT_FIELDS = ['releaseMode', 'gray', 'speedup'] as const;

const RELEASE_MODES: readonly ReleaseMode[] = ['on_approval', 'manual', 'gray'];

/**
 * Reads `releaseMode`, `gray` and `speedup` of a create request into `reader`'s problems: `gray`
 * is required with mode gray and refused with the others (a plan that would be ignored is a mistake).
 */
export function parseReleaseInputs(reader: RequestReader): ReleaseInputs {
  const releaseMode = (reader.raw('releaseMode') ?? 'on_approval') as ReleaseMode;
  if (!RELEASE_MODES.includes(releaseMode)) reader.problem('releaseMode must be on_approval, manual or gray');
  const inputs: ReleaseInputs = { releaseMode };
  const rawGray = reader.raw('gray');
  if (releaseMode === 'gray') {
    if (rawGray === undefined) reader.problem('gray is required with releaseMode gray');
    else {
      const { plan, problems } = parseGrayPlan(rawGray);
      problems.forEach((problem) => reader.problem(problem));
      inputs.gray = plan;
    }
  } else if (rawGray !== undefined) {
    reader.problem('gray is allowed only with releaseMode gray');
  }
  const rawSpeedup = reader.raw('speedup');
  if (rawSpeedup !== undefined) {
    const after =
      typeof rawSpeedup === 'object' && rawSpeedup !== null && !Array.isArray(rawSpeedup)
        ? (rawSpeedup as Record<string, unknown>)
        : undefined;
    if (!after) reader.problem('speedup must be an object');
    else {
      for (const key of Object.keys(after))
        if (key !== 'afterSeconds') reader.problem(`unknown field speedup.${key}`);
      const seconds = after['afterSeconds'];
      if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0 || seconds > 30 * 86400)
        reader.problem('speedup.afterSeconds must be an integer 0..2592000');
      else inputs.speedup = { afterSeconds: seconds };
    }
  }
  return inputs;
}
