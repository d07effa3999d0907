import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { TokenError } from '../shared/token.errors';

/** Every refusal of the HTTP token API as `{ error, message, correlationId[, errcode] }` (CONTRACT.md §3). */
@Catch()
export class TokenErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(TokenErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const body: Record<string, unknown> = {
      error: 'INTERNAL',
      message: 'internal error',
      correlationId: request.id,
    };
    let status = 500;
    if (exception instanceof TokenError) {
      status = exception.status;
      body['error'] = exception.code;
      body['message'] = exception.message;
      if (exception.details?.errcode !== undefined) body['errcode'] = exception.details.errcode;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      body['error'] = exception.name
        .replace(/Exception$/, '')
        .replace(/([a-z])([A-Z])/g, '$1_$2')
        .toUpperCase();
      body['message'] = exception.message;
    } else {
      this.logger.error({
        msg: 'unexpected error',
        error: exception instanceof Error ? exception.stack : String(exception),
      });
    }
    void reply.status(status).type('application/json; charset=utf-8').send(body);
  }
}
