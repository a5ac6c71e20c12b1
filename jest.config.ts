import type { Config } from 'jest';

const moduleNameMapper = {
  '^@gantry/([^/]+)$': '<rootDir>/libs/$1/src',
  '^@gantry/([^/]+)/(.*)$': '<rootDir>/libs/$1/src/$2',
};
// infra lives outside libs/ because it is tooling, not product code.
const infraMapper = {
  '^@gantry/infra$': '<rootDir>/infra/src',
  '^@gantry/infra/(.*)$': '<rootDir>/infra/src/$1',
};

const transform: Config['transform'] = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
};

const shared = {
  rootDir: __dirname,
  moduleFileExtensions: ['ts', 'js', 'json'],
  testEnvironment: 'node',
  transform,
  moduleNameMapper: { ...infraMapper, ...moduleNameMapper },
  // Run-time data (bench scratch dirs, ./data, infra dirs) holds `.snap` config snapshots, not Jest snapshots.
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/data/', '<rootDir>/.infra/', '<rootDir>/bench/results/'],
};

const config: Config = {
  // Jest reads the timeout only at the top level; integration tests talk to real brokers and nodes.
  testTimeout: 60_000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/apps/**/*.spec.ts',
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/infra/**/*.spec.ts',
        '<rootDir>/bench/**/*.spec.ts',
      ],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
    },
  ],
};

export default config;
