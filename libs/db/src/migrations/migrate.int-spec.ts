import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import {
  databaseNameOf,
  DEFAULT_MIGRATIONS_DIR,
  ensureDatabase,
  MigrationError,
  migrateDatabase,
  planMigrations,
  quoteIdent,
  readMigrations,
  sha256Hex,
  withDatabaseName,
} from './migrate';

// Each test gets a fresh, empty database named after this worker's (so global-teardown drops leftovers).
const workerUrl = process.env.DATABASE_URL!;
const created: string[] = [];
let counter = 0;
function scratchUrl(label = 'm'): string {
  const url = withDatabaseName(workerUrl, `${databaseNameOf(workerUrl)}_${label}${++counter}`);
  created.push(url);
  return url;
}

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function migrationRows(url: string) {
  return withClient(url, async (client) => {
    const { rows } = await client.query(
      'SELECT * FROM _prisma_migrations WHERE rolled_back_at IS NULL ORDER BY started_at',
    );
    return rows as Array<Record<string, unknown>>;
  });
}

async function tableExists(url: string, table: string): Promise<boolean> {
  return withClient(url, async (client) => {
    const { rows } = await client.query('SELECT to_regclass($1) IS NOT NULL AS present', [`public.${table}`]);
    return (rows[0] as { present: boolean }).present;
  });
}

/** A private copy of the real migrations folder that a test may edit. */
async function copyOfMigrations(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'sp-migrations-'));
  await fs.cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  tempDirs.push(dir);
  return dir;
}
const tempDirs: string[] = [];

let expectedNames: string[];
beforeAll(async () => {
  expectedNames = (await readMigrations()).map((m) => m.name);
  expect(expectedNames.length).toBeGreaterThan(0);
});

afterAll(async () => {
  await withClient(withDatabaseName(workerUrl, 'postgres'), async (admin) => {
    for (const url of created) {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseNameOf(url))} WITH (FORCE)`);
    }
  });
  await Promise.all(tempDirs.map((dir) => fs.rm(dir, { recursive: true, force: true })));
});

describe('ensureDatabase', () => {
  it('creates a missing database once, and quotes its name safely', async () => {
    const url = scratchUrl('we"ird name;drop ');
    await expect(ensureDatabase(url)).resolves.toBe(true);
    await expect(ensureDatabase(url)).resolves.toBe(false);
    await withClient(url, async (client) => {
      const { rows } = await client.query('SELECT current_database() AS name');
      expect((rows[0] as { name: string }).name).toBe(databaseNameOf(url));
    });
  });
});

describe('migrateDatabase', () => {
  it('applies every migration to an empty database, then nothing on a second run', async () => {
    const url = scratchUrl();
    await ensureDatabase(url);
    const lines: string[] = [];

    const first = await migrateDatabase(url, { log: (line) => lines.push(line) });
    expect(first.applied).toEqual(expectedNames);
    expect(lines.some((line) => line.includes(`Applying migration ${expectedNames[0]}`))).toBe(true);
    expect(await tableExists(url, 'organizations')).toBe(true);

    const second = await migrateDatabase(url);
    expect(second.applied).toEqual([]);
    expect((await migrationRows(url)).map((row) => row.migration_name)).toEqual(expectedNames);
  });

  it("records migrations in Prisma's own _prisma_migrations table, the way Prisma does", async () => {
    const url = scratchUrl();
    await ensureDatabase(url);
    await migrateDatabase(url);

    const columns = await withClient(url, async (client) => {
      const { rows } = await client.query<Record<string, unknown>>(
        `SELECT column_name, data_type, character_maximum_length, is_nullable, column_default
           FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      );
      return rows;
    });
    expect(columns).toEqual([
      {
        column_name: 'id',
        data_type: 'character varying',
        character_maximum_length: 36,
        is_nullable: 'NO',
        column_default: null,
      },
      {
        column_name: 'checksum',
        data_type: 'character varying',
        character_maximum_length: 64,
        is_nullable: 'NO',
        column_default: null,
      },
      {
        column_name: 'finished_at',
        data_type: 'timestamp with time zone',
        character_maximum_length: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'migration_name',
        data_type: 'character varying',
        character_maximum_length: 255,
        is_nullable: 'NO',
        column_default: null,
      },
      {
        column_name: 'logs',
        data_type: 'text',
        character_maximum_length: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'rolled_back_at',
        data_type: 'timestamp with time zone',
        character_maximum_length: null,
        is_nullable: 'YES',
        column_default: null,
      },
      {
        column_name: 'started_at',
        data_type: 'timestamp with time zone',
        character_maximum_length: null,
        is_nullable: 'NO',
        column_default: 'now()',
      },
      {
        column_name: 'applied_steps_count',
        data_type: 'integer',
        character_maximum_length: null,
        is_nullable: 'NO',
        column_default: '0',
      },
    ]);
    const primaryKey = await withClient(url, async (client) => {
      const { rows } = await client.query(
        `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
          WHERE i.indrelid = '_prisma_migrations'::regclass AND i.indisprimary`,
      );
      return rows.map((row) => (row as { attname: string }).attname);
    });
    expect(primaryKey).toEqual(['id']);

    const rows = await migrationRows(url);
    expect(rows).toHaveLength(expectedNames.length);
    for (const [i, row] of rows.entries()) {
      const file = await fs.readFile(path.join(DEFAULT_MIGRATIONS_DIR, expectedNames[i], 'migration.sql'));
      expect(row).toEqual({
        id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
        checksum: sha256Hex(file),
        finished_at: expect.any(Date),
        migration_name: expectedNames[i],
        logs: null,
        rolled_back_at: null,
        started_at: expect.any(Date),
        applied_steps_count: 1,
      });
      expect((row.finished_at as Date).getTime()).toBeGreaterThanOrEqual((row.started_at as Date).getTime());
    }
  });

  it('refuses a migration that was edited after it was applied, but not a mere change of line endings', async () => {
    const dir = await copyOfMigrations();
    const url = scratchUrl();
    await ensureDatabase(url);
    await migrateDatabase(url, { migrationsDir: dir });

    const file = path.join(dir, expectedNames[0], 'migration.sql');
    const original = await fs.readFile(file, 'utf8');
    await fs.writeFile(file, original.replace(/\n/g, '\r\n')); // git autocrlf: Prisma accepts it, so do we
    await expect(migrateDatabase(url, { migrationsDir: dir })).resolves.toEqual({ applied: [] });

    await fs.writeFile(file, `${original}\n-- an innocent-looking edit\n`);
    const attempt = migrateDatabase(url, { migrationsDir: dir });
    await expect(attempt).rejects.toThrow(MigrationError);
    await expect(attempt).rejects.toThrow(
      new RegExp(`Migration ${expectedNames[0]} was edited after it was applied`),
    );
  });

  it('refuses a database that has a migration the folder does not', async () => {
    const dir = await copyOfMigrations();
    const extra = path.join(dir, '29991231000000_only_in_the_database');
    await fs.mkdir(extra);
    await fs.writeFile(path.join(extra, 'migration.sql'), 'CREATE TABLE only_in_the_database (id int);\n');
    const url = scratchUrl();
    await ensureDatabase(url);
    await migrateDatabase(url, { migrationsDir: dir });

    await fs.rm(extra, { recursive: true });
    await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toThrow(
      /database has migration\(s\) that the migrations folder does not: 29991231000000_only_in_the_database/,
    );
  });

  it('rolls a failing migration back entirely and records nothing for it', async () => {
    const dir = await copyOfMigrations();
    const broken = path.join(dir, '29991231000000_broken');
    await fs.mkdir(broken);
    await fs.writeFile(
      path.join(broken, 'migration.sql'),
      'CREATE TABLE broken_probe (id int);\nSELECT * FROM no_such_table;\n',
    );
    const url = scratchUrl();
    await ensureDatabase(url);

    await expect(migrateDatabase(url, { migrationsDir: dir })).rejects.toThrow(
      /Migration 29991231000000_broken failed at line 2 of 29991231000000_broken\/migration\.sql: relation "no_such_table" does not exist/,
    );
    expect(await tableExists(url, 'broken_probe')).toBe(false);
    // The migrations before it are in: each runs in its own transaction.
    expect((await migrationRows(url)).map((row) => row.migration_name)).toEqual(expectedNames);

    await fs.rm(broken, { recursive: true });
    await expect(migrateDatabase(url, { migrationsDir: dir })).resolves.toEqual({ applied: [] });
  });

  it('applies each migration once when two processes migrate at the same time', async () => {
    const url = scratchUrl();
    const [a, b] = await Promise.all([
      ensureDatabase(url).then(() => migrateDatabase(url)),
      ensureDatabase(url).then(() => migrateDatabase(url)),
    ]);
    expect([...a.applied, ...b.applied]).toEqual(expectedNames);
    expect([a.applied.length, b.applied.length]).toContain(0);
    expect((await migrationRows(url)).map((row) => row.migration_name)).toEqual(expectedNames);
  });
});

describe('planMigrations', () => {
  const file = (name: string, sql = `-- ${name}\n`) => ({ name, sql, checksum: sha256Hex(sql) });
  const row = (name: string, overrides: Partial<Parameters<typeof planMigrations>[1][number]> = {}) => ({
    migration_name: name,
    checksum: sha256Hex(`-- ${name}\n`),
    finished_at: new Date(),
    rolled_back_at: null,
    logs: null,
    ...overrides,
  });

  it('re-applies a migration Prisma marked rolled back', () => {
    const plan = planMigrations(
      [file('1_a'), file('2_b')],
      [row('1_a'), row('2_b', { rolled_back_at: new Date() })],
    );
    expect(plan.map((m) => m.name)).toEqual(['2_b']);
  });

  it('refuses to continue over a migration that failed half-way (outside this runner)', () => {
    expect(() =>
      planMigrations(
        [file('1_a')],
        [row('1_a', { finished_at: null, logs: 'ERROR: relation "x" already exists' })],
      ),
    ).toThrow(
      /Migration 1_a started but never finished.*relation "x" already exists.*rolled_back_at = now\(\)/s,
    );
  });
});
