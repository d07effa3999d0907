import { Injectable } from '@nestjs/common';
import {
  AuthorizerRpcPatterns,
  type AuthorizationLinkPage,
  type AuthorizationLinkReply,
  type ListAuthorizationLinksRequest,
  type CreateAuthorizationLinkRequest,
} from '@wxop/contracts';
import { AmqpRpcClient } from '@wxop/messaging';

import { qrCodeOf, type QrCodeFormat } from './qr-code.util';

export interface AuthorizationLinkAnswer {
  linkId: string;
  url: string;
  expiresAt: string;
  qrCodePng?: string;
  qrCodeSvg?: string;
}

/** Authorization links through the authorizer service, answered with a QR code of the URL. */
@Injectable()
export class LinksService {
  constructor(private readonly rpc: AmqpRpcClient) {}

  list(request: ListAuthorizationLinksRequest): Promise<AuthorizationLinkPage> {
    return this.rpc.request<AuthorizationLinkPage, ListAuthorizationLinksRequest>(
      AuthorizerRpcPatterns.ListLinks,
      request,
    );
  }

  async create(
    request: CreateAuthorizationLinkRequest,
    format: QrCodeFormat,
  ): Promise<AuthorizationLinkAnswer> {
    const link = await this.rpc.request<AuthorizationLinkReply, CreateAuthorizationLinkRequest>(
      AuthorizerRpcPatterns.CreateLink,
      request,
    );
    return {
      linkId: link.linkId,
      url: link.startUrl,
      expiresAt: link.expiresAt,
      ...(await qrCodeOf(link.startUrl, format)),
    };
  }
}
