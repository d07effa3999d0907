import { Logger } from '@nestjs/common';
import { AuthorizerRpcErrorCodes } from '@wxop/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';

import type { AuthorizerConfig } from '../config/authorizer.config';
import { AuthorizerError } from '../shared/authorizer.errors';
import { AuthorizationPagesController } from './authorization-pages.controller';
import type { LandingService } from './landing.service';
import type { LinksService } from './links.service';

/** A FastifyReply that records what was sent. */
function recordingReply() {
  const sent = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const reply = {
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    headers(values: Record<string, string>) {
      Object.assign(sent.headers, values);
      return reply;
    },
    send(body?: unknown) {
      sent.body = body;
      return Promise.resolve(reply);
    },
  };
  return { reply: reply as unknown as FastifyReply, sent };
}

describe(AuthorizationPagesController.name, () => {
  const link = { id: 'link1', componentAppid: 'wxc', bizRef: 'shop-42' };
  const landing = { accept: jest.fn(), complete: jest.fn() };
  const request = { id: 'corr-1' } as FastifyRequest;
  const sutWith = (redirect?: string) =>
    new AuthorizationPagesController(
      {} as LinksService,
      landing as unknown as LandingService,
      { AUTHORIZER_RESULT_REDIRECT_URL: redirect } as AuthorizerConfig,
    );

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => landing.accept.mockResolvedValue({ link, authCode: 'queryauthcode@@@x' }));

  describe('landed', () => {
    it('redirects to the configured URL with the outcome, keeping its own query', async () => {
      landing.complete.mockResolvedValue({ authorizerAppid: 'wxa', bizRef: 'shop-42' });
      const { reply, sent } = recordingReply();
      await sutWith('https://ops.example.com/done?tenant=7').landed(
        'link1',
        'queryauthcode@@@x',
        request,
        reply,
      );
      expect(sent.status).toBe(302);
      const location = new URL(sent.headers['location']!);
      expect(location.origin + location.pathname).toBe('https://ops.example.com/done');
      expect(Object.fromEntries(location.searchParams)).toEqual({
        tenant: '7',
        status: 'success',
        authorizerAppid: 'wxa',
        bizRef: 'shop-42',
      });
      expect(landing.complete).toHaveBeenCalledWith(link, 'queryauthcode@@@x', 'corr-1');
    });

    it('redirects a refusal with its reason, and shows the page when no URL is configured', async () => {
      landing.complete.mockRejectedValue(
        new AuthorizerError(AuthorizerRpcErrorCodes.AuthCodeRejected, 'refused', { errcode: 61010 }),
      );
      const redirected = recordingReply();
      await sutWith('https://ops.example.com/done').landed('link1', 'c', request, redirected.reply);
      expect(redirected.sent.status).toBe(302);
      expect(Object.fromEntries(new URL(redirected.sent.headers['location']!).searchParams)).toEqual({
        status: 'error',
        bizRef: 'shop-42',
        reason: 'AUTH_CODE_REJECTED',
      });

      const shown = recordingReply();
      await sutWith(undefined).landed('link1', 'c', request, shown.reply);
      expect(shown.sent.status).toBe(400);
      expect(String(shown.sent.body)).toContain('AUTH_CODE_REJECTED');
    });
  });
});
