import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';

import type { RuleRecord } from '../forwarding-rule.repository';

const APPID = /^[A-Za-z0-9_-]{1,64}$/;
const PATTERN = /^([a-z0-9_]+|\*|#)(\.([a-z0-9_]+|\*|#))*$/;

export class CreateForwardingRuleDto {
  @ApiProperty({ example: 'billing webhooks' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  name!: string;

  @ApiProperty({ example: 'authorization.*', description: 'topic syntax: `*` one word, `#` any words' })
  @Matches(PATTERN, { message: 'eventPattern must be dot-separated lower-case words, `*` or `#`' })
  @MaxLength(255)
  eventPattern!: string;

  @ApiPropertyOptional({ description: 'only events of this component' })
  @IsOptional()
  @Matches(APPID)
  componentAppid?: string;

  @ApiPropertyOptional({ description: 'only events of this authorizer' })
  @IsOptional()
  @Matches(APPID)
  authorizerAppid?: string;

  @ApiProperty({ example: 'https://hooks.example.com/wxop' })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2048)
  targetUrl!: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    default: 4,
    minimum: 1,
    maximum: 64,
    description: 'deliveries in flight at once per admin-api replica (N replicas: up to N × this; ADR 0018)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  concurrency?: number;
}

export class UpdateForwardingRuleDto extends PartialType(CreateForwardingRuleDto) {}

/** A rule as operators see it: never its secret (shown once, at creation or rotation). */
export class ForwardingRuleDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() eventPattern!: string;
  @ApiPropertyOptional() componentAppid?: string;
  @ApiPropertyOptional() authorizerAppid?: string;
  @ApiProperty() targetUrl!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty() concurrency!: number;
  @ApiPropertyOptional({ description: 'while both signatures are sent after a rotation' })
  previousSecretExpiresAt?: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiPropertyOptional({
    description:
      'only in the answer of a create or update, true when the change is saved but the queue bindings it needs could not be applied yet (retried within seconds): events of the rule may be missed until then',
  })
  bindingsPending?: true;

  static of(rule: RuleRecord, bindingsPending = false): ForwardingRuleDto {
    return {
      id: rule.id,
      name: rule.name,
      eventPattern: rule.eventPattern,
      componentAppid: rule.componentAppid,
      authorizerAppid: rule.authorizerAppid,
      targetUrl: rule.targetUrl,
      enabled: rule.enabled,
      concurrency: rule.concurrency,
      previousSecretExpiresAt: rule.previousSecretExpiresAt?.toISOString(),
      createdAt: rule.createdAt.toISOString(),
      updatedAt: rule.updatedAt.toISOString(),
      ...(bindingsPending ? { bindingsPending: true as const } : {}),
    };
  }
}

export class CreatedForwardingRuleDto {
  @ApiProperty({ type: ForwardingRuleDto }) rule!: ForwardingRuleDto;
  @ApiProperty({ description: 'the signing secret; shown only now' }) secret!: string;
}

export class RotatedSecretDto {
  @ApiProperty({ description: 'the new signing secret; shown only now' }) secret!: string;
  @ApiPropertyOptional({ description: 'until when the previous secret signs too' })
  previousSecretExpiresAt?: string;
}

export class ForwardingRulePageDto {
  @ApiProperty({ type: [ForwardingRuleDto] }) items!: ForwardingRuleDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class FailingRuleDto {
  @ApiProperty() ruleId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'deliveries marked failed in the last hour' }) failedDeliveries!: number;
  @ApiProperty({ description: 'failed attempts in the last hour since the last success' })
  consecutiveFailures!: number;
  @ApiPropertyOptional() lastError?: string;
}
