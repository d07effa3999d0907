import { Controller, Get, Logger, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { AuthorizerConfig } from '../config/authorizer.config';
import { AUTHORIZER_ERROR_TEXT, AuthorizerError } from '../shared/authorizer.errors';
import { LandingService } from './landing.service';
import { LinksService } from './links.service';
import { PAGE_HEADERS, errorPage, startPage, successPage } from './pages.util';

/**
 * The merchant's pages: the start page of a link and the landing page WeChat redirects to. Bad
 * requests throw (AuthorizerPageFilter renders them); the outcome of an authorization is a page,
 * or a redirect to AUTHORIZER_RESULT_REDIRECT_URL when one is configured.
 */
@Controller()
export class AuthorizationPagesController {
  private readonly logger = new Logger(AuthorizationPagesController.name);

  constructor(
    private readonly links: LinksService,
    private readonly landing: LandingService,
    private readonly config: AuthorizerConfig,
  ) {}

  @Get('authorize/:linkId')
  async start(@Param('linkId') linkId: string, @Res() reply: FastifyReply): Promise<void> {
    const link = await this.links.openable(linkId);
    await reply
      .status(200)
      .headers(PAGE_HEADERS)
      .send(startPage({ componentAppid: link.componentAppid, kind: link.kind, wechatUrl: link.wechatUrl }));
  }

  @Get('authorized/:linkId')
  async landed(
    @Param('linkId') linkId: string,
    @Query('auth_code') authCodeParam: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { link, authCode } = await this.landing.accept(linkId, authCodeParam);
    const target = this.config.AUTHORIZER_RESULT_REDIRECT_URL;
    try {
      const grant = await this.landing.complete(link, authCode, request.id);
      if (target) {
        return await this.redirect(reply, target, {
          status: 'success',
          authorizerAppid: grant.authorizerAppid,
          bizRef: grant.bizRef,
        });
      }
      await reply
        .status(200)
        .headers(PAGE_HEADERS)
        .send(successPage({ authorizerAppid: grant.authorizerAppid, bizRef: grant.bizRef }));
    } catch (error) {
      if (!(error instanceof AuthorizerError)) throw error;
      this.logger.warn({ msg: 'landing failed', linkId, code: error.code, error: error.message });
      if (target) {
        return await this.redirect(reply, target, {
          status: 'error',
          bizRef: link.bizRef,
          reason: error.code,
        });
      }
      await reply
        .status(error.status)
        .headers(PAGE_HEADERS)
        .send(errorPage({ code: error.code, ...AUTHORIZER_ERROR_TEXT[error.code] }));
    }
  }

  private async redirect(reply: FastifyReply, base: string, params: Record<string, string | undefined>) {
    const url = new URL(base);
    for (const [name, value] of Object.entries(params))
      if (value !== undefined) url.searchParams.set(name, value);
    await reply.status(302).header('cache-control', 'no-store').header('location', url.toString()).send();
  }
}
