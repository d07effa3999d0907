import type { SchemaCampaignGrayPlanDto, SchemaReleaseWindowDto } from '../../api/schema';
import { formatDuration } from '../../components/format';

/** A release window as the operator set it: `09:00–18:00 UTC+8`; undefined for none (any hour). */
export function releaseWindowText(window: SchemaReleaseWindowDto | null | undefined): string | undefined {
  if (!window) return undefined;
  const hour = (h: number) => `${String(h).padStart(2, '0')}:00`;
  const offset = window.utcOffsetMinutes ?? 480;
  const sign = offset < 0 ? '−' : '+';
  const hours = Math.floor(Math.abs(offset) / 60);
  const minutes = Math.abs(offset) % 60;
  const zone = `UTC${sign}${hours}${minutes ? `:${String(minutes).padStart(2, '0')}` : ''}`;
  return `${hour(window.startHour)}–${hour(window.endHour)} ${zone}`;
}

/**
 * A gray plan's steps: `10% (1h 00m) → 50% (…) → 100%`; a step that waits for the operator's
 * advance shows `manual`.
 */
export function grayPlanText(plan: SchemaCampaignGrayPlanDto, manual: string): string {
  return plan.steps
    .map((step) =>
      step.waitSeconds === null || step.waitSeconds === undefined
        ? `${step.percentage}% (${manual})`
        : `${step.percentage}% (${formatDuration(step.waitSeconds)})`,
    )
    .join(' → ');
}
