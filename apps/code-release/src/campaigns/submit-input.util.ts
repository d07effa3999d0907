import type { AuditItem, SubmitAuditInput } from '@wxop/wechat-api';

import { RequestReader } from '../shared/request.util';
import { readItems, readUgcDeclare } from '../versions/version-request.util';

/**
 * A campaign's submit fields, frozen at creation. Without `itemList` every target's submit builds
 * its item from its own get_category and get_page, exactly as the by-hand submit does.
 */
export type CampaignSubmit = Pick<
  SubmitAuditInput,
  'versionDesc' | 'privacyApiNotUse' | 'feedbackInfo' | 'ugcDeclare' | 'itemList'
>;

const SUBMIT_FIELDS = ['versionDesc', 'privacyApiNotUse', 'feedbackInfo', 'itemList', 'ugcDeclare'] as const;

/** Reads `submit` of campaigns.create into `reader`'s problems, each named `submit.<field>`. */
export function parseCampaignSubmit(reader: RequestReader, raw: unknown): CampaignSubmit {
  const submit: CampaignSubmit = {};
  if (raw === undefined) return submit;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    reader.problem('submit must be an object');
    return submit;
  }
  const sub = new RequestReader(raw, SUBMIT_FIELDS);
  const record = raw as Record<string, unknown>;
  if (record['versionDesc'] !== undefined) {
    if (typeof record['versionDesc'] !== 'string' || record['versionDesc'].length > 500)
      sub.problem('versionDesc must be a string of at most 500');
    else submit.versionDesc = record['versionDesc'];
  }
  if (record['feedbackInfo'] !== undefined) {
    if (typeof record['feedbackInfo'] !== 'string' || record['feedbackInfo'].length > 200)
      sub.problem('feedbackInfo must be a string of at most 200');
    else submit.feedbackInfo = record['feedbackInfo'];
  }
  if (record['privacyApiNotUse'] !== undefined) {
    if (typeof record['privacyApiNotUse'] !== 'boolean') sub.problem('privacyApiNotUse must be a boolean');
    else submit.privacyApiNotUse = record['privacyApiNotUse'];
  }
  const itemList = readItems(sub);
  if (itemList) submit.itemList = itemList;
  const ugcDeclare = readUgcDeclare(sub);
  if (ugcDeclare) submit.ugcDeclare = ugcDeclare;
  for (const problem of sub.problemList())
    reader.problem(
      problem.startsWith('unknown field ')
        ? `unknown field submit.${problem.slice('unknown field '.length)}`
        : `submit.${problem}`,
    );
  return submit;
}

/**
 * The submit_audit input of one target: the campaign's fields, with its explicit `itemList` or
 * the item built from this target's category and first page (`defaultItems`).
 */
export async function submitInput(
  submit: CampaignSubmit,
  defaultItems: () => Promise<AuditItem[]>,
): Promise<SubmitAuditInput> {
  const itemList = submit.itemList ?? (await defaultItems());
  return { ...submit, ...(itemList.length > 0 ? { itemList } : { itemList: undefined }) };
}
