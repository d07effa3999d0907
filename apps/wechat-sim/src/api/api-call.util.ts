import type { FastifyRequest } from 'fastify';

import type { ApiGateway, CallContext, EndpointSpec } from './api-gateway.service';
import { WechatApiError } from './wechat-api.errors';

/**
 * Runs one API call: gateway checks, the daily quota of the owning platform, then the handler;
 * counts the call (and its error) under the appid the handler names, default the platform's.
 */
export async function runApiCall<T>(
  gateway: ApiGateway,
  request: FastifyRequest,
  spec: EndpointSpec,
  handler: (context: CallContext, setAppid: (appid: string) => void) => T | Promise<T>,
): Promise<T> {
  const context = await gateway.enter(request, spec);
  let appid = context.authorization?.authorizerAppid ?? context.platform?.appid ?? 'unknown';
  let result: T;
  try {
    if (context.platform) gateway.consumeQuota(context.platform, spec.endpoint);
    result = await handler(context, (id) => (appid = id));
  } catch (error) {
    gateway.count(spec.endpoint, appid, error instanceof WechatApiError);
    throw error;
  }
  // The call took effect; an injected `after` fault now loses its answer (counted as an error).
  try {
    await gateway.leave(spec);
  } catch (fault) {
    gateway.count(spec.endpoint, appid, true);
    throw fault;
  }
  gateway.count(spec.endpoint, appid, false);
  return result;
}

export const ok = { errcode: 0, errmsg: 'ok' } as const;

export function int(value: unknown, fallback?: number): number | undefined {
  if (value === undefined || value === null || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isInteger(n) ? n : Number.NaN;
}
