import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, '../../..');

/** The environment for tools the test runs: no jest-only NODE_OPTIONS, Node 24 first on PATH. */
export function toolEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
  delete env.NODE_OPTIONS;
  env.PATH = `${path.join(REPO_ROOT, 'node_modules/.bin')}${path.delimiter}${env.PATH ?? ''}`;
  return env;
}

/** `nx run web:build` when there is no dashboard build yet (the api bundle must carry one). */
export async function ensureDashboardBuild(): Promise<void> {
  if (existsSync(path.join(REPO_ROOT, 'apps/web/dist/index.html'))) return;
  await run('nx', ['run', 'web:build', '--outputStyle=static'], {
    cwd: REPO_ROOT,
    env: toolEnv(),
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** scripts/bundles/build-bundles.ts, as `nx run <app>:build` runs it. */
export async function buildAllBundles(): Promise<void> {
  await run(process.execPath, ['-r', '@swc-node/register', 'scripts/bundles/build-bundles.ts'], {
    cwd: REPO_ROOT,
    env: toolEnv(),
    maxBuffer: 64 * 1024 * 1024,
  });
}

/**
 * Copies dist/apps/<app> into a new empty folder outside the repository (so nothing resolves from the
 * repository's node_modules) and installs its production dependencies from its own lockfile, from the npm
 * cache the repository's own `npm ci` filled. Returns the folder and how long the install took.
 */
export async function installBundle(app: string): Promise<{ dir: string; seconds: number }> {
  const dir = await fs.mkdtemp(path.join(tmpdir(), `sp-bundle-${app}-`));
  await fs.cp(path.join(REPO_ROOT, 'dist/apps', app), dir, { recursive: true });
  const started = performance.now();
  await run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: dir,
    env: toolEnv(),
    maxBuffer: 64 * 1024 * 1024,
  });
  return { dir, seconds: (performance.now() - started) / 1000 };
}

export { REPO_ROOT };
