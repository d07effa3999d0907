import { Injectable, Logger } from '@nestjs/common';
import { QUERY_AUTH_CODE_PREFIX, RELEASE_CHECK_APPIDS, type EventEnvelope } from '@wxop/contracts';
import { EventPublisher, PublishError } from '@wxop/messaging';
import { MetricsService } from '@wxop/observability';
import { WechatCryptoError, type WechatCrypto } from '@wxop/wechat-crypto';

import { ComponentKeysService } from '../components/component-keys.service';
import { IngressConfig } from '../config/ingress.config';
import { OutboxRepository } from '../outbox/outbox.repository';
import { fromCryptoError, IngressError, IngressErrorCode } from './ingress.errors';
import { envelopeOf, type PushKind } from './push-envelope.util';
import { parsePushXml } from './push-xml.parser';
import { RequiredQueuesService } from './required-queues.service';

export interface IncomingPush {
  kind: PushKind;
  componentAppid: string;
  authorizerAppid?: string;
  query: Record<string, string | undefined>;
  body: string;
}

export interface PushOutcome {
  /** `success`, or an encrypted passive reply. */
  reply: string;
  eventId: string;
  stored: 'published' | 'outbox';
}

/**
 * The synchronous part of a push, nothing more (ARCHITECTURE.md): verify, decrypt, parse,
 * publish with confirm, or store in the outbox; only when both fail the push is refused with
 * 503 so that WeChat retries. A refused push publishes nothing.
 */
@Injectable()
export class PushService {
  private readonly logger = new Logger(PushService.name);
  private readonly pushes;
  private readonly publishSeconds;

  constructor(
    private readonly keys: ComponentKeysService,
    private readonly publisher: EventPublisher,
    private readonly outbox: OutboxRepository,
    private readonly config: IngressConfig,
    private readonly requiredQueues: RequiredQueuesService,
    metrics: MetricsService,
  ) {
    this.pushes = metrics.counter('wxop_ingress_pushes_total', 'Pushes received, by kind and result', [
      'kind',
      'result',
    ]);
    this.publishSeconds = metrics.histogram(
      'wxop_ingress_publish_seconds',
      'Time to a broker confirm',
      [],
      [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
    );
  }

  async receive(push: IncomingPush): Promise<PushOutcome> {
    try {
      const crypto = await this.keys.cryptoFor(push.componentAppid);
      const { fields, raw } = this.open(push, crypto);
      const envelope = envelopeOf(
        {
          kind: push.kind,
          componentAppid: push.componentAppid,
          authorizerAppid: push.authorizerAppid,
          fields,
          raw,
        },
        new Date(),
      );
      // After the checks, so a push that would be refused anyway keeps its own answer.
      this.requiredQueues.admit();
      const stored = await this.store(envelope);
      this.pushes.inc({ kind: push.kind, result: stored });
      return { reply: this.replyTo(push, crypto, fields), eventId: envelope.id, stored };
    } catch (error) {
      if (error instanceof IngressError) {
        this.pushes.inc({ kind: push.kind, result: error.code.toLowerCase() });
        this.logger.warn({
          msg: 'push refused',
          code: error.code,
          reason: error.message,
          kind: push.kind,
          componentAppid: push.componentAppid,
          authorizerAppid: push.authorizerAppid,
        });
      }
      throw error;
    }
  }

  /** GET with echostr: answer it when the signature holds (decrypting an encrypted echostr first). */
  async echo(componentAppid: string, query: Record<string, string | undefined>): Promise<string> {
    const crypto = await this.keys.cryptoFor(componentAppid);
    const { echostr, timestamp, nonce, signature, msg_signature: msgSignature } = query;
    if (!echostr || !timestamp || !nonce || (!signature && !msgSignature)) {
      throw new IngressError(
        IngressErrorCode.MissingSignature,
        'echostr, timestamp, nonce and a signature are required',
      );
    }
    this.checkTimestamp(timestamp);
    try {
      if (msgSignature) return crypto.openPush({ msgSignature, timestamp, nonce, encrypt: echostr }).message;
      crypto.assertSignature(signature!, timestamp, nonce);
      return echostr;
    } catch (error) {
      if (error instanceof WechatCryptoError)
        throw new IngressError(fromCryptoError(error.code), error.message);
      throw error;
    }
  }

  private open(push: IncomingPush, crypto: WechatCrypto): { fields: Record<string, unknown>; raw: string } {
    const { timestamp, nonce, msg_signature: msgSignature, encrypt_type: encryptType } = push.query;
    if (!timestamp || !nonce || !msgSignature) {
      throw new IngressError(
        IngressErrorCode.MissingSignature,
        'timestamp, nonce and msg_signature are required',
      );
    }
    if (encryptType !== undefined && encryptType !== 'aes') {
      throw new IngressError(
        IngressErrorCode.UnsupportedEncryption,
        `encrypt_type ${encryptType} is not supported (safe mode only)`,
      );
    }
    this.checkTimestamp(timestamp);
    const outer = parsePushXml(push.body, 'outer');
    const encrypt = outer['Encrypt'];
    if (typeof encrypt !== 'string' || encrypt === '')
      throw new IngressError(IngressErrorCode.MalformedXml, 'outer XML has no Encrypt');
    let raw: string;
    try {
      raw = crypto.openPush({ msgSignature, timestamp, nonce, encrypt }).message;
    } catch (error) {
      if (error instanceof WechatCryptoError)
        throw new IngressError(fromCryptoError(error.code), error.message);
      throw error;
    }
    const fields = parsePushXml(raw, 'inner');
    if (push.kind === 'component' && outer['AppId'] !== undefined && outer['AppId'] !== push.componentAppid) {
      throw new IngressError(IngressErrorCode.OuterMismatch, 'outer AppId is not the component of the URL');
    }
    if (
      push.kind === 'message' &&
      outer['ToUserName'] !== undefined &&
      outer['ToUserName'] !== fields['ToUserName']
    ) {
      throw new IngressError(
        IngressErrorCode.OuterMismatch,
        'outer ToUserName differs from the decrypted one',
      );
    }
    return { fields, raw };
  }

  private checkTimestamp(timestamp: string): void {
    const seconds = Number(timestamp);
    const now = Date.now() / 1000;
    if (
      !/^\d{1,12}$/.test(timestamp) ||
      Math.abs(now - seconds) > this.config.INGRESS_TIMESTAMP_WINDOW_SECONDS
    ) {
      throw new IngressError(IngressErrorCode.StaleTimestamp, 'timestamp outside the allowed window');
    }
  }

  /**
   * Confirmed publish; on a publish failure the outbox; when that fails too, 503. A push the
   * broker routed to no queue (mandatory, returned) answers 503 at once: the outbox would relay it
   * into the same void, and WeChat's retry may find its consumers there.
   */
  private async store(envelope: EventEnvelope): Promise<'published' | 'outbox'> {
    const end = this.publishSeconds.startTimer();
    try {
      await this.publisher.publish(envelope, {
        timeoutMs: this.config.INGRESS_PUBLISH_TIMEOUT_MS,
        mandatory: true,
      });
      end();
      return 'published';
    } catch (error) {
      if (!(error instanceof PublishError)) throw error;
      if (error.reason === 'unroutable') {
        this.logger.warn({
          msg: 'push routed to no queue, refused',
          eventId: envelope.id,
          type: envelope.type,
        });
        throw new IngressError(
          IngressErrorCode.Unroutable,
          'no consumer queue receives this push yet; retry later',
        );
      }
      this.logger.warn({
        msg: 'broker did not confirm, storing in the outbox',
        eventId: envelope.id,
        reason: error.reason,
      });
    }
    try {
      await this.outbox.add(envelope);
      return 'outbox';
    } catch (error) {
      this.logger.error({
        msg: 'push neither published nor stored',
        eventId: envelope.id,
        error: error instanceof Error ? error.message : String(error),
      });
      throw new IngressError(IngressErrorCode.NotStored, 'the push could not be stored; retry later');
    }
  }

  /** The 全网发布 check's passive replies (wechat-protocol.md §2.2); `success` otherwise. */
  private replyTo(push: IncomingPush, crypto: WechatCrypto, fields: Record<string, unknown>): string {
    if (push.kind !== 'message' || !push.authorizerAppid || !RELEASE_CHECK_APPIDS.has(push.authorizerAppid))
      return 'success';
    const content = fields['Content'];
    let answer: string | undefined;
    if (fields['MsgType'] === 'text' && content === 'TESTCOMPONENT_MSG_TYPE_TEXT')
      answer = 'TESTCOMPONENT_MSG_TYPE_TEXT_callback';
    else if (
      fields['MsgType'] === 'text' &&
      typeof content === 'string' &&
      content.startsWith(QUERY_AUTH_CODE_PREFIX)
    )
      return '';
    else if (fields['MsgType'] === 'event' && typeof fields['Event'] === 'string')
      answer = `${fields['Event']}from_callback`;
    if (answer === undefined) return 'success';
    const xml =
      `<xml><ToUserName><![CDATA[${String(fields['FromUserName'])}]]></ToUserName>` +
      `<FromUserName><![CDATA[${String(fields['ToUserName'])}]]></FromUserName>` +
      `<CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
      `<Content><![CDATA[${answer}]]></Content></xml>`;
    return crypto.encryptReply(xml, { nonce: push.query['nonce'] ?? '' }).xml;
  }
}
