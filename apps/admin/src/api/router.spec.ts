import { BadPathError, Router } from './router';
import type { AdminResponse } from './types';

const ok = (tag: string) => (): AdminResponse => ({ status: 200, body: tag });

describe('Router', () => {
  const router = new Router();
  router.add({ pattern: '/plugins', methods: { GET: ok('list') } });
  router.add({ pattern: '/plugins/:id', methods: { GET: ok('one'), PUT: ok('put') } });
  router.add({ pattern: '/plugins/enabled', methods: { GET: ok('enabled') } });
  router.add({ pattern: '/services/:parent/routes/:id', methods: { GET: ok('nested') } });
  router.add({ pattern: '/', methods: { GET: ok('root') } });

  it('prefers literal segments over parameters, position by position', () => {
    const enabled = router.match('/plugins/enabled');
    expect(enabled.kind === 'found' && enabled.route.pattern).toBe('/plugins/enabled');
    const one = router.match('/plugins/abc');
    expect(one.kind === 'found' && one.params).toEqual({ id: 'abc' });
  });

  it('decodes parameters and ignores empty segments', () => {
    const nested = router.match('/services/my%20svc/routes/r%2F1/');
    expect(nested.kind === 'found' && nested.params).toEqual({ parent: 'my svc', id: 'r/1' });
    expect(router.match('/').kind).toBe('found');
    expect(router.match('/nothing/here').kind).toBe('none');
  });

  it('throws BadPathError on broken escapes', () => {
    expect(() => router.match('/plugins/%zz')).toThrow(BadPathError);
  });

  it('refuses duplicate patterns and lists patterns with {param} placeholders', () => {
    expect(() => router.add({ pattern: '/plugins', methods: {} })).toThrow(/duplicate/);
    expect(router.listPatterns(['/health'])).toEqual([
      '/',
      '/health',
      '/plugins',
      '/plugins/enabled',
      '/plugins/{id}',
      '/services/{parent}/routes/{id}',
    ]);
  });
});
