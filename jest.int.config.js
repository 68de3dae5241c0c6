// Integration tier: *.int-spec.ts — against the machine's real PostgreSQL and Redis.
// Each jest worker gets its own freshly migrated database and its own Redis key prefix.
module.exports = {
  ...require('./jest.preset'),
  displayName: 'integration',
  // e2e/api: the API journey (GraphQL over HTTP, no browser), on the same per-worker database.
  // scripts/bundles: the production bundles, installed and started (what each image runs).
  testMatch: [
    '<rootDir>/{apps,libs,infra}/**/*.int-spec.ts',
    '<rootDir>/e2e/api/**/*.int-spec.ts',
    '<rootDir>/scripts/**/*.int-spec.ts',
  ],
  globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
  globalTeardown: '<rootDir>/libs/testing/src/jest/global-teardown.ts',
  setupFiles: ['<rootDir>/libs/testing/src/jest/worker-env.ts'],
  testTimeout: 30000,
};
