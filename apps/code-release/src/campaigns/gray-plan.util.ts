import type { GrayReleaseInput, GrayReleasePlan } from '@wxop/wechat-api';

/** A campaign's phased release as frozen at creation (CampaignGrayPlan of the contract). */
export interface GrayPlan {
  steps: { percentage: number; waitSeconds: number | null }[];
  experiencerFirst: boolean;
  debuggerFirst: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const PLAN_FIELDS = ['steps', 'experiencerFirst', 'debuggerFirst'];
const STEP_FIELDS = ['percentage', 'waitSeconds'];
const MAX_STEPS = 20;
const MAX_WAIT_SECONDS = 30 * 86400;

/**
 * Validates a gray plan against WeChat's grayrelease rules (§5.4, §5.7): integer percentages
 * 1..100 that rise strictly (85081, 85082); 0 only as the first step and only with
 * experiencerFirst or debuggerFirst; waits are whole seconds or null (wait for the operator).
 * Answers the plan and every problem, named by field (`gray.steps[1].percentage`).
 */
export function parseGrayPlan(raw: unknown): { plan: GrayPlan; problems: string[] } {
  const problems: string[] = [];
  const plan: GrayPlan = { steps: [], experiencerFirst: false, debuggerFirst: false };
  if (!isRecord(raw)) return { plan, problems: ['gray must be an object'] };
  for (const key of Object.keys(raw))
    if (!PLAN_FIELDS.includes(key)) problems.push(`unknown field gray.${key}`);
  for (const flag of ['experiencerFirst', 'debuggerFirst'] as const) {
    const value = raw[flag];
    if (value === undefined) continue;
    if (typeof value !== 'boolean') problems.push(`gray.${flag} must be a boolean`);
    else plan[flag] = value;
  }
  const steps = raw['steps'];
  if (!Array.isArray(steps) || steps.length === 0 || steps.length > MAX_STEPS) {
    problems.push(`gray.steps must be a list of 1..${MAX_STEPS} steps`);
    return { plan, problems };
  }
  let previous: number | undefined;
  steps.forEach((step: unknown, index) => {
    const where = `gray.steps[${index}]`;
    if (!isRecord(step)) {
      problems.push(`${where} must be an object`);
      return;
    }
    for (const key of Object.keys(step))
      if (!STEP_FIELDS.includes(key)) problems.push(`unknown field ${where}.${key}`);
    const percentage = step['percentage'];
    const zeroAllowed = index === 0 && (plan.experiencerFirst || plan.debuggerFirst);
    if (
      typeof percentage !== 'number' ||
      !Number.isInteger(percentage) ||
      percentage < 0 ||
      percentage > 100
    ) {
      problems.push(`${where}.percentage must be an integer 1..100`);
    } else if (percentage === 0 && !zeroAllowed) {
      problems.push(
        `${where}.percentage may be 0 only as the first step with experiencerFirst or debuggerFirst`,
      );
    } else if (previous !== undefined && percentage <= previous) {
      problems.push(`${where}.percentage must be higher than the step before (${previous})`);
    }
    const wait = step['waitSeconds'];
    if (
      wait !== null &&
      (typeof wait !== 'number' || !Number.isInteger(wait) || wait < 0 || wait > MAX_WAIT_SECONDS)
    ) {
      problems.push(
        `${where}.waitSeconds must be an integer 0..${MAX_WAIT_SECONDS} or null (wait for gray.advance)`,
      );
    }
    if (typeof percentage === 'number') previous = percentage;
    plan.steps.push({
      percentage: typeof percentage === 'number' ? percentage : 0,
      waitSeconds: typeof wait === 'number' ? wait : null,
    });
  });
  return { plan, problems };
}

/** The grayrelease call of step `index`. */
export function grayCall(plan: GrayPlan, index: number): GrayReleaseInput {
  return {
    grayPercentage: plan.steps[index]!.percentage,
    supportExperiencerFirst: plan.experiencerFirst,
    supportDebugerFirst: plan.debuggerFirst,
  };
}

/**
 * What comes after gray step `current` (null: not started yet): the next step, or the full
 * release after the last one. A step at 100 % publishes the version itself (WeChat's grayrelease).
 */
export type GrayMove = { kind: 'step'; index: number } | { kind: 'release' };

export function nextGrayMove(plan: GrayPlan, current: number | null): GrayMove {
  const next = current === null ? 0 : current + 1;
  return next < plan.steps.length ? { kind: 'step', index: next } : { kind: 'release' };
}

/**
 * Whether the worker advances a target that came due at step `current` by itself: only when the
 * step has a wait (null waits for the operator's gray.advance). Answers the seconds until the next
 * look otherwise.
 */
export function autoAdvance(
  plan: GrayPlan,
  current: number,
): { advance: true } | { advance: false; recheckSeconds: number } {
  const wait = plan.steps[current]?.waitSeconds;
  return wait === null || wait === undefined ? { advance: false, recheckSeconds: 3600 } : { advance: true };
}

/** Seconds the target stays at step `index` before the worker looks at it again. */
export function stepDueSeconds(plan: GrayPlan, index: number): number {
  return plan.steps[index]?.waitSeconds ?? 3600;
}

/**
 * After a grayrelease answered 85082 (must be higher than the current percentage), e.g. a step
 * repeated after a crash: WeChat's plan already at or past this step's percentage means the step
 * was made; anything else is a real refusal.
 */
export function grayStepAlreadyMade(plan: GrayPlan, index: number, current: GrayReleasePlan): boolean {
  return current.status === 1 && current.grayPercentage >= plan.steps[index]!.percentage;
}
