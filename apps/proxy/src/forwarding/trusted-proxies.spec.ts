import { ForwardingError } from './errors';
import { TrustedProxies } from './trusted-proxies';

describe('TrustedProxies', () => {
  it('trusts nobody by default', () => {
    expect(TrustedProxies.none().contains('127.0.0.1')).toBe(false);
  });

  it('matches addresses and CIDRs of both families, IPv4-mapped IPv6 included', () => {
    const trusted = TrustedProxies.parse('10.0.0.0/8, 192.168.1.7, fd00::/8');
    expect(trusted.contains('10.20.30.40')).toBe(true);
    expect(trusted.contains('::ffff:10.1.2.3')).toBe(true);
    expect(trusted.contains('192.168.1.7')).toBe(true);
    expect(trusted.contains('192.168.1.8')).toBe(false);
    expect(trusted.contains('fd12::1')).toBe(true);
    expect(trusted.contains('2001:db8::1')).toBe(false);
    expect(trusted.contains('not-an-ip')).toBe(false);
  });

  it('trusts everyone with 0.0.0.0/0 and ::/0', () => {
    const all = TrustedProxies.parse('0.0.0.0/0,::/0');
    expect(all.contains('203.0.113.9')).toBe(true);
    expect(all.contains('2001:db8::1')).toBe(true);
  });

  it.each(['10.0.0.0/33', 'example.test', '10.0.0.1/x', '::/129'])('rejects %s with a code', (entry) => {
    expect(() => TrustedProxies.parse(entry)).toThrow(
      expect.objectContaining({ code: 'GANTRY_FORWARD_INVALID_TRUSTED_IP' }) as ForwardingError,
    );
  });
});
