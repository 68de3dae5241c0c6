/**
 * Benchmark (not a test): `npm run bench -- rollup [--events N] [--deployments N] [--orgs N] [--quick]
 * [--batch-size N] [--concurrency N] [--keep]`.
 *
 * A month of usage nobody has rolled up yet, then the billing worker's work on it, against a fresh PostgreSQL
 * database. Loaded (timed apart, not part of the figures): `events` usage events (default 10,000,000) over
 * the 30 days of September 2026 for `deployments` deployments (default 1,000) in `orgs` organizations
 * (default 100), written straight into usage_events with generate_series, in time order as ingest appends
 * them, with the usage_pending_hours marks ingest would have left (one per deployment, dimension and hour,
 * marked when the hour's last event arrived). Every deployment reports each of the 7 seeded meters on a
 * regular cycle (~30 minutes at the default size; connected_assets with device keys), so the month has
 * `deployments × 720 × 7` hours to roll up.
 *
 * Timed, each through the real services (the billing worker's Nest module, in this process):
 *  - roll-up: RollupService.rollUpPending() until nothing is pending (BILLING_ROLLUP_BATCH_SIZE and
 *    BILLING_ROLLUP_CONCURRENCY, or the flags) — hours/s and events/s;
 *  - invoices: InvoicingService.refreshDrafts(end of September) for every organization, then finalizeDue
 *    on October 1st;
 * beside two ceilings measured in the same run on the same data: one bare `SELECT … GROUP BY` over all the
 * events (PostgreSQL reading and aggregating them once, no writes), and the same GROUP BY written by one
 * `INSERT … SELECT` into a scratch copy of usage_hourly with its keys, indexes and foreign keys — the least
 * work that produces these rows, with none of the roll-up's exactly-once bookkeeping (claims, marks,
 * batches). The roll-up is then checked: every hour and every event exactly once, per-dimension sums equal.
 *
 * `--quick`: 1,000,000 events, 100 deployments, 10 organizations.
 *
 * Returns (bench/support/bench-result.ts) the roll-up's events/s beside each ceiling's.
 */
/* eslint-disable @nx/enforce-module-boundaries --
 * bench/ belongs to the untagged root project; like the apps' integration tests it runs the billing worker's
 * module (a relative import of apps/) on the real libraries. */
import { Logger, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InvoicingService, RollupService } from '@streamplane/billing';
import { loadConfig, type AppConfig } from '@streamplane/config';
import {
  databaseNameOf,
  ensureDatabase,
  migrateDatabase,
  quoteIdent,
  withDatabaseName,
} from '@streamplane/db';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { BillingWorkerModule } from '../apps/billing/src/billing-worker.module';
import { runAsScript, type Benchmark, type BenchResult } from './support/bench-result';

// ---------------------------------------------------------------------------------------------------------
// Arguments

interface Options {
  events: number;
  deployments: number;
  orgs: number;
  batchSize?: number;
  concurrency?: number;
  keep: boolean;
}

const USAGE =
  'Usage: npm run bench -- rollup [--events N] [--deployments N] [--orgs N] [--quick] ' +
  '[--batch-size N] [--concurrency N] [--keep]\n' +
  '  defaults: 10,000,000 events, 1,000 deployments, 100 organizations; --quick: 1,000,000 / 100 / 10';

function parseArgs(argv: string[]): Options {
  const options: Options = { events: 10_000_000, deployments: 1000, orgs: 100, keep: false };
  const positive = (name: string, text: string | undefined): number => {
    const value = Number(text?.replace(/_/g, ''));
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(`--${name} takes a positive integer, not ${JSON.stringify(text)}`);
    }
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--events':
        options.events = positive('events', value());
        break;
      case '--deployments':
        options.deployments = positive('deployments', value());
        break;
      case '--orgs':
        options.orgs = positive('orgs', value());
        break;
      case '--batch-size':
        options.batchSize = positive('batch-size', value());
        break;
      case '--concurrency':
        options.concurrency = positive('concurrency', value());
        break;
      case '--quick':
        Object.assign(options, { events: 1_000_000, deployments: 100, orgs: 10 });
        break;
      case '--keep':
        options.keep = true;
        break;
      case '--help':
      case '-h':
        console.log(USAGE);
        process.exit(0);
        break;
      default:
        throw new Error(`Unknown argument ${JSON.stringify(argv[i])}\n${USAGE}`);
    }
  }
  if (options.orgs > options.deployments) throw new Error('--orgs cannot exceed --deployments');
  return options;
}

const now = () => performance.now();
const log = (message: string) => console.error(`[bench] ${message}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const perSecond = (count: number, ms: number) =>
  `${Math.round(count / (ms / 1000)).toLocaleString('en-US')}/s`;
const count = (n: number) => n.toLocaleString('en-US');

async function timed<T>(what: string, work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  log(`${what}…`);
  const started = now();
  const value = await work();
  const ms = now() - started;
  log(`${what}: ${seconds(ms)}`);
  return { value, ms };
}

// ---------------------------------------------------------------------------------------------------------
// The data: September 2026 (30 days, UTC)

const PERIOD_START = '2026-09-01T00:00:00Z';
const PERIOD_SECONDS = 30 * 24 * 3600;
const REFRESH_AT = new Date('2026-09-30T23:59:59Z');
const FINALIZE_AT = new Date('2026-10-01T01:00:00Z');
/** The seeded meters, in the order each deployment reports them. */
const DIMENSIONS = [
  'broker_hours',
  'storage_gb_hours',
  'ingress_bytes',
  'egress_bytes',
  'partition_hours',
  'pipeline_hours',
  'connected_assets',
];
/** Parallel connections for loading (the machine's cores). */
const LOADERS = 2;

async function withClient<T>(databaseUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl, options: '-c TimeZone=UTC' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Organizations (created before the month, so they are invoiced for it), cloud accounts, deployments. */
async function loadTenants(client: Client, options: Options): Promise<void> {
  await client.query(
    `INSERT INTO organizations (id, name, slug, created_at, updated_at)
     SELECT md5('org' || o)::uuid, 'Bench org ' || o, 'bench-org-' || o, '2026-08-01Z', now()
     FROM generate_series(0, $1 - 1) o`,
    [options.orgs],
  );
  await client.query(
    `INSERT INTO cloud_accounts (id, org_id, provider, name, status, updated_at)
     SELECT md5('acct' || o)::uuid, md5('org' || o)::uuid, 'AZURE', 'bench azure', 'VERIFIED', now()
     FROM generate_series(0, $1 - 1) o`,
    [options.orgs],
  );
  await client.query(
    `INSERT INTO deployments (id, org_id, cloud_account_id, name, cloud, region, zones, kafka_version,
       controllers, brokers, node_size, storage_per_broker_gib, external_listener, client_authentication,
       spec, status, engine, stack_name, created_at, updated_at)
     SELECT md5('dep' || d)::uuid, md5('org' || (d % $2))::uuid, md5('acct' || (d % $2))::uuid,
       'bench-' || d, 'AZURE', 'westeurope', ARRAY['1', '2', '3'], '4.1.0', 3, 3, 'Standard_D4s_v5', 500,
       false, 'SCRAM_SHA_512', '{}', 'RUNNING', 'local', 'dep-' || md5('dep' || d)::uuid, '2026-08-01Z', now()
     FROM generate_series(0, $1 - 1) d`,
    [options.deployments, options.orgs],
  );
}

/**
 * Event i is report r = i / 7 of dimension i % 7; report r belongs to deployment r % D and happens at
 * PERIOD_START + r × (30 days / reports), so events are appended in time order, every deployment reporting
 * each dimension once per cycle. Values are what an agent would send for a cycle of that length.
 */
function eventsSql(options: Options): string {
  const reports = Math.ceil(options.events / DIMENSIONS.length);
  const cycleHours = ((PERIOD_SECONDS / reports) * options.deployments) / 3600;
  const dimensions = `ARRAY[${DIMENSIONS.map((d) => `'${d}'`).join(', ')}]`;
  return `
    INSERT INTO usage_events (source, event_id, org_id, deployment_id, dimension, value, unique_key, time, hour)
    SELECT '/deployments/' || x.dep || '/agent', 'bench-' || x.i, x.org, x.dep, x.dim, x.value, x.key,
           x.time, date_trunc('hour', x.time, 'UTC')
    FROM (
      SELECT g.i,
        md5('dep' || (g.i / 7 % ${options.deployments}))::uuid AS dep,
        md5('org' || (g.i / 7 % ${options.deployments} % ${options.orgs}))::uuid AS org,
        (${dimensions})[g.i % 7 + 1] AS dim,
        round(CASE g.i % 7
          WHEN 0 THEN 3 * ${cycleHours}                                     -- 3 brokers
          WHEN 1 THEN 1500 * ${cycleHours}                                  -- 1.5 TB
          WHEN 2 THEN (2e6 + (hashint8(g.i) % 1000000)) * 3600 * ${cycleHours} -- ~2 MB/s in
          WHEN 3 THEN (4e6 + (hashint8(g.i) % 1000000)) * 3600 * ${cycleHours} -- ~4 MB/s out
          WHEN 4 THEN 120 * ${cycleHours}                                   -- 120 partitions
          WHEN 5 THEN 2 * ${cycleHours}                                     -- 2 pipeline stages
          ELSE 1 END, 9) AS value,
        CASE WHEN g.i % 7 = 6 THEN 'device-' || ((g.i / 7 / ${options.deployments}) % 40) END AS key,
        timestamptz '${PERIOD_START}'
          + (g.i / 7) * (${PERIOD_SECONDS}::float8 / ${reports}) * interval '1 second' AS time
      FROM generate_series($1::bigint, $2::bigint - 1) g(i)
    ) x`;
}

async function loadEvents(databaseUrl: string, options: Options): Promise<void> {
  // Secondary indexes are built after the rows (as a restore would), from their own definitions.
  const indexes = await withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ name: string; definition: string }>(
      `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
       WHERE schemaname = current_schema() AND tablename = 'usage_events' AND indexname <> 'usage_events_pkey'`,
    );
    for (const index of rows) await client.query(`DROP INDEX ${quoteIdent(index.name)}`);
    return rows;
  });
  // Time slices, one per loader, appended side by side.
  const slice = Math.ceil(options.events / LOADERS / DIMENSIONS.length) * DIMENSIONS.length;
  const sql = eventsSql(options);
  await Promise.all(
    Array.from({ length: LOADERS }, (_, n) =>
      withClient(databaseUrl, (client) =>
        client.query(sql, [n * slice, Math.min(options.events, (n + 1) * slice)]),
      ),
    ),
  );
  await Promise.all(
    indexes.map((index) =>
      withClient(databaseUrl, async (client) => {
        await client.query(`SET maintenance_work_mem = '512MB'`);
        await client.query(index.definition);
      }),
    ),
  );
}

/** The marks ingest would have left: one per hour, marked when its last event arrived. */
async function loadPendingHours(databaseUrl: string, options: Options): Promise<void> {
  await Promise.all(
    Array.from({ length: LOADERS }, (_, n) =>
      withClient(databaseUrl, (client) =>
        client.query(
          `INSERT INTO usage_pending_hours (org_id, deployment_id, dimension, hour, marked_at)
           SELECT org_id, deployment_id, dimension, hour, max(time)
           FROM usage_events
           WHERE hour >= timestamptz '${PERIOD_START}' + $1 * interval '1 day'
             AND hour < timestamptz '${PERIOD_START}' + $2 * interval '1 day'
           GROUP BY org_id, deployment_id, dimension, hour
           ORDER BY max(time)`,
          [(30 / LOADERS) * n, (30 / LOADERS) * (n + 1)],
        ),
      ),
    ),
  );
  void options;
}

// ---------------------------------------------------------------------------------------------------------
// Ceilings

/**
 * One row per (deployment, dimension, hour) with plain aggregates only: MAX meters their max, every other
 * one its sum (connected_assets' distinct count is left out of the ceilings: it is the costliest aggregate
 * of the roll-up, so this flatters them).
 */
const GROUP_BY = `
  SELECT e.org_id, e.deployment_id, e.dimension, e.hour,
         CASE m.aggregation WHEN 'MAX' THEN max(e.value) ELSE sum(e.value) END AS quantity,
         count(*) AS event_count
  FROM usage_events e JOIN meters m ON m.dimension = e.dimension
  GROUP BY e.org_id, e.deployment_id, e.dimension, e.hour, m.aggregation`;

async function readCeiling(databaseUrl: string): Promise<number> {
  return withClient(databaseUrl, async (client) => {
    await client.query(`SET work_mem = '256MB'`);
    const { rows } = await client.query<{ hours: string }>(
      `SELECT count(*) AS hours, sum(quantity), sum(event_count) FROM (${GROUP_BY}) s`,
    );
    return Number(rows[0].hours);
  });
}

async function writeCeiling(databaseUrl: string): Promise<{ hours: number; ms: number }> {
  return withClient(databaseUrl, async (client) => {
    await client.query(`SET work_mem = '256MB'`);
    await client.query(`CREATE TABLE bench_hourly_ceiling (LIKE usage_hourly INCLUDING ALL)`);
    await client.query(
      `ALTER TABLE bench_hourly_ceiling
         ADD FOREIGN KEY (org_id) REFERENCES organizations(id) ON DELETE CASCADE,
         ADD FOREIGN KEY (deployment_id) REFERENCES deployments(id) ON DELETE CASCADE`,
    );
    try {
      const started = now();
      const result = await client.query(
        `INSERT INTO bench_hourly_ceiling
           (org_id, deployment_id, dimension, hour, quantity, event_count, rolled_up_at)
         SELECT org_id, deployment_id, dimension, hour, quantity, event_count, now() FROM (${GROUP_BY}) s`,
      );
      return { hours: result.rowCount ?? 0, ms: now() - started };
    } finally {
      await client.query('DROP TABLE bench_hourly_ceiling');
    }
  });
}

// ---------------------------------------------------------------------------------------------------------
// The run

async function run(options: Options): Promise<BenchResult[]> {
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/streamplane';
  const databaseUrl = withDatabaseName(serverUrl, `streamplane_bench_rollup_${runId}`);
  const config: AppConfig = loadConfig({
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
    DATABASE_URL: databaseUrl,
    REDIS_KEY_PREFIX: `spbench:${runId}:`,
    AUTH_SECRET: randomBytes(32).toString('hex'),
    CREDENTIALS_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    ...(options.batchSize ? { BILLING_ROLLUP_BATCH_SIZE: String(options.batchSize) } : {}),
    ...(options.concurrency ? { BILLING_ROLLUP_CONCURRENCY: String(options.concurrency) } : {}),
  });
  const { batchSize, concurrency } = config.billing.rollup;
  log(
    `${count(options.events)} events, ${count(options.deployments)} deployments, ${count(options.orgs)} ` +
      `organizations; database ${databaseNameOf(databaseUrl)}; roll-up batches of ${count(batchSize)}, ` +
      `${concurrency} at a time`,
  );

  let app: INestApplicationContext | undefined;
  try {
    await ensureDatabase(databaseUrl);
    await migrateDatabase(databaseUrl);

    // Loading, timed apart.
    const load = {
      tenants: await timed('loading organizations and deployments', () =>
        withClient(databaseUrl, (client) => loadTenants(client, options)),
      ),
      events: await timed(`loading ${count(options.events)} usage events`, () =>
        loadEvents(databaseUrl, options),
      ),
      marks: await timed('marking their hours pending', () => loadPendingHours(databaseUrl, options)),
      analyze: await timed('VACUUM ANALYZE', () =>
        withClient(databaseUrl, async (client) => {
          for (const table of ['usage_events', 'usage_pending_hours', 'usage_hourly', 'deployments']) {
            await client.query(`VACUUM ANALYZE ${table}`);
          }
        }),
      ),
    };
    const loadMs = Object.values(load).reduce((sum, step) => sum + step.ms, 0);
    const { pending, events } = await withClient(databaseUrl, async (client) => {
      const [p, e] = await Promise.all([
        client.query<{ n: string }>('SELECT count(*) AS n FROM usage_pending_hours'),
        client.query<{ n: string }>('SELECT count(*) AS n FROM usage_events'),
      ]);
      return { pending: Number(p.rows[0].n), events: Number(e.rows[0].n) };
    });

    // Ceilings, same data, same run.
    const read = await timed('ceiling: bare SELECT … GROUP BY over every event', () =>
      readCeiling(databaseUrl),
    );
    const write = await timed('ceiling: INSERT … SELECT … GROUP BY into a copy of usage_hourly', () =>
      writeCeiling(databaseUrl),
    );

    // The billing worker's services.
    Logger.overrideLogger(['error']);
    app = await NestFactory.createApplicationContext(BillingWorkerModule.forRoot(config), {
      logger: ['error'],
    });
    const rollup = await timed(`roll-up of ${count(pending)} pending hours`, () =>
      app!.get(RollupService).rollUpPending(),
    );
    const invoicing = app.get(InvoicingService);
    const refresh = await timed('invoices: refreshDrafts (end of September)', () =>
      invoicing.refreshDrafts(REFRESH_AT),
    );
    const finalize = await timed('invoices: finalizeDue (October 1st)', () =>
      invoicing.finalizeDue(FINALIZE_AT),
    );

    // Exactly once, and the same totals as the events.
    const check = await withClient(databaseUrl, async (client) => {
      const hourly = await client.query<{ hours: string; events: string; pending: string }>(
        `SELECT count(*) AS hours, coalesce(sum(event_count), 0) AS events,
                (SELECT count(*) FROM usage_pending_hours) AS pending
         FROM usage_hourly`,
      );
      const mismatched = await client.query<{ dimension: string }>(
        `SELECT dimension FROM (
           SELECT dimension, sum(value) AS total FROM usage_events GROUP BY dimension) e
         FULL JOIN (
           SELECT dimension, sum(quantity) AS total FROM usage_hourly GROUP BY dimension) h USING (dimension)
         JOIN meters USING (dimension)
         WHERE aggregation = 'SUM' AND e.total IS DISTINCT FROM h.total`,
      );
      const invoices = await client.query<{ status: string; n: string; lines: string }>(
        `SELECT i.status, count(DISTINCT i.id) AS n, count(l.id) AS lines
         FROM invoices i LEFT JOIN invoice_lines l ON l.invoice_id = i.id GROUP BY i.status`,
      );
      return {
        hours: Number(hourly.rows[0].hours),
        events: Number(hourly.rows[0].events),
        pending: Number(hourly.rows[0].pending),
        mismatched: mismatched.rows.map((r) => r.dimension),
        invoices: invoices.rows.map((r) => `${r.n} ${r.status} (${r.lines} lines)`).join(', '),
      };
    });
    const problems = [
      check.hours !== pending && `usage_hourly has ${check.hours} rows for ${pending} hours`,
      check.events !== events && `usage_hourly counts ${check.events} events of ${events}`,
      check.pending !== 0 && `${check.pending} hours still pending`,
      rollup.value.hours !== pending && `the roll-up reported ${rollup.value.hours} hours`,
      check.mismatched.length > 0 && `per-dimension sums differ: ${check.mismatched.join(', ')}`,
    ].filter(Boolean);
    if (problems.length > 0) throw new Error(`the roll-up is wrong: ${problems.join('; ')}`);

    const rows: [string, string, string, string][] = [
      ['', 'duration', 'hours/s', 'events/s'],
      [
        'roll-up (RollupService.rollUpPending)',
        seconds(rollup.ms),
        perSecond(pending, rollup.ms),
        perSecond(events, rollup.ms),
      ],
      [
        'ceiling: INSERT … SELECT … GROUP BY',
        seconds(write.value.ms),
        perSecond(write.value.hours, write.value.ms),
        perSecond(events, write.value.ms),
      ],
      [
        'ceiling: bare SELECT … GROUP BY',
        seconds(read.ms),
        perSecond(read.value, read.ms),
        perSecond(events, read.ms),
      ],
      ['invoices: refreshDrafts', seconds(refresh.ms), '', ''],
      ['invoices: finalizeDue', seconds(finalize.ms), '', ''],
      ['roll-up + invoices (target: under 60 s)', seconds(rollup.ms + refresh.ms + finalize.ms), '', ''],
    ];
    const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => r[c].length)));
    const line = (r: string[]) =>
      `| ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join(' | ')} |`;
    console.log('');
    console.log(
      `${count(events)} usage events over 30 days (September 2026), ${count(options.deployments)} deployments ` +
        `in ${count(options.orgs)} organizations, ${DIMENSIONS.length} meters: ${count(pending)} hours to roll ` +
        `up; batches of ${count(batchSize)}, ${concurrency} at a time; PostgreSQL ${await serverVersion(databaseUrl)}`,
    );
    console.log(line(rows[0]));
    console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const r of rows.slice(1)) console.log(line(r));
    console.log('');
    console.log(
      `loading (not in the figures): ${seconds(loadMs)} — tenants ${seconds(load.tenants.ms)}, events ` +
        `${seconds(load.events.ms)}, pending marks ${seconds(load.marks.ms)}, VACUUM ANALYZE ${seconds(load.analyze.ms)}`,
    );
    console.log(
      `checked: ${count(check.hours)} hourly rows, ${count(check.events)} events counted once, nothing pending, ` +
        `SUM meters' totals equal to their events'; invoices: ${check.invoices}`,
    );
    const rollupRate = events / (rollup.ms / 1000);
    return [
      {
        metric: 'roll-up events/s (vs the write ceiling)',
        value: rollupRate,
        unit: 'events/s',
        ceiling: { what: 'INSERT … SELECT … GROUP BY', value: events / (write.value.ms / 1000) },
        better: 'higher',
      },
      {
        metric: 'roll-up + invoices, seconds (target: under 60)',
        value: (rollup.ms + refresh.ms + finalize.ms) / 1000,
        unit: 's',
        ceiling: { what: 'INSERT … SELECT … GROUP BY (same rows)', value: write.value.ms / 1000 },
        better: 'lower',
      },
      {
        metric: 'roll-up events/s (vs the read ceiling)',
        value: rollupRate,
        unit: 'events/s',
        ceiling: { what: 'bare SELECT … GROUP BY', value: events / (read.ms / 1000) },
        better: 'higher',
      },
    ];
  } finally {
    await app?.close().catch((error: unknown) => log(`closing the billing module: ${String(error)}`));
    if (options.keep) log(`kept the database ${databaseNameOf(databaseUrl)}`);
    else await dropDatabase(databaseUrl);
  }
}

async function serverVersion(databaseUrl: string): Promise<string> {
  return withClient(databaseUrl, async (client) => {
    const { rows } = await client.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    return rows[0].v;
  });
}

async function dropDatabase(databaseUrl: string): Promise<void> {
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

export const rollupBench: Benchmark<Options> = { name: 'rollup', parseArgs, run };

if (require.main === module) runAsScript(rollupBench);
