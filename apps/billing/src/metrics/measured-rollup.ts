import type { RollupResult, RollupService } from '@streamplane/billing';
import type { Metrics } from '@streamplane/observability';

/** Rolls up the pending hours and records how long it took and how many hours it cleared. */
export async function measuredRollup(
  rollup: RollupService,
  metrics: Metrics,
  signal: AbortSignal | undefined,
): Promise<RollupResult> {
  const stop = metrics.rollupDuration.startTimer();
  const result = await rollup.rollUpPending({ signal });
  stop();
  metrics.rollupHours.inc(result.hours);
  return result;
}
