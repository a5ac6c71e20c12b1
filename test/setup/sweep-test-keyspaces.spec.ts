import { testNameTime } from './sweep-test-keyspaces';

describe('testNameTime', () => {
  it('reads the time a test name was made at', () => {
    const now = Date.now();
    const name = `proxy_e2e_${now.toString(36)}1a${'ab12cd'}`;
    expect(testNameTime(name)).toBe(now);
  });

  it('leaves other names alone', () => {
    expect(testNameTime('gantry')).toBeNull();
    expect(testNameTime('system_auth')).toBeNull();
    expect(testNameTime('shop_prod_backup')).toBeNull();
    expect(testNameTime(`x_${(Date.now() + 86_400_000).toString(36)}0abcdef`)).toBeNull();
  });
});
