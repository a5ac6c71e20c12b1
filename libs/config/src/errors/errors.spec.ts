import {
  declarativeConfigError,
  flattenFieldErrors,
  foreignKeyViolation,
  httpStatusOf,
  luaPretty,
  notFound,
  primaryKeyViolation,
  referencedByOthers,
  schemaViolation,
  uniqueViolation,
} from './index';

describe('luaPretty', () => {
  it('renders tables like penlight with sorted keys', () => {
    expect(luaPretty({ name: 'x' })).toBe('{name="x"}');
    expect(luaPretty({ service: { id: 'a' }, route: null, name: 'cors', consumer: null })).toBe(
      '{consumer=null,name="cors",route=null,service={id="a"}}',
    );
    expect(luaPretty({ 'key-x': 1, end: true })).toBe('{["end"]=true,["key-x"]=1}');
    expect(luaPretty([null, 'b', 'c'])).toBe('{[2]="b",[3]="c"}');
    expect(luaPretty(['a', 'b'])).toBe('{"a","b"}');
  });
});

describe('schema violation', () => {
  it('uses the singular form for one error', () => {
    const e = schemaViolation({ host: 'required field missing' });
    expect(e).toEqual({
      code: 2,
      name: 'schema violation',
      message: 'schema violation (host: required field missing)',
      fields: { host: 'required field missing' },
    });
    expect(httpStatusOf(e)).toBe(400);
  });

  it('counts every leaf, entity errors first, fields sorted, nested paths dotted', () => {
    const e = schemaViolation({
      port: 'value should be between 0 and 65535',
      host: 'required field missing',
      '@entity': ['at least one of these fields must be non-empty: a, b'],
      healthchecks: { active: { timeout: 'expected a number' } },
      paths: [null, 'should start with: / (fixed path) or ~/ (regex path)'],
    });
    expect(e.message).toBe(
      '5 schema violations (at least one of these fields must be non-empty: a, b; ' +
        'healthchecks.active.timeout: expected a number; host: required field missing; ' +
        'paths.2: should start with: / (fixed path) or ~/ (regex path); port: value should be between 0 and 65535)',
    );
  });

  it('flattens nested entity errors under their path', () => {
    expect(flattenFieldErrors({ sources: [{ '@entity': ['x'] }] })).toEqual(['sources.1: x']);
  });
});

describe('other Kong errors', () => {
  it('unique violation is a 409 naming the key', () => {
    const e = uniqueViolation({ name: 'x' });
    expect(e).toMatchObject({
      code: 5,
      name: 'unique constraint violation',
      message: `UNIQUE violation detected on '{name="x"}'`,
    });
    expect(httpStatusOf(e)).toBe(409);
  });

  it('primary key violation', () => {
    const e = primaryKeyViolation({ id: 'a' });
    expect(e).toMatchObject({ code: 3, message: `primary key violation on key '{id="a"}'` });
    expect(httpStatusOf(e)).toBe(400);
  });

  it('foreign key violation names the parent kind', () => {
    const e = foreignKeyViolation('service', { id: 'abc' }, 'services');
    expect(e).toEqual({
      code: 4,
      name: 'foreign key violation',
      message: `the foreign key '{id="abc"}' does not reference an existing 'services' entity.`,
      fields: { service: { id: 'abc' } },
    });
    expect(httpStatusOf(e)).toBe(400);
  });

  it('referenced by others (Kong 3.x restrict)', () => {
    const e = referencedByOthers('services', 'routes');
    expect(e).toEqual({
      code: 4,
      name: 'foreign key violation',
      message: "an existing 'routes' entity references this 'services' entity",
      fields: { '@referenced_by': 'routes' },
    });
    expect(httpStatusOf(e)).toBe(400);
  });

  it('not found is a 404', () => {
    const e = notFound({ id: 'a' });
    expect(e).toMatchObject({ code: 6, name: 'not found' });
    expect(httpStatusOf(e)).toBe(404);
  });

  it('declarative config errors are code 14', () => {
    const e = declarativeConfigError({ services: [null, { host: 'required field missing' }] });
    expect(e.code).toBe(14);
    expect(e.name).toBe('invalid declarative configuration');
    expect(e.message).toBe('declarative config is invalid: {services={[2]={host="required field missing"}}}');
    expect(httpStatusOf(e)).toBe(400);
  });
});
