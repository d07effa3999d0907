import { BlockList, isIP } from 'node:net';

/**
 * Which target addresses forwarding may connect to (issue #14, SSRF): loopback, private,
 * link-local, unique-local, multicast and other special-purpose ranges are refused unless
 * private targets are allowed, or the address falls in an allowed CIDR.
 */
export class SsrfGuard {
  private readonly refused = new BlockList();
  private readonly allowed = new BlockList();

  constructor(options: { allowPrivate: boolean; allowedCidrs: string[] }) {
    this.allowPrivate = options.allowPrivate;
    for (const [network, prefix, family] of REFUSED_RANGES) this.refused.addSubnet(network, prefix, family);
    for (const cidr of options.allowedCidrs) {
      const [network, prefix] = cidr.split('/');
      const family = isIP(network ?? '') === 6 ? 'ipv6' : 'ipv4';
      this.allowed.addSubnet(network!, Number(prefix), family);
    }
  }

  private readonly allowPrivate: boolean;

  /** Why `address` (an IP literal) must not be connected to, or undefined when it may. */
  refusal(address: string): string | undefined {
    const family = isIP(address);
    if (family === 0) return `${address} is not an IP address`;
    const mapped = family === 6 ? ipv4Mapped(address) : undefined;
    const [ip, type] = mapped
      ? [mapped, 'ipv4' as const]
      : [address, family === 6 ? ('ipv6' as const) : ('ipv4' as const)];
    if (this.allowed.check(ip, type)) return undefined;
    if (this.allowPrivate) return undefined;
    if (this.refused.check(ip, type))
      return `${address} is a loopback, private, link-local or reserved address`;
    return undefined;
  }
}

/** `::ffff:10.0.0.1` or `::ffff:a00:1` → `10.0.0.1`; undefined for other IPv6 addresses. */
export function ipv4Mapped(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted =
    /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower) ??
    /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const high = parseInt(hex[1]!, 16);
    const low = parseInt(hex[2]!, 16);
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return undefined;
}

/** Special-purpose ranges (IANA registries) that no public subscriber lives in. */
const REFUSED_RANGES: [string, number, 'ipv4' | 'ipv6'][] = [
  ['0.0.0.0', 8, 'ipv4'],
  ['10.0.0.0', 8, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['127.0.0.0', 8, 'ipv4'],
  ['169.254.0.0', 16, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.0.0.0', 24, 'ipv4'],
  ['192.0.2.0', 24, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['198.18.0.0', 15, 'ipv4'],
  ['198.51.100.0', 24, 'ipv4'],
  ['203.0.113.0', 24, 'ipv4'],
  ['224.0.0.0', 4, 'ipv4'],
  ['240.0.0.0', 4, 'ipv4'],
  ['::', 128, 'ipv6'],
  ['::1', 128, 'ipv6'],
  ['64:ff9b::', 96, 'ipv6'],
  ['100::', 64, 'ipv6'],
  ['2001:db8::', 32, 'ipv6'],
  ['fc00::', 7, 'ipv6'],
  ['fe80::', 10, 'ipv6'],
  ['fec0::', 10, 'ipv6'],
  ['ff00::', 8, 'ipv6'],
];
