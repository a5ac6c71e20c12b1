import type { EntitySchema } from '../schema/types';
import * as t from './typedefs';

/** Kong 3.x `consumers`: `username` and `custom_id`, each unique, at least one of them set. */
export const consumerSchema: EntitySchema = {
  name: 'consumers',
  primary_key: ['id'],
  endpoint_key: 'username',
  fields: [
    ['id', t.uuid],
    ['created_at', t.autoTimestampS],
    ['updated_at', t.autoTimestampS],
    ['username', { type: 'string', unique: true }],
    ['custom_id', { type: 'string', unique: true }],
    ['tags', t.tags],
  ],
  entity_checks: [{ at_least_one_of: ['custom_id', 'username'] }],
};
