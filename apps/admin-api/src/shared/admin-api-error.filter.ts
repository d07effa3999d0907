import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { RpcCallError } from '@wxop/messaging';
import { scrubText } from '@wxop/observability';
import type { FastifyReply, FastifyRequest } from 'fastify';

import {
  AdminApiError,
  COMMON_ERROR_STATUS,
  CommonErrorCodes,
  type CommonErrorCode,
} from './admin-api.errors';
import { rpcFailure } from './rpc-error-status.util';

const logger = new Logger('AdminApiErrorFilter');

export interface ErrorBody {
  error: string;
  message: string;
  correlationId: string;
  details?: Record<string, unknown>;
}

/** Common code of an HTTP status (Nest's HttpExceptions, Fastify's own errors). */
function codeOfStatus(status: number): CommonErrorCode {
  const entry = Object.entries(COMMON_ERROR_STATUS).find(([, value]) => value === status);
  if (entry) return entry[0] as CommonErrorCode;
  return status >= 500 ? CommonErrorCodes.Internal : CommonErrorCodes.BadRequest;
}

/** What a refusal answers, whatever threw it: the one error format of admin-api. */
export function refusalOf(
  exception: unknown,
  correlationId: string,
  log = true,
): { status: number; body: ErrorBody } {
  if (exception instanceof AdminApiError) {
    return {
      status: exception.status,
      body: {
        error: exception.code,
        message: exception.message,
        correlationId,
        ...(exception.details ? { details: exception.details } : {}),
      },
    };
  }
  if (exception instanceof RpcCallError) {
    const failure = rpcFailure(exception);
    if (log && failure.status >= 500)
      logger.warn({ msg: 'service call failed', error: scrubText(exception.message) });
    return {
      status: failure.status,
      body: {
        error: failure.code,
        message: failure.message,
        correlationId,
        ...(failure.details ? { details: failure.details } : {}),
      },
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return { status, body: { error: codeOfStatus(status), message: exception.message, correlationId } };
  }
  // Fastify's own refusals (body too large, bad JSON, unsupported content type) carry a 4xx statusCode.
  const statusCode = (exception as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return {
      status: statusCode,
      body: { error: codeOfStatus(statusCode), message: (exception as Error).message, correlationId },
    };
  }
  if (log)
    logger.error({
      msg: 'unexpected error',
      error: scrubText(
        exception instanceof Error ? (exception.stack ?? exception.message) : String(exception),
      ),
    });
  return {
    status: 500,
    body: { error: CommonErrorCodes.Internal, message: 'internal error', correlationId },
  };
}

/** Every refusal of admin-api, through refusalOf(). */
@Catch()
export class AdminApiErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const { status, body } = refusalOf(exception, request.id);
    void reply.status(status).type('application/json; charset=utf-8').send(body);
  }
}
