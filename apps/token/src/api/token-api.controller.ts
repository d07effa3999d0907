import { All, Controller, HttpCode, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import { TokenRpcErrorCodes, type AccessTokenReply } from '@wxop/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { AuthorizerInvalidationService } from '../authorizers/authorizer-invalidation.service';
import { TokenError } from '../shared/token.errors';
import { ApiKeyGuard } from './api-key.guard';
import { ProxyService } from './proxy.service';

/**
 * The HTTP token API of CONTRACT.md §3, for internal callers that are not Nest services: the
 * invalidation and the proxy. The two reads are answered ahead of Nest by TokenReadHandler.
 */
@Controller('v1/components/:componentAppid')
@UseGuards(ApiKeyGuard)
export class TokenApiController {
  constructor(
    private readonly invalidation: AuthorizerInvalidationService,
    private readonly proxy: ProxyService,
  ) {}

  @Post('authorizers/:authorizerAppid/access-token/invalidate')
  @HttpCode(200)
  invalidate(
    @Param('componentAppid') componentAppid: string,
    @Param('authorizerAppid') authorizerAppid: string,
    @Req() request: FastifyRequest,
  ): Promise<AccessTokenReply> {
    const accessToken = jsonField(request.body, 'accessToken');
    return this.invalidation.invalidate(componentAppid, authorizerAppid, accessToken);
  }

  /** Forwards to WeChat with the authorizer token injected; on 40001/40014/42001 refreshes once (compare-and-set) and retries. */
  @All('authorizers/:authorizerAppid/proxy/*')
  async forward(
    @Param('componentAppid') componentAppid: string,
    @Param('authorizerAppid') authorizerAppid: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const path = (request.params as Record<string, string>)['*'] ?? '';
    const answer = await this.proxy.forward(componentAppid, authorizerAppid, {
      method: request.method,
      path,
      query: request.query as Record<string, unknown>,
      body: Buffer.isBuffer(request.body) && request.body.length > 0 ? request.body : undefined,
      contentType: request.headers['content-type'],
    });
    await reply
      .status(answer.status)
      .type(answer.contentType || 'application/octet-stream')
      .send(answer.body);
  }
}

/** Reads one string field of a JSON body that arrived as raw bytes (every body is read raw, for the proxy). */
function jsonField(body: unknown, name: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : String(body ?? ''));
  } catch {
    throw new TokenError(TokenRpcErrorCodes.InvalidRequest, 'the body must be JSON');
  }
  const value =
    typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>)[name] : undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) {
    throw new TokenError(TokenRpcErrorCodes.InvalidRequest, `${name} must be a non-empty string`);
  }
  return value;
}
