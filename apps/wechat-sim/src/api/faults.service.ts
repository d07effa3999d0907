import { Injectable } from '@nestjs/common';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Max, Min } from 'class-validator';

import { seededRandom } from '../sim/random.util';
import { InjectedFault, WechatApiError } from './wechat-api.errors';

/** One fault rule: on matching calls, with a probability, add latency and/or fail. */
export class FaultRule {
  /** Endpoint path without leading slash (`cgi-bin/component/api_authorizer_token`) or `*`. */
  @IsString()
  endpoint!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(60000)
  latencyMs?: number;

  /** `errcode` answers a WeChat error (e.g. -1); `http` answers httpStatus; `drop` closes the connection. */
  @IsOptional()
  @IsIn(['errcode', 'http', 'drop'])
  failure?: 'errcode' | 'http' | 'drop';

  @IsOptional()
  @IsInt()
  errcode?: number;

  @IsOptional()
  @IsInt()
  @Min(400)
  @Max(599)
  httpStatus?: number;

  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(1)
  probability?: number;

  @IsOptional()
  @IsInt()
  seed?: number;
}

interface ActiveRule extends FaultRule {
  random: () => number;
}

@Injectable()
export class FaultsService {
  private rules: ActiveRule[] = [];

  set(rules: FaultRule[]): void {
    this.rules = rules.map((rule) => ({ ...rule, random: seededRandom(rule.seed ?? 1) }));
  }

  list(): FaultRule[] {
    return this.rules.map(({ random: _random, ...rule }) => rule);
  }

  clear(): void {
    this.rules = [];
  }

  /** Applies the first matching rule whose dice roll hits. */
  async apply(endpoint: string): Promise<void> {
    for (const rule of this.rules) {
      if (rule.endpoint !== '*' && rule.endpoint !== endpoint) continue;
      if (rule.random() >= (rule.probability ?? 1)) continue;
      if (rule.latencyMs) await new Promise((resolve) => setTimeout(resolve, rule.latencyMs));
      if (rule.failure === 'errcode') throw new WechatApiError(rule.errcode ?? -1);
      if (rule.failure === 'http') throw new InjectedFault('http', rule.httpStatus ?? 500);
      if (rule.failure === 'drop') throw new InjectedFault('drop');
      return;
    }
  }
}
