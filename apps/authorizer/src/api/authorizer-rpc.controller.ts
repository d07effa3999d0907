import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuthorizerRpcPatterns, type AuthorizationLinkReply } from '@wxop/contracts';

import { LinksService } from '../links/links.service';
import { AuthorizerError } from '../shared/authorizer.errors';

/** Answers an AuthorizerError as the RPC error with the same code (RpcRemoteError on the caller's side). */
async function rpc<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw error instanceof AuthorizerError ? error.toRpcError() : error;
  }
}

/** The authorizer's RPC (libs/contracts AuthorizerRpcPatterns), for admin-api. */
@Controller()
export class AuthorizerRpcController {
  constructor(private readonly links: LinksService) {}

  @MessagePattern(AuthorizerRpcPatterns.CreateLink)
  createLink(@Payload() request: unknown): Promise<AuthorizationLinkReply> {
    return rpc(() => this.links.create(request));
  }
}
