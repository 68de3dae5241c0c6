// Shared by both test tiers: SWC transforms TypeScript (with decorator metadata for NestJS),
// and @streamplane/* path aliases resolve to the libs' sources.
const fs = require('node:fs');
const path = require('node:path');

const swcrc = JSON.parse(fs.readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));
delete swcrc.$schema;

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    '^@streamplane/infra$': '<rootDir>/infra/index.ts',
    '^@streamplane/infra/permissions$': '<rootDir>/infra/permissions.ts',
    '^@streamplane/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
