import { DeadlineExceededError, withDeadline } from './deadline';

describe('withDeadline', () => {
  it('passes a result through', async () => {
    await expect(withDeadline(Promise.resolve(7), 1_000, 'x')).resolves.toBe(7);
  });

  it('rejects with a coded error when time runs out', async () => {
    const never = new Promise<never>(() => undefined);
    const failure = withDeadline(never, 10, 'appending');
    await expect(failure).rejects.toBeInstanceOf(DeadlineExceededError);
    await expect(failure).rejects.toThrow('appending did not finish within 10 ms');
  });
});
