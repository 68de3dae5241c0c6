/**
 * Benchmark (not a test): `npm run bench -- deployments [--deployments N] [--quick]` (default 500; `--quick`:
 * 50).
 *
 * Starts the api and the provisioner in this process against a fresh PostgreSQL database and a fresh Redis
 * key prefix, with the `local` engine at zero latency (LOCAL_ENGINE_LATENCY_SCALE=0). One organization
 * connects and verifies an AWS account, subscribes to `deploymentsChanged` over graphql-transport-ws, and
 * orders N deployments concurrently through GraphQL; all of them must reach RUNNING. Printed:
 *
 *  - operations/s: N / (first order sent → last deployment RUNNING seen by the subscriber);
 *  - enqueue-to-start: each CREATE operation's queuedAt → startedAt, read from PostgreSQL;
 *  - status-change-to-subscriber: each DeploymentStatusChanged's `at` → its arrival at the subscriber;
 *
 * beside, in the same run and on the same Redis: empty BullMQ jobs (a bare Queue + Worker with a no-op
 * processor, same concurrency: jobs/s and enqueue-to-start), and bare Redis publish → subscriber delivery.
 *
 * Everything shares one Node process (api, provisioner, client), so event-loop contention is part of
 * every figure; the baselines run after the deployments, on the same (then idle) process.
 * PROVISIONER_CONCURRENCY and the other provisioner variables are taken from the environment when set.
 *
 * Returns (bench/support/bench-result.ts) operations/s, enqueue → start p50 and status → subscriber p50, each
 * beside its baseline.
 */
/* eslint-disable @nx/enforce-module-boundaries --
 * bench/ belongs to the untagged root project; like the apps' integration tests it runs the real api and
 * provisioner (relative imports of apps/) on the real libraries. */
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, type AppConfig } from '@streamplane/config';
import {
  databaseNameOf,
  ensureDatabase,
  migrateDatabase,
  PrismaService,
  quoteIdent,
  withDatabaseName,
} from '@streamplane/db';
import { channelFor } from '@streamplane/deployments';
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { createApiApp } from '../apps/api/src/create-api-app';
import { startProvisioner, type Provisioner } from '../apps/provisioner/src/create-provisioner';
import { percentile, runAsScript, type Benchmark, type BenchResult } from './support/bench-result';

// ---------------------------------------------------------------------------------------------------------
// Arguments and statistics

interface Options {
  deployments: number;
}

const USAGE = 'Usage: npm run bench -- deployments [--deployments N] [--quick]   (default 500; --quick: 50)';

function parseArgs(argv: string[]): Options {
  let deployments = 500;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = arg.startsWith('--deployments=') ? arg.slice('--deployments='.length) : undefined;
    if (arg === '--deployments' || value !== undefined) {
      const text = value ?? argv[++i];
      deployments = Number(text);
      if (!Number.isInteger(deployments) || deployments < 1) {
        throw new Error(`--deployments takes a positive integer, not ${JSON.stringify(text)}`);
      }
    } else if (arg === '--quick') {
      deployments = 50;
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      throw new Error(`Unknown argument ${JSON.stringify(arg)}\n${USAGE}`);
    }
  }
  return { deployments };
}

const ms = (value: number): string => (Number.isNaN(value) ? 'n/a' : `${value.toFixed(1)} ms`);
const rate = (count: number, elapsedMs: number): string => `${(count / (elapsedMs / 1000)).toFixed(1)}/s`;

const sleep = (delayMs: number) => new Promise<void>((resolve) => setTimeout(resolve, delayMs));
const now = () => performance.timeOrigin + performance.now();
const log = (message: string) => console.error(`[bench] ${message}`);

// ---------------------------------------------------------------------------------------------------------
// A small GraphQL client: cookies + CSRF for signup, then a bearer token

class GqlClient {
  private readonly cookies = new Map<string, string>();
  bearer?: string;

  constructor(readonly baseUrl: string) {}

  async post(pathname: string, json: unknown): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    else if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const csrf = this.cookies.get('sp_csrf');
      if (csrf) headers['x-csrf-token'] = csrf;
    }
    const response = await fetch(this.baseUrl + pathname, {
      method: 'POST',
      headers,
      body: JSON.stringify(json),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair.indexOf('=');
      this.cookies.set(pair.slice(0, index).trim(), pair.slice(index + 1).trim());
    }
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  /** The data of a call that must succeed. */
  async gql(query: string, variables: Record<string, unknown> = {}): Promise<any> {
    const { status, body } = await this.post('/graphql', { query, variables });
    if (status !== 200 || body?.errors?.length || !body?.data) {
      throw new Error(`GraphQL call failed (${status}): ${JSON.stringify(body?.errors ?? body)}`);
    }
    return body.data;
  }
}

// ---------------------------------------------------------------------------------------------------------
// A graphql-transport-ws subscriber of `deploymentsChanged`, recording each status event's arrival time

interface StatusArrival {
  deploymentId: string;
  status: string;
  at: number;
  arrived: number;
}

class Subscriber {
  readonly arrivals: StatusArrival[] = [];
  readonly running = new Set<string>();
  readonly failed = new Map<string, string | null>();
  private readonly listeners: (() => void)[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.addEventListener('message', (event) => {
      const arrived = now();
      const message = JSON.parse(String(event.data));
      if (message.type === 'ping') ws.send(JSON.stringify({ type: 'pong' }));
      if (message.type === 'error') log(`subscription error: ${JSON.stringify(message.payload)}`);
      if (message.type !== 'next') return;
      const event_ = message.payload?.data?.deploymentsChanged;
      if (!event_ || event_.kind !== 'DEPLOYMENT_STATUS') return;
      this.arrivals.push({
        deploymentId: event_.deploymentId,
        status: event_.status,
        at: Date.parse(event_.at),
        arrived,
      });
      if (event_.status === 'RUNNING') this.running.add(event_.deploymentId);
      if (event_.status === 'FAILED') this.failed.set(event_.deploymentId, event_.message ?? null);
      for (const listener of this.listeners.splice(0)) listener();
    });
  }

  static async open(baseUrl: string, token: string): Promise<Subscriber> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const subscriber = new Subscriber(ws);
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener('open', () => resolve());
      ws.addEventListener('error', () => reject(new Error('the websocket could not be opened')));
    });
    const acked = new Promise<void>((resolve, reject) => {
      ws.addEventListener('message', (event) => {
        if (JSON.parse(String(event.data)).type === 'connection_ack') resolve();
      });
      ws.addEventListener('close', (event) =>
        reject(new Error(`the websocket closed: ${event.code} ${event.reason}`)),
      );
    });
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    await acked;
    ws.send(
      JSON.stringify({
        id: randomUUID(),
        type: 'subscribe',
        payload: {
          query:
            'subscription { deploymentsChanged { kind deploymentId at ' +
            '... on DeploymentStatusChanged { status message } } }',
        },
      }),
    );
    return subscriber;
  }

  /** Resolves on the next status event, or after `timeoutMs`. */
  next(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.listeners.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
  }
}

/**
 * The subscribe step has no acknowledgement in graphql-transport-ws: publish a probe status event on the
 * organization's channel (for a deployment id that does not exist) until the subscriber receives one.
 */
async function whenLive(config: AppConfig, redis: Redis, orgId: string, subscriber: Subscriber) {
  const probeId = randomUUID();
  const deadline = Date.now() + 10_000;
  while (!subscriber.arrivals.some((a) => a.deploymentId === probeId)) {
    if (Date.now() > deadline) throw new Error('the deploymentsChanged subscription never became live');
    const event = {
      kind: 'DEPLOYMENT_STATUS',
      orgId,
      deploymentId: probeId,
      at: new Date().toISOString(),
      status: 'PENDING',
      generation: 1,
      observedGeneration: 0,
      message: 'bench probe',
    };
    await redis.publish(channelFor(config, orgId), JSON.stringify(event));
    await subscriber.next(100);
  }
  subscriber.arrivals.length = 0;
}

// ---------------------------------------------------------------------------------------------------------
// Baselines on the same Redis

async function emptyBullmqJobs(
  config: AppConfig,
  count: number,
  concurrency: number,
): Promise<{ elapsedMs: number; startLatencies: number[] }> {
  const options = {
    connection: { url: config.redis.url, maxRetriesPerRequest: null },
    prefix: `${config.redis.keyPrefix}bench-bull`,
  };
  const queue = new Queue('bench-empty', options);
  const startLatencies: number[] = [];
  let done = 0;
  let allDone!: () => void;
  const finished = new Promise<void>((resolve) => (allDone = resolve));
  const worker = new Worker(
    'bench-empty',
    async (job) => {
      startLatencies.push(now() - (job.data as { enqueuedAt: number }).enqueuedAt);
      return Promise.resolve();
    },
    { ...options, concurrency, autorun: false },
  );
  worker.on('completed', () => {
    if (++done === count) allDone();
  });
  await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
  void worker.run();
  try {
    const started = now();
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        queue.add('empty', { enqueuedAt: now() }, { jobId: `empty-${i}`, removeOnComplete: true }),
      ),
    );
    const timeout = sleep(60_000 + count * 100).then(() => {
      throw new Error(`empty BullMQ jobs: only ${done} of ${count} completed`);
    });
    await Promise.race([finished, timeout]);
    return { elapsedMs: now() - started, startLatencies };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

async function redisPubSub(config: AppConfig, count: number): Promise<number[]> {
  const publisher = new Redis(config.redis.url);
  const subscriber = new Redis(config.redis.url);
  const channel = `${config.redis.keyPrefix}bench-pubsub`;
  const latencies: number[] = [];
  let waiter: (() => void) | undefined;
  subscriber.on('message', (_channel: string, message: string) => {
    latencies.push(now() - Number(message));
    waiter?.();
  });
  try {
    await subscriber.subscribe(channel);
    // One message at a time: the delivery latency of a bare publish, without queueing behind the others.
    for (let i = 0; i < count; i++) {
      const delivered = new Promise<void>((resolve) => (waiter = resolve));
      await publisher.publish(channel, String(now()));
      await Promise.race([delivered, sleep(5_000)]);
    }
    return latencies;
  } finally {
    subscriber.disconnect();
    publisher.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------------------
// The run

const SPEC = {
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
};

async function run({ deployments: count }: Options): Promise<BenchResult[]> {
  const runId = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/streamplane';
  const databaseUrl = withDatabaseName(serverUrl, `streamplane_bench_${runId}`);
  const stateDirectory = mkdtempSync(path.join(tmpdir(), 'streamplane-bench-'));
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'development',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'error',
    DATABASE_URL: databaseUrl,
    REDIS_KEY_PREFIX: `spbench:${runId}:`,
    AUTH_SECRET: randomBytes(32).toString('hex'),
    CREDENTIALS_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    CLOUD_ENGINE: 'local',
    LOCAL_ENGINE_LATENCY_SCALE: '0',
    LOCAL_ENGINE_STATE_DIR: stateDirectory,
    TRUST_PROXY: 'false',
    PORT: '3000',
  });
  const concurrency = config.provisioning.concurrency;
  log(
    `${count} deployments; database ${databaseNameOf(databaseUrl)}, Redis prefix ${config.redis.keyPrefix}, ` +
      `provisioner concurrency ${concurrency}, local engine latency scale 0`,
  );

  let app: NestFastifyApplication | undefined;
  let provisioner: Provisioner | undefined;
  let subscriber: Subscriber | undefined;
  const redis = new Redis(config.redis.url);
  const logDestination = { write: (line: string) => void process.stderr.write(line) };
  try {
    await ensureDatabase(databaseUrl);
    await migrateDatabase(databaseUrl);
    app = await createApiApp(config, { logDestination });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.getHttpServer().address();
    const baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    provisioner = await startProvisioner(config, { logDestination });
    const prisma = app.get(PrismaService);

    // One organization, an ADMIN API token, a verified AWS account.
    const client = new GqlClient(baseUrl);
    const signup = await client.post('/v1/auth/signup', {
      email: `bench-${runId}@example.com`,
      password: `pw-${randomBytes(12).toString('hex')}`,
      name: 'Bench',
      organizationName: 'Bench Org',
    });
    if (signup.status !== 201)
      throw new Error(`signup failed: ${signup.status} ${JSON.stringify(signup.body)}`);
    const orgId: string = signup.body.organization.id;
    const token = await client.gql(
      'mutation { createApiToken(input: {name: "bench", scopes: [ADMIN]}) { secret } }',
    );
    client.bearer = token.createApiToken.secret;
    const account = await client.gql(
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
    const verified = await client.gql(
      'mutation($id: ID!) { verifyCloudAccount(cloudAccountId: $id) { verification { status } } }',
      { id: cloudAccountId },
    );
    log(`cloud account verification: ${verified.verifyCloudAccount.verification.status}`);

    subscriber = await Subscriber.open(baseUrl, client.bearer!);
    await whenLive(config, redis, orgId, subscriber);

    // N deployments ordered at once.
    log(`ordering ${count} deployments concurrently`);
    const started = now();
    const ordered = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        client.gql(
          'mutation($i: CreateDeploymentInput!) { createDeployment(input: $i) { deployment { id } } }',
          { i: { cloudAccountId, spec: { ...SPEC, name: `bench-${String(i).padStart(4, '0')}` } } },
        ),
      ),
    );
    const orderedMs = now() - started;
    const ids = new Set<string>(ordered.map((d) => d.createDeployment.deployment.id as string));
    log(`${ids.size} orders accepted in ${(orderedMs / 1000).toFixed(1)} s; waiting for RUNNING`);

    // Until all are RUNNING (or one FAILED, or the time is up).
    const timeoutMs = 60_000 + count * 2_000;
    let lastReport = Date.now();
    while ([...ids].some((id) => !subscriber!.running.has(id))) {
      const failed = [...subscriber.failed].filter(([id]) => ids.has(id));
      if (failed.length > 0) throw new Error(`${failed.length} deployment(s) FAILED: ${failed[0][1]}`);
      if (now() - started > timeoutMs) {
        const rows = await prisma.deployment.groupBy({ by: ['status'], _count: true });
        throw new Error(
          `timed out after ${timeoutMs / 1000} s; deployments by status: ${JSON.stringify(rows)}`,
        );
      }
      if (Date.now() - lastReport > 10_000) {
        lastReport = Date.now();
        log(`${[...ids].filter((id) => subscriber!.running.has(id)).length}/${count} RUNNING`);
      }
      await subscriber.next(1_000);
    }
    const elapsedMs = now() - started;
    // The subscriber is notified, not authoritative: PostgreSQL must agree.
    const runningRows = await prisma.deployment.count({ where: { id: { in: [...ids] }, status: 'RUNNING' } });
    if (runningRows !== count) throw new Error(`only ${runningRows} of ${count} deployments are RUNNING`);

    const operations = await prisma.operation.findMany({
      where: { deploymentId: { in: [...ids] }, type: 'CREATE' },
      select: { queuedAt: true, enqueuedAt: true, startedAt: true, finishedAt: true, status: true },
    });
    const queueToStart = operations.map((o) => o.startedAt!.getTime() - o.queuedAt.getTime());
    const addToStart = operations
      .filter((o) => o.enqueuedAt)
      .map((o) => o.startedAt!.getTime() - o.enqueuedAt!.getTime());
    const runTimes = operations.map((o) => o.finishedAt!.getTime() - o.startedAt!.getTime());
    const statusLatencies = subscriber.arrivals
      .filter((a) => ids.has(a.deploymentId))
      .map((a) => a.arrived - a.at);
    const statusesByKind = new Map<string, number>();
    for (const a of subscriber.arrivals.filter((x) => ids.has(x.deploymentId))) {
      statusesByKind.set(a.status, (statusesByKind.get(a.status) ?? 0) + 1);
    }

    // Baselines, same process, same Redis.
    log(`baseline: ${count} empty BullMQ jobs (concurrency ${concurrency})`);
    const bull = await emptyBullmqJobs(config, count, concurrency);
    log(`baseline: ${count} bare Redis publish → subscriber deliveries`);
    const pubsub = await redisPubSub(config, count);

    const rows: [string, string, string][] = [
      ['', 'Streamplane deployments', 'baseline'],
      ['throughput', `${rate(count, elapsedMs)} operations`, `${rate(count, bull.elapsedMs)} empty jobs`],
      [
        'enqueue → start p50',
        `${ms(percentile(queueToStart, 50))} (queuedAt → startedAt)`,
        `${ms(percentile(bull.startLatencies, 50))} (add → processor)`,
      ],
      ['enqueue → start p99', ms(percentile(queueToStart, 99)), ms(percentile(bull.startLatencies, 99))],
      [
        'status → subscriber p50',
        `${ms(percentile(statusLatencies, 50))} (event at → ws arrival)`,
        `${ms(percentile(pubsub, 50))} (Redis publish → subscriber)`,
      ],
      ['status → subscriber p99', ms(percentile(statusLatencies, 99)), ms(percentile(pubsub, 99))],
      [
        'samples',
        `${operations.length} operations, ${statusLatencies.length} status events`,
        `${bull.startLatencies.length} jobs, ${pubsub.length} messages`,
      ],
    ];
    const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c].length)));
    const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c])).join(' | ')} |`;
    const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
    console.log('');
    console.log(
      `${count} deployments, all RUNNING in ${(elapsedMs / 1000).toFixed(1)} s ` +
        `(orders accepted in ${(orderedMs / 1000).toFixed(1)} s); local engine, latency scale 0; ` +
        `provisioner concurrency ${concurrency}; api, provisioner and subscriber in one Node process`,
    );
    console.log(line(rows[0]));
    console.log(rule);
    for (const r of rows.slice(1)) console.log(line(r));
    console.log('');
    console.log(
      `also: BullMQ add → start (enqueuedAt → startedAt) p50 ${ms(percentile(addToStart, 50))}, ` +
        `p99 ${ms(percentile(addToStart, 99))}; operation run (startedAt → finishedAt) ` +
        `p50 ${ms(percentile(runTimes, 50))}, p99 ${ms(percentile(runTimes, 99))}; ` +
        `status events received: ${[...statusesByKind].map(([s, n]) => `${s} ${n}`).join(', ')}`,
    );
    console.log(
      'bottleneck: the local engine evaluates stack programs one at a time, so operations/s is bounded by ' +
        '1 / (program evaluation time) whatever the concurrency; enqueue → start then grows with the queue.',
    );
    return [
      {
        metric: `operations/s (${count} orders → RUNNING)`,
        value: count / (elapsedMs / 1000),
        unit: '/s',
        ceiling: {
          what: `empty BullMQ jobs, concurrency ${concurrency}`,
          value: count / (bull.elapsedMs / 1000),
        },
        better: 'higher',
      },
      {
        metric: 'enqueue → start p50',
        value: percentile(queueToStart, 50),
        unit: 'ms',
        ceiling: { what: 'empty BullMQ job, add → processor', value: percentile(bull.startLatencies, 50) },
        better: 'lower',
      },
      {
        metric: 'status → subscriber p50',
        value: percentile(statusLatencies, 50),
        unit: 'ms',
        ceiling: { what: 'bare Redis publish → subscriber', value: percentile(pubsub, 50) },
        better: 'lower',
      },
    ];
  } finally {
    subscriber?.close();
    await provisioner?.close().catch((error: unknown) => log(`closing the provisioner: ${String(error)}`));
    await app?.close().catch((error: unknown) => log(`closing the api: ${String(error)}`));
    await cleanUp(redis, config, databaseUrl, stateDirectory);
  }
}

async function cleanUp(redis: Redis, config: AppConfig, databaseUrl: string, stateDirectory: string) {
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.redis.keyPrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch (error) {
    log(`could not delete the Redis keys ${config.redis.keyPrefix}*: ${String(error)}`);
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
  rmSync(stateDirectory, { recursive: true, force: true });
}

export const deploymentsBench: Benchmark<Options> = { name: 'deployments', parseArgs, run };

if (require.main === module) runAsScript(deploymentsBench);
