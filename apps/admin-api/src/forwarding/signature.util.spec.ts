import { createHmac } from 'node:crypto';

import { newSigningSecret, signatureHeader, signatureV1 } from './signature.util';

describe('signature.util', () => {
  describe('signatureV1', () => {
    it('is the hex HMAC-SHA256 of "<timestamp>.<body>"', () => {
      const expected = createHmac('sha256', 'k').update('1700000000.{"a":1}').digest('hex');
      expect(signatureV1('k', 1700000000, '{"a":1}')).toBe(`v1=${expected}`);
    });
  });

  describe('signatureHeader', () => {
    it('carries one v1= per secret, space-separated, current first', () => {
      const header = signatureHeader(['new', 'old'], 1, 'b');
      expect(header.split(' ')).toEqual([signatureV1('new', 1, 'b'), signatureV1('old', 1, 'b')]);
    });
  });

  describe('newSigningSecret', () => {
    it('differs each time and carries 32 random bytes', () => {
      const a = newSigningSecret();
      expect(a).not.toBe(newSigningSecret());
      expect(Buffer.from(a.slice('whsec_'.length), 'base64url')).toHaveLength(32);
    });
  });
});
