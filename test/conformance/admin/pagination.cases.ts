/* eslint-disable @typescript-eslint/no-unsafe-argument -- answers are JSON checked by assertions */
import type { ClientRef } from '../admin-conformance';

const COUNT = 7;

export function paginationCases(client: ClientRef): void {
  describe('pagination', () => {
    const ids: string[] = [];

    beforeAll(async () => {
      await client().reset();
      for (let i = 0; i < COUNT; i++) {
        const created = await client().post('/services', { name: `page-${i}`, host: 'p.internal' });
        ids.push(created.body.id);
      }
      ids.sort();
    });

    it('walks to the last page with every size from 1 to n+1, in a stable order', async () => {
      for (let size = 1; size <= COUNT + 1; size++) {
        const all = await client().all<{ id: string }>('/services', size);
        expect(all.map((s) => s.id)).toEqual(ids);
      }
    });

    it('first pages carry an opaque offset and a next link that works', async () => {
      const first = await client().get('/services?size=3');
      expect(first.body.data).toHaveLength(3);
      expect(typeof first.body.offset).toBe('string');
      expect(first.body.offset).not.toBe('');
      expect(first.body.next).toMatch(/^\/services\?/);
      const second = await client().get(first.body.next);
      expect(second.status).toBe(200);
      expect(second.body.data[0].id).toBe(ids[3]);
    });

    it('defaults to 100 per page and caps at 1000', async () => {
      const page = await client().get('/services');
      expect(page.body.data).toHaveLength(COUNT);
      expect(page.body.next).toBeNull();
      expect(page.body).not.toHaveProperty('offset');
      expect((await client().get('/services?size=1000')).status).toBe(200);
    });

    it('rejects bad sizes and offsets like Kong (400)', async () => {
      const nan = await client().get('/services?size=abc');
      expect(nan.status).toBe(400);
      expect(nan.body).toMatchObject({ code: 9, name: 'invalid size', message: 'size must be a number' });
      for (const size of ['0', '1001', '2.5', '-1']) {
        const bad = await client().get(`/services?size=${size}`);
        expect(bad.status).toBe(400);
        expect(bad.body).toMatchObject({ code: 9, message: 'size must be an integer between 1 and 1000' });
      }
      const offset = await client().get('/services?offset=not!base64');
      expect(offset.status).toBe(400);
      expect(offset.body).toMatchObject({ code: 7, name: 'invalid offset' });
      expect(offset.body.message).toContain("'not!base64' is not a valid offset");
    });

    it('paginates nested lists and keeps pages stable when entities come and go', async () => {
      const parent = await client().post<{ id: string }>('/services', { name: 'nested-parent', host: 'n.internal' });
      for (let i = 0; i < 5; i++) await client().post('/services/nested-parent/routes', { paths: [`/n${i}`] });
      const routes = await client().all<{ id: string }>('/services/nested-parent/routes', 2);
      expect(routes).toHaveLength(5);
      const everything = (await client().all<{ id: string }>('/services', 1000)).map((s) => s.id);
      const first = await client().get<{ data: { id: string }[]; offset: string }>('/services?size=2');
      const firstIds = first.body.data.map((s) => s.id);
      // Delete an entity of the first page and one of a later page between the two requests
      // (not the parent: its routes would make the delete a 400)
      const deletable = (id: string): boolean => id !== parent.body.id;
      const laterId = everything.find((id) => !firstIds.includes(id) && deletable(id))!;
      const firstId = firstIds.find(deletable)!;
      expect((await client().delete(`/services/${firstId}`)).status).toBe(204);
      expect((await client().delete(`/services/${laterId}`)).status).toBe(204);
      const rest = (
        await client().all<{ id: string }>(`/services?offset=${encodeURIComponent(first.body.offset)}`, 100)
      ).map((s) => s.id);
      expect(rest).toEqual(everything.filter((id) => !firstIds.includes(id) && id !== laterId));
    });
  });
}
