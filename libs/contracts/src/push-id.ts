import { createHash } from 'node:crypto';

/**
 * The namespace of wxop's name-based (v5) UUIDs for raw pushes. DO NOT CHANGE: ids of
 * pushes received before and after a change would no longer match, and retries would
 * pass every consumer's inbox.
 */
export const RAW_PUSH_ID_NAMESPACE = '6f1d1c4e-2b59-5d0b-9a3c-77a0c1e5e2b1';

/** A decrypted push as ingress sees it. */
export interface RawPushIdentity {
  componentAppid: string;
  /** From the messages URL path; absent on the events URL. */
  authorizerAppid?: string;
  /** Top-level fields of the decrypted XML with WeChat's names. */
  fields: Readonly<Record<string, unknown>>;
}

function text(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? canonicalJson(value) : String(value);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function fieldsDigest(fields: Readonly<Record<string, unknown>>): string {
  return createHash('sha256').update(canonicalJson(fields)).digest('hex');
}

/**
 * The key a push is deduplicated by (ARCHITECTURE.md "Deterministic event ids",
 * wechat-protocol.md §2.3). A WeChat retry of the same push yields the same key:
 * - a message with `MsgId`: component appid, account, MsgId;
 * - an event on the messages URL: component appid, account, FromUserName, CreateTime, Event;
 * - a component push: component appid, InfoType, CreateTime, AuthorizerAppid and ticket;
 *   component pushes that carry neither (fast registration, ICP, …) add a digest of all fields;
 * - anything else: a digest of all fields.
 */
export function rawPushDedupKey(push: RawPushIdentity): string {
  const f = push.fields;
  const account = push.authorizerAppid ?? text(f['ToUserName']);
  if (f['MsgId'] !== undefined && f['MsgId'] !== '') {
    return ['msg', push.componentAppid, account, text(f['MsgId'])].join('|');
  }
  if (f['MsgType'] === 'event' && f['Event'] !== undefined) {
    return [
      'event',
      push.componentAppid,
      account,
      text(f['FromUserName']),
      text(f['CreateTime']),
      text(f['Event']),
    ].join('|');
  }
  if (f['InfoType'] !== undefined) {
    const authorizer = text(f['AuthorizerAppid']);
    const ticket = text(f['ComponentVerifyTicket']);
    const key = [
      'component',
      push.componentAppid,
      text(f['InfoType']),
      text(f['CreateTime']),
      authorizer,
      ticket,
    ];
    if (!authorizer && !ticket) key.push(fieldsDigest(f));
    return key.join('|');
  }
  return ['other', push.componentAppid, account, fieldsDigest(f)].join('|');
}

/** Namespaces as bytes, parsed once each (ingress computes an id per push; there are one or two namespaces). */
const namespaceBytes = new Map<string, Buffer>();

/** Name-based UUID (RFC 9562 version 5, SHA-1) of `name` in `namespace`. */
export function uuidV5(name: string, namespace: string): string {
  let ns = namespaceBytes.get(namespace);
  if (!ns) {
    ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
    if (ns.length !== 16) throw new RangeError('namespace must be a UUID');
    namespaceBytes.set(namespace, ns);
  }
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The envelope id of a raw push: a v5 UUID of its dedup key, identical for every retry. */
export function rawPushId(push: RawPushIdentity): string {
  return uuidV5(rawPushDedupKey(push), RAW_PUSH_ID_NAMESPACE);
}
