// Integration tier, before each test file (jest `setupFiles`, so synchronous): points this jest
// worker at its own database and Redis key prefix, created by global-setup.ts.
import {
  databaseUrl,
  DEFAULT_TEST_REDIS_URL,
  redisKeyPrefix,
  REDIS_URL_ENV,
  RUN_ID_ENV,
  SERVER_URL_ENV,
  workerDatabaseName,
} from './test-run';

/** 48 characters, fixed so that tokens in test output are reproducible. Never used outside tests. */
const TEST_AUTH_SECRET = 'streamplane-test-secret-not-for-production-00000';
/** A fixed keyring for cloud credentials (32 bytes of 0x5a). Never used outside tests. */
const TEST_CREDENTIALS_KEYS = `test-k1:${Buffer.alloc(32, 0x5a).toString('base64')}`;

const runId = process.env[RUN_ID_ENV];
const serverUrl = process.env[SERVER_URL_ENV];
if (!runId || !serverUrl) {
  throw new Error(
    `${RUN_ID_ENV} is not set: integration tests (*.int-spec.ts) must run through jest.int.config.js, ` +
      'whose globalSetup creates their databases (npx jest -c jest.int.config.js).',
  );
}
// In-band runs (one test file, or --runInBand) have no worker id; jest-runner then uses 1.
const workerId = process.env.JEST_WORKER_ID ?? '1';

process.env.DATABASE_URL = databaseUrl(serverUrl, workerDatabaseName(runId, workerId));
process.env.REDIS_URL = process.env[REDIS_URL_ENV] || process.env.REDIS_URL || DEFAULT_TEST_REDIS_URL;
process.env.REDIS_KEY_PREFIX = redisKeyPrefix(runId, workerId);
process.env.AUTH_SECRET = TEST_AUTH_SECRET;
process.env.CREDENTIALS_ENCRYPTION_KEYS = TEST_CREDENTIALS_KEYS;
process.env.CLOUD_ENGINE = 'local';
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL = process.env.LOG_LEVEL || 'silent';
