// Two suites: `unit` (pure, no services; *.spec.ts) and `integration` (real PostgreSQL+TimescaleDB,
// Redis, Kafka, Keycloak started by deploy/local/stack; *.int-spec.ts and test/**).
const { pathsToModuleNameMapper } = require('./tools/jest-paths');
const fs = require('fs');
const swcConfig = JSON.parse(fs.readFileSync(`${__dirname}/.swcrc`, 'utf8'));
const common = {
  rootDir: __dirname,
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcConfig, swcrc: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(),
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/.local/', '<rootDir>/dist/'],
};
module.exports = {
  // testTimeout is a global option (ignored inside a project entry): integration tests need real services.
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools,bench}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts', '<rootDir>/test/**/*.int-spec.ts'],
    },
  ],
};
