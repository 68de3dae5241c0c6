// Browser journeys (e2e/journeys/*.e2e-spec.ts): Debian's Chromium, driven by playwright-core, against the
// real api, provisioner (local engine), billing worker and simulated agent, which global-setup starts on
// free ports with a database of their own. One journey at a time: each drives a whole system.
module.exports = {
  ...require('../jest.preset'),
  displayName: 'e2e',
  testMatch: ['<rootDir>/e2e/journeys/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/e2e/support/global-setup.ts',
  globalTeardown: '<rootDir>/e2e/support/global-teardown.ts',
  maxWorkers: 1,
  testTimeout: 180_000,
  slowTestThreshold: 120,
};
