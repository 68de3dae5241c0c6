// Integration tier, once per `jest -c jest.int.config.js` run: checks that PostgreSQL and Redis answer,
// migrates a template database with our runner, and clones one database per jest worker from it
// (a clone takes milliseconds; migrating each would not). worker-env.ts points each worker at its own.
import { randomBytes } from 'node:crypto';
import type { GlobalConfig } from 'jest';
import Redis from 'ioredis';
import { Client, DatabaseError } from 'pg';
// A relative import on purpose: jest loads globalSetup without its moduleNameMapper, and the
// @streamplane/db entry point would pull in the Prisma client, which this needs none of.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureDatabase, migrateDatabase, quoteIdent, redactUrl } from '../../../db/src/migrations/migrate';
import {
  databaseUrl,
  newRunId,
  REDIS_URL_ENV,
  RUN_ID_ENV,
  runStartedAt,
  SERVER_URL_ENV,
  templateDatabaseName,
  TEST_DATABASE_PREFIX,
  testRedisUrl,
  testServerUrl,
  workerDatabaseName,
} from './test-run';

/** Databases and keys of runs older than this were left by an interrupted run (teardown never ran). */
const STALE_AFTER_MS = 6 * 60 * 60 * 1000;
const SERVICES_HINT =
  'Start them with `npm run services:up` (or `docker compose -f deploy/compose.yaml up -d`).';

export default async function globalSetup(globalConfig: GlobalConfig): Promise<void> {
  const started = Date.now();
  const serverUrl = testServerUrl(process.env);
  const redisUrl = testRedisUrl(process.env);
  await Promise.all([checkRedis(redisUrl), checkPostgres(serverUrl)]);

  const runId = newRunId(Date.now(), randomBytes(2).toString('hex'));
  await dropStaleDatabases(serverUrl);

  const template = templateDatabaseName(runId);
  const templateUrl = databaseUrl(serverUrl, template);
  await ensureDatabase(templateUrl);
  await migrateDatabase(templateUrl);

  const workers = Math.max(1, globalConfig.maxWorkers);
  const admin = new Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
  await admin.connect();
  try {
    for (let worker = 1; worker <= workers; worker++) {
      await cloneDatabase(admin, template, workerDatabaseName(runId, worker));
    }
  } finally {
    await admin.end();
  }

  // Workers are forked after this and inherit the environment; global-teardown reads it too.
  process.env[RUN_ID_ENV] = runId;
  process.env[SERVER_URL_ENV] = serverUrl;
  process.env[REDIS_URL_ENV] = redisUrl;
  if (process.env.STREAMPLANE_TEST_VERBOSE) {
    process.stderr.write(
      `\n[streamplane] test run ${runId}: ${workers} database(s) ready in ${Date.now() - started} ms\n`,
    );
  }
}

async function checkPostgres(serverUrl: string): Promise<void> {
  const client = new Client({
    connectionString: databaseUrl(serverUrl, 'postgres'),
    connectionTimeoutMillis: 5000,
  });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `Integration tests need PostgreSQL, which does not answer at ${redactUrl(serverUrl)} ` +
        `(${describe(error)}). ${SERVICES_HINT} Set TEST_DATABASE_URL to use another server.`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkRedis(redisUrl: string): Promise<void> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: 5000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null, // fail fast: one attempt, then report
  });
  // connect() only rejects with "Connection is closed."; the cause (ECONNREFUSED, ...) arrives here.
  let cause: unknown;
  redis.on('error', (error: unknown) => {
    cause = error;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Integration tests need Redis, which does not answer at ${redactUrl(redisUrl)} (${describe(cause ?? error)}). ` +
        `${SERVICES_HINT} Set TEST_REDIS_URL to use another server.`,
    );
  } finally {
    redis.disconnect();
  }
}

/**
 * `CREATE DATABASE ... TEMPLATE` refuses while anyone is connected to the template, and a backend
 * can linger for a moment after its client disconnected; so retry "in use" briefly.
 */
async function cloneDatabase(admin: Client, template: string, name: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
      return;
    } catch (error) {
      if (!(error instanceof DatabaseError && error.code === '55006') || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Drops databases of runs that started long ago: an interrupted run (Ctrl-C) never tore down. */
async function dropStaleDatabases(serverUrl: string): Promise<void> {
  const admin = new Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`,
      [TEST_DATABASE_PREFIX],
    );
    for (const { datname } of rows) {
      const startedAt = runStartedAt(datname);
      if (startedAt !== undefined && Date.now() - startedAt > STALE_AFTER_MS) {
        await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
      }
    }
  } finally {
    await admin.end();
  }
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  // Node reports a refused connection to a multi-address host as an AggregateError with no message.
  return (error instanceof Error && error.message) || (typeof code === 'string' ? code : String(error));
}
