import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';

export class DeadLetterQueueDto {
  @ApiProperty({ example: 'admin-api.push-log.dlq' }) queue!: string;
  @ApiProperty({ example: 'admin-api.push-log', description: 'where a requeue sends the messages' })
  originalQueue!: string;
  @ApiProperty() depth!: number;
  @ApiPropertyOptional({ description: 'seconds since the oldest message was dead-lettered' })
  oldestAgeSeconds?: number;
}

export class DeadLetterQueueListDto {
  @ApiProperty({ type: [DeadLetterQueueDto] }) items!: DeadLetterQueueDto[];
  @ApiProperty() total!: number;
}

export class DeadLetterDto {
  @ApiPropertyOptional() messageId?: string;
  @ApiPropertyOptional() type?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) envelope?: unknown;
  @ApiProperty({ description: 'the body as text when it is not JSON' }) body!: string;
  @ApiPropertyOptional({ example: 'attempts-exhausted' }) reason?: string;
  @ApiPropertyOptional() error?: string;
  @ApiPropertyOptional() attempts?: number;
  @ApiPropertyOptional() originalRoutingKey?: string;
  @ApiPropertyOptional() deadLetteredAt?: string;
}

export class DeadLetterMessagesDto {
  @ApiProperty({ type: [DeadLetterDto] }) items!: DeadLetterDto[];
  @ApiProperty() limit!: number;
}

export class DeadLetterMessagesQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 20;
}

/** Either `ids` (the chosen messages: AMQP message id = envelope id) or `all: true`. */
export class RequeueDeadLettersDto {
  @ApiPropertyOptional({ type: [String] })
  @ValidateIf((dto: RequeueDeadLettersDto) => dto.all === undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @MaxLength(128, { each: true })
  ids?: string[];

  @ApiPropertyOptional({ enum: [true] })
  @ValidateIf((dto: RequeueDeadLettersDto) => dto.ids === undefined)
  @Equals(true, { message: 'all must be true, or give ids' })
  all?: true;
}

export class DeadLetterCountDto {
  @ApiProperty() count!: number;
}
