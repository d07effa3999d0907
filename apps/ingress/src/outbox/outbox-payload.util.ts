import type { EventEnvelope } from '@wxop/contracts';
import { SecretsError, type SecretBox } from '@wxop/secrets';

/** What a stored outbox payload turned out to be. */
export type OpenedOutboxPayload =
  { ok: true; envelope: EventEnvelope; sealed: boolean } | { ok: false; reason: string };

/**
 * The AAD of a row's payload: its event id, so a sealed payload copied to another row does not open.
 * DO NOT CHANGE: rows already stored were sealed with it.
 */
export function outboxContext(eventId: string): string {
  return `ingress_outbox:${eventId}`;
}

/**
 * The payload of an outbox row: the envelope's JSON sealed with the current key (`v1.<keyId>.…`).
 * A push holds tickets, authorization codes and the decrypted message, so it is never stored in clear.
 */
export function sealOutboxPayload(box: SecretBox, envelope: EventEnvelope): string {
  return box.encrypt(JSON.stringify(envelope), outboxContext(envelope.id));
}

/**
 * Opens a stored payload: sealed with the row's event id as context, or, for rows written before
 * payloads were sealed, the envelope as plain JSON. Either way the envelope must carry the row's id.
 * Never throws: a payload that does not open is reported, without its content, for the relay to keep.
 */
export function openOutboxPayload(box: SecretBox, eventId: string, payload: string): OpenedOutboxPayload {
  // A sealed payload is ASCII and starts with its version; JSON of an envelope always starts with "{".
  const sealed = !payload.startsWith('{');
  let envelope: EventEnvelope;
  try {
    envelope = JSON.parse(sealed ? box.decrypt(payload, outboxContext(eventId)) : payload) as EventEnvelope;
  } catch (error) {
    if (error instanceof SecretsError) return { ok: false, reason: `${error.code}: ${error.message}` };
    return { ok: false, reason: 'payload is not an event envelope' };
  }
  if (
    typeof envelope !== 'object' ||
    envelope === null ||
    envelope.id !== eventId ||
    typeof envelope.type !== 'string'
  ) {
    return { ok: false, reason: 'payload is not the envelope of this row' };
  }
  return { ok: true, envelope, sealed };
}
