import { flattenDeclarativeErrors } from './flatten-errors';

describe('flattenDeclarativeErrors', () => {
  it('hoists nested entities and dots field paths', () => {
    const doc = {
      services: [
        { name: 'ok', host: 'h' },
        {
          name: 'bad',
          id: '0b5c6f0e-2a36-4c1d-8a43-7a3f6f1f0c11',
          tags: ['t'],
          port: 'x',
          routes: [{ name: 'r', paths: ['x'] }],
        },
      ],
    };
    const fields = {
      services: [
        null,
        {
          port: 'expected an integer',
          healthchecks: { active: { timeout: 'expected a number' } },
          '@entity': ['custom'],
          routes: [{ paths: [null, 'should start with: /'] }],
        },
      ],
    };
    const flat = flattenDeclarativeErrors(fields, doc);
    expect(flat).toEqual([
      {
        entity_type: 'route',
        entity_name: 'r',
        entity: { name: 'r', paths: ['x'] },
        errors: [{ type: 'field', field: 'paths.2', message: 'should start with: /' }],
      },
      {
        entity_type: 'service',
        entity_name: 'bad',
        entity_id: '0b5c6f0e-2a36-4c1d-8a43-7a3f6f1f0c11',
        entity_tags: ['t'],
        entity: { name: 'bad', id: '0b5c6f0e-2a36-4c1d-8a43-7a3f6f1f0c11', tags: ['t'], port: 'x' },
        errors: [
          { type: 'entity', message: 'custom' },
          { type: 'field', field: 'healthchecks.active.timeout', message: 'expected a number' },
          { type: 'field', field: 'port', message: 'expected an integer' },
        ],
      },
    ]);
  });
});
