import { inTransaction } from '@wxop/database';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  APPID_PATTERN,
  DomainEventTypes,
  TokenRpcErrorCodes,
  createEnvelope,
  type ComponentKeys,
  type ComponentSummary,
  type TokenComponentUpdatedData,
  type UpsertComponentRequest,
} from '@wxop/contracts';
import { WechatComponentConfig } from '@wxop/config';
import { TransactionalOutbox } from '@wxop/messaging';
import { DataSource } from 'typeorm';

import { TokenError } from '../shared/token.errors';
import { ComponentRepository, type ComponentRecord } from './component.repository';

const ENCODING_AES_KEY = /^[A-Za-z0-9]{43}$/;

/**
 * Component apps: their secrets (encrypted at rest), created and changed over RPC by admin-api or
 * from the bootstrap variables of a single platform; their verification keys for ingress.
 */
@Injectable()
export class ComponentsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ComponentsService.name);

  constructor(
    private readonly components: ComponentRepository,
    private readonly bootstrap: WechatComponentConfig,
    private readonly outbox: TransactionalOutbox,
    private readonly dataSource: DataSource,
  ) {}

  /** Stores the platform named by WECHAT_COMPONENT_* (all four set), so one platform needs no admin-api. */
  async onApplicationBootstrap(): Promise<void> {
    const {
      WECHAT_COMPONENT_APPID: componentAppid,
      WECHAT_COMPONENT_SECRET: secret,
      WECHAT_COMPONENT_TOKEN: token,
      WECHAT_COMPONENT_ENCODING_AES_KEY: encodingAESKey,
    } = this.bootstrap;
    if (!componentAppid) return;
    if (!secret || !token || !encodingAESKey) {
      this.logger.warn({
        msg: 'WECHAT_COMPONENT_APPID is set without WECHAT_COMPONENT_SECRET, _TOKEN and _ENCODING_AES_KEY: not bootstrapped',
        componentAppid,
      });
      return;
    }
    await this.upsert({ componentAppid, secret, token, encodingAESKey });
    this.logger.log({ msg: 'component bootstrapped from the environment', componentAppid });
  }

  async get(componentAppid: string): Promise<ComponentRecord> {
    const record = await this.components.find(componentAppid);
    if (!record) throw TokenError.componentNotFound(componentAppid);
    return record;
  }

  async keys(componentAppid: string): Promise<ComponentKeys> {
    const record = await this.get(componentAppid);
    return { componentAppid, token: record.messageToken, encodingAESKey: record.encodingAESKey };
  }

  async summary(componentAppid: string): Promise<ComponentSummary> {
    return toSummary(await this.get(componentAppid));
  }

  /** Creates a component (every field required) or changes the fields given; announces `token.component.updated`. */
  async upsert(request: UpsertComponentRequest): Promise<ComponentSummary> {
    const { componentAppid } = request;
    if (typeof componentAppid !== 'string' || !APPID_PATTERN.test(componentAppid)) {
      throw new TokenError(
        TokenRpcErrorCodes.InvalidRequest,
        'componentAppid must be 1-64 characters of [A-Za-z0-9_-]',
      );
    }
    const problems: string[] = [];
    for (const field of ['secret', 'token'] as const) {
      const value = request[field];
      if (value !== undefined && (typeof value !== 'string' || value.length === 0 || value.length > 256)) {
        problems.push(`${field} must be a non-empty string of at most 256 characters`);
      }
    }
    if (request.encodingAESKey !== undefined && !ENCODING_AES_KEY.test(String(request.encodingAESKey))) {
      problems.push('encodingAESKey must be 43 characters of [A-Za-z0-9]');
    }
    const existing = await this.components.find(componentAppid);
    const secret = request.secret ?? existing?.secret;
    const messageToken = request.token ?? existing?.messageToken;
    const encodingAESKey = request.encodingAESKey ?? existing?.encodingAESKey;
    if (!existing && (!secret || !messageToken || !encodingAESKey)) {
      problems.push('a new component needs secret, token and encodingAESKey');
    }
    if (problems.length > 0) throw new TokenError(TokenRpcErrorCodes.InvalidRequest, problems.join('; '));

    const keysChanged =
      !existing || existing.messageToken !== messageToken || existing.encodingAESKey !== encodingAESKey;
    if (keysChanged || existing?.secret !== secret) {
      await inTransaction(this.dataSource, async (manager) => {
        await this.components.upsertKeys(manager, componentAppid, {
          secret: secret!,
          messageToken: messageToken!,
          encodingAESKey: encodingAESKey!,
        });
        await this.outbox.add(
          manager,
          createEnvelope<string, TokenComponentUpdatedData>(
            DomainEventTypes.TokenComponentUpdated,
            { keysChanged },
            { componentAppid },
          ),
        );
      });
      void this.outbox.relay();
      this.logger.log({
        msg: existing ? 'component updated' : 'component created',
        componentAppid,
        keysChanged,
      });
    }
    return this.summary(componentAppid);
  }
}

function toSummary(record: ComponentRecord): ComponentSummary {
  const summary: ComponentSummary = {
    componentAppid: record.componentAppid,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
  if (record.ticketReceivedAt) summary.ticketReceivedAt = record.ticketReceivedAt.toISOString();
  if (record.accessToken && record.accessTokenExpiresAt) {
    summary.accessTokenExpiresAt = record.accessTokenExpiresAt.toISOString();
  }
  return summary;
}
