/**
 * Which of a campaign's actions make sense now, from its status and its targets per state
 * (ADR 0022/0025): code-release would refuse the others (409 OPERATION_NOT_ALLOWED) or find no
 * target they apply to. The role's permission (`can`) is checked apart, by the page.
 */

export const CAMPAIGN_ACTIONS = [
  'pause',
  'resume',
  'cancel',
  'retry',
  'approve',
  'grayAdvance',
  'grayRevert',
  'revert',
  'speedup',
] as const;

export type CampaignAction = (typeof CAMPAIGN_ACTIONS)[number];

/** The admin-api route of each action (as openapi.json names it), for `can`. */
export const ACTION_ROUTES = {
  pause: 'POST /admin/v1/campaigns/{campaignId}/pause',
  resume: 'POST /admin/v1/campaigns/{campaignId}/resume',
  cancel: 'POST /admin/v1/campaigns/{campaignId}/cancel',
  retry: 'POST /admin/v1/campaigns/{campaignId}/retry',
  approve: 'POST /admin/v1/campaigns/{campaignId}/approve',
  grayAdvance: 'POST /admin/v1/campaigns/{campaignId}/gray/advance',
  grayRevert: 'POST /admin/v1/campaigns/{campaignId}/gray/revert',
  revert: 'POST /admin/v1/campaigns/{campaignId}/revert',
  speedup: 'POST /admin/v1/campaigns/{campaignId}/speedup',
} as const satisfies Record<CampaignAction, string>;

/**
 * Actions that ask for a confirmation before they are sent: those that undo (cancel, revert, gray
 * revert) and those that put versions online for many mini programs at once (approve, gray step).
 */
export const CONFIRMED_ACTIONS: ReadonlySet<CampaignAction> = new Set([
  'cancel',
  'revert',
  'grayRevert',
  'approve',
  'grayAdvance',
]);

/** Targets not yet released that an approval can still be given to (manual mode; ahead of time too). */
const APPROVABLE = [
  'pending',
  'preflight',
  'committing',
  'waiting_privacy_scan',
  'submitting',
  'waiting_quota',
  'in_audit',
  'delayed',
  'approved',
];

function sum(counts: Readonly<Record<string, number>>, states: readonly string[]): number {
  return states.reduce((acc, state) => acc + (counts[state] ?? 0), 0);
}

/**
 * The targets an action applies to (0: nothing to do), whatever the status: retry takes failed and
 * rejected targets, approve the unreleased ones, gray operations those in gray, revert the released
 * ones, speedup those in audit.
 */
export function applicableTargets(action: CampaignAction, counts: Readonly<Record<string, number>>): number {
  switch (action) {
    case 'retry':
      return sum(counts, ['failed', 'rejected']);
    case 'approve':
      return sum(counts, APPROVABLE);
    case 'grayAdvance':
    case 'grayRevert':
      return sum(counts, ['gray']);
    case 'revert':
      return sum(counts, ['released']);
    case 'speedup':
      return sum(counts, ['in_audit', 'delayed']);
    default:
      return 0;
  }
}

/**
 * Whether each action is meaningful for a campaign in `status` with these counts: pause while
 * running, resume while paused, cancel until it is finished or cancelled; retry, approve, gray and
 * speedup never on a cancelled campaign (code-release refuses them) and only with a target they
 * apply to; revert on any campaign (finished and cancelled too) with a released target.
 */
export function enabledActions(
  status: string,
  counts: Readonly<Record<string, number>>,
): Record<CampaignAction, boolean> {
  const live = status !== 'cancelled';
  const has = (action: CampaignAction) => applicableTargets(action, counts) > 0;
  return {
    pause: status === 'running',
    resume: status === 'paused',
    cancel: status === 'running' || status === 'paused',
    retry: live && has('retry'),
    approve: live && has('approve'),
    grayAdvance: live && has('grayAdvance'),
    grayRevert: live && has('grayRevert'),
    revert: has('revert'),
    speedup: live && has('speedup'),
  };
}

/** The body of a target operation: the chosen targets, or (none chosen) every one it applies to. */
export function chosenTargetsBody(selected: readonly string[]): { authorizerAppids?: string[] } {
  return selected.length > 0 ? { authorizerAppids: [...new Set(selected)] } : {};
}

/** Per-target outcomes of an operation's reply, counted (done, busy, not_applicable, …). */
export function outcomeCounts(results: ReadonlyArray<{ outcome: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { outcome } of results) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}
