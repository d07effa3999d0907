import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { XMLParser } from 'fast-xml-parser';
import { randomInt } from 'node:crypto';

import { CountersService } from '../api/counters.service';
import { opaque } from '../sim/random.util';
import { SimClock } from '../sim/sim-clock';
import { SimSettings } from '../sim/sim-settings';
import { SimState, type Account, type Platform } from '../sim/sim-state';
import { toWechatXml } from './push-xml.util';

export interface PushAttempt {
  at: string;
  status?: number;
  body?: string;
  error?: string;
  ms: number;
}

export interface PushRecord {
  id: number;
  platformAppid: string;
  authorizerAppid?: string;
  kind: 'component' | 'message';
  /** InfoType, MsgType or Event. */
  type: string;
  url: string;
  xml: string;
  attempts: PushAttempt[];
  delivered: boolean;
  /** The decrypted passive reply, when the receiver answered with one. */
  reply?: string;
}

const MAX_LOG = 5000;
const replyParser = new XMLParser({ parseTagValue: false, processEntities: false, ignoreAttributes: true });

/**
 * Sends pushes exactly as WeChat does (wechat-protocol.md §1–2): inner XML encrypted with the
 * platform's key and the component appid, `msg_signature` and legacy `signature` in the query,
 * outer `<AppId>` (events URL) or `<ToUserName>` (messages URL, `$APPID$` substituted); a
 * `pushTimeoutMs` timeout and up to `pushAttempts` attempts unless answered `success` or empty
 * (an encrypted passive reply also counts as answered).
 */
@Injectable()
export class PushService implements OnModuleDestroy {
  private readonly logger = new Logger(PushService.name);
  private readonly log: PushRecord[] = [];
  private readonly tickets = new Map<string, NodeJS.Timeout>();
  private nextId = 1;
  private inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly state: SimState,
    private readonly clock: SimClock,
    private readonly settings: SimSettings,
    private readonly counters: CountersService,
  ) {}

  /** A push on the 授权事件接收URL; resolves when delivered or given up. */
  pushComponent(platform: Platform, infoType: string, fields: Record<string, unknown>): Promise<PushRecord> {
    const xml = toWechatXml({
      AppId: platform.appid,
      CreateTime: this.clock.seconds(),
      InfoType: infoType,
      ...fields,
    });
    return this.track(this.send(platform, undefined, 'component', infoType, xml));
  }

  /** A message or event from an account on the 消息与事件接收URL. */
  pushMessage(
    platform: Platform,
    account: Account,
    fields: Record<string, unknown>,
    openid?: string,
  ): Promise<PushRecord> {
    const type = String(fields['Event'] ?? fields['MsgType'] ?? 'raw');
    const xml = toWechatXml({
      ToUserName: account.userName,
      FromUserName: openid ?? 'o_sim_system',
      CreateTime: this.clock.seconds(),
      ...fields,
    });
    return this.track(this.send(platform, account, 'message', type, xml, openid));
  }

  /** Arbitrary inner XML, to either URL. */
  pushRaw(platform: Platform, account: Account | undefined, xml: string): Promise<PushRecord> {
    return this.track(this.send(platform, account, account ? 'message' : 'component', 'raw', xml));
  }

  /** Issues a new ticket (valid ticketTtlSeconds) and pushes it. */
  pushTicket(platform: Platform): Promise<PushRecord> {
    const ticket = { value: `ticket@@@${opaque(86)}`, issuedAt: this.clock.now() };
    platform.tickets.push(ticket);
    if (platform.tickets.length > 100) platform.tickets.splice(0, platform.tickets.length - 100);
    return this.pushComponent(platform, 'component_verify_ticket', { ComponentVerifyTicket: ticket.value });
  }

  /** Starts the periodic ticket pushes of a platform (the first one right away). */
  startTickets(platform: Platform): void {
    this.stopTickets(platform);
    platform.ticketPushesEnabled = true;
    void this.pushTicket(platform);
    const timer = setInterval(
      () => void this.pushTicket(platform),
      this.settings.ticketIntervalSeconds * 1000,
    );
    timer.unref();
    this.tickets.set(platform.appid, timer);
  }

  stopTickets(platform: Platform): void {
    platform.ticketPushesEnabled = false;
    const timer = this.tickets.get(platform.appid);
    if (timer) clearInterval(timer);
    this.tickets.delete(platform.appid);
  }

  records(filter: { platformAppid?: string; type?: string } = {}): PushRecord[] {
    return this.log.filter(
      (r) =>
        (!filter.platformAppid || r.platformAppid === filter.platformAppid) &&
        (!filter.type || r.type === filter.type),
    );
  }

  /** Waits until no push is being sent (tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  reset(): void {
    for (const timer of this.tickets.values()) clearInterval(timer);
    this.tickets.clear();
    this.log.length = 0;
  }

  onModuleDestroy(): void {
    for (const timer of this.tickets.values()) clearInterval(timer);
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    void promise.finally(() => this.inFlight.delete(promise));
    return promise;
  }

  private async send(
    platform: Platform,
    account: Account | undefined,
    kind: 'component' | 'message',
    type: string,
    xml: string,
    openid?: string,
  ): Promise<PushRecord> {
    const base =
      kind === 'component'
        ? platform.authEventUrl
        : platform.messageUrl?.replace(/\$APPID\$/g, account?.appid ?? '');
    const record: PushRecord = {
      id: this.nextId++,
      platformAppid: platform.appid,
      authorizerAppid: account?.appid,
      kind,
      type,
      url: base ?? '',
      xml,
      attempts: [],
      delivered: false,
    };
    this.log.push(record);
    if (this.log.length > MAX_LOG) this.log.splice(0, this.log.length - MAX_LOG);
    this.counters.increment(`push:${kind}`, account?.appid ?? platform.appid, 'calls');
    if (!base) {
      record.attempts.push({ at: new Date().toISOString(), error: 'no URL configured', ms: 0 });
      return record;
    }
    for (let attempt = 1; attempt <= this.settings.pushAttempts; attempt++) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, this.settings.pushRetryDelayMs));
      const outcome = await this.attempt(platform, account, kind, xml, base, openid);
      record.attempts.push(outcome.attempt);
      if (outcome.accepted) {
        record.delivered = true;
        record.reply = outcome.reply;
        break;
      }
    }
    if (!record.delivered) {
      this.counters.increment(`push:${kind}`, account?.appid ?? platform.appid, 'errors');
      this.logger.warn({
        msg: 'push not delivered',
        type,
        url: record.url,
        attempts: record.attempts.length,
      });
    }
    return record;
  }

  private async attempt(
    platform: Platform,
    account: Account | undefined,
    kind: 'component' | 'message',
    xml: string,
    base: string,
    openid?: string,
  ): Promise<{ attempt: PushAttempt; accepted: boolean; reply?: string }> {
    // Every attempt is encrypted afresh, as a new request.
    const timestamp = String(this.clock.seconds());
    const nonce = String(randomInt(100_000_000, 2_000_000_000));
    const encrypt = platform.crypto.encrypt(xml);
    const outer =
      kind === 'component'
        ? `<xml><AppId><![CDATA[${platform.appid}]]></AppId><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`
        : `<xml><ToUserName><![CDATA[${account?.userName ?? ''}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
    const url = new URL(base);
    url.searchParams.set('signature', platform.crypto.signature(timestamp, nonce));
    url.searchParams.set('timestamp', timestamp);
    url.searchParams.set('nonce', nonce);
    if (openid) url.searchParams.set('openid', openid);
    url.searchParams.set('encrypt_type', 'aes');
    url.searchParams.set('msg_signature', platform.crypto.signature(timestamp, nonce, encrypt));
    const started = Date.now();
    const at = new Date().toISOString();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', 'user-agent': 'Mozilla/4.0 (wechat-sim)' },
        body: outer,
        signal: AbortSignal.timeout(this.settings.pushTimeoutMs),
      });
      const body = await response.text();
      const attempt: PushAttempt = {
        at,
        status: response.status,
        body: body.slice(0, 2000),
        ms: Date.now() - started,
      };
      if (response.status !== 200) return { attempt, accepted: false };
      const trimmed = body.trim();
      if (trimmed === '' || trimmed === 'success') return { attempt, accepted: true };
      const reply = this.openReply(platform, trimmed);
      return reply === undefined ? { attempt, accepted: false } : { attempt, accepted: true, reply };
    } catch (error) {
      return {
        attempt: {
          at,
          error: error instanceof Error ? error.message : String(error),
          ms: Date.now() - started,
        },
        accepted: false,
      };
    }
  }

  /** A passive reply is `<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>` signed over its own values. */
  private openReply(platform: Platform, body: string): string | undefined {
    let fields: Record<string, unknown> | undefined;
    try {
      fields = (replyParser.parse(body) as { xml?: Record<string, unknown> }).xml;
    } catch {
      return undefined;
    }
    const text = (name: string) =>
      typeof fields?.[name] === 'string' ? (fields[name] as string) : undefined;
    const [encrypt, msgSignature, timestamp, nonce] = ['Encrypt', 'MsgSignature', 'TimeStamp', 'Nonce'].map(
      text,
    );
    if (!encrypt || !msgSignature || !timestamp || nonce === undefined) return undefined;
    try {
      return platform.crypto.openPush({ encrypt, msgSignature, timestamp, nonce }).message;
    } catch {
      return undefined;
    }
  }
}
