import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { rid } from '../sim/random.util';
import { InjectedFault, WechatApiError } from './wechat-api.errors';

/**
 * WeChat answers errors with HTTP 200 and `{"errcode":…,"errmsg":"… rid: …"}`; the control
 * API (/sim) answers JSON errors with real HTTP statuses; injected faults do what they say.
 */
@Catch()
export class WechatApiFilter implements ExceptionFilter {
  private readonly logger = new Logger(WechatApiFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    if (exception instanceof InjectedFault) {
      if (exception.kind === 'drop') {
        request.raw.socket.destroy();
        return;
      }
      void reply
        .status(exception.httpStatus)
        .type('text/html')
        .send(`<html><body>${exception.httpStatus}</body></html>`);
      return;
    }
    if (exception instanceof WechatApiError) {
      void reply
        .status(200)
        .send({ errcode: exception.errcode, errmsg: `${exception.message} rid: ${rid()}` });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message =
        typeof body === 'string' ? body : ((body as { message?: unknown }).message ?? exception.message);
      void reply.status(status).send({ error: exception.name, message });
      return;
    }
    this.logger.error({
      msg: 'unexpected error',
      error: exception instanceof Error ? exception.stack : String(exception),
    });
    void reply.status(200).send({ errcode: -1, errmsg: `system error rid: ${rid()}` });
  }
}
