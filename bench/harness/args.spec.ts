import { parseArgs, UsageError } from './args';

const KNOWN = ['fold', 'log'];

describe('parseArgs', () => {
  it('runs every suite, 1 warm-up and 3 repeats, by default', () => {
    expect(parseArgs([], KNOWN)).toEqual({
      suites: ['fold', 'log'],
      settings: { quick: false, warmUps: 1, repeats: 3 },
      help: false,
    });
  });

  it('keeps the suites named, in order, once each', () => {
    expect(parseArgs(['log', 'fold', 'log'], KNOWN).suites).toEqual(['log', 'fold']);
  });

  it('--quick makes one repeat; --repeats overrides either mode', () => {
    expect(parseArgs(['--quick'], KNOWN).settings).toEqual({ quick: true, warmUps: 1, repeats: 1 });
    expect(parseArgs(['--quick', '--repeats', '5'], KNOWN).settings.repeats).toBe(5);
  });

  it('refuses unknown suites and options, and bad repeat counts', () => {
    expect(() => parseArgs(['nope'], KNOWN)).toThrow(UsageError);
    expect(() => parseArgs(['--fast'], KNOWN)).toThrow(UsageError);
    expect(() => parseArgs(['--repeats'], KNOWN)).toThrow(UsageError);
    expect(() => parseArgs(['--repeats', '0'], KNOWN)).toThrow(UsageError);
    expect(() => parseArgs(['--repeats', '1.5'], KNOWN)).toThrow(UsageError);
  });

  it('recognises --help', () => {
    expect(parseArgs(['-h'], KNOWN).help).toBe(true);
  });
});
