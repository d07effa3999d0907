import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { APPID_PATTERN } from '@wxop/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { IngressError, IngressErrorCode } from './ingress.errors';
import { PushService } from './push.service';

type Query = Record<string, string | undefined>;

function checkAppid(value: string): string {
  if (!APPID_PATTERN.test(value)) throw new IngressError(IngressErrorCode.UnknownComponent, 'not an appid');
  return value;
}

/** The two push URLs of CONTRACT.md §1. */
@Controller('wechat/components/:componentAppid')
export class PushController {
  constructor(private readonly pushes: PushService) {}

  @Post('events')
  @HttpCode(200)
  async componentPush(
    @Param('componentAppid') componentAppid: string,
    @Query() query: Query,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const outcome = await this.pushes.receive({
      kind: 'component',
      componentAppid: checkAppid(componentAppid),
      query,
      body: bodyOf(request),
    });
    await reply.type('text/plain').send(outcome.reply);
  }

  @Post('authorizers/:authorizerAppid/messages')
  @HttpCode(200)
  async messagePush(
    @Param('componentAppid') componentAppid: string,
    @Param('authorizerAppid') authorizerAppid: string,
    @Query() query: Query,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const outcome = await this.pushes.receive({
      kind: 'message',
      componentAppid: checkAppid(componentAppid),
      authorizerAppid: checkAppid(authorizerAppid),
      query,
      body: bodyOf(request),
    });
    await reply
      .type(outcome.reply.startsWith('<xml>') ? 'application/xml' : 'text/plain')
      .send(outcome.reply);
  }

  @Get('events')
  async componentEcho(
    @Param('componentAppid') componentAppid: string,
    @Query() query: Query,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const echo = await this.pushes.echo(checkAppid(componentAppid), query);
    await reply.type('text/plain').send(echo);
  }

  @Get('authorizers/:authorizerAppid/messages')
  async messageEcho(
    @Param('componentAppid') componentAppid: string,
    @Query() query: Query,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const echo = await this.pushes.echo(checkAppid(componentAppid), query);
    await reply.type('text/plain').send(echo);
  }
}

function bodyOf(request: FastifyRequest): string {
  return typeof request.body === 'string' ? request.body : '';
}
