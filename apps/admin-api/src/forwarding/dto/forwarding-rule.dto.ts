import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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
  ValidateIf,
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

  // The server defaults are in the descriptions, not in `default`: openapi-typescript (the console's
  // client) makes a property with a `default` required, and these may be left out.
  @ApiPropertyOptional({ description: 'false: saved but nothing is forwarded (default true)' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 64,
    example: 4,
    description:
      'deliveries in flight at once per admin-api replica (N replicas: up to N × this; ADR 0018); default 4',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(64)
  concurrency?: number;
}

/** Optional, but not nullable: absent leaves the value as it is, `null` is refused. */
const IsOptionalNotNull = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/**
 * A change of a rule: an absent field stays as it is. The component and authorizer filters also
 * take `null`, which clears them (the rule then takes events of any component or authorizer).
 */
export class UpdateForwardingRuleDto {
  @ApiPropertyOptional({ example: 'billing webhooks', minLength: 1, maxLength: 128 })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  name?: string;

  @ApiPropertyOptional({
    example: 'authorization.*',
    description: 'topic syntax: `*` one word, `#` any words',
  })
  @IsOptionalNotNull()
  @Matches(PATTERN, { message: 'eventPattern must be dot-separated lower-case words, `*` or `#`' })
  @MaxLength(255)
  eventPattern?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'only events of this component; `null` clears the filter',
  })
  @IsOptional()
  @Matches(APPID)
  componentAppid?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'only events of this authorizer; `null` clears the filter',
  })
  @IsOptional()
  @Matches(APPID)
  authorizerAppid?: string | null;

  @ApiPropertyOptional({ example: 'https://hooks.example.com/wxop' })
  @IsOptionalNotNull()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2048)
  targetUrl?: string;

  @ApiPropertyOptional()
  @IsOptionalNotNull()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 64,
    description: 'deliveries in flight at once per admin-api replica (N replicas: up to N × this; ADR 0018)',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(64)
  concurrency?: number;
}

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
