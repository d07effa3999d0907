import { Injectable } from '@nestjs/common';

export type CounterMetric = 'calls' | 'errors' | 'tokensIssued' | 'supersededTokenUses';

export interface CounterRow {
  endpoint: string;
  appid: string;
  calls: number;
  errors: number;
  tokensIssued: number;
  supersededTokenUses: number;
}

/**
 * Counts per endpoint and appid (the authorizer's where one is involved, else the platform's),
 * so tests can assert e.g. "exactly one api_authorizer_token per authorizer per cycle".
 */
@Injectable()
export class CountersService {
  private readonly rows = new Map<string, CounterRow>();

  increment(endpoint: string, appid: string, metric: CounterMetric, by = 1): void {
    const key = `${endpoint}|${appid}`;
    let row = this.rows.get(key);
    if (!row) {
      row = { endpoint, appid, calls: 0, errors: 0, tokensIssued: 0, supersededTokenUses: 0 };
      this.rows.set(key, row);
    }
    row[metric] += by;
  }

  list(filter: { endpoint?: string; appid?: string } = {}): CounterRow[] {
    return [...this.rows.values()].filter(
      (row) =>
        (!filter.endpoint || row.endpoint === filter.endpoint) &&
        (!filter.appid || row.appid === filter.appid),
    );
  }

  reset(): void {
    this.rows.clear();
  }
}
