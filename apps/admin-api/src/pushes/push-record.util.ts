import type { EventEnvelope } from '@wxop/contracts';

import type { PushRecord } from './push-log.repository';
import { hashSecretFields, hashSecretsInXml } from './push-secrets.util';

/** The push-log row of a raw push: its fields without `raw`, the raw XML apart, every secret hashed. */
export function toPushRecord(envelope: EventEnvelope, receivedAt: Date): PushRecord {
  const { raw, ...rest } = envelope.data;
  const fields = hashSecretFields(rest);
  const xml = typeof raw === 'string' ? hashSecretsInXml(raw) : undefined;
  return {
    eventId: envelope.id,
    type: envelope.type,
    componentAppid: envelope.componentAppid,
    authorizerAppid: envelope.authorizerAppid ?? null,
    occurredAt: new Date(envelope.occurredAt),
    receivedAt,
    replayOf: envelope.replayOf ?? null,
    secretsHashed: fields.hashed || (xml?.hashed ?? false),
    fields: fields.fields,
    rawXml: xml?.xml ?? null,
  };
}
