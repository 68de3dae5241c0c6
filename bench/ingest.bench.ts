/**
 * Benchmark (not a test): `npm run bench -- ingest [--clients 4] [--batch 1000] [--seconds 30]
 * [--ceiling-seconds 10] [--warmup-seconds 3] [--quick] [--cpu-prof]` (`--quick`: 5 s, ceiling 3 s, warm-up 1 s).
 *
 * Usage ingest as production runs it: the api is its own process (apps/api/src/main.ts, NODE_ENV=production,
 * against a fresh PostgreSQL database and Redis key prefix); this process plays `clients` agents of as many
 * deployments, each with its own agent token, each sending batches of `batch` usage CloudEvents
 * (application/cloudevents-batch+json) to POST /v1/ingest/events one after the other, for `seconds`. Printed:
 *
 *  - events/s committed: events the api reported accepted / measuring time — and checked against
 *    count(*) of usage_events afterwards;
 *  - batch latency p50/p99: request sent → response read, per batch, at the client;
 *
 * beside the ceiling measured in the same run on the same database and machine: the same rows (same shape
 * and size, fresh ids) inserted into usage_events by one client with a plain prepared multi-row
 * INSERT … VALUES of `batch` rows, one after the other, for `ceiling-seconds` — PostgreSQL's own rate for
 * these rows with nothing in front of it.
 *
 * The events mix every dimension (SUM meters with whole and fractional values, and connected_assets with
 * device keys, 1 in 10). The per-deployment rate limit is lifted for the run (INGEST_RATE_LIMIT_BATCHES);
 * everything else is the api's default configuration. `--cpu-prof` writes a V8 CPU profile of the api
 * process into the working directory (open it in Chrome DevTools).
 *
 * Returns (bench/support/bench-result.ts) events/s and batch latency p50/p99 beside the plain INSERT's.
 */
/* eslint-disable @nx/enforce-module-boundaries --
 * bench/ belongs to the untagged root project; like the apps' integration tests it runs the real api. */
import { loadConfig } from '@streamplane/config';
import {
  databaseNameOf,
  ensureDatabase,
  migrateDatabase,
  PrismaService,
  withDatabaseName,
} from '@streamplane/db';
import { AgentTokensService } from '@streamplane/metering';
import { CredentialCipher } from '@streamplane/secrets';
import { type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { Client } from 'pg';
import {
  busyBetween,
  cpuSecondsOf,
  freePort,
  machineCpu,
  startApi,
  stopApi,
  waitForApi,
} from './support/api-process';
import { percentile, runAsScript, type Benchmark, type BenchResult } from './support/bench-result';
import { dropScratch } from './support/scratch';
import { postJson, postOnAgent } from './support/http';

// ---------------------------------------------------------------------------------------------------------
// Arguments and statistics

interface Options {
  clients: number;
  batch: number;
  seconds: number;
  ceilingSeconds: number;
  warmupSeconds: number;
  cpuProf: boolean;
}

const USAGE =
  'Usage: npm run bench -- ingest [--clients 4] [--batch 1000] [--seconds 30] ' +
  '[--ceiling-seconds 10] [--warmup-seconds 3] [--quick] [--cpu-prof]';

function parseArgs(argv: string[]): Options {
  const options: Options = {
    clients: 4,
    batch: 1000,
    seconds: 30,
    ceilingSeconds: 10,
    warmupSeconds: 3,
    cpuProf: false,
  };
  const numeric: Record<string, keyof Options> = {
    '--clients': 'clients',
    '--batch': 'batch',
    '--seconds': 'seconds',
    '--ceiling-seconds': 'ceilingSeconds',
    '--warmup-seconds': 'warmupSeconds',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (flag === '--quick') {
      Object.assign(options, { seconds: 5, ceilingSeconds: 3, warmupSeconds: 1 });
    } else if (flag === '--cpu-prof') {
      options.cpuProf = true;
    } else if (numeric[flag]) {
      const text = inline ?? argv[++i];
      const value = Number(text);
      if (!Number.isFinite(value) || value < 0 || (flag !== '--warmup-seconds' && value <= 0)) {
        throw new Error(`${flag} takes a positive number, not ${JSON.stringify(text)}`);
      }
      (options as unknown as Record<string, number>)[numeric[flag]] = value;
    } else {
      throw new Error(`Unknown argument ${JSON.stringify(argv[i])}\n${USAGE}`);
    }
  }
  if (options.batch > 10_000) throw new Error('--batch is at most 10000 (INGEST_MAX_BATCH_EVENTS)');
  return options;
}

const ms = (value: number) => (Number.isNaN(value) ? 'n/a' : `${value.toFixed(1)} ms`);
const perSecond = (count: number, elapsedMs: number) =>
  `${Math.round(count / (elapsedMs / 1000)).toLocaleString('en-US')}/s`;
const now = () => performance.now();
const log = (message: string) => console.error(`[bench] ${message}`);

// ---------------------------------------------------------------------------------------------------------
// The events: realistic usage of one deployment, unique ids per run

const DIMENSIONS = [
  { dimension: 'ingress_bytes', value: (i: number) => 1_048_576 + (i % 977) * 4096 },
  { dimension: 'egress_bytes', value: (i: number) => 2_097_152 + (i % 613) * 8192 },
  { dimension: 'broker_hours', value: () => 0.0083333 },
  { dimension: 'storage_gb_hours', value: () => 4.1666667 },
  { dimension: 'partition_hours', value: () => 0.4166667 },
  { dimension: 'pipeline_hours', value: () => 0.0083333 },
];

interface Row {
  source: string;
  id: string;
  dimension: string;
  value: number;
  key: string | null;
  time: string;
}

/** Batch `seq` of `count` events for a deployment; event i of every 10 is a connected asset. */
function rowsOf(deploymentId: string, runTag: string, seq: number, count: number): Row[] {
  const source = `/deployments/${deploymentId}/agent`;
  const time = new Date(Date.now() - 1000).toISOString();
  const rows: Row[] = new Array<Row>(count);
  for (let i = 0; i < count; i++) {
    const id = `${runTag}-${seq}-${i}`;
    if (i % 10 === 9) {
      rows[i] = {
        source,
        id,
        dimension: 'connected_assets',
        value: 1,
        key: `device-${(seq * 7 + i) % 5000}`,
        time,
      };
    } else {
      const d = DIMENSIONS[i % DIMENSIONS.length];
      rows[i] = { source, id, dimension: d.dimension, value: d.value(i), key: null, time };
    }
  }
  return rows;
}

/** The rows as a CloudEvents batch body (built as text: the clients should cost the machine little). */
function bodyOf(deploymentId: string, rows: Row[]): string {
  const parts = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    const key = row.key === null ? '' : `,"key":"${row.key}"`;
    parts[i] =
      `{"specversion":"1.0","id":"${row.id}","source":"${row.source}","type":"io.streamplane.usage.v1",` +
      `"subject":"${deploymentId}","time":"${row.time}","datacontenttype":"application/json",` +
      `"data":{"dimension":"${row.dimension}","value":${row.value}${key}}}`;
  }
  return `[${parts.join(',')}]`;
}

// ---------------------------------------------------------------------------------------------------------
// Set-up through the api (as a user would), agent tokens as the provisioner issues them

async function setUp(baseUrl: string, runTag: string, deployments: number) {
  const signup = await postJson(baseUrl, '/v1/auth/signup', {
    email: `bench-${runTag}@example.com`,
    password: `pw-${randomBytes(12).toString('hex')}`,
    name: 'Bench',
    organizationName: 'Bench Org',
  });
  if (signup.status !== 201)
    throw new Error(`signup failed: ${signup.status} ${JSON.stringify(signup.body)}`);
  const orgId: string = signup.body.organization.id;
  const cookies = signup.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const csrf = /sp_csrf=([^;]+)/.exec(cookies)?.[1] ?? '';
  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const { status, body } = await postJson(
      baseUrl,
      '/graphql',
      { query, variables },
      { cookie: cookies, 'x-csrf-token': csrf },
    );
    if (status !== 200 || body?.errors?.length)
      throw new Error(`GraphQL failed: ${JSON.stringify(body?.errors ?? body)}`);
    return body.data;
  };
  const account = await gql('mutation($i: ConnectAwsAccountInput!) { connectAwsAccount(input: $i) { id } }', {
    i: {
      name: 'bench aws',
      roleArn: 'arn:aws:iam::123456789012:role/streamplane-provisioner',
      allowedRegions: ['us-east-1'],
    },
  });
  const cloudAccountId: string = account.connectAwsAccount.id;
  await gql('mutation($id: ID!) { verifyCloudAccount(cloudAccountId: $id) { id } }', { id: cloudAccountId });
  const ids: string[] = [];
  for (let i = 0; i < deployments; i++) {
    const created = await gql(
      'mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { deployment { id } } }',
      {
        i: {
          cloudAccountId,
          spec: {
            name: `bench-${i}`,
            cloud: 'AWS',
            region: 'us-east-1',
            zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
            kafkaVersion: '4.3.1',
            controllers: 3,
            brokers: 3,
            nodeSize: 'r6i.xlarge',
            storagePerBrokerGiB: 500,
            listeners: { internal: true, external: true },
            clientAuthentication: 'SCRAM_SHA_512',
          },
        },
      },
    );
    ids.push(created.createDeployment.deployment.id as string);
  }
  return { orgId, deploymentIds: ids };
}

// ---------------------------------------------------------------------------------------------------------
// The clients

interface ClientStats {
  batches: number;
  accepted: number;
  latencies: number[];
  errors: string[];
}

async function runClients(
  baseUrl: string,
  agents: { deploymentId: string; token: string }[],
  options: Options,
  runTag: string,
  phase: string,
  durationMs: number,
): Promise<{ stats: ClientStats; elapsedMs: number }> {
  const url = new URL(baseUrl);
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets: agents.length });
  const stats: ClientStats = { batches: 0, accepted: 0, latencies: [], errors: [] };
  const started = now();
  const deadline = started + durationMs;
  await Promise.all(
    agents.map(async (agent, client) => {
      let seq = 0;
      while (now() < deadline) {
        const body = bodyOf(
          agent.deploymentId,
          rowsOf(agent.deploymentId, `${runTag}-${phase}-c${client}`, seq++, options.batch),
        );
        const sent = now();
        const response = await postOnAgent(httpAgent, url, {
          path: '/v1/ingest/events',
          contentType: 'application/cloudevents-batch+json',
          token: agent.token,
          body: body,
        });
        stats.latencies.push(now() - sent);
        if (response.status !== 200) {
          stats.errors.push(`${response.status} ${response.text.slice(0, 200)}`);
          continue;
        }
        const result = JSON.parse(response.text) as { accepted: string[]; rejected: unknown[] };
        if (result.rejected.length > 0) stats.errors.push(`rejected: ${JSON.stringify(result.rejected[0])}`);
        stats.accepted += result.accepted.length;
        stats.batches++;
      }
    }),
  );
  httpAgent.destroy();
  return { stats, elapsedMs: now() - started };
}

// ---------------------------------------------------------------------------------------------------------
// The ceiling: the same rows, a plain multi-row INSERT from one client

async function ceiling(
  databaseUrl: string,
  orgId: string,
  deploymentId: string,
  options: Options,
  runTag: string,
): Promise<{ rows: number; elapsedMs: number; latencies: number[] }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const columns = 9;
  const placeholders = Array.from({ length: options.batch }, (_, r) => {
    const base = r * columns;
    return `(${Array.from({ length: columns }, (__, c) => `$${base + c + 1}`).join(', ')})`;
  }).join(', ');
  const text =
    'INSERT INTO usage_events (source, event_id, org_id, deployment_id, dimension, value, unique_key, time, hour) ' +
    `VALUES ${placeholders}`;
  try {
    let rows = 0;
    let seq = 0;
    const latencies: number[] = [];
    const started = now();
    while (now() - started < options.ceilingSeconds * 1000) {
      const values: unknown[] = [];
      for (const row of rowsOf(deploymentId, `${runTag}-ceiling`, seq++, options.batch)) {
        const hour = new Date(Math.floor(Date.parse(row.time) / 3_600_000) * 3_600_000).toISOString();
        values.push(
          row.source,
          row.id,
          orgId,
          deploymentId,
          row.dimension,
          String(row.value),
          row.key,
          row.time,
          hour,
        );
      }
      const sent = now();
      const result = await client.query({ name: 'ceiling', text, values });
      latencies.push(now() - sent);
      rows += result.rowCount ?? 0;
    }
    return { rows, elapsedMs: now() - started, latencies };
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------------------
// The run

async function run(options: Options): Promise<BenchResult[]> {
  const runTag = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/streamplane';
  const databaseUrl = withDatabaseName(serverUrl, `streamplane_bench_ingest_${runTag}`);
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    DATABASE_URL: databaseUrl,
    REDIS_KEY_PREFIX: `spbench:${runTag}:`,
    AUTH_SECRET: randomBytes(32).toString('hex'),
    AUTH_COOKIE_SECURE: 'false',
    CREDENTIALS_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    CLOUD_ENGINE: 'local',
    TRUST_PROXY: 'false',
    INGEST_RATE_LIMIT_BATCHES: '1000000',
    INGEST_MAX_BATCH_EVENTS: String(Math.max(1000, options.batch)),
    INGEST_BODY_LIMIT_BYTES: String(Math.max(1024 * 1024, options.batch * 400)),
  };
  const config = loadConfig(env);
  log(
    `${options.clients} clients × batches of ${options.batch} for ${options.seconds} s (after ${options.warmupSeconds} s ` +
      `of warm-up); ceiling ${options.ceilingSeconds} s; database ${databaseNameOf(databaseUrl)}`,
  );

  let api: ChildProcess | undefined;
  const redis = new Redis(config.redis.url);
  try {
    await ensureDatabase(databaseUrl);
    await migrateDatabase(databaseUrl);
    api = startApi(env, options.cpuProf);
    await waitForApi(baseUrl, api);

    const { orgId, deploymentIds } = await setUp(baseUrl, runTag, options.clients);
    const prisma = new PrismaService(config);
    const agents: { deploymentId: string; token: string }[] = [];
    try {
      const tokens = new AgentTokensService(
        prisma,
        config,
        new CredentialCipher(config.cloud.credentialsKeyring),
      );
      for (const deploymentId of deploymentIds) {
        agents.push({ deploymentId, token: (await tokens.issue(orgId, deploymentId)).token });
      }
    } finally {
      await prisma.$disconnect();
    }

    if (options.warmupSeconds > 0) {
      log('warming up');
      const warm = await runClients(baseUrl, agents, options, runTag, 'warmup', options.warmupSeconds * 1000);
      if (warm.stats.errors.length > 0) throw new Error(`warm-up failed: ${warm.stats.errors[0]}`);
    }

    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const countRows = async () =>
      Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM usage_events')).rows[0].n);
    try {
      const rowsBefore = await countRows();
      log(`measuring the api for ${options.seconds} s`);
      const cpuBefore = cpuSecondsOf(api.pid);
      const machineBefore = machineCpu();
      const run = await runClients(baseUrl, agents, options, runTag, 'run', options.seconds * 1000);
      const apiCpu = cpuSecondsOf(api.pid) - cpuBefore;
      const machineAfter = machineCpu();
      const committed = (await countRows()) - rowsBefore;
      if (run.stats.errors.length > 0) {
        throw new Error(`${run.stats.errors.length} batch(es) failed, e.g. ${run.stats.errors[0]}`);
      }
      if (committed !== run.stats.accepted) {
        throw new Error(
          `the api acknowledged ${run.stats.accepted} events but ${committed} rows were committed`,
        );
      }

      log(`measuring the ceiling for ${options.ceilingSeconds} s`);
      const machineCeilingBefore = machineCpu();
      const top = await ceiling(databaseUrl, orgId, deploymentIds[0], options, runTag);
      const machineCeilingAfter = machineCpu();

      const apiRate = run.stats.accepted / (run.elapsedMs / 1000);
      const ceilingRate = top.rows / (top.elapsedMs / 1000);
      const rows: [string, string, string][] = [
        ['', 'POST /v1/ingest/events (api process)', 'ceiling: plain multi-row INSERT'],
        [
          'events/s committed',
          perSecond(run.stats.accepted, run.elapsedMs),
          perSecond(top.rows, top.elapsedMs),
        ],
        ['batch latency p50', ms(percentile(run.stats.latencies, 50)), ms(percentile(top.latencies, 50))],
        ['batch latency p99', ms(percentile(run.stats.latencies, 99)), ms(percentile(top.latencies, 99))],
        [
          'samples',
          `${run.stats.batches} batches, ${run.stats.accepted} events, ${options.clients} clients`,
          `${top.latencies.length} statements, ${top.rows} rows, 1 client`,
        ],
        [
          'machine CPU busy',
          busyBetween(machineBefore, machineAfter),
          busyBetween(machineCeilingBefore, machineCeilingAfter),
        ],
      ];
      const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
      const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
      console.log('');
      console.log(
        `Usage ingest: ${options.clients} clients × batches of ${options.batch} events for ${(run.elapsedMs / 1000).toFixed(1)} s ` +
          `against one api process; ceiling over ${(top.elapsedMs / 1000).toFixed(1)} s (same database, same rows)`,
      );
      console.log(line(rows[0]));
      console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
      for (const r of rows.slice(1)) console.log(line(r));
      console.log('');
      console.log(
        `api / ceiling: ${((apiRate / ceilingRate) * 100).toFixed(0)}%; target 50,000 events/s and at least 50% of the ceiling: ` +
          `${apiRate >= 50_000 && apiRate >= ceilingRate / 2 ? 'met' : 'NOT met'}. ` +
          `api process CPU: ${((apiCpu / (run.elapsedMs / 1000)) * 100).toFixed(0)}% of one core ` +
          `(${os.availableParallelism()} cores; PostgreSQL, Redis and these clients share them), ` +
          `${((apiCpu * 1000) / run.stats.batches).toFixed(1)} ms per batch: one core of api alone would take ` +
          `~${Math.round(run.stats.accepted / apiCpu).toLocaleString('en-US')} events/s.`,
      );
      console.log(
        `committed rows checked: usage_events grew by ${committed}, exactly the events acknowledged; ` +
          `${run.stats.batches} batches, each one multi-row INSERT … ON CONFLICT DO NOTHING plus usage_pending_hours in ` +
          `one transaction, then the Redis counters.`,
      );
      const ceilingWhat = 'plain multi-row INSERT, 1 client';
      return [
        {
          metric: 'events/s committed',
          value: apiRate,
          unit: 'events/s',
          ceiling: { what: ceilingWhat, value: ceilingRate },
          better: 'higher',
        },
        ...([50, 99] as const).map((p): BenchResult => ({
          metric: `batch of ${options.batch} latency p${p}`,
          value: percentile(run.stats.latencies, p),
          unit: 'ms',
          ceiling: { what: ceilingWhat, value: percentile(top.latencies, p) },
          better: 'lower',
        })),
      ];
    } finally {
      await db.end();
    }
  } finally {
    if (api) await stopApi(api);
    await dropScratch(redis, config.redis.keyPrefix, databaseUrl);
  }
}

export const ingestBench: Benchmark<Options> = { name: 'ingest', parseArgs, run };

if (require.main === module) runAsScript(ingestBench);
