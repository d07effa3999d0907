import { Injectable } from '@nestjs/common';

import { PushLogRepository } from './push-log.repository';

export interface PushesPerMinute {
  /** Start of the minute, ISO-8601 UTC. */
  minute: string;
  type: string;
  count: number;
}

/** Figures of the push log for the dashboard. */
@Injectable()
export class PushStatsService {
  constructor(private readonly repository: PushLogRepository) {}

  /** Pushes received per minute and type over the last `sinceMinutes` minutes (minutes without pushes are absent). */
  async perMinuteByType(sinceMinutes: number, now: Date = new Date()): Promise<PushesPerMinute[]> {
    const since = new Date(now.getTime() - sinceMinutes * 60_000);
    since.setUTCSeconds(0, 0);
    return this.repository.countPerMinuteByType(since);
  }
}
