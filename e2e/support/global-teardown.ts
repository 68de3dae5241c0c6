// After the journeys: the processes stopped, the run's database dropped and its Redis keys deleted (the
// integration tier's teardown does the latter for any run id). Logs stay in tmp/e2e/<run id>/.
// eslint-disable-next-line @nx/enforce-module-boundaries
import dropRun from '../../libs/testing/src/jest/global-teardown';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { REDIS_URL_ENV, RUN_ID_ENV, SERVER_URL_ENV } from '../../libs/testing/src/jest/test-run';
import { readRunState } from './run-state';
import { stopProcesses } from './system';

export default async function globalTeardown(): Promise<void> {
  const state = readRunState();
  if (state.runId === 'external') return;
  await stopProcesses(state.pids);
  process.env[RUN_ID_ENV] = state.runId;
  process.env[SERVER_URL_ENV] = state.serverUrl;
  process.env[REDIS_URL_ENV] = state.redisUrl;
  await dropRun();
}
