import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { IngressError } from './ingress.errors';

/** The answer to a refused or failed request: status and `{ error, message, correlationId }`. */
export interface Refusal {
  status: number;
  body: { error: string; message: string; correlationId: string };
}

const logger = new Logger('IngressErrorFilter');

/**
 * Maps anything thrown while handling a request to its answer, with the contract's status for
 * an IngressError; an unexpected error is logged (with its stack) and answers 500.
 */
export function refusalOf(exception: unknown, correlationId: string): Refusal {
  if (exception instanceof IngressError) {
    return {
      status: exception.status,
      body: { error: exception.code, message: exception.message, correlationId },
    };
  }
  if (exception instanceof HttpException) {
    return {
      status: exception.getStatus(),
      body: { error: exception.name, message: exception.message, correlationId },
    };
  }
  logger.error({
    msg: 'unexpected error',
    error: exception instanceof Error ? exception.stack : String(exception),
  });
  return { status: 500, body: { error: 'INTERNAL', message: 'internal error', correlationId } };
}

/** Every refusal of a Nest route as `{ error, message, correlationId }` with the contract's status. */
@Catch()
export class IngressErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    if (exception instanceof HttpException && isHealthCheckResult(exception.getResponse())) {
      // `/health/ready` down: terminus's result names what is down and why (the missing consumer queues).
      void reply.status(exception.getStatus()).send(exception.getResponse());
      return;
    }
    const { status, body } = refusalOf(exception, request.id);
    void reply.status(status).type('application/json; charset=utf-8').send(body);
  }
}

/** The body terminus throws with when a readiness check is down: `{ status: 'error', info, error, details }`. */
function isHealthCheckResult(response: unknown): boolean {
  return (
    typeof response === 'object' &&
    response !== null &&
    (response as { status?: unknown }).status === 'error' &&
    typeof (response as { details?: unknown }).details === 'object'
  );
}
