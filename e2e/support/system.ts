// The system under test, as `npm start` runs it: the api (serving the built dashboard), the provisioner on
// the local engine, the billing worker and the simulated agent — each a real process on this machine,
// against a database made for this run and a Redis key prefix of its own.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
// Relative on purpose, as in libs/testing's global set-up: these run before (and outside) the app code.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { ensureDatabase, migrateDatabase } from '../../libs/db/src/migrations/migrate';
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  databaseUrl,
  newRunId,
  TEST_DATABASE_PREFIX,
  testRedisUrl,
  testServerUrl,
} from '../../libs/testing/src/jest/test-run';
import { REPO_ROOT, type RunState } from './run-state';

/** Fixed secrets for the run's processes (never used outside tests). */
const AUTH_SECRET = 'streamplane-e2e-secret-not-for-production-000000';
const CREDENTIALS_KEYS = `e2e-k1:${Buffer.alloc(32, 0x3c).toString('base64')}`;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The dashboard the api serves (`npm run web:build`), unless E2E_SKIP_BUILD is set and a build exists. */
export function buildDashboard(): void {
  if (process.env.E2E_SKIP_BUILD && existsSync(join(REPO_ROOT, 'apps/web/dist/index.html'))) return;
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // vite runs as ESM; the vm-modules flag the jest tiers need is no use to it
  const result = spawnSync('npm', ['run', '--silent', 'web:build'], {
    cwd: REPO_ROOT,
    env,
    stdio: 'inherit',
  });
  if (result.status !== 0)
    throw new Error(`Building the dashboard failed (exit ${result.status ?? result.signal})`);
}

/** The last lines of a process's log, for a failure message. */
function logTail(logDir: string, name: string, lines = 15): string {
  try {
    return readFileSync(join(logDir, `${name}.log`), 'utf8')
      .trimEnd()
      .split('\n')
      .slice(-lines)
      .join('\n');
  } catch {
    return '(no log)';
  }
}

function startProcess(name: string, args: string[], env: NodeJS.ProcessEnv, logDir: string): number {
  const log = openSync(join(logDir, `${name}.log`), 'a');
  const child = spawn(process.execPath, ['-r', '@swc-node/register', ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', log, log],
  });
  child.unref();
  if (!child.pid) throw new Error(`Could not start ${name}`);
  return child.pid;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilReady(baseUrl: string, apiPid: number, logDir: string): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (!alive(apiPid)) throw new Error(`The api exited during start-up; see ${join(logDir, 'api.log')}`);
    try {
      const response = await fetch(`${baseUrl}/readyz`);
      if (response.ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline)
      throw new Error(`The api did not become ready; see ${join(logDir, 'api.log')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Starts everything for one run; returns what teardown and the journeys need. */
export async function startSystem(): Promise<RunState> {
  const runId = newRunId(Date.now(), randomBytes(2).toString('hex'));
  const serverUrl = testServerUrl(process.env);
  const redisUrl = testRedisUrl(process.env);
  const dbUrl = databaseUrl(serverUrl, `${TEST_DATABASE_PREFIX}${runId}_e2e`);
  await ensureDatabase(dbUrl);
  await migrateDatabase(dbUrl);

  const logDir = join(REPO_ROOT, 'tmp/e2e', runId);
  mkdirSync(logDir, { recursive: true });
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const redisKeyPrefix = `sp-test:${runId}:e2e:`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: baseUrl,
    DATABASE_URL: dbUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: redisKeyPrefix,
    AUTH_SECRET,
    CREDENTIALS_ENCRYPTION_KEYS: CREDENTIALS_KEYS,
    CLOUD_ENGINE: 'local',
    LOCAL_ENGINE_STATE_DIR: join(logDir, 'stacks'),
    // Kafka upgrades are proposed within seconds of a deployment running on an older version.
    PROVISIONER_UPGRADE_CHECK_INTERVAL_SECONDS: '2',
    PROVISIONER_UPGRADE_PRECONDITION_RETRY_SECONDS: '2',
    // Usage moves while a journey watches: the simulated agent reports every 5 s, roll-ups follow.
    AGENT_SIMULATOR_INTERVAL_SECONDS: '5',
    AGENT_CONTROL_PLANE_URL: baseUrl,
    BILLING_ROLLUP_INTERVAL_SECONDS: '5',
    BILLING_INVOICE_REFRESH_INTERVAL_SECONDS: '10',
  };
  const started = new Map<string, number>();
  started.set('api', startProcess('api', ['apps/api/src/main.ts'], env, logDir));
  // The workers serve /healthz and /metrics on PORT when it is set (as on Kubernetes): each its own here.
  const workerEnv = async () => ({ ...env, PORT: String(await freePort()) });
  started.set(
    'provisioner',
    startProcess('provisioner', ['apps/provisioner/src/main.ts'], await workerEnv(), logDir),
  );
  if (existsSync(join(REPO_ROOT, 'apps/billing/src/main.ts'))) {
    started.set('billing', startProcess('billing', ['apps/billing/src/main.ts'], await workerEnv(), logDir));
  }
  if (existsSync(join(REPO_ROOT, 'apps/agent/src/main.ts'))) {
    started.set('agent', startProcess('agent', ['apps/agent/src/main.ts', '--simulate'], env, logDir));
  }
  const pids = [...started.values()];
  try {
    await waitUntilReady(baseUrl, started.get('api')!, logDir);
    // The workers have no readiness endpoint: one that dies while starting is caught here, by name.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    for (const [name, pid] of started) {
      if (!alive(pid)) {
        throw new Error(
          `The ${name} process exited during start-up. Its log (${join(logDir, `${name}.log`)}) ends:\n${logTail(logDir, name)}`,
        );
      }
    }
  } catch (error) {
    await stopProcesses(pids);
    throw error;
  }
  return { runId, baseUrl, databaseUrl: dbUrl, serverUrl, redisUrl, redisKeyPrefix, logDir, pids };
}

/** SIGTERM (they shut down gracefully), then SIGKILL whatever is left after 10 s. */
export async function stopProcesses(pids: number[]): Promise<void> {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      /* gone already */
    }
  }
  const deadline = Date.now() + 10_000;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
}
