import { createEnvelope, type EventEnvelope } from '@wxop/contracts';
import { SecretBox, SecretsErrorCode } from '@wxop/secrets';

import { openOutboxPayload, outboxContext, sealOutboxPayload } from './outbox-payload.util';

const box = new SecretBox({ currentKeyId: 'k1', keys: { k1: Buffer.alloc(32, 7) } });
const raw =
  '<xml><AppId><![CDATA[wxc]]></AppId><InfoType><![CDATA[authorized]]></InfoType><AuthorizationCode><![CDATA[queryauthcode@@@secret-code]]></AuthorizationCode></xml>';

function envelope(id: string): EventEnvelope {
  return createEnvelope(
    'wechat.component.authorized',
    { InfoType: 'authorized', AuthorizationCode: 'queryauthcode@@@secret-code', raw },
    { id, componentAppid: 'wxc', occurredAt: new Date('2026-12-01T00:00:00Z') },
  );
}

const A = '6f1e2d3c-0000-5000-8000-00000000000a';
const B = '6f1e2d3c-0000-5000-8000-00000000000b';

describe(sealOutboxPayload.name, () => {
  it('stores neither the code nor the decrypted XML, and opens back to the same envelope', () => {
    const sut = sealOutboxPayload(box, envelope(A));
    expect(sut).toMatch(/^v1\.k1\./);
    expect(sut).not.toContain('secret-code');
    expect(sut).not.toContain('<xml>');
    expect(sut).not.toContain('authorized');
    expect(openOutboxPayload(box, A, sut)).toEqual({ ok: true, envelope: envelope(A), sealed: true });
  });

  it('binds the payload to the event id', () => {
    expect(box.decrypt(sealOutboxPayload(box, envelope(A)), outboxContext(A))).toBe(
      JSON.stringify(envelope(A)),
    );
  });
});

describe(openOutboxPayload.name, () => {
  it('refuses a sealed payload moved to a row of another event', () => {
    const moved = openOutboxPayload(box, B, sealOutboxPayload(box, envelope(A)));
    expect(moved).toEqual({ ok: false, reason: expect.stringContaining(SecretsErrorCode.Tampered) });
  });

  it('refuses a payload sealed with a key no longer in the ring, naming only the key id', () => {
    const other = new SecretBox({ currentKeyId: 'old', keys: { old: Buffer.alloc(32, 9) } });
    const opened = openOutboxPayload(box, A, sealOutboxPayload(other, envelope(A)));
    expect(opened).toEqual({ ok: false, reason: expect.stringContaining(SecretsErrorCode.UnknownKeyId) });
    expect(JSON.stringify(opened)).not.toContain('secret-code');
  });

  it('opens a row written in clear before payloads were sealed, and says so', () => {
    expect(openOutboxPayload(box, A, JSON.stringify(envelope(A)))).toEqual({
      ok: true,
      envelope: envelope(A),
      sealed: false,
    });
  });

  it('refuses a row in clear whose envelope is of another event, or is no envelope at all', () => {
    expect(openOutboxPayload(box, B, JSON.stringify(envelope(A)))).toEqual({
      ok: false,
      reason: 'payload is not the envelope of this row',
    });
    const broken = openOutboxPayload(
      box,
      A,
      '{"id": "' + A + '", "data": {"AuthorizationCode": "secret-code"',
    );
    expect(broken).toEqual({ ok: false, reason: 'payload is not an event envelope' });
    expect(openOutboxPayload(box, A, 'null')).toEqual({
      ok: false,
      reason: expect.stringContaining(SecretsErrorCode.Malformed),
    });
  });
});
