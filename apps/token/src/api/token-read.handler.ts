import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { AccessTokenReply } from '@wxop/contracts';
import { correlationIdFrom, logRequestLine, PINO_LOGGER, sendDirect } from '@wxop/observability';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger as PinoLogger } from 'pino';

import { AuthorizerTokenReadsService } from '../authorizers/authorizer-token-reads.service';
import { ComponentTokensService } from '../components/component-tokens.service';
import { ApiKeyGuard } from './api-key.guard';
import { refusalOf } from './token-error.filter';

/** `GET /v1/components/:componentAppid[/authorizers/:authorizerAppid]/access-token`, query ignored. */
const READ_ROUTE = /^\/v1\/components\/([^/?#]+)(?:\/authorizers\/([^/?#]+))?\/access-token\/?(?:\?.*)?$/;

/**
 * The two token reads of CONTRACT.md §3, answered on the bare HTTP server ahead of Fastify and Nest
 * (token-app.ts), as ingress answers pushes (ADR 0007). A read served from memory is a few
 * microseconds of our code; Nest's Fastify pipeline around it cost about half the throughput of a
 * bare `node:http` server (`npm run bench -- token`, part b: 0.49–0.66), the bar being 0.5. The
 * rest of the API (invalidate, proxy) stays on Nest. Same bearer check (ApiKeyGuard), same
 * refusals (refusalOf), same log line and correlation id as on Nest.
 */
@Injectable()
export class TokenReadHandler {
  constructor(
    private readonly apiKeys: ApiKeyGuard,
    private readonly componentTokens: ComponentTokensService,
    private readonly authorizerTokens: AuthorizerTokenReadsService,
    @Inject(PINO_LOGGER) private readonly logger: PinoLogger,
  ) {}

  /** Takes the request if it is a token read (and then answers it); false leaves it to Fastify. */
  handle(request: IncomingMessage, response: ServerResponse, serverClosing: () => boolean): boolean {
    if (request.method !== 'GET') return false;
    const match = READ_ROUTE.exec(request.url ?? '');
    if (!match) return false;
    void this.answer(request, response, match[1]!, match[2], serverClosing);
    return true;
  }

  private async answer(
    request: IncomingMessage,
    response: ServerResponse,
    componentParam: string,
    authorizerParam: string | undefined,
    serverClosing: () => boolean,
  ): Promise<void> {
    const startedAt = performance.now();
    const correlationId = correlationIdFrom(request.headers);
    let status = 200;
    let body: string;
    try {
      if (!this.apiKeys.allows(request.headers.authorization)) {
        throw new UnauthorizedException('a valid bearer key is required');
      }
      const componentAppid = decodeURIComponent(componentParam);
      const token: AccessTokenReply =
        authorizerParam === undefined
          ? await this.componentTokens.accessToken(componentAppid)
          : await this.authorizerTokens.accessToken(componentAppid, decodeURIComponent(authorizerParam));
      body = JSON.stringify(token);
    } catch (error) {
      const refusal = refusalOf(error, correlationId);
      status = refusal.status;
      body = JSON.stringify(refusal.body);
    }
    if (response.destroyed) return;
    sendDirect(response, status, 'application/json; charset=utf-8', body, correlationId, serverClosing());
    logRequestLine(this.logger, request, status, correlationId, performance.now() - startedAt);
  }
}
