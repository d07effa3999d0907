import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDate, IsIn, IsOptional, Matches, MaxLength } from 'class-validator';

import { PageQueryDto } from '../../shared/page-query.dto';
import {
  DELIVERY_SORT_FIELDS,
  type AttemptRecord,
  type DeliveryRecord,
  type DeliverySortField,
  type DeliveryState,
} from '../forwarding-delivery.repository';

const EVENT_TYPE = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;
const STATES: DeliveryState[] = ['pending', 'delivered', 'failed'];

export class DeliveryFilterDto {
  @ApiPropertyOptional({ example: 'authorization.authorized' })
  @IsOptional()
  @Matches(EVENT_TYPE)
  @MaxLength(255)
  eventType?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'created at or after' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  since?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', description: 'created before' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  until?: Date;
}

export class DeliveryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_SORT_FIELDS, default: 'id' })
  @IsOptional()
  @IsIn(DELIVERY_SORT_FIELDS)
  declare sort?: DeliverySortField;

  @ApiPropertyOptional({ enum: STATES })
  @IsOptional()
  @IsIn(STATES)
  state?: DeliveryState;

  @ApiPropertyOptional({ example: 'authorization.authorized' })
  @IsOptional()
  @Matches(EVENT_TYPE)
  @MaxLength(255)
  eventType?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  since?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  until?: Date;
}

export class SendTestEventDto {
  @ApiProperty({ example: 'authorization.authorized' })
  @Matches(EVENT_TYPE, { message: 'eventType must be a dotted lower-case event type' })
  @MaxLength(255)
  eventType!: string;
}

export class DeliveryDto {
  @ApiProperty() id!: string;
  @ApiProperty() ruleId!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty() eventType!: string;
  @ApiProperty({ description: 'a sample sent with the test button' }) isTest!: boolean;
  @ApiProperty({ enum: STATES }) state!: DeliveryState;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional() lastStatusCode?: number;
  @ApiPropertyOptional() lastError?: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiPropertyOptional() deliveredAt?: string;

  static of(delivery: DeliveryRecord): DeliveryDto {
    return {
      id: delivery.id,
      ruleId: delivery.ruleId,
      eventId: delivery.eventId,
      eventType: delivery.eventType,
      isTest: delivery.isTest,
      state: delivery.state,
      attempts: delivery.attempts,
      lastStatusCode: delivery.lastStatusCode,
      lastError: delivery.lastError,
      createdAt: delivery.createdAt.toISOString(),
      updatedAt: delivery.updatedAt.toISOString(),
      deliveredAt: delivery.deliveredAt?.toISOString(),
    };
  }
}

export class AttemptDto {
  @ApiProperty() attempt!: number;
  @ApiPropertyOptional() statusCode?: number;
  @ApiProperty() latencyMs!: number;
  @ApiPropertyOptional() error?: string;
  @ApiPropertyOptional({ description: 'first 1 KiB of the response body' }) responseHead?: string;
  @ApiProperty() attemptedAt!: string;

  static of(attempt: AttemptRecord): AttemptDto {
    return { ...attempt, attemptedAt: attempt.attemptedAt.toISOString() };
  }
}

export class DeliveryDetailDto extends DeliveryDto {
  @ApiProperty({ type: [AttemptDto] }) attemptLog!: AttemptDto[];
  @ApiProperty({ description: 'the envelope as delivered' }) envelope!: Record<string, unknown>;
}

export class DeliveryPageDto {
  @ApiProperty({ type: [DeliveryDto] }) items!: DeliveryDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class RetriedCountDto {
  @ApiProperty({ description: 'failed deliveries queued again' }) count!: number;
}
