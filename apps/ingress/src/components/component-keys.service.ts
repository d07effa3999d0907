import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  DomainEventTypes,
  TokenRpcErrorCodes,
  TokenRpcPatterns,
  type ComponentKeys,
  type GetComponentKeysRequest,
} from '@wxop/contracts';
import { WechatComponentConfig } from '@wxop/config';
import { AmqpRpcClient, EventBroadcasts, RpcRemoteError, RpcUnavailableError } from '@wxop/messaging';
import { WechatCrypto } from '@wxop/wechat-crypto';

import { IngressConfig } from '../config/ingress.config';
import { IngressError, IngressErrorCode } from '../pushes/ingress.errors';

interface CacheEntry {
  crypto: WechatCrypto | null;
  expiresAt: number;
}

const RPC_TIMEOUT_MS = 1500;
const UNKNOWN_CACHE_MS = 5000;

/**
 * The WXBizMsgCrypt of each component: the bootstrap variables for a single platform, else
 * the token service (RPC `token.component-keys.get`), cached for INGRESS_KEYS_CACHE_SECONDS.
 * An unknown component is a 404; an unreachable token service a 503 (WeChat retries). Every replica
 * drops a component's cached keys when the token service announces `token.component.updated`.
 */
@Injectable()
export class ComponentKeysService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ComponentKeysService.name);
  private readonly cache = new Map<string, CacheEntry>();
  private readonly bootstrap?: WechatCrypto;

  constructor(
    private readonly config: IngressConfig,
    private readonly rpc: AmqpRpcClient,
    private readonly broadcasts: EventBroadcasts,
    bootstrap: WechatComponentConfig,
  ) {
    const {
      WECHAT_COMPONENT_APPID: appid,
      WECHAT_COMPONENT_TOKEN: token,
      WECHAT_COMPONENT_ENCODING_AES_KEY: key,
    } = bootstrap;
    if (appid && token && key) this.bootstrap = new WechatCrypto({ appid, token, encodingAESKey: key });
  }

  onApplicationBootstrap(): void {
    this.broadcasts.subscribe([DomainEventTypes.TokenComponentUpdated], (event) => {
      if (this.cache.delete(event.componentAppid)) {
        this.logger.log({
          msg: 'component keys changed: cached keys dropped',
          componentAppid: event.componentAppid,
        });
      }
    });
  }

  async cryptoFor(componentAppid: string): Promise<WechatCrypto> {
    if (this.bootstrap?.appid === componentAppid) return this.bootstrap;
    const cached = this.cache.get(componentAppid);
    if (cached && cached.expiresAt > Date.now()) {
      if (!cached.crypto)
        throw new IngressError(IngressErrorCode.UnknownComponent, `unknown component ${componentAppid}`);
      return cached.crypto;
    }
    let keys: ComponentKeys;
    try {
      keys = await this.rpc.request<ComponentKeys, GetComponentKeysRequest>(
        TokenRpcPatterns.GetComponentKeys,
        { componentAppid },
        { timeoutMs: RPC_TIMEOUT_MS },
      );
    } catch (error) {
      // Not found by the token service, or no token service deployed at all (single platform
      // bootstrapped from variables): the component is unknown. Unreachable or slow: 503.
      const unknown =
        (error instanceof RpcRemoteError && error.code === TokenRpcErrorCodes.ComponentNotFound) ||
        (error instanceof RpcUnavailableError && error.reason === 'no-handler');
      if (unknown) {
        this.cache.set(componentAppid, { crypto: null, expiresAt: Date.now() + UNKNOWN_CACHE_MS });
        throw new IngressError(IngressErrorCode.UnknownComponent, `unknown component ${componentAppid}`);
      }
      if (cached?.crypto) {
        this.logger.warn({ msg: 'token service unreachable, using expired keys', componentAppid });
        return cached.crypto;
      }
      throw new IngressError(
        IngressErrorCode.KeysUnavailable,
        'the keys of this component cannot be fetched now',
      );
    }
    const crypto = new WechatCrypto({
      appid: keys.componentAppid,
      token: keys.token,
      encodingAESKey: keys.encodingAESKey,
    });
    this.cache.set(componentAppid, {
      crypto,
      expiresAt: Date.now() + this.config.INGRESS_KEYS_CACHE_SECONDS * 1000,
    });
    return crypto;
  }
}
