import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

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

export class FailingRuleDto {
  @ApiProperty() ruleId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'deliveries marked failed in the last hour' }) failedDeliveries!: number;
  @ApiProperty({ description: "failed attempts in the last hour since the rule's last success" })
  consecutiveFailures!: number;
  @ApiPropertyOptional() lastError?: string;
}

/** Campaigns by state and quota left come with code-release: absent until then, never zeros. */
export class DashboardDto {
  @ApiProperty() generatedAt!: string;
  @ApiPropertyOptional({ type: [AuthorizerCountDto] }) authorizers?: AuthorizerCountDto[];
  @ApiPropertyOptional({ type: [PushesPerMinuteDto], description: 'over the last hour' })
  pushesPerMinute?: PushesPerMinuteDto[];
  @ApiPropertyOptional({ type: [DeadLetterDepthDto] }) deadLetters?: DeadLetterDepthDto[];
  @ApiPropertyOptional({ type: [FailingRuleDto] }) failingForwardingRules?: FailingRuleDto[];
  @ApiProperty({
    type: [String],
    enum: ['authorizers', 'pushesPerMinute', 'deadLetters', 'failingForwardingRules'],
    description: 'sections left out because their source did not answer',
  })
  unavailable!: string[];
}
