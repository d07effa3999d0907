import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { DASHBOARD_SECTIONS } from './dashboard.service';
import { FailingRuleDto } from '../forwarding/dto/forwarding-rule.dto';

export class AuthorizerCountDto {
  @ApiProperty() componentAppid!: string;
  @ApiProperty({ enum: ['official_account', 'mini_program', 'unknown'] }) authorizerType!: string;
  @ApiProperty({ enum: ['authorized', 'unauthorized'] }) status!: string;
  @ApiProperty() count!: number;
}

export class PushesPerMinuteDto {
  @ApiProperty({ description: 'start of the minute, ISO-8601 UTC' }) minute!: string;
  @ApiProperty() type!: string;
  @ApiProperty() count!: number;
}

export class DeadLetterDepthDto {
  @ApiProperty({ description: 'the consumer queue whose DLQ this is' }) queue!: string;
  @ApiProperty() depth!: number;
  @ApiPropertyOptional() oldestAgeSeconds?: number;
}

export class CampaignCountDto {
  @ApiProperty() componentAppid!: string;
  @ApiProperty({ enum: ['running', 'paused', 'cancelled', 'finished'] }) status!: string;
  @ApiProperty() count!: number;
}

export class AuditQuotaLeftDto {
  @ApiProperty({ description: 'submits left this month' }) rest!: number;
  @ApiProperty() limit!: number;
  @ApiProperty({ description: 'speedups left this month' }) speedupRest!: number;
  @ApiProperty() speedupLimit!: number;
}

export class QuotaLeftDto {
  @ApiProperty() componentAppid!: string;
  @ApiProperty({ type: String, nullable: true, description: 'the mini program whose token read it' })
  authorizerAppid!: string | null;
  @ApiProperty({ type: AuditQuotaLeftDto, nullable: true }) quota!: AuditQuotaLeftDto | null;
  @ApiPropertyOptional({
    description:
      "why quota is null: no_authorized_mini_program, or code-release's error code (wechat_rejected, …)",
  })
  reason?: string;
  @ApiProperty({ description: 'when it was read (kept for a minute)' }) readAt!: string;
}

/** A section whose source did not answer is absent (never zeros) and named in `unavailable`. */
export class DashboardDto {
  @ApiProperty() generatedAt!: string;
  @ApiPropertyOptional({ type: [AuthorizerCountDto] }) authorizers?: AuthorizerCountDto[];
  @ApiPropertyOptional({ type: [PushesPerMinuteDto], description: 'over the last hour' })
  pushesPerMinute?: PushesPerMinuteDto[];
  @ApiPropertyOptional({ type: [CampaignCountDto], description: 'campaigns per component and status' })
  campaigns?: CampaignCountDto[];
  @ApiPropertyOptional({ type: [QuotaLeftDto], description: 'audit quota left per component' })
  quotaLeft?: QuotaLeftDto[];
  @ApiPropertyOptional({ type: [DeadLetterDepthDto] }) deadLetters?: DeadLetterDepthDto[];
  @ApiPropertyOptional({ type: [FailingRuleDto] }) failingForwardingRules?: FailingRuleDto[];
  @ApiProperty({
    type: [String],
    enum: DASHBOARD_SECTIONS,
    description: 'sections left out because their source did not answer',
  })
  unavailable!: string[];
}
