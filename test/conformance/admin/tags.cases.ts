import type { ClientRef } from '../admin-conformance';

export function tagCases(client: ClientRef): void {
  describe('tags', () => {
    beforeAll(async () => {
      await client().reset();
      await client().post('/services', { name: 'ab', host: 'h', tags: ['a', 'b'] });
      await client().post('/services', { name: 'a', host: 'h', tags: ['a'] });
      await client().post('/services', { name: 'c', host: 'h', tags: ['c'] });
      await client().post('/services', { name: 'none', host: 'h' });
      await client().post('/consumers', { username: 'tagged', tags: ['a'] });
    });

    const names = async (query: string): Promise<string[]> => {
      const answer = await client().get(`/services?tags=${query}`);
      expect(answer.status).toBe(200);
      return (answer.body.data as { name: string }[]).map((s) => s.name).sort();
    };

    it('a,b means every tag; a/b means any tag', async () => {
      expect(await names('a')).toEqual(['a', 'ab']);
      expect(await names('a,b')).toEqual(['ab']);
      expect(await names('b/c')).toEqual(['ab', 'c']);
      expect(await names('zzz')).toEqual([]);
    });

    it('filters while paginating and keeps the filter in next', async () => {
      const first = await client().get('/services?tags=a&size=1');
      expect(first.body.data).toHaveLength(1);
      expect(first.body.next).toContain('tags=a');
      const all = await client().all<{ name: string }>('/services?tags=a', 1);
      expect(all.map((s) => s.name).sort()).toEqual(['a', 'ab']);
    });

    it('rejects bad filters like Kong (400 invalid option)', async () => {
      const many = await client().get('/services?tags=a,b,c,d,e,f');
      expect(many.status).toBe(400);
      expect(many.body).toMatchObject({ code: 11, message: 'invalid option (tags: cannot query more than 5 tags)' });
      const mixed = await client().get('/services?tags=a,b/c');
      expect(mixed.status).toBe(400);
      expect(mixed.body.message).toBe('invalid option (tags: invalid filter syntax)');
      const chars = await client().get(`/services?tags=${encodeURIComponent('a b')}`);
      expect(chars.status).toBe(400);
    });

    it('lists tags across entities at /tags and /tags/{tag}', async () => {
      const all = await client().all<{ tag: string; entity_name: string; entity_id: string }>('/tags', 2);
      expect(all).toHaveLength(5);
      expect(
        all
          .filter((r) => r.tag === 'a')
          .map((r) => r.entity_name)
          .sort(),
      ).toEqual(['consumers', 'services', 'services']);
      const onlyA = await client().get('/tags/a');
      expect(onlyA.status).toBe(200);
      expect(onlyA.body.data).toHaveLength(3);
      expect(onlyA.body.data[0]).toEqual({ tag: 'a', entity_name: expect.any(String), entity_id: expect.any(String) });
    });
  });
}
