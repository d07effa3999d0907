import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';

import { AdminApiConfig } from '../config/admin-api.config';
import { LoginThrottleRepository } from './login-throttle.repository';
import { SessionsRepository } from './sessions.repository';

/** Ended sessions are kept this long (a reused refresh token of a just-revoked session still says "reused"). */
const ENDED_KEPT_MS = 24 * 3600 * 1000;
const BATCH = 1000;
const MAX_BATCHES = 100;

/** Removes ended sessions, expired refresh tokens and stale throttling rows, in batches, every 10 minutes. */
@Injectable()
export class SessionsCleanupService {
  private readonly logger = new Logger(SessionsCleanupService.name);

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly throttles: LoginThrottleRepository,
    private readonly config: AdminApiConfig,
  ) {}

  @Interval(10 * 60 * 1000)
  async scheduled(): Promise<void> {
    try {
      await this.purge(new Date());
    } catch (error) {
      this.logger.warn({
        msg: 'session cleanup failed',
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  /** Answers how many rows went. */
  async purge(now: Date): Promise<number> {
    let removed = 0;
    const endedBefore = new Date(now.getTime() - ENDED_KEPT_MS);
    const staleBefore = new Date(now.getTime() - this.config.ADMIN_API_LOGIN_WINDOW_SECONDS * 1000);
    for (let i = 0; i < MAX_BATCHES; i++) {
      const batch =
        (await this.sessions.purgeEnded(endedBefore, BATCH)) +
        (await this.throttles.purgeStale(staleBefore, now, BATCH));
      removed += batch;
      if (batch === 0) break;
    }
    return removed;
  }
}
