import { Injectable, type OnModuleInit } from '@nestjs/common';
import { QueueNames, type EventEnvelope } from '@wxop/contracts';
import { EventConsumers } from '@wxop/messaging';

import { AdminApiConfig } from '../config/admin-api.config';
import { PushLogWriter } from './push-log-writer.service';
import { toPushRecord } from './push-record.util';

/** Every raw push (`wechat.#`). DO NOT RENAME: the binding of a public queue. */
export const PUSH_LOG_PATTERN = 'wechat.#';

/**
 * Stores every raw push in the push log. Registered by hand rather than with `@ConsumeEvent`
 * because its prefetch comes from configuration: the prefetch is the group-commit window
 * (ADMIN_API_PUSH_LOG_PREFETCH deliveries wait together for one multi-row INSERT; each is acked
 * only after that INSERT committed, and a failed INSERT sends each to its retry).
 */
@Injectable()
export class PushLogConsumer implements OnModuleInit {
  constructor(
    private readonly consumers: EventConsumers,
    private readonly writer: PushLogWriter,
    private readonly config: AdminApiConfig,
  ) {}

  onModuleInit(): void {
    this.consumers.register(
      {
        queue: QueueNames.AdminApiPushLog,
        patterns: [PUSH_LOG_PATTERN],
        prefetch: this.config.ADMIN_API_PUSH_LOG_PREFETCH,
      },
      (envelope: EventEnvelope) => this.onPush(envelope),
      `${PushLogConsumer.name}.onPush`,
    );
  }

  async onPush(envelope: EventEnvelope): Promise<void> {
    await this.writer.store(toPushRecord(envelope, new Date()));
  }
}
