import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { IngressError } from './ingress.errors';

/** Every refusal as `{ error, message, correlationId }` with the contract's status. */
@Catch()
export class IngressErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(IngressErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    let status = 500;
    let error = 'INTERNAL';
    let message = 'internal error';
    if (exception instanceof IngressError) {
      status = exception.status;
      error = exception.code;
      message = exception.message;
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      error = exception.name;
      message = exception.message;
    } else {
      this.logger.error({
        msg: 'unexpected error',
        error: exception instanceof Error ? exception.stack : String(exception),
      });
    }
    void reply
      .status(status)
      .type('application/json; charset=utf-8')
      .send({ error, message, correlationId: request.id });
  }
}
