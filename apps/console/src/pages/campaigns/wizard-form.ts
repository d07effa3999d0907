import type { SchemaCreateCampaignDto } from '../../api/schema';
import { parseJsonObject, parseTargetValues } from './ext-json-preview';

/**
 * The campaign wizard's form (what the operator fills in, step by step) and its conversion to
 * admin-api's CreateCampaignDto. Only what the DTO accepts; every optional part is sent only when
 * switched on, so code-release's defaults apply otherwise.
 */
export interface WizardValues {
  // 1. template
  templateId?: number;
  userVersion: string;
  userDesc: string;
  // 2. targets: exactly one of explicit appids and a filter (CreateCampaignDto refuses both)
  targetMode: 'explicit' | 'filter';
  authorizerAppids: string[];
  filterKind: 'bizRefs' | 'bizRefPrefix';
  /** one business reference a line (or separated by commas) */
  bizRefsText: string;
  bizRefPrefix: string;
  // 3. ext.json
  extJsonText: string;
  /** `{ appid: { name: value } }` as JSON; empty for none */
  valuesText: string;
  // 4. submit and preflight
  versionDesc: string;
  privacyApiNotUse: boolean;
  feedbackInfo: string;
  profileCheck: boolean;
  serverDomainsEnabled: boolean;
  requestDomain: string[];
  wsRequestDomain: string[];
  uploadDomain: string[];
  downloadDomain: string[];
  udpDomain: string[];
  tcpDomain: string[];
  serverDomainsAction: 'add' | 'set';
  serverDomainsDirectly: boolean;
  serverDomainsAddToPlatform: boolean;
  webviewDomainsEnabled: boolean;
  webviewDomains: string[];
  webviewDomainsAction: 'add' | 'set';
  webviewDomainsAddToPlatform: boolean;
  // 5. release
  releaseMode: 'on_approval' | 'manual' | 'gray';
  graySteps: { percentage: number; waitSeconds?: number | null }[];
  grayExperiencerFirst: boolean;
  grayDebuggerFirst: boolean;
  canaryEnabled: boolean;
  canarySize: number;
  /** percent, 0–100 (the DTO takes a rate, 0–1) */
  canaryMaxRejectionPercent: number;
  autoPauseEnabled: boolean;
  autoPauseMaxRejectionPercent?: number | null;
  autoPauseMinResults: number;
  speedupEnabled: boolean;
  speedupAfterSeconds: number;
  releaseWindowEnabled: boolean;
  releaseWindowStartHour: number;
  releaseWindowEndHour: number;
  releaseWindowUtcOffsetMinutes: number;
  concurrency: number;
  quotaReserve: number;
  pollAfterSeconds: number;
}

/**
 * The first ext.json: only the variable every target has (a {{bizRef}} or {{nickName}} some target
 * lacks would have the campaign refused at creation); the help text names the others.
 */
export const DEFAULT_EXT_JSON = `{
  "extEnable": true,
  "ext": {
    "authorizerAppid": "{{authorizerAppid}}"
  }
}`;

/** The form's first values: code-release's own defaults where the DTO has one. */
export const WIZARD_DEFAULTS: WizardValues = {
  userVersion: '',
  userDesc: '',
  targetMode: 'explicit',
  authorizerAppids: [],
  filterKind: 'bizRefPrefix',
  bizRefsText: '',
  bizRefPrefix: '',
  extJsonText: DEFAULT_EXT_JSON,
  valuesText: '',
  versionDesc: '',
  privacyApiNotUse: false,
  feedbackInfo: '',
  profileCheck: false,
  serverDomainsEnabled: false,
  requestDomain: [],
  wsRequestDomain: [],
  uploadDomain: [],
  downloadDomain: [],
  udpDomain: [],
  tcpDomain: [],
  serverDomainsAction: 'add',
  serverDomainsDirectly: false,
  serverDomainsAddToPlatform: false,
  webviewDomainsEnabled: false,
  webviewDomains: [],
  webviewDomainsAction: 'add',
  webviewDomainsAddToPlatform: false,
  releaseMode: 'on_approval',
  graySteps: [
    { percentage: 10, waitSeconds: 3600 },
    { percentage: 50, waitSeconds: 3600 },
    { percentage: 100, waitSeconds: null },
  ],
  grayExperiencerFirst: false,
  grayDebuggerFirst: false,
  canaryEnabled: false,
  canarySize: 10,
  canaryMaxRejectionPercent: 20,
  autoPauseEnabled: false,
  autoPauseMaxRejectionPercent: 30,
  autoPauseMinResults: 10,
  speedupEnabled: false,
  speedupAfterSeconds: 3600,
  releaseWindowEnabled: false,
  releaseWindowStartHour: 22,
  releaseWindowEndHour: 24,
  releaseWindowUtcOffsetMinutes: 480,
  concurrency: 20,
  quotaReserve: 0,
  pollAfterSeconds: 600,
};

/** Business references from text: one a line or separated by commas, trimmed, each once. */
export function splitBizRefs(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[\n,，]/)
        .map((line) => line.trim())
        .filter(Boolean),
    ),
  ];
}

/** A percentage (0–100) as the rate the DTO takes (0–1), four decimals at most. */
export function percentToRate(percent: number): number {
  return Math.round(Math.min(100, Math.max(0, percent)) * 100) / 10_000;
}

/**
 * A problem with the gray plan the DTO would refuse (code-release checks the same): percentages
 * integers 0–100, strictly rising, 0 only as the first step and with a "first" flag.
 */
export function grayPlanProblem(
  steps: ReadonlyArray<{ percentage: number }>,
  firstFlag: boolean,
): 'empty' | 'notRising' | 'range' | 'zero' | undefined {
  if (steps.length === 0) return 'empty';
  for (const [index, step] of steps.entries()) {
    if (!Number.isInteger(step.percentage) || step.percentage < 0 || step.percentage > 100) return 'range';
    if (step.percentage === 0 && (index > 0 || !firstFlag)) return 'zero';
    if (index > 0 && step.percentage <= steps[index - 1]!.percentage) return 'notRising';
  }
  return undefined;
}

const nonEmpty = (list: readonly string[] | undefined) => (list && list.length > 0 ? [...list] : undefined);
const text = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);

/** Drops keys whose value is undefined (the DTO's optional fields are omitted, not null). */
function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Thrown for a form that cannot become a request (the wizard validates each step before this). */
export class WizardInputError extends Error {
  constructor(
    readonly field: keyof WizardValues,
    message: string,
  ) {
    super(message);
    this.name = 'WizardInputError';
  }
}

/** The wizard's values as the body of `POST /admin/v1/campaigns`. */
export function toCreateCampaignDto(values: WizardValues, componentAppid: string): SchemaCreateCampaignDto {
  if (values.templateId === undefined) throw new WizardInputError('templateId', 'choose a template');
  const extJson = parseJsonObject(values.extJsonText);
  if (!extJson.ok) throw new WizardInputError('extJsonText', extJson.error);
  const targetValues = parseTargetValues(values.valuesText);
  if (!targetValues.ok) throw new WizardInputError('valuesText', targetValues.error);

  let targets: SchemaCreateCampaignDto['targets'];
  let targetFilter: SchemaCreateCampaignDto['targetFilter'];
  if (values.targetMode === 'explicit') {
    const appids = [...new Set(values.authorizerAppids)];
    if (appids.length === 0)
      throw new WizardInputError('authorizerAppids', 'choose at least one mini program');
    targets = appids.map((authorizerAppid) => ({ authorizerAppid }));
  } else if (values.filterKind === 'bizRefs') {
    const bizRefs = splitBizRefs(values.bizRefsText);
    if (bizRefs.length === 0)
      throw new WizardInputError('bizRefsText', 'give at least one business reference');
    targetFilter = { authorizerType: 'mini_program', bizRefs };
  } else {
    const bizRefPrefix = values.bizRefPrefix.trim();
    if (!bizRefPrefix) throw new WizardInputError('bizRefPrefix', 'give a business reference prefix');
    targetFilter = { authorizerType: 'mini_program', bizRefPrefix };
  }

  const submit = defined({
    versionDesc: text(values.versionDesc),
    privacyApiNotUse: values.privacyApiNotUse ? true : undefined,
    feedbackInfo: text(values.feedbackInfo),
  });

  const serverDomains = values.serverDomainsEnabled
    ? defined({
        requestDomain: nonEmpty(values.requestDomain),
        wsRequestDomain: nonEmpty(values.wsRequestDomain),
        uploadDomain: nonEmpty(values.uploadDomain),
        downloadDomain: nonEmpty(values.downloadDomain),
        udpDomain: nonEmpty(values.udpDomain),
        tcpDomain: nonEmpty(values.tcpDomain),
        action: values.serverDomainsAction,
        directly: values.serverDomainsDirectly || undefined,
        addToPlatform: values.serverDomainsAddToPlatform || undefined,
      })
    : undefined;
  const webviewDomains = values.webviewDomainsEnabled
    ? defined({
        domains: [...values.webviewDomains],
        action: values.webviewDomainsAction,
        addToPlatform: values.webviewDomainsAddToPlatform || undefined,
      })
    : undefined;
  const preflight: SchemaCreateCampaignDto['preflight'] =
    values.profileCheck || serverDomains || webviewDomains
      ? defined({ profileCheck: values.profileCheck, serverDomains, webviewDomains })
      : undefined;

  const gray =
    values.releaseMode === 'gray'
      ? defined({
          steps: values.graySteps.map((step) => ({
            percentage: step.percentage,
            waitSeconds: step.waitSeconds ?? null,
          })),
          experiencerFirst: values.grayExperiencerFirst || undefined,
          debuggerFirst: values.grayDebuggerFirst || undefined,
        })
      : undefined;

  return defined({
    componentAppid,
    templateId: values.templateId,
    userVersion: values.userVersion.trim(),
    userDesc: values.userDesc,
    targets,
    targetFilter,
    values: Object.keys(targetValues.value).length > 0 ? targetValues.value : undefined,
    extJson: extJson.value,
    submit: Object.keys(submit).length > 0 ? submit : undefined,
    preflight,
    releaseMode: values.releaseMode,
    gray,
    canary: values.canaryEnabled
      ? { size: values.canarySize, maxRejectionRate: percentToRate(values.canaryMaxRejectionPercent) }
      : undefined,
    autoPause: values.autoPauseEnabled
      ? defined({
          minResults: values.autoPauseMinResults,
          maxRejectionRate:
            values.autoPauseMaxRejectionPercent === null || values.autoPauseMaxRejectionPercent === undefined
              ? undefined
              : percentToRate(values.autoPauseMaxRejectionPercent),
        })
      : undefined,
    speedup: values.speedupEnabled ? { afterSeconds: values.speedupAfterSeconds } : undefined,
    releaseWindow: values.releaseWindowEnabled
      ? {
          startHour: values.releaseWindowStartHour,
          endHour: values.releaseWindowEndHour,
          utcOffsetMinutes: values.releaseWindowUtcOffsetMinutes,
        }
      : undefined,
    concurrency: values.concurrency,
    quotaReserve: values.quotaReserve,
    pollAfterSeconds: values.pollAfterSeconds,
  });
}

/**
 * How many targets the chosen targets come to, as far as the console can tell before creation:
 * the explicit appids, or the filter's bizRefs (an upper bound: code-release keeps those with code
 * management and a working credential); a prefix is counted only at creation (`undefined`).
 */
export function chosenTargetCount(
  values: Pick<WizardValues, 'targetMode' | 'authorizerAppids' | 'filterKind' | 'bizRefsText'>,
): { count: number; exact: boolean } | undefined {
  if (values.targetMode === 'explicit')
    return { count: new Set(values.authorizerAppids ?? []).size, exact: true };
  if (values.filterKind === 'bizRefs')
    return { count: splitBizRefs(values.bizRefsText ?? '').length, exact: false };
  return undefined;
}
