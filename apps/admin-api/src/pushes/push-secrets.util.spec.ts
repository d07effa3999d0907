import { createHash } from 'node:crypto';

import { hashedSecret, hashSecretFields, hashSecretsInXml } from './push-secrets.util';

const TICKET = 'ticket@@@Ab12Cd34Ef56Gh78';
const sha = (value: string) => createHash('sha256').update(value).digest('hex');

describe('push secrets', () => {
  describe(hashSecretFields.name, () => {
    it('replaces tickets and auth codes by hash and prefix, leaving other fields as they were', () => {
      const sut = hashSecretFields({
        AppId: 'wx1234567890abcdef',
        InfoType: 'component_verify_ticket',
        ComponentVerifyTicket: TICKET,
        nested: { auth_code: 'queryauthcode@@@zzz' },
      });
      expect(sut.hashed).toBe(true);
      expect(sut.fields['AppId']).toBe('wx1234567890abcdef');
      expect(sut.fields['ComponentVerifyTicket']).toBe(`sha256:${sha(TICKET)} prefix:ticket`);
      expect(JSON.stringify(sut.fields)).not.toContain('Ab12Cd34');
      expect(JSON.stringify(sut.fields)).not.toContain('@@@zzz');
    });

    it('reports nothing hashed for a push without secrets', () => {
      expect(hashSecretFields({ MsgType: 'text', Content: '你好' })).toEqual({
        fields: { MsgType: 'text', Content: '你好' },
        hashed: false,
      });
    });
  });

  describe(hashSecretsInXml.name, () => {
    it('hashes CDATA and plain-text secret elements of the raw XML', () => {
      const xml =
        `<xml><AppId><![CDATA[wxabc]]></AppId><ComponentVerifyTicket><![CDATA[${TICKET}]]></ComponentVerifyTicket>` +
        `<AuthorizationCode>queryauthcode@@@secret</AuthorizationCode></xml>`;
      const sut = hashSecretsInXml(xml);
      expect(sut.hashed).toBe(true);
      expect(sut.xml).not.toContain('Ab12Cd34');
      expect(sut.xml).not.toContain('@@@secret');
      expect(sut.xml).toContain(
        `<ComponentVerifyTicket><![CDATA[${hashedSecret(TICKET)}]]></ComponentVerifyTicket>`,
      );
      expect(sut.xml).toContain('<AppId><![CDATA[wxabc]]></AppId>');
    });
  });
});
