/**
 * Benchmark (not a test): `npm run bench -- graphql [--deployments 100] [--connections 16] [--seconds 20]
 * [--warmup-seconds 3] [--rounds 2] [--quick] [--cpu-prof]` (`--quick`: 5 s a query, 1 s of warm-up).
 *
 * The GraphQL API as production runs it: the api is its own process (apps/api/src/main.ts, NODE_ENV=production,
 * against a fresh PostgreSQL database and Redis key prefix). One organization signs up, creates an API token,
 * connects and verifies an AWS account and orders `deployments` deployments through the api; their CREATE
 * operations are then finished in PostgreSQL as the provisioner would have (RUNNING, outputs set), each
 * with four SCALE operations after it, so that every deployment has an operation history.
 *
 * This process then plays `connections` concurrent clients (HTTP keep-alive, one request at a time each,
 * all with the API token), each sending the same query back to back, for `seconds` per query:
 *
 *  - overview: the dashboard's overview and detail reads in one request — `deployments` (status, version,
 *    region, spec …) plus `deployment(id)` (outputs, full spec) and `operations(id)` of one deployment
 *    (a different one each request);
 *  - ceiling: `{ __typename }` — the same process, HTTP server and GraphQL pipeline (parse, validate,
 *    execute), with no resolver: no authentication, no PostgreSQL;
 *  - and, between them for reference, `{ me { role } }`: authentication (the API token, 2-3 PostgreSQL
 *    reads) and one resolver.
 *
 * The measuring time is split into `rounds` slices that alternate the queries (ceiling, me, overview, …), so
 * a machine whose load drifts affects each alike. Printed: requests/s and p50/p99 latency (request sent →
 * response read, at the client) for each, the api process's CPU and the machine's. Every response is
 * checked (HTTP 200, no `errors`).
 *
 * Returns (bench/support/bench-result.ts) the overview's requests/s, p50 and p99 beside the ceiling's.
 */
/* eslint-disable @nx/enforce-module-boundaries --
 * bench/ belongs to the untagged root project; like the apps' integration tests it runs the real api. */
import { loadConfig } from '@streamplane/config';
import { databaseNameOf, ensureDatabase, migrateDatabase, withDatabaseName } from '@streamplane/db';
import { type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { Client } from 'pg';
import { cpuSecondsOf, freePort, machineCpu, startApi, stopApi, waitForApi } from './support/api-process';
import {
  log,
  percentile,
  runAsScript,
  table,
  type Benchmark,
  type BenchResult,
} from './support/bench-result';
import { dropScratch } from './support/scratch';
import { postJson, postOnAgent } from './support/http';

// ---------------------------------------------------------------------------------------------------------
// Arguments

interface Options {
  deployments: number;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  rounds: number;
  cpuProf: boolean;
}

const USAGE =
  'Usage: npm run bench -- graphql [--deployments 100] [--connections 16] [--seconds 20] ' +
  '[--warmup-seconds 3] [--rounds 2] [--quick] [--cpu-prof]\n' +
  '  --seconds is per query; --quick: 5 s per query, 1 s of warm-up';

function parseArgs(argv: string[]): Options {
  const options: Options = {
    deployments: 100,
    connections: 16,
    seconds: 20,
    warmupSeconds: 3,
    rounds: 2,
    cpuProf: false,
  };
  const numeric: Record<string, Exclude<keyof Options, 'cpuProf'>> = {
    '--deployments': 'deployments',
    '--connections': 'connections',
    '--seconds': 'seconds',
    '--warmup-seconds': 'warmupSeconds',
    '--rounds': 'rounds',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2) as [string, string | undefined];
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (flag === '--quick') {
      Object.assign(options, { seconds: 5, warmupSeconds: 1 });
    } else if (flag === '--cpu-prof') {
      options.cpuProf = true;
    } else if (numeric[flag]) {
      const text = inline ?? argv[++i];
      const value = Number(text);
      const integer = flag !== '--seconds' && flag !== '--warmup-seconds';
      if (
        !Number.isFinite(value) ||
        value < 0 ||
        (flag !== '--warmup-seconds' && value <= 0) ||
        (integer && !Number.isInteger(value))
      ) {
        throw new Error(
          `${flag} takes a positive ${integer ? 'integer' : 'number'}, not ${JSON.stringify(text)}`,
        );
      }
      options[numeric[flag]] = value;
    } else {
      throw new Error(`Unknown argument ${JSON.stringify(argv[i])}\n${USAGE}`);
    }
  }
  return options;
}

const now = () => performance.now();
const ms = (value: number) => (Number.isNaN(value) ? 'n/a' : `${value.toFixed(1)} ms`);
const perSecond = (count: number, elapsedMs: number) =>
  `${(count / (elapsedMs / 1000)).toLocaleString('en-US', { maximumFractionDigits: 0 })}/s`;

// ---------------------------------------------------------------------------------------------------------
// The queries

/** What the dashboard's overview (`/`) and deployment page (`/deployments/:id`) read, in one request. */
const OVERVIEW = `query Overview($deploymentId: ID!) {
  deployments {
    id name status statusMessage cloud region kafkaVersion brokers simulated createdAt updatedAt
    spec { nodeSize storagePerBrokerGiB zones }
  }
  deployment(deploymentId: $deploymentId) {
    id name status statusMessage cloud cloudAccountId region kafkaVersion brokers engine simulated
    generation observedGeneration createdAt updatedAt destroyedAt
    outputs { bootstrapExternal bootstrapInternal clusterName grafanaUrl }
    spec {
      name cloud region zones kafkaVersion controllers brokers nodeSize storagePerBrokerGiB externalListener
      clientAuthentication tags { key value }
    }
  }
  operations(deploymentId: $deploymentId, page: { first: 20 }) {
    items {
      id type status attempt generation errorCode errorMessage queuedAt startedAt finishedAt notBefore
      cancelRequestedAt rebalanceFirst retryOfId
    }
    nextCursor
  }
}`;
const TRIVIAL = '{ __typename }';
const ME = '{ me { role } }';

interface Query {
  name: string;
  /** Request bodies, used in turn. */
  bodies: string[];
}

// ---------------------------------------------------------------------------------------------------------
// Set-up: through the api as a user would; the provisioner's work written to PostgreSQL

async function setUp(baseUrl: string, databaseUrl: string, runTag: string, deployments: number) {
  const signup = await postJson(baseUrl, '/v1/auth/signup', {
    email: `bench-${runTag}@example.com`,
    password: `pw-${randomBytes(12).toString('hex')}`,
    name: 'Bench',
    organizationName: 'Bench Org',
  });
  if (signup.status !== 201)
    throw new Error(`signup failed: ${signup.status} ${JSON.stringify(signup.body)}`);
  const orgId: string = signup.body.organization.id;
  const cookie = signup.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const csrf = /sp_csrf=([^;]+)/.exec(cookie)?.[1] ?? '';
  const gql = async (headers: Record<string, string>, query: string, variables = {}) => {
    const { status, body } = await postJson(baseUrl, '/graphql', { query, variables }, headers);
    if (status !== 200 || body?.errors?.length)
      throw new Error(`GraphQL failed: ${JSON.stringify(body?.errors ?? body)}`);
    return body.data;
  };
  const created = await gql(
    { cookie, 'x-csrf-token': csrf },
    'mutation { createApiToken(input: { name: "bench", scopes: [ADMIN] }) { secret } }',
  );
  const token: string = created.createApiToken.secret;
  const asToken = { authorization: `Bearer ${token}` };

  const account = await gql(
    asToken,
    'mutation($i: ConnectAwsAccountInput!) { connectAwsAccount(input: $i) { id } }',
    {
      i: {
        name: 'bench aws',
        roleArn: 'arn:aws:iam::123456789012:role/streamplane-provisioner',
        allowedRegions: ['us-east-1'],
      },
    },
  );
  const cloudAccountId: string = account.connectAwsAccount.id;
  await gql(asToken, 'mutation($id: ID!) { verifyCloudAccount(cloudAccountId: $id) { id } }', {
    id: cloudAccountId,
  });
  const ids: string[] = [];
  const order = async (i: number) => {
    const ordered = await gql(
      asToken,
      'mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { deployment { id } } }',
      {
        i: {
          cloudAccountId,
          spec: {
            name: `kafka-${String(i).padStart(3, '0')}`,
            cloud: 'AWS',
            region: 'us-east-1',
            zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
            kafkaVersion: '4.3.1',
            controllers: 3,
            brokers: 3 + (i % 4),
            nodeSize: 'r6i.xlarge',
            storagePerBrokerGiB: 500,
            listeners: { internal: true, external: true },
            clientAuthentication: 'SCRAM_SHA_512',
            tags: [{ key: 'team', value: `team-${i % 7}` }],
          },
        },
      },
    );
    ids.push(ordered.createDeployment.deployment.id as string);
  };
  for (let i = 0; i < deployments; i += 8) {
    await Promise.all(Array.from({ length: Math.min(8, deployments - i) }, (_, k) => order(i + k)));
  }

  // What the provisioner would have written: each CREATE succeeded, then four scale-ups.
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query('BEGIN');
    await db.query(
      `UPDATE operations SET status = 'SUCCEEDED', active = NULL,
         started_at = queued_at + interval '1 second', finished_at = queued_at + interval '11 minutes'
       WHERE org_id = $1`,
      [orgId],
    );
    await db.query(
      `INSERT INTO operations (id, org_id, deployment_id, type, status, active, generation, input,
         requested_by_type, queued_at, enqueued_at, started_at, finished_at, updated_at)
       SELECT gen_random_uuid(), d.org_id, d.id, 'SCALE', 'SUCCEEDED', NULL, g, '{}',
         'API_TOKEN', d.created_at + g * interval '1 hour', d.created_at + g * interval '1 hour',
         d.created_at + g * interval '1 hour' + interval '1 second',
         d.created_at + g * interval '1 hour' + interval '4 minutes', now()
       FROM deployments d CROSS JOIN generate_series(2, 5) g WHERE d.org_id = $1`,
      [orgId],
    );
    await db.query(
      `UPDATE deployments SET status = 'RUNNING', generation = 5, observed_generation = 5,
         outputs = jsonb_build_object(
           'bootstrapExternal', name || '-bootstrap.local.streamplane.invalid:9094',
           'bootstrapInternal', name || '-kafka-bootstrap.kafka.svc:9093',
           'clusterName', name,
           'grafanaUrl', 'https://' || name || '-grafana.local.streamplane.invalid')
       WHERE org_id = $1`,
      [orgId],
    );
    await db.query('COMMIT');
  } finally {
    await db.end();
  }
  return { token, deploymentIds: ids };
}

// ---------------------------------------------------------------------------------------------------------
// The clients

interface PhaseStats {
  requests: number;
  elapsedMs: number;
  latencies: number[];
  responseBytes: number;
  errors: string[];
}

/** `connections` clients send `query` back to back for `durationMs`; adds what they saw to `stats`. */
async function load(
  agent: http.Agent,
  url: URL,
  token: string,
  query: Query,
  connections: number,
  durationMs: number,
  stats: PhaseStats,
): Promise<void> {
  const started = now();
  const deadline = started + durationMs;
  let next = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (now() < deadline) {
        const body = query.bodies[next++ % query.bodies.length];
        const sent = now();
        const response = await postOnAgent(agent, url, {
          path: '/graphql',
          contentType: 'application/json',
          token: token,
          body: body,
        });
        stats.latencies.push(now() - sent);
        stats.responseBytes += response.text.length;
        // No field of these queries is named "errors": its key in the answer is GraphQL's error list.
        if (response.status !== 200 || response.text.includes('"errors":')) {
          stats.errors.push(`${query.name}: ${response.status} ${response.text.slice(0, 300)}`);
        } else {
          stats.requests++;
        }
      }
    }),
  );
  stats.elapsedMs += now() - started;
}

// ---------------------------------------------------------------------------------------------------------
// The run

async function run(options: Options): Promise<BenchResult[]> {
  const runTag = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/streamplane';
  const databaseUrl = withDatabaseName(serverUrl, `streamplane_bench_graphql_${runTag}`);
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
  };
  const config = loadConfig(env);
  log(
    `${options.deployments} deployments; ${options.connections} connections, ${options.seconds} s per query in ` +
      `${options.rounds} round(s), after ${options.warmupSeconds} s of warm-up each; database ${databaseNameOf(databaseUrl)}`,
  );

  let api: ChildProcess | undefined;
  const redis = new Redis(config.redis.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  try {
    await ensureDatabase(databaseUrl);
    await migrateDatabase(databaseUrl);
    api = startApi(env, options.cpuProf);
    await waitForApi(baseUrl, api);
    log(`ordering ${options.deployments} deployments through the api`);
    const { token, deploymentIds } = await setUp(baseUrl, databaseUrl, runTag, options.deployments);

    const queries: Query[] = [
      { name: '{ __typename }', bodies: [JSON.stringify({ query: TRIVIAL })] },
      { name: '{ me { role } }', bodies: [JSON.stringify({ query: ME })] },
      {
        name: 'overview',
        bodies: deploymentIds.map((deploymentId) =>
          JSON.stringify({ query: OVERVIEW, variables: { deploymentId } }),
        ),
      },
    ];

    // The overview answers what was set up.
    const url = new URL(baseUrl);
    const sample = await postOnAgent(agent, url, {
      path: '/graphql',
      contentType: 'application/json',
      token: token,
      body: queries[2].bodies[0],
    });
    const answer = JSON.parse(sample.text);
    const listed = answer?.data?.deployments as { status: string }[] | undefined;
    if (
      sample.status !== 200 ||
      answer.errors ||
      listed?.length !== options.deployments ||
      listed.some((d) => d.status !== 'RUNNING') ||
      answer.data.operations.items.length !== 5
    ) {
      throw new Error(`the overview does not show the deployments set up: ${sample.text.slice(0, 500)}`);
    }

    if (options.warmupSeconds > 0) {
      log('warming up');
      for (const query of queries) {
        const warm: PhaseStats = { requests: 0, elapsedMs: 0, latencies: [], responseBytes: 0, errors: [] };
        await load(agent, url, token, query, options.connections, options.warmupSeconds * 1000, warm);
        if (warm.errors.length > 0) throw new Error(`warm-up failed: ${warm.errors[0]}`);
      }
    }

    const stats = queries.map(
      (): PhaseStats & { apiCpu: number; machine: { busy: number; total: number } } => ({
        requests: 0,
        elapsedMs: 0,
        latencies: [],
        responseBytes: 0,
        errors: [],
        apiCpu: 0,
        machine: { busy: 0, total: 0 },
      }),
    );
    const sliceMs = (options.seconds * 1000) / options.rounds;
    for (let round = 1; round <= options.rounds; round++) {
      for (const [q, query] of queries.entries()) {
        log(`round ${round}/${options.rounds}: ${query.name} for ${(sliceMs / 1000).toFixed(1)} s`);
        const cpuBefore = cpuSecondsOf(api.pid);
        const machineBefore = machineCpu();
        await load(agent, url, token, query, options.connections, sliceMs, stats[q]);
        const machineAfter = machineCpu();
        stats[q].apiCpu += cpuSecondsOf(api.pid) - cpuBefore;
        stats[q].machine.busy += machineAfter.busy - machineBefore.busy;
        stats[q].machine.total += machineAfter.total - machineBefore.total;
      }
    }
    const failures = stats.flatMap((s) => s.errors);
    if (failures.length > 0) {
      throw new Error(`${failures.length} request(s) failed, e.g. ${failures[0]}`);
    }

    const [trivial, me, overview] = stats;
    const rows = [
      ['', 'overview (3 fields)', '{ me { role } }', 'ceiling: { __typename }'],
      ['requests/s', ...[overview, me, trivial].map((s) => perSecond(s.requests, s.elapsedMs))],
      ['latency p50', ...[overview, me, trivial].map((s) => ms(percentile(s.latencies, 50)))],
      ['latency p99', ...[overview, me, trivial].map((s) => ms(percentile(s.latencies, 99)))],
      ['requests', ...[overview, me, trivial].map((s) => s.requests.toLocaleString('en-US'))],
      [
        'response size',
        ...[overview, me, trivial].map((s) => `${Math.round(s.responseBytes / s.latencies.length)} B`),
      ],
      [
        'api CPU (of one core)',
        ...[overview, me, trivial].map((s) => `${((s.apiCpu / (s.elapsedMs / 1000)) * 100).toFixed(0)}%`),
      ],
      [
        'api CPU per request',
        ...[overview, me, trivial].map((s) => `${((s.apiCpu * 1000) / s.requests).toFixed(2)} ms`),
      ],
      [
        'machine CPU busy',
        ...[overview, me, trivial].map((s) => `${((s.machine.busy / s.machine.total) * 100).toFixed(0)}%`),
      ],
    ];
    console.log('');
    console.log(
      `GraphQL API: ${options.connections} connections (keep-alive, API token) against one api process, ` +
        `${options.deployments} RUNNING deployments with 5 operations each; ${options.seconds} s per query in ` +
        `${options.rounds} alternating round(s); ${os.availableParallelism()} cores shared with PostgreSQL, ` +
        `Redis and these clients`,
    );
    console.log(table(rows, ['l', 'r', 'r', 'r']));
    console.log('');
    console.log(
      `overview / ceiling: ${((overview.requests / overview.elapsedMs / (trivial.requests / trivial.elapsedMs)) * 100).toFixed(0)}% ` +
        `of the requests/s. The overview reads ${options.deployments} deployments, one deployment and its ` +
        `operations (the token is authenticated once per request: PostgreSQL reads); the ceiling ` +
        `runs no resolver at all.`,
    );

    const ceiling = '{ __typename }, same process';
    return [
      {
        metric: `overview query, ${options.deployments} deployments, requests/s`,
        value: overview.requests / (overview.elapsedMs / 1000),
        unit: '/s',
        ceiling: { what: ceiling, value: trivial.requests / (trivial.elapsedMs / 1000) },
        better: 'higher',
      },
      ...([50, 99] as const).map((p): BenchResult => ({
        metric: `overview query latency p${p}`,
        value: percentile(overview.latencies, p),
        unit: 'ms',
        ceiling: { what: ceiling, value: percentile(trivial.latencies, p) },
        better: 'lower',
      })),
    ];
  } finally {
    agent.destroy();
    if (api) await stopApi(api);
    await dropScratch(redis, config.redis.keyPrefix, databaseUrl);
  }
}

export const graphqlBench: Benchmark<Options> = { name: 'graphql', parseArgs, run };

if (require.main === module) runAsScript(graphqlBench);
