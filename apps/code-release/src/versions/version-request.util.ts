import type { AuditItem } from '@wxop/contracts';
import type { GrayReleaseInput, UgcDeclare } from '@wxop/wechat-api';

import { RequestReader } from '../shared/request.util';
import type { ActionContext, CommitOrder, MiniProgramRef, SubmitOrder } from './versions.service';

const REF_FIELDS = ['componentAppid', 'authorizerAppid'] as const;
const ACTION_FIELDS = [...REF_FIELDS, 'actor'] as const;
/** ext.json larger than this is refused before it reaches WeChat (its packages are small). */
const EXT_JSON_MAX_BYTES = 256 * 1024;

/** `{ componentAppid?, authorizerAppid, …fields }` */
export function readRef(
  request: unknown,
  defaultComponent: string | undefined,
  fields: readonly string[] = [],
): { reader: RequestReader; ref: MiniProgramRef } {
  const reader = new RequestReader(request, [...REF_FIELDS, ...fields]);
  return {
    reader,
    ref: {
      componentAppid: reader.componentAppid(defaultComponent),
      authorizerAppid: reader.appid('authorizerAppid'),
    },
  };
}

/** `{ componentAppid?, authorizerAppid, actor, …fields }` */
export function readAction(
  request: unknown,
  defaultComponent: string | undefined,
  fields: readonly string[] = [],
): { reader: RequestReader; ctx: ActionContext } {
  const reader = new RequestReader(request, [...ACTION_FIELDS, ...fields]);
  return {
    reader,
    ctx: {
      componentAppid: reader.componentAppid(defaultComponent),
      authorizerAppid: reader.appid('authorizerAppid'),
      actor: reader.string('actor', 128),
    },
  };
}

export function readCommit(reader: RequestReader): CommitOrder {
  return {
    templateId: reader.integer('templateId', 0, Number.MAX_SAFE_INTEGER),
    extJson: reader.object('extJson', { maxBytes: EXT_JSON_MAX_BYTES }),
    userVersion: reader.string('userVersion', 64),
    userDesc: reader.string('userDesc', 1024, { min: 0 }),
  };
}

/** submit_audit's `itemList`: 1 to 5 items with a page path each (shared with campaigns). */
export function readItems(reader: RequestReader): AuditItem[] | undefined {
  const value = reader.raw('itemList');
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length < 1 || value.length > 5) {
    reader.problem('itemList must be a list of 1 to 5 items');
    return undefined;
  }
  const strings = ['address', 'tag', 'firstClass', 'secondClass', 'thirdClass', 'title'] as const;
  const ids = ['firstId', 'secondId', 'thirdId'] as const;
  return value.map((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      reader.problem(`itemList[${index}] must be an object`);
      return { address: '' };
    }
    const record = item as Record<string, unknown>;
    const known = new Set<string>([...strings, ...ids]);
    for (const key of Object.keys(record)) {
      if (!known.has(key)) reader.problem(`itemList[${index}] has an unknown field ${key}`);
    }
    if (typeof record['address'] !== 'string' || record['address'].length === 0) {
      reader.problem(`itemList[${index}].address must be a page path`);
    }
    for (const key of strings) {
      const field = record[key];
      if (field !== undefined && (typeof field !== 'string' || field.length > 256)) {
        reader.problem(`itemList[${index}].${key} must be a string of at most 256 characters`);
      }
    }
    for (const key of ids) {
      const field = record[key];
      if (field !== undefined && (typeof field !== 'number' || !Number.isInteger(field) || field < 0)) {
        reader.problem(`itemList[${index}].${key} must be a non-negative integer`);
      }
    }
    return record as unknown as AuditItem;
  });
}

/** submit_audit's `ugcDeclare` (shared with campaigns). */
export function readUgcDeclare(reader: RequestReader): UgcDeclare | undefined {
  const value = reader.raw('ugcDeclare');
  if (value === undefined) return undefined;
  const record = (
    typeof value === 'object' && value !== null && !Array.isArray(value) ? value : null
  ) as Record<string, unknown> | null;
  const intList = (v: unknown) => Array.isArray(v) && v.every((n) => Number.isInteger(n) && n >= 0);
  if (
    !record ||
    !intList(record['scene'] ?? []) ||
    !intList(record['method'] ?? []) ||
    ![undefined, 0, 1].includes(record['hasAuditTeam'] as number | undefined) ||
    !['undefined', 'string'].includes(typeof record['otherSceneDesc']) ||
    !['undefined', 'string'].includes(typeof record['auditDesc'])
  ) {
    reader.problem(
      'ugcDeclare must be { scene?: number[], otherSceneDesc?: string, method?: number[], hasAuditTeam?: 0 | 1, auditDesc?: string }',
    );
    return undefined;
  }
  return {
    scene: (record['scene'] as number[] | undefined) ?? [],
    ...(record['otherSceneDesc'] === undefined ? {} : { otherSceneDesc: record['otherSceneDesc'] as string }),
    ...(record['method'] === undefined ? {} : { method: record['method'] as number[] }),
    ...(record['hasAuditTeam'] === undefined ? {} : { hasAuditTeam: record['hasAuditTeam'] as 0 | 1 }),
    ...(record['auditDesc'] === undefined ? {} : { auditDesc: record['auditDesc'] as string }),
  };
}

export const SUBMIT_FIELDS = [
  'itemList',
  'versionDesc',
  'feedbackInfo',
  'privacyApiNotUse',
  'ugcDeclare',
  'orderPath',
] as const;

export function readSubmit(reader: RequestReader): SubmitOrder {
  const order: SubmitOrder = {};
  const itemList = readItems(reader);
  if (itemList) order.itemList = itemList;
  const versionDesc = reader.optionalString('versionDesc', 2000);
  if (versionDesc !== undefined) order.versionDesc = versionDesc;
  const feedbackInfo = reader.optionalString('feedbackInfo', 200);
  if (feedbackInfo !== undefined) order.feedbackInfo = feedbackInfo;
  const privacyApiNotUse = reader.optionalBoolean('privacyApiNotUse');
  if (privacyApiNotUse !== undefined) order.privacyApiNotUse = privacyApiNotUse;
  const ugcDeclare = readUgcDeclare(reader);
  if (ugcDeclare) order.ugcDeclare = ugcDeclare;
  const orderPath = reader.optionalString('orderPath', 256);
  if (orderPath !== undefined) order.orderPath = orderPath;
  return order;
}

export function readGray(reader: RequestReader): GrayReleaseInput {
  const input: GrayReleaseInput = { grayPercentage: reader.integer('grayPercentage', 0, 100) };
  const experiencer = reader.optionalBoolean('supportExperiencerFirst');
  if (experiencer !== undefined) input.supportExperiencerFirst = experiencer;
  const debuger = reader.optionalBoolean('supportDebugerFirst');
  if (debuger !== undefined) input.supportDebugerFirst = debuger;
  if (input.grayPercentage === 0 && !experiencer && !debuger) {
    reader.problem('grayPercentage 0 needs supportExperiencerFirst or supportDebugerFirst');
  }
  return input;
}
