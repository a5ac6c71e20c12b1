import { UsageError } from '../exit-codes';
import { parseReplayArgs, type ReplayCommand } from './replay-args';

const ENV = {};
const parse = (args: string, env: Record<string, string> = ENV) =>
  parseReplayArgs(
    args.split(' ').filter((a) => a !== ''),
    env,
  );
const command = (args: string, env?: Record<string, string>) => parse(args, env) as ReplayCommand;

describe('parseReplayArgs', () => {
  it('reads the flags, with the cluster defaults and GANTRY_* variables for what is not given', () => {
    expect(command('--until 42 --into /tmp/out')).toEqual({
      until: { version: 42 },
      into: { kind: 'dir', path: '/tmp/out' },
      verify: false,
      kafka: { brokers: ['127.0.0.1:9092'], topic: 'gantry.config' },
      cassandra: {
        contactPoints: ['127.0.0.1:9042'],
        localDataCenter: 'dc1',
        keyspace: 'gantry',
        replication: { dc1: 1 },
      },
      progress: true,
      audit: { signingKey: undefined, verifyKey: undefined },
    });
    const env = {
      GANTRY_KAFKA_BROKERS: 'k1:9092,k2:9092',
      GANTRY_KAFKA_TOPIC: 'cfg',
      GANTRY_CASSANDRA_CONTACT_POINTS: 'c1:9042',
      GANTRY_CASSANDRA_KEYSPACE: 'live',
      GANTRY_CASSANDRA_LOCAL_DC: 'dc2',
      GANTRY_AUDIT_SIGNING_KEY: 'key.pem',
    };
    expect(command('--until 2025-01-31T12:00:00Z --into keyspace:copy --verify --no-progress', env)).toEqual({
      until: { time: Date.UTC(2025, 0, 31, 12) },
      into: { kind: 'keyspace', keyspace: 'copy' },
      verify: true,
      kafka: { brokers: ['k1:9092', 'k2:9092'], topic: 'cfg' },
      cassandra: { contactPoints: ['c1:9042'], localDataCenter: 'dc2', keyspace: 'live', replication: { dc2: 1 } },
      progress: false,
      audit: { signingKey: 'key.pem', verifyKey: undefined },
    });
  });

  it('lets flags override the environment and switch a source off', () => {
    const parsed = command(
      '--until 7 --into dir:out --from-kafka b:1 --topic t --cassandra [::1]:9042 --keyspace ks --local-dc east --replication east:3',
      { GANTRY_KAFKA_BROKERS: 'ignored:1' },
    );
    expect(parsed.kafka).toEqual({ brokers: ['b:1'], topic: 't' });
    expect(parsed.cassandra).toEqual({
      contactPoints: ['[::1]:9042'],
      localDataCenter: 'east',
      keyspace: 'ks',
      replication: { east: 3 },
    });
    expect(parsed.into).toEqual({ kind: 'dir', path: 'out' });
    expect(command('--until 7 --into out --no-kafka').kafka).toBeNull();
    expect(command('--until 7 --into out --no-cassandra').cassandra).toBeNull();
    expect(command('--until 7 --into out', { GANTRY_STORE: 'embedded' }).cassandra).toBeNull();
  });

  it('answers --help', () => {
    expect(parse('--help')).toBe('help');
    expect(parse('-h --until 3')).toBe('help');
  });

  it.each([
    ['--into out', '--until is required'],
    ['--until 3', '--into is required'],
    ['--until 0 --into out', '--until: "0" is not a version'],
    ['--until soon --into out', '--until: "soon" is neither a version'],
    ['--until 3 --into out --bogus', "Unknown option '--bogus'"],
    ['--until 3 --into out --topic', "Option '--topic <value>' argument missing"],
    ['--until 3 --into out extra', "Unexpected argument 'extra'"],
    ['--until 3 --into keyspace:Bad-Name', '--into keyspace:: "Bad-Name" is not a valid CQL identifier'],
    ['--until 3 --into keyspace:gantry', '--into keyspace:gantry is the live keyspace'],
    ['--until 3 --into keyspace:copy --no-cassandra', 'drop --no-cassandra'],
    ['--until 3 --into out --no-kafka --no-cassandra', 'nothing to replay from'],
    ['--until 3 --into out --no-kafka --topic t', '--no-kafka cannot be combined'],
    ['--until 3 --into out --from-kafka nohostport', '--from-kafka: "nohostport" is not host:port'],
    ['--until 3 --into out --replication dc1:zero', '--replication: GANTRY_CASSANDRA_REPLICATION: expected dc:factor'],
  ])('%s is refused, naming the flag', (args, message) => {
    expect(() => parse(args)).toThrow(UsageError);
    expect(() => parse(args)).toThrow(message);
  });

  it('names the variable when the environment is at fault', () => {
    expect(() => parse('--until 3 --into out', { GANTRY_CASSANDRA_CONTACT_POINTS: 'nope' })).toThrow(
      'GANTRY_CASSANDRA_CONTACT_POINTS: "nope" is not host:port',
    );
    expect(() => parse('--until 3 --into out', { GANTRY_LOG: 'paper' })).toThrow('GANTRY_LOG: expected one of');
  });
});
