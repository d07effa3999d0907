import {
  componentPushType,
  createEnvelope,
  messageEventType,
  messagePushType,
  rawPushId,
  type EventEnvelope,
} from '@wxop/contracts';

import { IngressError, IngressErrorCode } from './ingress.errors';

export type PushKind = 'component' | 'message';

export interface DecryptedPush {
  kind: PushKind;
  componentAppid: string;
  /** From the messages URL path. */
  authorizerAppid?: string;
  fields: Record<string, unknown>;
  /** The decrypted inner XML. */
  raw: string;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/** The routing key of a push (CONTRACT.md §2): InfoType, MsgType or Event, lower-cased. */
export function pushTypeOf(push: Pick<DecryptedPush, 'kind' | 'fields'>): string {
  try {
    if (push.kind === 'component') {
      const infoType = text(push.fields['InfoType']);
      if (!infoType)
        throw new IngressError(IngressErrorCode.UnknownPushKind, 'component push without InfoType');
      return componentPushType(infoType);
    }
    const msgType = text(push.fields['MsgType']);
    if (!msgType) throw new IngressError(IngressErrorCode.UnknownPushKind, 'message push without MsgType');
    if (msgType === 'event') {
      const event = text(push.fields['Event']);
      if (!event) throw new IngressError(IngressErrorCode.UnknownPushKind, 'event push without Event');
      return messageEventType(event);
    }
    return messagePushType(msgType);
  } catch (error) {
    if (error instanceof RangeError) throw new IngressError(IngressErrorCode.UnknownPushKind, error.message);
    throw error;
  }
}

/** The envelope of a raw push: deterministic id, routing key, every field plus `raw`. */
export function envelopeOf(push: DecryptedPush, now: Date): EventEnvelope {
  const type = pushTypeOf(push);
  const authorizerAppid = push.authorizerAppid ?? text(push.fields['AuthorizerAppid']);
  const createTime = Number(push.fields['CreateTime']);
  const occurredAt = Number.isFinite(createTime) && createTime > 0 ? new Date(createTime * 1000) : now;
  return createEnvelope(
    type,
    { ...push.fields, raw: push.raw },
    {
      id: rawPushId({
        componentAppid: push.componentAppid,
        authorizerAppid: push.authorizerAppid,
        fields: push.fields,
      }),
      componentAppid: push.componentAppid,
      authorizerAppid,
      occurredAt,
    },
  );
}
