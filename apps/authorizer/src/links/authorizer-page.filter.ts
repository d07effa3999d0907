import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { AUTHORIZER_ERROR_TEXT, AuthorizerError } from '../shared/authorizer.errors';
import { PAGE_HEADERS, errorPage } from './pages.util';

/** Every HTTP refusal as a bilingual HTML page with the code's status (merchants' browsers see these). */
@Catch()
export class AuthorizerPageFilter implements ExceptionFilter {
  private readonly logger = new Logger(AuthorizerPageFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let status = 500;
    let body = errorPage({
      code: 'INTERNAL',
      zh: '系统错误，请稍后重试',
      en: 'Something went wrong. Please try again later.',
    });
    if (exception instanceof AuthorizerError) {
      status = exception.status;
      body = errorPage({ code: exception.code, ...AUTHORIZER_ERROR_TEXT[exception.code] });
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      body = errorPage({ code: String(status), zh: '页面不存在或请求无效', en: exception.message });
    } else {
      this.logger.error({
        msg: 'unexpected error',
        error: exception instanceof Error ? exception.stack : String(exception),
      });
    }
    void reply.status(status).headers(PAGE_HEADERS).send(body);
  }
}
