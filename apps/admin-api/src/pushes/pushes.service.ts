import { Injectable, Logger } from '@nestjs/common';
import { createEnvelope, type EventEnvelope } from '@wxop/contracts';
import { EventPublisher } from '@wxop/messaging';

import { AdminApiConfig } from '../config/admin-api.config';
import { PushLogRepository, type PushSearch, type StoredPush } from './push-log.repository';
import { PushError, PushErrorCodes } from './pushes.errors';

export interface PushPage {
  items: StoredPush[];
  limit: number;
  /** Pass as `cursor` for the next (older) page; absent on the last page. */
  nextCursor?: string;
  /**
   * True when a text search stopped at its scan window (ADMIN_API_PUSH_TEXT_SCAN_ROWS) before the
   * page filled: older pushes were not searched yet, `nextCursor` continues there.
   */
  scanLimited?: boolean;
}

/** Search, detail and replay of the push log. */
@Injectable()
export class PushesService {
  private readonly logger = new Logger(PushesService.name);

  private readonly textScanRows: number;

  constructor(
    private readonly repository: PushLogRepository,
    private readonly publisher: EventPublisher,
    config: AdminApiConfig,
  ) {
    this.textScanRows = config.ADMIN_API_PUSH_TEXT_SCAN_ROWS;
  }

  async search(query: Omit<PushSearch, 'beforeId'> & { cursor?: string }): Promise<PushPage> {
    const { cursor, ...rest } = query;
    const { rows, scanStoppedAt } = await this.repository.search({
      ...rest,
      beforeId: cursor ? decodeCursor(cursor) : undefined,
      textScanRows: this.textScanRows,
    });
    const items = rows.slice(0, query.limit);
    const page: PushPage = { items, limit: query.limit };
    if (rows.length > query.limit) page.nextCursor = encodeCursor(items[items.length - 1]!.id);
    else if (scanStoppedAt !== undefined) {
      page.nextCursor = encodeCursor(scanStoppedAt);
      page.scanLimited = true;
    }
    return page;
  }

  async get(id: number): Promise<StoredPush> {
    const push = await this.repository.findById(id);
    if (!push) throw new PushError(PushErrorCodes.PushNotFound, `no push ${id} in the push log`);
    return push;
  }

  /**
   * Republishes a stored push onto `wxop.events` (routing key = its type) as a new event: a new
   * id, `replayOf` = the original id, the original's fields and raw XML. Pushes whose ticket or
   * auth code was hashed are refused: consumers would take the hash for the value.
   */
  async replay(id: number): Promise<EventEnvelope> {
    const push = await this.get(id);
    if (push.secretsHashed) {
      throw new PushError(
        PushErrorCodes.PushNotReplayable,
        'this push carries a ticket or an auth code, which the push log keeps only hashed',
        { type: push.type },
      );
    }
    const data: Record<string, unknown> = { ...push.fields };
    if (push.rawXml !== null) data['raw'] = push.rawXml;
    const envelope = createEnvelope(push.type, data, {
      componentAppid: push.componentAppid,
      authorizerAppid: push.authorizerAppid ?? undefined,
      correlationId: push.eventId,
      replayOf: push.eventId,
      occurredAt: push.occurredAt,
    });
    await this.publisher.publish(envelope);
    this.logger.log({ msg: 'push replayed', pushId: id, eventId: envelope.id, replayOf: push.eventId });
    return envelope;
  }
}

/** Opaque to clients; today the id of the last push of the page. */
export function encodeCursor(id: number): string {
  return Buffer.from(`id:${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const match = /^id:(\d{1,19})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new PushError(PushErrorCodes.InvalidCursor, 'cursor is not one this API gave');
  return Number(match[1]);
}
