import { schemaOf } from '@gantry/config';
import { decodeForm } from './form';
import { inferValues } from './infer';

const form = (text: string) => decodeForm(new URLSearchParams(text));

describe('decodeForm (Kong form conventions)', () => {
  it('repeats, appends and positions array values', () => {
    expect(form('protocols=http&protocols=https')).toEqual({ protocols: ['http', 'https'] });
    expect(form('hosts[]=a&hosts[]=b')).toEqual({ hosts: ['a', 'b'] });
    expect(form('hosts[2]=b&hosts[1]=a')).toEqual({ hosts: ['a', 'b'] });
    expect(form('hosts=a&hosts[]=b')).toEqual({ hosts: ['a', 'b'] });
  });

  it('nests dotted names and arrays of records', () => {
    expect(form('config.minute=5&config.policy=local')).toEqual({ config: { minute: '5', policy: 'local' } });
    expect(form('service.id=x')).toEqual({ service: { id: 'x' } });
    expect(form('config.allow[]=a&config.allow[]=b')).toEqual({ config: { allow: ['a', 'b'] } });
    expect(form('sources[1].ip=10.0.0.1&sources[1].port=80')).toEqual({ sources: [{ ip: '10.0.0.1', port: '80' }] });
  });

  it('takes names with a leading or trailing dot literally', () => {
    expect(form('.x=1&y.=2')).toEqual({ '.x': '1', 'y.': '2' });
  });
});

describe('inferValues', () => {
  it('types strings by the schema', () => {
    const route = inferValues(schemaOf('routes').fields, {
      strip_path: 'false',
      regex_priority: '10',
      paths: '/one',
      methods: ['GET'],
      name: '',
      unknown: 'kept',
    });
    expect(route).toEqual({
      strip_path: false,
      regex_priority: 10,
      paths: ['/one'],
      methods: ['GET'],
      name: null,
      unknown: 'kept',
    });
  });

  it('walks records and leaves values that do not parse for validation to name', () => {
    const upstream = inferValues(schemaOf('upstreams').fields, {
      slots: 'many',
      healthchecks: { active: { timeout: '3', healthy: { http_statuses: ['200', '302'] } } },
    });
    expect(upstream).toEqual({
      slots: 'many',
      healthchecks: { active: { timeout: 3, healthy: { http_statuses: [200, 302] } } },
    });
  });
});
