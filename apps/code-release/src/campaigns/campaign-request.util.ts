import {
  APPID_PATTERN,
  CAMPAIGN_LIST_SORTS,
  type CampaignListSort,
  type CampaignTargetFilter,
} from '@wxop/contracts';

import { RequestReader } from '../shared/request.util';
import type { CampaignInputs } from './campaign-worker.service';
import type { CampaignStatus, NewTarget } from './campaign.repository';
import { parsePreflight } from './preflight.util';
import { parseReleaseInputs, RELEASE_INPUT_FIELDS } from './release-inputs.util';
import { parseCampaignSubmit } from './submit-input.util';
import { parseTargetFilter, parseValues } from './target-filter.util';
import { ALL_TARGET_STATES, type TargetState } from './target-state';

const CREATE_FIELDS = [
  'componentAppid',
  'templateId',
  'userVersion',
  'userDesc',
  'targets',
  'targetFilter',
  'values',
  'preflight',
  'extJson',
  'submit',
  'releaseMode',
  'releaseWindow',
  'canary',
  'autoPause',
  'concurrency',
  'quotaReserve',
  'pollAfterSeconds',
  'requestedBy',
  ...RELEASE_INPUT_FIELDS.filter((field) => field !== 'releaseMode'),
] as const;

export interface ParsedCreateCampaign {
  componentAppid: string;
  templateId: number;
  userVersion: string;
  userDesc: string;
  /** The explicit targets; empty when `targetFilter` names them (resolved at creation). */
  targets: NewTarget[];
  targetFilter?: CampaignTargetFilter;
  /** Operator-supplied template values per appid, merged into the targets at creation. */
  values?: Record<string, Record<string, string>>;
  inputs: CampaignInputs;
  concurrency: number;
  quotaReserve: number;
  requestedBy: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function rate(reader: RequestReader, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1))
    reader.problem(`${name} must be a number 0..1`);
  return typeof value === 'number' ? value : 0;
}

function count(reader: RequestReader, name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    reader.problem(`${name} must be an integer ${min}..${max}`);
    return min;
  }
  return value;
}

/** Validates `code-release.campaigns.create` at the edge, naming every bad field at once. */
export function parseCreateCampaign(
  request: unknown,
  defaultComponent: string | undefined,
): ParsedCreateCampaign {
  const reader = new RequestReader(request, CREATE_FIELDS);
  const componentAppid = reader.componentAppid(defaultComponent);
  const templateId = reader.integer('templateId', 0, Number.MAX_SAFE_INTEGER);
  const userVersion = reader.string('userVersion', 64, { min: 1 });
  const userDesc = reader.string('userDesc', 1024);
  const requestedBy = reader.string('requestedBy', 128, { min: 1 });
  const extJson = reader.object('extJson', { maxBytes: 64 * 1024 });
  const concurrency = reader.optionalInteger('concurrency', 1, 500) ?? 20;
  const quotaReserve = reader.optionalInteger('quotaReserve', 0, 100_000) ?? 0;
  const pollAfterSeconds = reader.optionalInteger('pollAfterSeconds', 1, 7 * 86400) ?? 600;

  const rawTargets = reader.raw('targets');
  const targets: NewTarget[] = [];
  const targetFilter = parseTargetFilter(reader, reader.raw('targetFilter'));
  const values = parseValues(reader, reader.raw('values'));
  if (targetFilter !== undefined || rawTargets === undefined) {
    if (targetFilter !== undefined && rawTargets !== undefined)
      reader.problem('targets and targetFilter exclude each other');
    else if (targetFilter === undefined && reader.raw('targetFilter') === undefined)
      reader.problem('targets or targetFilter is required');
  } else if (!Array.isArray(rawTargets) || rawTargets.length === 0 || rawTargets.length > 100_000) {
    reader.problem('targets must be a list of 1..100000 mini programs');
  } else {
    const seen = new Set<string>();
    rawTargets.forEach((raw: unknown, index) => {
      const where = `targets[${index}]`;
      if (
        !isRecord(raw) ||
        typeof raw['authorizerAppid'] !== 'string' ||
        !APPID_PATTERN.test(raw['authorizerAppid'])
      ) {
        reader.problem(`${where}.authorizerAppid must be an appid`);
        return;
      }
      const appid = raw['authorizerAppid'];
      if (seen.has(appid)) reader.problem(`${where}.authorizerAppid ${appid} appears twice`);
      seen.add(appid);
      const values = raw['values'];
      if (
        values !== undefined &&
        (!isRecord(values) || Object.values(values).some((v) => typeof v !== 'string'))
      ) {
        reader.problem(`${where}.values must map names to strings`);
      }
      const text = (name: string) => {
        const value = raw[name];
        if (value !== undefined && (typeof value !== 'string' || value.length > 255))
          reader.problem(`${where}.${name} must be a string of at most 255`);
        return typeof value === 'string' ? value : null;
      };
      targets.push({
        authorizerAppid: appid,
        bizRef: text('bizRef'),
        nickName: text('nickName'),
        variables: isRecord(values) ? (values as Record<string, string>) : null,
      });
    });
  }

  const release = parseReleaseInputs(reader);

  const rawWindow = reader.raw('releaseWindow');
  let releaseWindow: CampaignInputs['releaseWindow'] = null;
  if (rawWindow !== undefined && rawWindow !== null) {
    if (!isRecord(rawWindow)) reader.problem('releaseWindow must be an object');
    else
      releaseWindow = {
        startHour: count(reader, 'releaseWindow.startHour', rawWindow['startHour'], 0, 23),
        endHour: count(reader, 'releaseWindow.endHour', rawWindow['endHour'], 0, 24),
        utcOffsetMinutes: count(
          reader,
          'releaseWindow.utcOffsetMinutes',
          rawWindow['utcOffsetMinutes'] ?? 480,
          -720,
          840,
        ),
      };
  }

  const rawCanary = reader.raw('canary');
  const canary = { size: 0, maxRejectionRate: 0 };
  if (rawCanary !== undefined) {
    if (!isRecord(rawCanary)) reader.problem('canary must be an object');
    else {
      canary.size = count(reader, 'canary.size', rawCanary['size'], 0, 10_000);
      canary.maxRejectionRate = rate(reader, 'canary.maxRejectionRate', rawCanary['maxRejectionRate']);
    }
  }

  const rawPause = reader.raw('autoPause');
  const autoPause: CampaignInputs['autoPause'] = { minResults: 10 };
  if (rawPause !== undefined) {
    if (!isRecord(rawPause)) reader.problem('autoPause must be an object');
    else {
      if (rawPause['maxRejectionRate'] !== undefined)
        autoPause.maxRejectionRate = rate(reader, 'autoPause.maxRejectionRate', rawPause['maxRejectionRate']);
      autoPause.minResults = count(reader, 'autoPause.minResults', rawPause['minResults'] ?? 10, 1, 100_000);
    }
  }

  const submit = parseCampaignSubmit(reader, reader.raw('submit'));
  const preflight = parsePreflight(reader, reader.raw('preflight'));
  reader.done();
  return {
    componentAppid,
    templateId,
    userVersion,
    userDesc,
    targets,
    ...(targetFilter ? { targetFilter } : {}),
    ...(values ? { values } : {}),
    inputs: {
      extJson,
      submit,
      preflight,
      ...release,
      releaseWindow,
      canary,
      autoPause,
      pollAfterSeconds,
    },
    concurrency,
    quotaReserve,
    requestedBy,
  };
}

/** `{ campaignId }` of the operations on one campaign. */
export function parseCampaignRef(
  request: unknown,
  extra: readonly string[] = [],
): { campaignId: string; reader: RequestReader } {
  const reader = new RequestReader(request, ['campaignId', ...extra]);
  const campaignId = reader.string('campaignId', 36, { min: 36 });
  return { campaignId, reader };
}

const CAMPAIGN_STATUSES: readonly CampaignStatus[] = ['running', 'paused', 'cancelled', 'finished'];

/** `code-release.campaigns.list`: optional component and status, offset/limit paging. */
export function parseListCampaigns(request: unknown): {
  componentAppid?: string;
  status?: CampaignStatus;
  limit: number;
  offset: number;
  sort: CampaignListSort;
  order: 'asc' | 'desc';
} {
  const reader = new RequestReader(request ?? {}, [
    'componentAppid',
    'status',
    'limit',
    'offset',
    'sort',
    'order',
  ]);
  const componentAppid =
    reader.raw('componentAppid') === undefined ? undefined : reader.appid('componentAppid');
  const status = reader.raw('status') === undefined ? undefined : reader.oneOf('status', CAMPAIGN_STATUSES);
  const limit = reader.optionalInteger('limit', 1, 200) ?? 50;
  const offset = reader.optionalInteger('offset', 0, 1_000_000) ?? 0;
  const sort = reader.raw('sort') === undefined ? 'createdAt' : reader.oneOf('sort', CAMPAIGN_LIST_SORTS);
  const order = reader.raw('order') === undefined ? 'desc' : reader.oneOf('order', ['asc', 'desc'] as const);
  reader.done();
  return { componentAppid, status, limit, offset, sort, order };
}

/** `code-release.campaigns.targets.list`: optional state, pages after an ordinal. */
export function parseListTargets(request: unknown): {
  campaignId: string;
  state?: TargetState;
  limit: number;
  afterOrdinal: number;
} {
  const { campaignId, reader } = parseCampaignRef(request, ['state', 'limit', 'afterOrdinal']);
  const state = reader.raw('state') === undefined ? undefined : reader.oneOf('state', ALL_TARGET_STATES);
  const limit = reader.optionalInteger('limit', 1, 500) ?? 100;
  const afterOrdinal = reader.optionalInteger('afterOrdinal', -1, Number.MAX_SAFE_INTEGER) ?? -1;
  reader.done();
  return { campaignId, state, limit, afterOrdinal };
}

/** `code-release.campaigns.retry`: every failed target, or the chosen appids (1..10000, no repeats). */
export function parseRetry(request: unknown): {
  campaignId: string;
  authorizerAppids?: string[];
  requestedBy: string;
} {
  const { campaignId, reader } = parseCampaignRef(request, ['authorizerAppids', 'requestedBy']);
  const requestedBy = reader.string('requestedBy', 128, { min: 1 });
  const raw = reader.raw('authorizerAppids');
  let authorizerAppids: string[] | undefined;
  if (raw !== undefined) {
    if (
      !Array.isArray(raw) ||
      raw.length === 0 ||
      raw.length > 10_000 ||
      raw.some((appid) => typeof appid !== 'string' || !APPID_PATTERN.test(appid))
    )
      reader.problem('authorizerAppids must be a list of 1..10000 appids');
    else authorizerAppids = [...new Set(raw as string[])];
  }
  reader.done();
  return { campaignId, authorizerAppids, requestedBy };
}

/** `code-release.campaigns.operations.list`: optional status, by creation time, offset/limit paging. */
export function parseListOperations(request: unknown): {
  campaignId: string;
  status?: 'running' | 'finished';
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
} {
  const { campaignId, reader } = parseCampaignRef(request, ['status', 'order', 'limit', 'offset']);
  const status =
    reader.raw('status') === undefined ? undefined : reader.oneOf('status', ['running', 'finished'] as const);
  const order = reader.raw('order') === undefined ? 'desc' : reader.oneOf('order', ['asc', 'desc'] as const);
  const limit = reader.optionalInteger('limit', 1, 200) ?? 50;
  const offset = reader.optionalInteger('offset', 0, 1_000_000) ?? 0;
  reader.done();
  return { campaignId, status, order, limit, offset };
}

/** `code-release.campaigns.operations.get`: the operation's id (a UUID, as its `running` reply gave it). */
export function parseGetOperation(request: unknown): string {
  const reader = new RequestReader(request, ['operationId']);
  const operationId = reader.string('operationId', 36, { min: 36 });
  reader.done();
  return operationId;
}
