import type { PipelineQuery, PipelineStatus, PipelineStatusSubscription } from '../generated/graphql';

export type Checkpoint = PipelineQuery['pipeline']['checkpoints'][number];
export type PipelineEvent = PipelineStatusSubscription['pipelineStatus'];

/** One point of the live chart: the sink's throughput and the summed lag at a moment. */
export interface Sample {
  at: number;
  throughput: number;
  lag: number;
}

/** What the pipeline page shows live: each stage's newest checkpoint, the recent samples, a newer status. */
export interface PipelineLive {
  checkpoints: Record<string, Checkpoint>;
  samples: Sample[];
  status?: { status: PipelineStatus; at: string; message: string | null };
}

/** How far back the chart goes. */
export const WINDOW_MS = 10 * 60 * 1000;

export const emptyPipelineLive: PipelineLive = { checkpoints: {}, samples: [] };

/** Throughput is what the sink writes (the api's totals do the same); lag is summed over the stages. */
export function totalsOf(
  stages: string[],
  checkpoints: Record<string, Checkpoint>,
): { throughput: number; lag: number } {
  const sink = stages[stages.length - 1];
  return {
    throughput: sink ? (checkpoints[sink]?.messagesPerSec ?? 0) : 0,
    lag: Object.values(checkpoints).reduce((sum, checkpoint) => sum + checkpoint.lag, 0),
  };
}

function withSample(samples: Sample[], sample: Sample): Sample[] {
  const kept = samples.filter((existing) => existing.at > sample.at - WINDOW_MS);
  // A round of reports (one per stage) observed at the same second is one point of the chart.
  const last = kept[kept.length - 1];
  if (last && Math.abs(last.at - sample.at) < 1000) return [...kept.slice(0, -1), sample];
  if (last && sample.at < last.at) return kept; // late, out of order: the chart only moves forward
  return [...kept, sample];
}

/** The stored checkpoints a query read: the starting point (a checkpoint is kept only if newer). */
export function withCheckpoints(
  live: PipelineLive,
  stages: string[],
  checkpoints: Checkpoint[],
): PipelineLive {
  let next = live;
  for (const checkpoint of checkpoints) next = applyCheckpoint(next, stages, checkpoint);
  return next;
}

export function applyCheckpoint(live: PipelineLive, stages: string[], checkpoint: Checkpoint): PipelineLive {
  const current = live.checkpoints[checkpoint.stage];
  if (current && current.sequence >= checkpoint.sequence) return live;
  const checkpoints = { ...live.checkpoints, [checkpoint.stage]: checkpoint };
  const totals = totalsOf(stages, checkpoints);
  const samples = withSample(live.samples, { at: Date.parse(checkpoint.observedAt), ...totals });
  return { ...live, checkpoints, samples };
}

export function applyEvent(live: PipelineLive, stages: string[], event: PipelineEvent): PipelineLive {
  if (event.kind === 'CHECKPOINT' && event.checkpoint) return applyCheckpoint(live, stages, event.checkpoint);
  if (event.kind === 'STATUS' && event.status) {
    return { ...live, status: { status: event.status, at: event.at, message: event.message ?? null } };
  }
  return live;
}

const rate = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatRate(value: number): string {
  return `${rate.format(value)} msg/s`;
}

export function formatLag(value: number): string {
  return `${whole.format(value)} msg`;
}
