// Integration tier, once after the run: drops every database of this run (template, per-worker and
// any scratch databases tests made with the run's prefix) and deletes the run's Redis keys.
import Redis from 'ioredis';
import { Client } from 'pg';
// Relative on purpose, as in global-setup.ts: no moduleNameMapper here, and no Prisma client wanted.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { quoteIdent } from '../../../db/src/migrations/migrate';
import { databaseUrl, REDIS_URL_ENV, RUN_ID_ENV, SERVER_URL_ENV, TEST_DATABASE_PREFIX } from './test-run';

export default async function globalTeardown(): Promise<void> {
  const runId = process.env[RUN_ID_ENV];
  const serverUrl = process.env[SERVER_URL_ENV];
  const redisUrl = process.env[REDIS_URL_ENV];
  if (!runId || !serverUrl || !redisUrl) return; // global-setup failed before creating anything
  // Both, even if one fails; report the failures together.
  const results = await Promise.allSettled([
    dropDatabases(serverUrl, runId),
    deleteRedisKeys(redisUrl, runId),
  ]);
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [String(result.reason)] : []));
  if (failures.length > 0) throw new Error(`Test teardown for run ${runId} failed: ${failures.join('; ')}`);
}

async function dropDatabases(serverUrl: string, runId: string): Promise<void> {
  const admin = new Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [`${TEST_DATABASE_PREFIX}${runId}_`],
    );
    for (const { datname } of rows) {
      // FORCE: a test that leaked a connection must not keep its database alive.
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

async function deleteRedisKeys(redisUrl: string, runId: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    // SCAN, not KEYS: never block a shared Redis on a full keyspace walk.
    const stream = redis.scanStream({ match: `sp-test:${runId}:*`, count: 500 });
    for await (const keys of stream as AsyncIterable<string[]>) {
      if (keys.length > 0) await redis.unlink(...keys);
    }
  } finally {
    redis.disconnect();
  }
}
