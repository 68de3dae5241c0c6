// Our own migration runner. `prisma migrate deploy` needs a native schema-engine binary that these
// machines cannot download, so we apply Prisma's migration folders ourselves — and record them in
// Prisma's own `_prisma_migrations` table, exactly as Prisma would, so that `prisma migrate deploy`
// on a machine that does have the engine sees them as applied and carries on from there.
//
// Differences from Prisma, on purpose:
// - Each migration runs in one transaction together with its bookkeeping row, so a failing migration
//   leaves neither half-applied DDL nor a "failed" row behind. The flip side: a migration cannot use
//   statements that refuse to run in a transaction block (CREATE INDEX CONCURRENTLY, VACUUM, ...).
// - An applied migration whose file changed, or an applied migration missing from the folder, is an
//   error (Prisma only warns about some of these); silently diverging histories are how drift starts.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { Client, DatabaseError, escapeIdentifier } from 'pg';

/**
 * Where the migrations are, in order of preference: `migrations` beside the running script (the production
 * bundle, dist/apps/api, where the build copies them), else the repository's `prisma/migrations` (this file
 * lives in libs/db/src/migrations). `__dirname` is the bundle's folder once bundled, this file's otherwise.
 */
export const MIGRATIONS_DIR_CANDIDATES: readonly string[] = [
  path.join(__dirname, 'migrations'),
  path.resolve(__dirname, '../../../../prisma/migrations'),
];

/** The first candidate that exists; when none does, the first, so the error names where it looked. */
export const DEFAULT_MIGRATIONS_DIR =
  MIGRATIONS_DIR_CANDIDATES.find((dir) => existsSync(dir)) ?? MIGRATIONS_DIR_CANDIDATES[0];

/**
 * The advisory lock key Prisma's schema engine takes for `migrate deploy` (`pg_advisory_lock(72707369)`).
 * Using the same key means our runner and Prisma's never migrate one database at the same time.
 */
export const MIGRATION_LOCK_KEY = 72707369;

/** Prisma's table definition, verbatim from its PostgreSQL connector (column names, types, defaults). */
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrateOptions {
  /** Folder holding `<name>/migration.sql` folders. Default: the repository's `prisma/migrations`. */
  migrationsDir?: string;
  /** Receives one line per event worth telling a person about. Default: silent. */
  log?: (line: string) => void;
  /** How long to wait for another process's migration lock before giving up. Default: 2 minutes. */
  lockTimeoutMs?: number;
}

export interface MigrateResult {
  /** Names of the migrations this call applied, in order; empty when the database was up to date. */
  applied: string[];
}

export interface MigrationFile {
  name: string;
  sql: string;
  /** sha256 hex of the file's bytes: what Prisma stores in `_prisma_migrations.checksum`. */
  checksum: string;
}

/** A migration problem a person has to resolve; the message says what and how. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

interface AppliedRow {
  id: string;
  checksum: string;
  migration_name: string;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Whether a file still matches the checksum recorded when it was applied. Like Prisma, tolerate a
 * change of line endings only (git's autocrlf rewrites them on checkout).
 */
export function checksumMatches(sql: string, checksum: string): boolean {
  const wanted = checksum.toLowerCase();
  return [sql, sql.replace(/\r\n/g, '\n'), sql.replace(/\n/g, '\r\n')].some(
    (variant) => sha256Hex(variant) === wanted,
  );
}

/** Double-quotes an identifier for SQL (doubling embedded quotes), e.g. a database name. */
export function quoteIdent(name: string): string {
  if (name.includes('\0')) throw new Error(`Identifier contains a NUL character: ${JSON.stringify(name)}`);
  return escapeIdentifier(name);
}

/** The database name in a `postgresql://` URL, decoded the way `pg` decodes it (decodeURI). */
export function databaseNameOf(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const name = decodeURI(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error(`The database URL names no database: ${redactUrl(databaseUrl)}`);
  return name;
}

/** The same server, credentials and options, but another database. */
export function withDatabaseName(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  // The URL setter percent-encodes what a path cannot hold; `pg` decodes it again with decodeURI.
  url.pathname = `/${database}`;
  return url.toString();
}

/** The URL without its password, for messages. */
export function redactUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return '<unparseable database URL>';
  }
}

/**
 * Creates the URL's database when it does not exist yet, connecting to the `postgres` maintenance
 * database of the same server. Returns true when it created it. Safe to race: a concurrent creation
 * by someone else counts as "already there".
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const database = databaseNameOf(databaseUrl);
  if (database === 'postgres') return false;
  const admin = new Client({ connectionString: withDatabaseName(databaseUrl, 'postgres') });
  await admin.connect();
  try {
    const existing = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (existing.rowCount) return false;
    try {
      await admin.query(`CREATE DATABASE ${quoteIdent(database)}`);
      return true;
    } catch (error) {
      // 42P04 duplicate_database; 23505 when two CREATE DATABASE race on pg_database's unique index.
      if (error instanceof DatabaseError && (error.code === '42P04' || error.code === '23505')) return false;
      throw error;
    }
  } finally {
    await admin.end();
  }
}

/** Reads `<dir>/<name>/migration.sql` for every sub-folder, in name order (Prisma's order). */
export async function readMigrations(
  migrationsDir: string = DEFAULT_MIGRATIONS_DIR,
): Promise<MigrationFile[]> {
  let entries;
  try {
    entries = await fs.readdir(migrationsDir, { withFileTypes: true });
  } catch (error) {
    const looked =
      migrationsDir === DEFAULT_MIGRATIONS_DIR
        ? ` (looked in ${MIGRATIONS_DIR_CANDIDATES.join(' and ')}; the migrate command takes another in MIGRATIONS_DIR)`
        : '';
    throw new MigrationError(
      `Cannot read the migrations folder ${migrationsDir}${looked}: ${(error as Error).message}`,
    );
  }
  // Byte-wise order, not locale order: timestamps prefix the names, and Prisma sorts them the same way.
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const migrations: MigrationFile[] = [];
  for (const name of names) {
    const file = path.join(migrationsDir, name, 'migration.sql');
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(file);
    } catch {
      throw new MigrationError(`Migration folder ${name} has no migration.sql (${file}).`);
    }
    migrations.push({ name, sql: bytes.toString('utf8'), checksum: sha256Hex(bytes) });
  }
  return migrations;
}

/**
 * Applies the migrations the database does not have yet, each in its own transaction, recording
 * each in `_prisma_migrations`. Holds Prisma's advisory lock throughout, so concurrent callers
 * (two processes starting at once, parallel test set-up) apply every migration exactly once.
 */
export async function migrateDatabase(
  databaseUrl: string,
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const log = options.log ?? (() => undefined);
  const lockTimeoutMs = options.lockTimeoutMs ?? 120_000;
  // Read the folder before touching the database: a broken folder should not even take the lock.
  const migrations = await readMigrations(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);

  const client = new Client({ connectionString: databaseUrl, application_name: 'streamplane-migrate' });
  await client.connect();
  try {
    await acquireLock(client, lockTimeoutMs, databaseUrl);
    try {
      await client.query(CREATE_MIGRATIONS_TABLE);
      const rows = await client.query<AppliedRow>(
        `SELECT id, checksum, migration_name, started_at, finished_at, rolled_back_at, logs
           FROM _prisma_migrations ORDER BY started_at, migration_name`,
      );
      const pending = planMigrations(migrations, rows.rows);
      if (pending.length === 0) {
        log(`Database ${databaseNameOf(databaseUrl)} is up to date (${migrations.length} migration(s)).`);
        return { applied: [] };
      }
      const applied: string[] = [];
      for (const migration of pending) {
        log(`Applying migration ${migration.name}`);
        const started = Date.now();
        await applyOne(client, migration);
        applied.push(migration.name);
        log(`Applied migration ${migration.name} in ${Date.now() - started} ms`);
      }
      return { applied };
    } finally {
      // A failed unlock must not hide the real error; the lock dies with the session anyway.
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}

async function acquireLock(client: Client, timeoutMs: number, databaseUrl: string): Promise<void> {
  // lock_timeout also bounds waits for advisory locks; reset it so it cannot affect migrations.
  await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  } catch (error) {
    if (error instanceof DatabaseError && error.code === '55P03') {
      throw new MigrationError(
        `Timed out after ${timeoutMs} ms waiting for the migration lock (pg_advisory_lock(${MIGRATION_LOCK_KEY})) ` +
          `on ${redactUrl(databaseUrl)}: another migration is running or a session still holds the lock. ` +
          `See pg_locks WHERE locktype = 'advisory'.`,
      );
    }
    throw error;
  } finally {
    await client.query('RESET lock_timeout');
  }
}

/**
 * Decides what to apply, refusing histories that diverge. Pure, so its rules read in one place:
 * rolled-back rows do not count (as in Prisma); a row that never finished means a migration failed
 * half-way outside this runner; applied-but-missing and applied-but-edited migrations are refused.
 */
export function planMigrations(
  migrations: readonly MigrationFile[],
  rows: ReadonlyArray<
    Pick<AppliedRow, 'migration_name' | 'checksum' | 'finished_at' | 'rolled_back_at' | 'logs'>
  >,
): MigrationFile[] {
  const onDisk = new Map(migrations.map((migration) => [migration.name, migration]));
  const live = rows.filter((row) => row.rolled_back_at === null);
  const problems: string[] = [];

  for (const row of live.filter((r) => r.finished_at === null)) {
    problems.push(
      `Migration ${row.migration_name} started but never finished (a failed run outside this runner)` +
        (row.logs ? `; its log says: ${row.logs.trim().split('\n')[0]}` : '') +
        `. Repair the database by hand, then mark it rolled back: ` +
        `UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '${row.migration_name}' AND finished_at IS NULL; ` +
        `(what "prisma migrate resolve --rolled-back" does).`,
    );
  }
  const finished = live.filter((r) => r.finished_at !== null);
  const missing = finished.filter((row) => !onDisk.has(row.migration_name)).map((row) => row.migration_name);
  if (missing.length > 0) {
    problems.push(
      `The database has migration(s) that the migrations folder does not: ${missing.join(', ')}. ` +
        `Was a migration folder deleted or renamed, or is this database ahead of this checkout?`,
    );
  }
  for (const row of finished) {
    const file = onDisk.get(row.migration_name);
    if (file && !checksumMatches(file.sql, row.checksum)) {
      problems.push(
        `Migration ${row.migration_name} was edited after it was applied ` +
          `(checksum in database ${row.checksum}, on disk ${file.checksum}). ` +
          `Applied migrations are immutable: restore the file and put the change in a new migration.`,
      );
    }
  }
  if (problems.length > 0) {
    throw new MigrationError(`Refusing to migrate:\n- ${problems.join('\n- ')}`);
  }
  const done = new Set(finished.map((row) => row.migration_name));
  return migrations.filter((migration) => !done.has(migration.name));
}

async function applyOne(client: Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query('BEGIN');
  try {
    // Same row shape Prisma writes: started, then finished with one applied step and no logs.
    await client.query(
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count)
       VALUES ($1, $2, $3, clock_timestamp(), 0)`,
      [id, migration.checksum, migration.name],
    );
    // No parameters: the simple query protocol, which accepts a whole multi-statement script.
    await client.query(migration.sql);
    await client.query(
      `UPDATE _prisma_migrations SET finished_at = clock_timestamp(), applied_steps_count = 1 WHERE id = $1`,
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MigrationError(describeFailure(migration, error), { cause: error });
  }
}

function describeFailure(migration: MigrationFile, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  let where = '';
  if (error instanceof DatabaseError && error.position) {
    // `position` is a 1-based character offset into the script; people think in lines.
    const offset = Number(error.position) - 1;
    const line = migration.sql.slice(0, offset).split('\n').length;
    where = ` at line ${line} of ${migration.name}/migration.sql`;
  }
  const hint =
    error instanceof DatabaseError && error.code === '25001'
      ? ' (this runner applies each migration in a transaction; move that statement out of the migration)'
      : '';
  return `Migration ${migration.name} failed${where}: ${message}${hint}. It was rolled back; nothing was recorded.`;
}
