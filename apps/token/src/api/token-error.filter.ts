import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { TokenError } from '../shared/token.errors';

const logger = new Logger('TokenErrorFilter');

/** The status and body `{ error, message, correlationId[, errcode] }` of a refusal (CONTRACT.md §3). */
export function refusalOf(
  exception: unknown,
  correlationId: string,
): { status: number; body: Record<string, unknown> } {
  const body: Record<string, unknown> = { error: 'INTERNAL', message: 'internal error', correlationId };
  if (exception instanceof TokenError) {
    body['error'] = exception.code;
    body['message'] = exception.message;
    if (exception.details?.errcode !== undefined) body['errcode'] = exception.details.errcode;
    return { status: exception.status, body };
  }
  if (exception instanceof HttpException) {
    body['error'] = exception.name
      .replace(/Exception$/, '')
      .replace(/([a-z])([A-Z])/g, '$1_$2')
      .toUpperCase();
    body['message'] = exception.message;
    return { status: exception.getStatus(), body };
  }
  logger.error({
    msg: 'unexpected error',
    error: exception instanceof Error ? exception.stack : String(exception),
  });
  return { status: 500, body };
}

/** Every refusal of the HTTP token API, through refusalOf(). */
@Catch()
export class TokenErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const { status, body } = refusalOf(exception, request.id);
    void reply.status(status).type('application/json; charset=utf-8').send(body);
  }
}
