// Unit tier: *.spec.ts — fast, no I/O.
module.exports = {
  ...require('./jest.preset'),
  displayName: 'unit',
  testMatch: ['<rootDir>/{apps,libs,infra,deploy}/**/*.spec.ts'],
};
