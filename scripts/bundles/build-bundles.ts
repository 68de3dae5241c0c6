// Production bundles, one per process: `node -r @swc-node/register scripts/bundles/build-bundles.ts [app…]`
// (Nx: `npx nx run api:build`). Writes dist/apps/<app>/ — main.js (CommonJS, Node 24, source maps) and the
// app's other entry points, with only our code inside (apps, libs/*, infra via the tsconfig path aliases); every
// npm package stays external and is listed, at its locked version, in a generated package.json with a pruned
// package-lock.json, so `npm ci --omit=dev` in that folder installs exactly what the bundle loads.
import { createProjectGraphAsync } from '@nx/devkit';
import { generatePrunedDeployOutput } from '@nx/js';
import { build } from 'esbuild';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import {
  bundlePackageJson,
  externalPackagesOf,
  type BundlePackageJson,
  type RootManifests,
} from './bundle-package-json';
import { BUNDLE_TARGETS, BUNDLED_APPS, isBundledApp, type BundledApp } from './bundle-targets';
import { decoratorMetadataPlugin } from './decorator-metadata.plugin';

const ROOT = path.resolve(__dirname, '../..');
/** Generated TypeScript (gitignored), bundled like our own code. */
const PRISMA_CLIENT = 'libs/db/src/generated/prisma/client.ts';

export function bundleDir(app: BundledApp, root: string = ROOT): string {
  return path.join(root, 'dist/apps', app);
}

export interface BuiltBundle {
  app: BundledApp;
  dir: string;
  dependencies: Record<string, string>;
}

async function readRootManifests(): Promise<RootManifests> {
  const read = async (file: string): Promise<unknown> =>
    JSON.parse(await fs.readFile(path.join(ROOT, file), 'utf8'));
  return {
    packageJson: (await read('package.json')) as RootManifests['packageJson'],
    lock: (await read('package-lock.json')) as RootManifests['lock'],
  };
}

export async function buildBundle(
  app: BundledApp,
  root: RootManifests,
  writePrunedLockfile: (packageJson: BundlePackageJson, projectRoot: string, outdir: string) => void,
): Promise<BuiltBundle> {
  const target = BUNDLE_TARGETS[app];
  const outdir = bundleDir(app);
  // Missing inputs first, before the old bundle is deleted.
  if (!existsSync(path.join(ROOT, PRISMA_CLIENT))) {
    throw new Error(
      `${PRISMA_CLIENT} does not exist: generate the Prisma client (bash scripts/prisma-generate.sh).`,
    );
  }
  for (const item of target.copy) {
    if (!existsSync(path.join(ROOT, item.from))) {
      throw new Error(`${app}: ${item.from} does not exist; the bundle needs ${item.what}.`);
    }
  }
  await fs.rm(outdir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.entries(target.entryPoints).map(([out, entry]) => ({ in: entry, out })),
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node24',
    format: 'cjs',
    sourcemap: true,
    // Resolved before `packages`, so @streamplane/* is bundled and every npm package is not.
    tsconfig: path.join(ROOT, 'tsconfig.base.json'),
    packages: 'external',
    // GraphQL type names, Nest providers and log contexts come from class names: never rename them.
    keepNames: true,
    metafile: true,
    logLevel: 'warning',
    plugins: [decoratorMetadataPlugin()],
  });
  for (const item of target.copy) {
    await fs.cp(path.join(ROOT, item.from), path.join(outdir, item.to), { recursive: true });
  }
  const { packageJson, misfiled } = bundlePackageJson(app, externalPackagesOf(result.metafile), root);
  if (misfiled.length > 0) {
    process.stderr.write(
      `[streamplane] warning: the ${app} bundle loads ${misfiled.join(', ')}, listed in package.json ` +
        `"devDependencies": move to "dependencies" (\`npm ci --omit=dev\` at the root would leave them out).\n`,
    );
  }
  // Nx may adjust the manifest to match the lockfile it writes: the manifest is written after.
  writePrunedLockfile(packageJson, `apps/${app}`, outdir);
  await fs.writeFile(path.join(outdir, 'package.json'), `${JSON.stringify(packageJson, null, 2)}\n`);
  return { app, dir: outdir, dependencies: packageJson.dependencies };
}

/** Builds the given apps' bundles (all by default), one after the other. */
export async function buildBundles(apps: readonly BundledApp[] = BUNDLED_APPS): Promise<BuiltBundle[]> {
  const root = await readRootManifests();
  // Nx prunes the root lockfile to a package.json's dependencies (its generatePackageJson does the same).
  const graph = await createProjectGraphAsync({ exitOnError: false });
  const writePrunedLockfile = (packageJson: BundlePackageJson, projectRoot: string, outdir: string) =>
    generatePrunedDeployOutput(packageJson, graph, projectRoot, {
      outputDirectory: outdir,
      packageManager: 'npm',
      workspaceRoot: ROOT,
    });
  const built: BuiltBundle[] = [];
  for (const app of apps) built.push(await buildBundle(app, root, writePrunedLockfile));
  return built;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((arg) => !isBundledApp(arg));
  if (unknown.length > 0) {
    throw new Error(`Unknown app(s): ${unknown.join(', ')}. Known: ${BUNDLED_APPS.join(', ')}.`);
  }
  const apps = args.length > 0 ? (args as BundledApp[]) : BUNDLED_APPS;
  for (const bundle of await buildBundles(apps)) {
    const count = Object.keys(bundle.dependencies).length;
    process.stdout.write(`[streamplane] ${path.relative(ROOT, bundle.dir)}: ${count} npm dependencies\n`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `[streamplane] Bundle build failed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
