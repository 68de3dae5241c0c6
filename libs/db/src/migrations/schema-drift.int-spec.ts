// The drift test: the database our migrations build must be exactly the one prisma/schema.prisma
// describes — tables, columns, types, nullability, defaults, keys, indexes, foreign keys and enums,
// and nothing more. Prisma's own `migrate diff` cannot run on these machines; this stands in for it.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { databaseNameOf, ensureDatabase, migrateDatabase, quoteIdent, withDatabaseName } from './migrate';
import {
  describeDatabase,
  describeDatamodel,
  diffSchemaLines,
  findSchemaDrift,
  formatSchemaDrift,
  prismaConstraintName,
} from './schema-drift';

const SCHEMA_PATH = path.resolve(__dirname, '../../../../prisma/schema.prisma');
const KITCHEN_SINK = path.join(__dirname, 'fixtures/kitchen-sink');

// Fresh databases named after this worker's (global-teardown drops any left behind), so that no
// other test file's leftovers in the shared worker database can make this test pass or fail.
const workerUrl = process.env.DATABASE_URL!;
const scratch = (suffix: string) => withDatabaseName(workerUrl, `${databaseNameOf(workerUrl)}_${suffix}`);
const migrated = scratch('schema');
const intact = scratch('drift_ok');
const broken = scratch('drift_broken');

afterAll(async () => {
  const admin = new Client({ connectionString: withDatabaseName(workerUrl, 'postgres') });
  await admin.connect();
  for (const url of [migrated, intact, broken]) {
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(databaseNameOf(url))} WITH (FORCE)`);
  }
  await admin.end();
});

describe('the migrated database', () => {
  it('matches prisma/schema.prisma', async () => {
    // Built exactly as everywhere else: our runner applying prisma/migrations.
    await ensureDatabase(migrated);
    await migrateDatabase(migrated);
    const drift = await findSchemaDrift(await fs.readFile(SCHEMA_PATH, 'utf8'), migrated);
    if (drift.length > 0) throw new Error(formatSchemaDrift(drift));
  });
});

// A check that cannot fail proves nothing: run it against SQL that Prisma itself generated, then
// break that database in every way the check claims to notice.
describe('the drift check', () => {
  let schema: string;

  beforeAll(async () => {
    schema = await fs.readFile(path.join(KITCHEN_SINK, 'schema.prisma'), 'utf8');
    for (const url of [intact, broken]) {
      await ensureDatabase(url);
      await migrateDatabase(url, { migrationsDir: path.join(KITCHEN_SINK, 'migrations') });
    }
  });

  it("finds nothing between a schema and the SQL Prisma's engine generates for it", async () => {
    const drift = await findSchemaDrift(schema, intact);
    if (drift.length > 0) throw new Error(formatSchemaDrift(drift, 'the kitchen-sink fixture'));
  });

  it('reports every kind of difference, each as a readable line', async () => {
    const client = new Client({ connectionString: broken });
    await client.connect();
    await client.query(`
      ALTER TABLE everything ALTER COLUMN "strOpt" TYPE varchar(10);
      ALTER TABLE everything ALTER COLUMN "str" DROP NOT NULL;
      ALTER TABLE everything ALTER COLUMN "bool" SET DEFAULT false;
      ALTER TABLE everything ALTER COLUMN "dtDef" DROP DEFAULT;
      ALTER TABLE everything ADD COLUMN "stray" text;
      CREATE TABLE stray_table (id int);
      DROP INDEX everything_float_str_idx;
      CREATE INDEX everything_float_str_idx ON everything (float, str);
      DROP INDEX "Child_b_a_key";
      CREATE INDEX "Child_b_a_key" ON "Child" (b, a);
      ALTER TABLE "Child" DROP CONSTRAINT "Child_parent_id_fkey";
      ALTER TABLE "Child" ADD CONSTRAINT "Child_parent_id_fkey" FOREIGN KEY (parent_id) REFERENCES everything (id) ON DELETE CASCADE ON UPDATE CASCADE;
      ALTER TYPE colour ADD VALUE 'BLUE';
    `);
    await client.end();

    const drift = diffSchemaLines(await describeDatamodel(schema), await describeDatabase(broken));
    expect(drift).toEqual([
      '- column everything.bool: boolean NOT NULL DEFAULT true',
      '+ column everything.bool: boolean NOT NULL DEFAULT false',
      '- column everything.dtDef: timestamp(3) without time zone NOT NULL DEFAULT 2020-01-02T03:04:05.000Z',
      '+ column everything.dtDef: timestamp(3) without time zone NOT NULL',
      '- column everything.str: text NOT NULL',
      '+ column everything.str: text',
      '- column everything.strOpt: text',
      '+ column everything.strOpt: character varying(10)',
      '+ column everything.stray: text',
      '+ column stray_table.id: integer',
      "- enum colour: 'red', 'GREEN'",
      "+ enum colour: 'red', 'GREEN', 'BLUE'",
      '- foreign key Child_parent_id_fkey: Child (parent_id) REFERENCES everything (id) ON DELETE SET NULL ON UPDATE CASCADE',
      '+ foreign key Child_parent_id_fkey: Child (parent_id) REFERENCES everything (id) ON DELETE CASCADE ON UPDATE CASCADE',
      '+ index Child_b_a_key: Child (b, a)',
      '- index everything_float_str_idx: everything (float DESC, str)',
      '+ index everything_float_str_idx: everything (float, str)',
      '+ table stray_table',
      '- unique index Child_b_a_key: Child (b, a)',
    ]);
    expect(formatSchemaDrift(drift)).toContain('"-" = what prisma/schema.prisma implies');
  });

  it("names constraints the way Prisma does, cut to PostgreSQL's 63 characters", () => {
    expect(prismaConstraintName('memberships', ['org_id', 'user_id'], 'key')).toBe(
      'memberships_org_id_user_id_key',
    );
    const long = prismaConstraintName(
      'Child',
      ['averyveryveryveryveryverylongcolumnnamethatgoesonandon'],
      'key',
    );
    expect(long).toBe('Child_averyveryveryveryveryverylongcolumnnamethatgoesonando_key'); // as Prisma wrote it
    expect(long).toHaveLength(63);
  });

  it('refuses what it cannot check instead of passing it silently', async () => {
    const implicitManyToMany = [
      'datasource db {\n  provider = "postgresql"\n}',
      'model Post {\n  id   Int   @id\n  tags Tag[]\n}',
      'model Tag {\n  id    Int    @id\n  posts Post[]\n}',
    ].join('\n');
    await expect(describeDatamodel(implicitManyToMany)).rejects.toThrow(/implicit many-to-many/);
  });
});
