import {
  buildClientSchema,
  getIntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
  type IntrospectionQuery,
} from 'graphql';
import { fork } from 'node:child_process';
import { isBuiltin } from 'node:module';
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
// The schema the api's sources build (as apps/api/schema.graphql is printed), to compare the bundle's with.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { buildApiSchema } from '../../apps/api/src/graphql/api-schema';
import { BundleProcess, freePort } from './testing/bundle-process';
import { buildAllBundles, ensureDashboardBuild, installBundle, REPO_ROOT } from './testing/install-bundle';

/**
 * Each process's production bundle (what its image runs), built, copied into an empty folder, installed with
 * production dependencies only, and started there against this worker's PostgreSQL and Redis: the migration
 * runner migrates a fresh database, the api answers its probes with the dashboard and the full GraphQL schema
 * (decorator metadata survived bundling), the workers report ready, the agent's simulation starts.
 */
const MINUTES = 60_000;
const installs: Record<string, { dir: string; seconds: number }> = {};
const running: BundleProcess[] = [];
let freshDatabaseUrl: string;
let apiUrl: string;

/** What every process gets; nothing is inherited from the test process (its NODE_OPTIONS, its cwd). */
function processEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    TMPDIR: process.env.TMPDIR ?? '/tmp',
    DATABASE_URL: freshDatabaseUrl,
    REDIS_URL: process.env.REDIS_URL,
    REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}bundles:`,
    AUTH_SECRET: process.env.AUTH_SECRET,
    CREDENTIALS_ENCRYPTION_KEYS: process.env.CREDENTIALS_ENCRYPTION_KEYS,
    CLOUD_ENGINE: 'local',
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    ...extra,
  };
}

function start(app: string, args: string[], extra: Record<string, string>): BundleProcess {
  const child = BundleProcess.start(app, installs[app].dir, args, processEnv(extra));
  running.push(child);
  return child;
}

async function withDatabase<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await ensureDashboardBuild();
  await buildAllBundles();
  const started = performance.now();
  // At once: unpacking from npm's cache waits on the disk more than on the two cores.
  const apps = ['api', 'provisioner', 'billing', 'agent'];
  const installed = await Promise.all(apps.map((app) => installBundle(app)));
  apps.forEach((app, index) => (installs[app] = installed[index]));
  const each = apps.map((app) => `${app} ${installs[app].seconds.toFixed(1)} s`).join(', ');
  const total = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`[bundles] npm ci --omit=dev of the four bundles at once: ${total} s (${each})\n`);
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `${url.pathname}_bundles`;
  freshDatabaseUrl = url.toString();
}, 10 * MINUTES);

afterAll(async () => {
  await Promise.all(running.map((child) => child.stop()));
  await Promise.all(Object.values(installs).map(({ dir }) => fs.rm(dir, { recursive: true, force: true })));
  if (freshDatabaseUrl) {
    const name = new URL(freshDatabaseUrl).pathname.slice(1);
    await withDatabase(process.env.DATABASE_URL!, (client) =>
      client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
    );
  }
}, 2 * MINUTES);

/** The npm packages a bundle's JavaScript loads (`require("…")`, `import("…")`), node's own modules left out. */
function packagesLoadedBy(dir: string): string[] {
  const names = new Set<string>();
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.js'))) {
    const code = readFileSync(path.join(dir, file), 'utf8');
    for (const [, specifier] of code.matchAll(/\b(?:require|import)\("([^"./][^"]*)"\)/g)) {
      if (isBuiltin(specifier)) continue;
      const parts = specifier.split('/');
      names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
    }
  }
  return [...names].sort();
}

test('each bundle lists exactly the packages it loads, at the locked versions, and none of our code', () => {
  const lock = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version: string }>;
  };
  for (const [app, { dir }] of Object.entries(installs)) {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const loaded = packagesLoadedBy(dir);
    expect({ app, dependencies: Object.keys(manifest.dependencies).sort() }).toEqual({
      app,
      dependencies: loaded,
    });
    for (const [name, version] of Object.entries(manifest.dependencies)) {
      expect(`${app}: ${name}@${version}`).toBe(
        `${app}: ${name}@${lock.packages[`node_modules/${name}`].version}`,
      );
    }
    // Our libraries are inside the bundle; the repository's devDependencies are not installed.
    expect(loaded.filter((name) => name.startsWith('@streamplane/'))).toEqual([]);
    expect(existsSync(path.join(dir, 'node_modules/typescript'))).toBe(false);
  }
});

test(
  'api: migrate.js migrates a fresh database; the api answers /healthz and /readyz, serves the dashboard and the GraphQL schema',
  async () => {
    const misplaced = start('api', ['migrate.js'], {
      MIGRATIONS_DIR: path.join(installs.api.dir, 'nowhere'),
    });
    expect(await misplaced.exitCode()).toBe(1);
    expect(misplaced.log).toContain(
      `Cannot read the migrations folder ${path.join(installs.api.dir, 'nowhere')}`,
    );

    const migrate = start('api', ['migrate.js'], {});
    expect({ code: await migrate.exitCode(), log: migrate.log }).toMatchObject({ code: 0 });
    const migrations = readdirSync(path.join(REPO_ROOT, 'prisma/migrations'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(migrate.log).toContain(`Applied ${migrations.length} migration(s)`);
    const applied = await withDatabase(freshDatabaseUrl, (client) =>
      client.query<{ migration_name: string }>(
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name',
      ),
    );
    expect(applied.rows.map((row) => row.migration_name)).toEqual([...migrations].sort());

    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    // Introspection is deeper than the default limit.
    const api = start('api', ['--enable-source-maps', 'main.js'], {
      PORT: String(port),
      PUBLIC_URL: apiUrl,
      GRAPHQL_MAX_DEPTH: '20',
    });
    await api.waitForStatus(`${apiUrl}/healthz`);
    const ready = await api.waitForStatus(`${apiUrl}/readyz`);
    expect(await ready.json()).toMatchObject({ status: 'ready' });

    const page = await fetch(`${apiUrl}/deployments`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');

    const response = await fetch(`${apiUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: getIntrospectionQuery({ specifiedByUrl: true }) }),
    });
    const { data } = (await response.json()) as { data: IntrospectionQuery };
    const served = printSchema(lexicographicSortSchema(buildClientSchema(data)));
    // Field and argument types come from decorator metadata: a bundle without it serves another schema.
    expect(served).toBe(printSchema(await buildApiSchema()));
  },
  3 * MINUTES,
);

test.each(['provisioner', 'billing'])(
  '%s: connects to PostgreSQL and Redis and reports ready on /readyz',
  async (app) => {
    const port = await freePort();
    const worker = start(app, ['--enable-source-maps', 'main.js'], {
      PORT: String(port),
      LOCAL_ENGINE_STATE_DIR: path.join(installs[app].dir, '.stacks'),
    });
    const ready = await worker.waitForStatus(`http://127.0.0.1:${port}/readyz`);
    expect(await ready.json()).toMatchObject({
      status: 'ready',
      checks: { postgres: 'ok', redis: 'ok', worker: 'ok' },
    });
    expect(await worker.stop()).toBe(0);
  },
  2 * MINUTES,
);

test(
  'provisioner: the pulumi engine run process (stack-runner.main.js) loads and says ready',
  async () => {
    const runner = fork(path.join(installs.provisioner.dir, 'stack-runner.main.js'), [], {
      cwd: installs.provisioner.dir,
      env: processEnv({}),
      execPath: process.execPath,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    let stderr = '';
    runner.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const first = await new Promise<unknown>((resolve, reject) => {
      runner.once('message', resolve);
      runner.once('exit', (code) => reject(new Error(`stack runner exited ${code}: ${stderr}`)));
    });
    expect(first).toEqual({ type: 'ready' });
    runner.kill('SIGKILL');
  },
  MINUTES,
);

test(
  'agent --simulate starts on the local engine and stops gracefully',
  async () => {
    expect(apiUrl).toBeDefined();
    const agent = start('agent', ['--enable-source-maps', 'main.js', '--simulate'], {
      AGENT_CONTROL_PLANE_URL: apiUrl,
      AGENT_SIMULATOR_INTERVAL_SECONDS: '1',
      SPOOL_DIR: path.join(installs.agent.dir, '.spool'),
    });
    // With no running deployment in the fresh database its rounds report nothing; starting is what it can show.
    const started = await agent.waitForLine(
      (line) => typeof line.msg === 'string' && line.msg.startsWith('SIMULATED agent'),
    );
    expect(started).toMatchObject({ name: 'agent-simulator', intervalSeconds: 1 });
    expect(await agent.stop()).toBe(0);
  },
  2 * MINUTES,
);
