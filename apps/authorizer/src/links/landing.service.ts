import { Injectable } from '@nestjs/common';

import { AuthorizationsService } from '../authorizers/authorizations.service';
import type { GrantRecord } from '../authorizers/authorization-grant.repository';
import { AuthorizerError } from '../shared/authorizer.errors';
import type { LinkRecord } from './link.repository';
import { LinksService } from './links.service';

/** WeChat's redirect back to us after the merchant confirmed: `/authorized/<linkId>?auth_code=…`. */
@Injectable()
export class LandingService {
  constructor(
    private readonly links: LinksService,
    private readonly authorizations: AuthorizationsService,
  ) {}

  /** Checks the request before anything happens: a code must be there and the link must exist. */
  async accept(linkId: string, authCode: unknown): Promise<{ link: LinkRecord; authCode: string }> {
    if (typeof authCode !== 'string' || authCode.length === 0 || authCode.length > 512) {
      throw AuthorizerError.invalid('auth_code is missing');
    }
    return { link: await this.links.find(linkId), authCode };
  }

  /** The grant, recorded now or found (the push came first). */
  complete(link: LinkRecord, authCode: string, correlationId?: string): Promise<GrantRecord> {
    return this.authorizations.grant({
      componentAppid: link.componentAppid,
      authCode,
      recordedBy: 'landing',
      link,
      correlationId,
    });
  }
}
