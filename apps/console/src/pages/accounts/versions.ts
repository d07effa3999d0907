import type {
  SchemaAuditVersionDto,
  SchemaCommitDto,
  SchemaGrayPlanDto,
  SchemaGrayReleaseDto,
  SchemaMiniProgramVersionsDto,
  SchemaRevertDto,
  SchemaSubmitAuditDto,
} from '../../api/schema';

export type AuditStatusName = SchemaAuditVersionDto['statusName'];

/** antd Tag colours of an audit state. */
export const AUDIT_COLOR: Record<AuditStatusName, string> = {
  approved: 'success',
  rejected: 'error',
  auditing: 'processing',
  withdrawn: 'default',
  delayed: 'warning',
  unknown: 'default',
};

/** GrayPlanDto.status: 0 init, 1 running, 2 paused, 3 finished, 4 deleted. */
export type GrayStateName = 'init' | 'running' | 'paused' | 'finished' | 'deleted' | 'unknown';
export function grayState(plan: SchemaGrayPlanDto | null | undefined): GrayStateName | undefined {
  if (!plan) return undefined;
  return (['init', 'running', 'paused', 'finished', 'deleted'] as const)[plan.status] ?? 'unknown';
}

/** A phased release under way (one that can be raised or cancelled). */
export function grayActive(plan: SchemaGrayPlanDto | null | undefined): boolean {
  const state = grayState(plan);
  return state === 'running' || state === 'paused';
}

export type VersionAction =
  | 'commit'
  | 'submit'
  | 'undo'
  | 'speedup'
  | 'release'
  | 'revert'
  | 'gray'
  | 'grayRevert'
  | 'visitOpen'
  | 'visitClose';

/**
 * Which by-hand actions make sense in the mini program's current state (the role is checked
 * apart): WeChat refuses the others anyway, the page just does not offer them.
 * `visitStatus` is the profile's (0 open, other values closed or paused; null unknown).
 */
export function availableActions(
  versions: SchemaMiniProgramVersionsDto,
  visitStatus: number | null | undefined,
): Record<VersionAction, boolean> {
  const audit = versions.audit?.statusName;
  const inAudit = audit === 'auditing' || audit === 'delayed';
  const approved = audit === 'approved';
  const gray = grayActive(versions.grayPlan);
  const online = versions.online !== null;
  return {
    commit: true,
    submit: versions.trial !== null && !inAudit,
    undo: inAudit,
    speedup: audit === 'auditing',
    release: approved,
    revert: online,
    gray: approved || gray,
    grayRevert: gray,
    visitOpen: online && visitStatus !== null && visitStatus !== undefined && visitStatus !== 0,
    visitClose: online && visitStatus === 0,
  };
}

/** The step the mini program's release is at, for the overview (0 trial, 1 audit, 2 online). */
export function currentStep(versions: SchemaMiniProgramVersionsDto): {
  step: number;
  status: 'process' | 'error' | 'finish' | 'wait';
} {
  const audit = versions.audit?.statusName;
  if (audit === 'auditing' || audit === 'delayed') return { step: 1, status: 'process' };
  if (audit === 'rejected') return { step: 1, status: 'error' };
  if (audit === 'approved') {
    const released = versions.online !== null && versions.online.userVersion === versions.audit?.userVersion;
    return released ? { step: 2, status: 'finish' } : { step: 1, status: 'finish' };
  }
  if (versions.trial) return { step: 0, status: 'process' };
  if (versions.online) return { step: 2, status: 'finish' };
  return { step: 0, status: 'wait' };
}

export interface CommitForm {
  templateId?: number | null;
  extJson?: string;
  userVersion?: string;
  userDesc?: string;
}

/** The error key of an ext.json text, or undefined when it is a JSON object. */
export function extJsonError(text: string | undefined): 'extJsonInvalid' | 'extJsonNotObject' | undefined {
  if (!text?.trim()) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'extJsonInvalid';
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? undefined
    : 'extJsonNotObject';
}

/** The commit form as POST …/versions/commit takes it (the form validated it: a blank ext.json is {}). */
export function commitBody(form: CommitForm): SchemaCommitDto {
  if (form.templateId === null || form.templateId === undefined) throw new Error('templateId is required');
  if (extJsonError(form.extJson)) throw new Error('extJson is not a JSON object');
  const extJson = form.extJson?.trim() ? (JSON.parse(form.extJson) as Record<string, unknown>) : {};
  return {
    templateId: form.templateId,
    extJson,
    userVersion: (form.userVersion ?? '').trim(),
    userDesc: (form.userDesc ?? '').trim(),
  };
}

/** A starting ext.json for the mini program (the platform's usual third-party setup). */
export function defaultExtJson(authorizerAppid: string): string {
  return JSON.stringify({ extEnable: true, extAppid: authorizerAppid, ext: {} }, null, 2);
}

export interface SubmitItemForm {
  address?: string;
  tag?: string;
  title?: string;
}

export interface SubmitForm {
  items?: SubmitItemForm[];
  versionDesc?: string;
  feedbackInfo?: string;
  privacyApiNotUse?: boolean;
  orderPath?: string;
}

function filled(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * The submit form as POST …/versions/submit takes it: blanks left out, and no item list at all
 * when none was given (the API then picks the first category and page; an empty list is refused).
 */
export function submitBody(form: SubmitForm): SchemaSubmitAuditDto {
  const body: SchemaSubmitAuditDto = {};
  const items = (form.items ?? [])
    .map((item) => ({ address: filled(item.address), tag: filled(item.tag), title: filled(item.title) }))
    .filter(
      (item): item is { address: string; tag: string | undefined; title: string | undefined } =>
        !!item.address,
    )
    .map((item) => ({
      address: item.address,
      ...(item.tag ? { tag: item.tag } : {}),
      ...(item.title ? { title: item.title } : {}),
    }));
  if (items.length > 0) body.itemList = items.slice(0, 5);
  const versionDesc = filled(form.versionDesc);
  const feedbackInfo = filled(form.feedbackInfo);
  const orderPath = filled(form.orderPath);
  if (versionDesc) body.versionDesc = versionDesc;
  if (feedbackInfo) body.feedbackInfo = feedbackInfo;
  if (orderPath) body.orderPath = orderPath;
  if (form.privacyApiNotUse) body.privacyApiNotUse = true;
  return body;
}

export interface GrayForm {
  grayPercentage?: number | null;
  supportExperiencerFirst?: boolean;
  supportDebugerFirst?: boolean;
}

/** The lowest percentage the next gray step may take (higher than the current one). */
export function minGrayPercentage(plan: SchemaGrayPlanDto | null | undefined): number {
  return grayActive(plan) && plan ? Math.min(100, plan.grayPercentage + 1) : 1;
}

/** Why the gray form cannot be sent (a message key), or undefined. */
export function grayError(
  form: GrayForm,
  plan: SchemaGrayPlanDto | null | undefined,
): 'grayRange' | 'grayHigher' | 'grayZero' | undefined {
  const value = form.grayPercentage;
  if (value === null || value === undefined || !Number.isInteger(value) || value < 0 || value > 100)
    return 'grayRange';
  if (value === 0) return form.supportExperiencerFirst || form.supportDebugerFirst ? undefined : 'grayZero';
  if (grayActive(plan) && plan && value <= plan.grayPercentage) return 'grayHigher';
  return undefined;
}

export function grayBody(form: GrayForm): SchemaGrayReleaseDto {
  return {
    grayPercentage: form.grayPercentage ?? 0,
    ...(form.supportExperiencerFirst ? { supportExperiencerFirst: true } : {}),
    ...(form.supportDebugerFirst ? { supportDebugerFirst: true } : {}),
  };
}

/** No version chosen: the previous online version. */
export function revertBody(appVersion: number | null | undefined): SchemaRevertDto {
  return appVersion === null || appVersion === undefined ? {} : { appVersion };
}
