import { createChange, createEvent, updateChange, type Entity, type EventMeta } from '@gantry/config';
import { consumer, keyauth, uid } from '../../../config/src/testing/entities';
import { REDACTED } from '../redact/secret-fields';
import { AuditLog } from './audit-query';
import { scrubError } from './present-event';
import { auditHistory } from './testing/audit-history';

const meta: EventMeta = { actor: 'alice', source: 'admin', origin_region: 'eu', timestamp: 1_000 };
const c1 = consumer(uid(1), 'ann');
const k1 = keyauth(uid(2), uid(1), 'sekrit-key-1');
const k1b: Entity = { ...k1, key: 'sekrit-key-2' };
const k2 = keyauth(uid(3), uid(1), 'sekrit-key-2');

const log = new AuditLog(
  auditHistory([
    createEvent(createChange('consumers', c1), meta),
    createEvent(createChange('keyauth_credentials', k1), meta),
    createEvent(updateChange('keyauth_credentials', k1, k1b), meta),
    createEvent(createChange('keyauth_credentials', k2), meta), // rejected: the key is taken
  ]),
);

describe('audit responses', () => {
  it('never show a secret, yet show that it changed', async () => {
    const created = await log.get(2);
    expect(created?.changes[0].after).toMatchObject({ key: REDACTED });
    const updated = await log.get(3);
    expect(updated?.changes[0].diff).toEqual([{ path: 'key', before: REDACTED, after: REDACTED }]);
    const rejected = await log.get(4);
    expect(rejected?.status).toBe('rejected');
    expect(rejected?.error?.code).toBe(5);
    const everything = JSON.stringify([created, updated, rejected, await log.list({}, { size: 100 })]);
    expect(everything).not.toContain('sekrit');
  });

  it('scrub secrets from error text, or the whole message when a secret is too short to replace', () => {
    const error = { code: 5 as const, name: 'unique constraint violation', message: 'on \'{key="abc"}\'' };
    expect(scrubError(error, ['abcdef'])).toEqual(error);
    expect(scrubError({ ...error, message: 'on abcdef!' }, ['abcdef']).message).toBe(`on ${REDACTED}!`);
    expect(scrubError(error, ['abc']).message).not.toContain('abc');
  });
});
