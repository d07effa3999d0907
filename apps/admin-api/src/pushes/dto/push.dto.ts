import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import type { StoredPush } from '../push-log.repository';

export class PushSummaryDto {
  @ApiProperty({ description: 'id in the push log (for detail and replay)' }) id!: number;
  @ApiProperty({ description: 'envelope id' }) eventId!: string;
  @ApiProperty({ example: 'wechat.message.text' }) type!: string;
  @ApiProperty() componentAppid!: string;
  @ApiProperty({ type: String, nullable: true }) authorizerAppid!: string | null;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty({ type: String, nullable: true, description: 'envelope id of the push this one replays' })
  replayOf!: string | null;
  @ApiProperty({
    description: 'a ticket or auth code is kept only as a hash (such a push cannot be replayed)',
  })
  secretsHashed!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, description: "WeChat's fields, secrets hashed" })
  fields!: Record<string, unknown>;

  static of(push: StoredPush): PushSummaryDto {
    return {
      id: push.id,
      eventId: push.eventId,
      type: push.type,
      componentAppid: push.componentAppid,
      authorizerAppid: push.authorizerAppid,
      occurredAt: push.occurredAt.toISOString(),
      receivedAt: push.receivedAt.toISOString(),
      replayOf: push.replayOf,
      secretsHashed: push.secretsHashed,
      fields: push.fields,
    };
  }
}

export class PushDetailDto extends PushSummaryDto {
  @ApiProperty({ type: String, nullable: true, description: 'the decrypted XML, secrets hashed' })
  rawXml!: string | null;

  static detail(push: StoredPush): PushDetailDto {
    return { ...PushSummaryDto.of(push), rawXml: push.rawXml };
  }
}

export class PushPageDto {
  @ApiProperty({ type: [PushSummaryDto] }) items!: PushSummaryDto[];
  @ApiProperty() limit!: number;
  @ApiPropertyOptional({ description: 'cursor of the next (older) page; absent on the last page' })
  nextCursor?: string;
  @ApiPropertyOptional({
    description:
      'true when a text search reached its scan window (ADMIN_API_PUSH_TEXT_SCAN_ROWS pushes) before the page filled: older pushes are searched by following nextCursor',
  })
  scanLimited?: boolean;
}

export class PushReplayDto {
  @ApiProperty({ description: 'id of the new event' }) eventId!: string;
  @ApiProperty({ description: 'envelope id of the original push' }) replayOf!: string;
  @ApiProperty() type!: string;
}
