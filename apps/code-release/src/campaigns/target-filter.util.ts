import { APPID_PATTERN, type CampaignTargetFilter } from '@wxop/contracts';

import type { RequestReader } from '../shared/request.util';
import type { NewTarget } from './campaign.repository';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads `targetFilter` of campaigns.create: mini programs only, a bizRef list or a prefix (one of them). */
export function parseTargetFilter(reader: RequestReader, raw: unknown): CampaignTargetFilter | undefined {
  if (raw === undefined) return undefined;
  if (!isRecord(raw)) {
    reader.problem('targetFilter must be an object');
    return undefined;
  }
  for (const key of Object.keys(raw))
    if (!['authorizerType', 'bizRefs', 'bizRefPrefix'].includes(key))
      reader.problem(`unknown field targetFilter.${key}`);
  if (raw['authorizerType'] !== undefined && raw['authorizerType'] !== 'mini_program')
    reader.problem('targetFilter.authorizerType must be mini_program (only mini programs have code)');
  const { bizRefs, bizRefPrefix } = raw;
  if ((bizRefs === undefined) === (bizRefPrefix === undefined)) {
    reader.problem('targetFilter needs one of bizRefs and bizRefPrefix');
    return undefined;
  }
  if (bizRefs !== undefined) {
    if (
      !Array.isArray(bizRefs) ||
      bizRefs.length === 0 ||
      bizRefs.length > 1000 ||
      bizRefs.some((ref) => typeof ref !== 'string' || ref.length === 0 || ref.length > 128)
    ) {
      reader.problem('targetFilter.bizRefs must be a list of 1 to 1000 references of 1 to 128 characters');
      return undefined;
    }
    return { authorizerType: 'mini_program', bizRefs: [...new Set(bizRefs as string[])] };
  }
  if (typeof bizRefPrefix !== 'string' || bizRefPrefix.length === 0 || bizRefPrefix.length > 128) {
    reader.problem('targetFilter.bizRefPrefix must be 1 to 128 characters');
    return undefined;
  }
  return { authorizerType: 'mini_program', bizRefPrefix };
}

/** Reads `values: { [appid]: { name: text } }` (operator-supplied template values per target). */
export function parseValues(
  reader: RequestReader,
  raw: unknown,
): Record<string, Record<string, string>> | undefined {
  if (raw === undefined) return undefined;
  if (!isRecord(raw) || Object.keys(raw).length > 100_000) {
    reader.problem('values must map appids to { name: text }');
    return undefined;
  }
  for (const [appid, names] of Object.entries(raw)) {
    if (!APPID_PATTERN.test(appid)) reader.problem(`values: ${appid} is not an appid`);
    else if (!isRecord(names) || Object.values(names).some((v) => typeof v !== 'string' || v.length > 1024))
      reader.problem(`values.${appid} must map names to strings of at most 1024`);
  }
  return raw as Record<string, Record<string, string>>;
}

/**
 * Merges `values` into the frozen targets (a target's own `values` win, name by name). Values
 * for an appid that is not a target are refused: a typo would otherwise leave a variable unset.
 */
export function withValues(
  targets: NewTarget[],
  values: Record<string, Record<string, string>> | undefined,
): NewTarget[] {
  if (!values) return targets;
  const appids = new Set(targets.map((target) => target.authorizerAppid));
  const strangers = Object.keys(values).filter((appid) => !appids.has(appid));
  if (strangers.length > 0)
    throw new TargetValuesError(
      `values name ${strangers.length} appid(s) that are not targets: ${strangers.slice(0, 10).join(', ')}`,
    );
  return targets.map((target) => {
    const extra = values[target.authorizerAppid];
    return extra ? { ...target, variables: { ...extra, ...(target.variables ?? {}) } } : target;
  });
}

/** `values` for appids outside the targets (INVALID_REQUEST). */
export class TargetValuesError extends Error {}
