/** A benchmark's own PostgreSQL database and Redis key prefix, removed afterwards. */
/* eslint-disable @nx/enforce-module-boundaries --
 * bench/ belongs to the untagged root project (see the benchmarks). */
import { databaseNameOf, quoteIdent, withDatabaseName } from '@streamplane/db';
import type Redis from 'ioredis';
import { Client } from 'pg';
import { log } from './bench-result';

/** Deletes the keys under `keyPrefix` (then disconnects `redis`) and drops the database; logs what failed. */
export async function dropScratch(redis: Redis, keyPrefix: string, databaseUrl: string): Promise<void> {
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch (error) {
    log(`could not delete the Redis keys ${keyPrefix}*: ${String(error)}`);
  } finally {
    redis.disconnect();
  }
  const admin = new Client({ connectionString: withDatabaseName(databaseUrl, 'postgres') });
  try {
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseNameOf(databaseUrl))} WITH (FORCE)`);
  } catch (error) {
    log(`could not drop ${databaseNameOf(databaseUrl)}: ${String(error)}`);
  } finally {
    await admin.end().catch(() => undefined);
  }
}
