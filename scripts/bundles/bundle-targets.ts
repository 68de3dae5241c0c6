/**
 * What goes into each process's production bundle (dist/apps/<app>): its entry points, named by the file
 * they become, and the files it reads at runtime beside them.
 */
export type BundledApp = 'api' | 'provisioner' | 'billing' | 'agent';

export interface BundleTarget {
  /** Output name (without `.js`) → entry source, relative to the repository root. */
  entryPoints: Record<string, string>;
  /** Folders copied next to the bundle: `from` in the repository → `to` inside the bundle. */
  copy: ReadonlyArray<{ from: string; to: string; what: string }>;
}

export const BUNDLED_APPS: readonly BundledApp[] = ['api', 'provisioner', 'billing', 'agent'];

export const BUNDLE_TARGETS: Readonly<Record<BundledApp, BundleTarget>> = {
  api: {
    entryPoints: {
      main: 'apps/api/src/main.ts',
      // The migration Job runs the api image (deploy/kubernetes/base/migrate-job.yaml).
      migrate: 'libs/db/src/cli/migrate.ts',
    },
    copy: [
      // DEFAULT_MIGRATIONS_DIR (libs/db) looks for `migrations` beside the running script.
      { from: 'prisma/migrations', to: 'migrations', what: 'the SQL migrations' },
      // DASHBOARD_DIST (apps/api/src/web) looks for `web` beside the running script.
      { from: 'apps/web/dist', to: 'web', what: 'the built dashboard (npx nx run web:build)' },
    ],
  },
  provisioner: {
    entryPoints: {
      main: 'apps/provisioner/src/main.ts',
      // PulumiStackEngine forks `stack-runner.main.js` from the directory of the running bundle.
      'stack-runner.main': 'libs/provisioning/src/pulumi/stack-runner.main.ts',
    },
    copy: [],
  },
  billing: { entryPoints: { main: 'apps/billing/src/main.ts' }, copy: [] },
  agent: { entryPoints: { main: 'apps/agent/src/main.ts' }, copy: [] },
};

export function isBundledApp(name: string): name is BundledApp {
  return (BUNDLED_APPS as readonly string[]).includes(name);
}
