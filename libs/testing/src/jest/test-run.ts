// Names shared by the integration tier's global set-up, per-worker environment and teardown.
// Kept free of I/O and heavy imports: worker-env.ts loads it before every test file.

export const DEFAULT_TEST_DATABASE_SERVER_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/** Every database a test run creates starts with this, then the run id. */
export const TEST_DATABASE_PREFIX = 'sp_test_';

/** Set by global-setup; jest workers inherit them through the environment. */
export const RUN_ID_ENV = 'STREAMPLANE_TEST_RUN';
export const SERVER_URL_ENV = 'STREAMPLANE_TEST_DB_SERVER';
export const REDIS_URL_ENV = 'STREAMPLANE_TEST_REDIS';

/** The PostgreSQL server tests use; only its host, port and credentials matter. */
export function testServerUrl(env: NodeJS.ProcessEnv): string {
  return env.TEST_DATABASE_URL || env.DATABASE_URL || DEFAULT_TEST_DATABASE_SERVER_URL;
}

export function testRedisUrl(env: NodeJS.ProcessEnv): string {
  return env.TEST_REDIS_URL || env.REDIS_URL || DEFAULT_TEST_REDIS_URL;
}

/**
 * A run id: the start time in base 36 (8 characters until 2059) and 4 random hex digits, so that
 * databases left behind by an interrupted run can be recognised by age and cleaned up later.
 */
export function newRunId(now: number, randomHex: string): string {
  return `${now.toString(36).padStart(8, '0')}${randomHex.slice(0, 4)}`;
}

/** When a run started, from a database name; undefined for names that are not ours. */
export function runStartedAt(databaseName: string): number | undefined {
  const match = /^sp_test_([0-9a-z]{8})[0-9a-f]{4}_/.exec(databaseName);
  return match ? parseInt(match[1], 36) : undefined;
}

export function templateDatabaseName(runId: string): string {
  return `${TEST_DATABASE_PREFIX}${runId}_tpl`;
}

export function workerDatabaseName(runId: string, workerId: string | number): string {
  return `${TEST_DATABASE_PREFIX}${runId}_w${workerId}`;
}

export function redisKeyPrefix(runId: string, workerId: string | number): string {
  return `sp-test:${runId}:w${workerId}:`;
}

/** The same server URL pointing at another database (credentials and options kept). */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`; // percent-encoded by the setter, decoded by pg
  return url.toString();
}
