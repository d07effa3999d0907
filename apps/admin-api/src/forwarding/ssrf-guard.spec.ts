import { ipv4Mapped, SsrfGuard } from './ssrf-guard';

describe(SsrfGuard.name, () => {
  describe('refusal', () => {
    const sut = new SsrfGuard({ allowPrivate: false, allowedCidrs: [] });

    it.each([
      ['127.0.0.1'],
      ['127.8.9.10'],
      ['10.1.2.3'],
      ['172.16.0.1'],
      ['172.31.255.255'],
      ['192.168.1.1'],
      ['169.254.169.254'],
      ['100.64.0.1'],
      ['0.0.0.0'],
      ['224.0.0.251'],
      ['255.255.255.255'],
      ['::1'],
      ['::'],
      ['fe80::1'],
      ['fc00::1'],
      ['fd12:3456::1'],
      ['ff02::1'],
      ['::ffff:127.0.0.1'],
      ['::ffff:10.0.0.1'],
      ['::ffff:7f00:1'],
      ['::ffff:a9fe:a9fe'],
    ])('refuses %s by default', (address) => {
      expect(sut.refusal(address)).toMatch(/loopback, private/);
    });

    it.each([['8.8.8.8'], ['1.1.1.1'], ['172.32.0.1'], ['2606:4700:4700::1111'], ['::ffff:8.8.8.8']])(
      'allows the public address %s',
      (address) => {
        expect(sut.refusal(address)).toBeUndefined();
      },
    );

    it('refuses what is not an IP address', () => {
      expect(sut.refusal('example.com')).toMatch(/not an IP/);
    });

    it('allows private addresses when configured to', () => {
      const permissive = new SsrfGuard({ allowPrivate: true, allowedCidrs: [] });
      expect(permissive.refusal('127.0.0.1')).toBeUndefined();
      expect(permissive.refusal('::1')).toBeUndefined();
    });

    it('allows an address inside an allowed CIDR and nothing else private', () => {
      const listed = new SsrfGuard({ allowPrivate: false, allowedCidrs: ['10.20.0.0/16', 'fd00:1::/32'] });
      expect(listed.refusal('10.20.3.4')).toBeUndefined();
      expect(listed.refusal('::ffff:10.20.3.4')).toBeUndefined();
      expect(listed.refusal('fd00:1::5')).toBeUndefined();
      expect(listed.refusal('10.21.0.1')).toMatch(/private/);
      expect(listed.refusal('127.0.0.1')).toMatch(/loopback/);
    });
  });

  describe('ipv4Mapped', () => {
    it('unwraps both notations and ignores other IPv6 addresses', () => {
      expect(ipv4Mapped('::ffff:192.168.0.1')).toBe('192.168.0.1');
      expect(ipv4Mapped('::FFFF:c0a8:1')).toBe('192.168.0.1');
      expect(ipv4Mapped('2001:db8::1')).toBeUndefined();
    });
  });
});
