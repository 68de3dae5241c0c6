// `npm run db:migrate`, and `node dist/migrate.js` in the api image (the migration Job): creates the
// database if needed and applies pending migrations with our runner (see ../migrations/migrate.ts for why
// not `prisma migrate deploy`). An entry point, so it reads process.env directly: DATABASE_URL, and
// MIGRATIONS_DIR when the migrations are neither beside the script (the bundle) nor in the repository.
import {
  DEFAULT_MIGRATIONS_DIR,
  databaseNameOf,
  ensureDatabase,
  MigrationError,
  migrateDatabase,
  readMigrations,
  redactUrl,
} from '../migrations/migrate';

const DEFAULT_DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/streamplane';

function say(line: string): void {
  process.stdout.write(`[streamplane] ${line}\n`);
}

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const migrationsDir = process.env.MIGRATIONS_DIR || DEFAULT_MIGRATIONS_DIR;
  const database = databaseNameOf(databaseUrl);
  say(`Migrating ${redactUrl(databaseUrl)} with the migrations in ${migrationsDir}`);
  // Read before connecting: a missing or empty folder is reported as such, not as an unreachable database.
  if ((await readMigrations(migrationsDir)).length === 0) {
    throw new MigrationError(`No migrations in ${migrationsDir} (expected <name>/migration.sql folders).`);
  }
  if (await ensureDatabase(databaseUrl)) say(`Created database ${database}`);
  const { applied } = await migrateDatabase(databaseUrl, { log: say, migrationsDir });
  say(
    applied.length === 0
      ? 'Nothing to apply.'
      : `Applied ${applied.length} migration(s): ${applied.join(', ')}`,
  );
}

function explain(error: unknown): string {
  if (error instanceof MigrationError) return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  // Node reports a refused connection to a multi-address host as an AggregateError with no message.
  const message =
    (error instanceof Error && error.message) || (typeof code === 'string' ? code : String(error));
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT') {
    return `Cannot reach PostgreSQL (${message}). Is it running? Try: npm run services:up`;
  }
  // Anything else is unexpected: keep the stack.
  return error instanceof Error && error.stack ? error.stack : message;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[streamplane] Migration failed: ${explain(error)}\n`);
    process.exit(1);
  },
);
