// Once per journey run: Chromium present, the dashboard built, the system started (unless E2E_BASE_URL
// names one already running, for iterating on a journey).
import { existsSync, mkdirSync } from 'node:fs';
import { CHROMIUM } from './browser';
import { SCREENSHOTS_DIR, writeRunState } from './run-state';
import { buildDashboard, startSystem } from './system';

export default async function globalSetup(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `The browser journeys need Chromium at ${CHROMIUM}: install it with \`sudo apt-get install -y chromium\` ` +
        '(or set E2E_CHROMIUM to another Chromium binary).',
    );
  }
  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  const existing = process.env.E2E_BASE_URL;
  if (existing) {
    writeRunState({
      runId: 'external',
      baseUrl: existing.replace(/\/$/, ''),
      databaseUrl: process.env.E2E_DATABASE_URL ?? '',
      serverUrl: '',
      redisUrl: '',
      redisKeyPrefix: '',
      logDir: '',
      pids: [],
    });
    return;
  }
  const started = Date.now();
  buildDashboard();
  const state = await startSystem();
  writeRunState(state);
  // A safety net: if jest ends without running the teardown (a crash, Ctrl-C twice), the processes go too.
  // (A stale database is dropped by the next integration run after 6 hours, like the integration tier's.)
  process.once('exit', () => {
    for (const pid of state.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* stopped by the teardown already */
      }
    }
  });
  process.stderr.write(
    `\n[e2e] run ${state.runId}: system up at ${state.baseUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s (logs: ${state.logDir})\n`,
  );
}
