// What global-setup started, for the journeys and global-teardown (jest runs them in other module scopes).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../..');
export const SCREENSHOTS_DIR = join(REPO_ROOT, 'e2e/screenshots');
const STATE_FILE = join(REPO_ROOT, 'tmp/e2e/run-state.json');

export interface RunState {
  runId: string;
  /** The dashboard and api, e.g. http://127.0.0.1:41234. */
  baseUrl: string;
  databaseUrl: string;
  serverUrl: string;
  redisUrl: string;
  redisKeyPrefix: string;
  logDir: string;
  /** Processes global-setup started (none when E2E_BASE_URL points at a running system). */
  pids: number[];
}

export function writeRunState(state: RunState): void {
  mkdirSync(join(REPO_ROOT, 'tmp/e2e'), { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify(state, null, 2));
}

export function readRunState(): RunState {
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as RunState;
}
