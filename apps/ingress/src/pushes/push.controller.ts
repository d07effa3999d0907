import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { checkAppid } from './push-route.util';
import { PushService } from './push.service';

type Query = Record<string, string | undefined>;

/**
 * The URL check (echostr) of the two push URLs of CONTRACT.md §1. The pushes themselves
 * (POST) are served by PushRequestHandler, ahead of Nest.
 */
@Controller('wechat/components/:componentAppid')
export class PushController {
  constructor(private readonly pushes: PushService) {}

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
