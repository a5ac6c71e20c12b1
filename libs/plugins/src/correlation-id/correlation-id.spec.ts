import { describe, expect, it } from '@jest/globals';
import { Socket } from 'node:net';
import {
  checkPluginConfig,
  createHandler,
  pluginConfig,
  runAccess,
  runResponse,
  testRequest,
} from '../testing/plugin-harness';
import { uuidCounter } from './generators';
import { correlationId, createCorrelationId } from './handler';
import type { CorrelationIdConfig } from './schema';

const definition = correlationId;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('correlation-id', () => {
  it('fills Kong defaults and refuses unknown generators', () => {
    const check = checkPluginConfig(definition, {});
    expect(check.ok && check.config).toEqual({
      header_name: 'Kong-Request-ID',
      generator: 'uuid#counter',
      echo_downstream: false,
    });
    expect(checkPluginConfig(definition, { generator: 'random' })).toEqual({
      ok: false,
      errors: { config: { generator: 'expected one of: uuid, uuid#counter, tracker' } },
    });
    expect(checkPluginConfig(definition, { echo_downstream: null })).toEqual({
      ok: false,
      errors: { config: { echo_downstream: 'required field missing' } },
    });
  });

  it('sets the header upstream with uuid#counter ids counting up', async () => {
    const handler = createHandler(definition);
    const first = (await runAccess(handler, testRequest())).header('kong-request-id')!;
    const second = (await runAccess(handler, testRequest())).header('kong-request-id')!;
    const [uuid, n] = first.split('#');
    expect(uuid).toMatch(UUID);
    expect(second).toBe(`${uuid}#${Number(n) + 1}`);
    expect(uuidCounter().startsWith(`${uuid}#`)).toBe(true);
  });

  it('generates plain uuids', async () => {
    const kong = await runAccess(
      createHandler(definition, { generator: 'uuid', header_name: 'X-Trace' }),
      testRequest(),
    );
    expect(kong.header('x-trace')).toMatch(UUID);
  });

  it('generates tracker ids in nginx form', async () => {
    const config = pluginConfig<CorrelationIdConfig>(definition, { generator: 'tracker' });
    const handler = createCorrelationId(config, { now: () => 1_700_000_000_123 });
    const kong = testRequest();
    await runAccess(handler, kong);
    expect(kong.header('kong-request-id')).toMatch(new RegExp(`^-8000-${process.pid}-\\d+-1-1700000000\\.123$`));
  });

  it('counts requests per connection in tracker ids', () => {
    const config = pluginConfig<CorrelationIdConfig>(definition, { generator: 'tracker' });
    const handler = createCorrelationId(config, { now: () => 0 });
    const socket = new Socket();
    const ids = [1, 2].map(() => {
      const kong = testRequest();
      Object.defineProperty(kong.raw, 'socket', { value: socket });
      void handler.access!(kong);
      return kong.header('kong-request-id')!.split('-');
    });
    expect(ids[0][3]).toBe(ids[1][3]);
    expect([ids[0][4], ids[1][4]]).toEqual(['1', '2']);
  });

  it('keeps the id the client sent', async () => {
    const kong = await runAccess(createHandler(definition), testRequest({ headers: { 'kong-request-id': 'mine' } }));
    expect(kong.header('kong-request-id')).toBe('mine');
  });

  it('echoes the id downstream only when configured', async () => {
    const echo = createHandler(definition, { echo_downstream: true });
    const kong = await runAccess(echo, testRequest());
    const { view } = runResponse(echo, kong, 200, {});
    expect(view.headers['kong-request-id']).toBe(kong.header('kong-request-id'));

    const quiet = createHandler(definition);
    const other = await runAccess(quiet, testRequest());
    expect(runResponse(quiet, other, 200, {}).view.headers['kong-request-id']).toBeUndefined();
  });

  it('echoes the id given to the upstream even if a later plugin changed the header', async () => {
    const echo = createHandler(definition, { echo_downstream: true, header_name: 'X-Id' });
    const kong = await runAccess(echo, testRequest({ headers: { 'x-id': 'original' } }));
    kong.setHeader('x-id', 'changed');
    expect(runResponse(echo, kong, 502, {}).view.headers['x-id']).toBe('original');
  });
});
