import { Injectable, Logger } from '@nestjs/common';
import { WechatComponentConfig, WechatEndpointsConfig } from '@wxop/config';
import {
  AuthorizerRpcErrorCodes,
  type AuthorizationLinkPage,
  type AuthorizationLinkReply,
} from '@wxop/contracts';
import { randomBytes } from 'node:crypto';

import { AuthorizationGrantRepository } from '../authorizers/authorization-grant.repository';
import { AuthorizerConfig } from '../config/authorizer.config';
import { AuthorizerError } from '../shared/authorizer.errors';
import { codeHash } from '../shared/hash.util';
import { TokenClient } from '../shared/token.client';
import { authorizationUrl, landingUrl, startUrl } from './authorization-url.util';
import { LinkRepository, type LinkRecord } from './link.repository';
import { parseLinkListRequest } from './link-list-request.util';
import { parseLinkRequest } from './link-request.util';

/** A random URL-safe link id: 18 bytes, 24 characters of base64url. */
export function newLinkId(): string {
  return randomBytes(18).toString('base64url');
}

/** Authorization links (wechat-protocol.md §4): created for operators, opened by merchants. */
@Injectable()
export class LinksService {
  private readonly logger = new Logger(LinksService.name);

  constructor(
    private readonly links: LinkRepository,
    private readonly grants: AuthorizationGrantRepository,
    private readonly token: TokenClient,
    private readonly config: AuthorizerConfig,
    private readonly endpoints: WechatEndpointsConfig,
    private readonly component: WechatComponentConfig,
  ) {}

  /** Validates the request, takes a pre-auth code from the token service and stores the link. */
  async create(request: unknown): Promise<AuthorizationLinkReply> {
    const options = parseLinkRequest(request, this.component.WECHAT_COMPONENT_APPID);
    const preAuth = await this.token.createPreAuthCode(options.componentAppid);
    const expiresAt = new Date(preAuth.expiresAt);
    const id = newLinkId();
    const wechatUrl = authorizationUrl({
      mpBaseUrl: this.endpoints.WECHAT_MP_BASE_URL,
      kind: options.kind,
      componentAppid: options.componentAppid,
      preAuthCode: preAuth.preAuthCode,
      redirectUri: landingUrl(this.config.AUTHORIZER_PUBLIC_BASE_URL, id),
      authType: options.authType,
      bizAppid: options.bizAppid,
      categoryIdList: options.categoryIdList,
    });
    await this.links.insert({
      id,
      componentAppid: options.componentAppid,
      kind: options.kind,
      authType: options.authType,
      bizAppid: options.bizAppid,
      categoryIdList: options.categoryIdList,
      bizRef: options.bizRef,
      preAuthCodeHash: codeHash(preAuth.preAuthCode),
      wechatUrl,
      expiresAt,
    });
    this.logger.log({
      msg: 'authorization link created',
      componentAppid: options.componentAppid,
      linkId: id,
    });
    return {
      linkId: id,
      startUrl: startUrl(this.config.AUTHORIZER_PUBLIC_BASE_URL, id),
      expiresAt: expiresAt.toISOString(),
    };
  }

  /** A component's links, newest first, with their state (authorizer.links.list). */
  async list(request: unknown): Promise<AuthorizationLinkPage> {
    const filter = parseLinkListRequest(request, this.component.WECHAT_COMPONENT_APPID);
    const { total, items } = await this.links.list(filter);
    return {
      total,
      offset: filter.offset,
      limit: filter.limit,
      items: items.map((link) => ({
        linkId: link.id,
        componentAppid: link.componentAppid,
        kind: link.kind,
        authType: link.authType ?? null,
        bizAppid: link.bizAppid ?? null,
        bizRef: link.bizRef ?? null,
        startUrl: startUrl(this.config.AUTHORIZER_PUBLIC_BASE_URL, link.id),
        state: link.state,
        authorizerAppid: link.authorizerAppid ?? null,
        expiresAt: link.expiresAt.toISOString(),
        createdAt: link.createdAt.toISOString(),
      })),
    };
  }

  /** A link that can still be opened: unknown → LINK_NOT_FOUND, past its pre-auth code → LINK_EXPIRED. */
  async openable(linkId: string): Promise<LinkRecord> {
    const link = await this.find(linkId);
    if (link.expiresAt <= link.now) {
      throw new AuthorizerError(AuthorizerRpcErrorCodes.LinkExpired, `link ${linkId} has expired`);
    }
    if (await this.grants.linkUsed(link.id)) {
      throw new AuthorizerError(AuthorizerRpcErrorCodes.LinkUsed, `link ${linkId} was already used`);
    }
    return link;
  }

  async find(linkId: string): Promise<LinkRecord> {
    const link = /^[A-Za-z0-9_-]{1,32}$/.test(linkId) ? await this.links.find(linkId) : undefined;
    if (!link) throw new AuthorizerError(AuthorizerRpcErrorCodes.LinkNotFound, `unknown link ${linkId}`);
    return link;
  }
}
