import type { Metrics } from '@streamplane/observability';
import type { Job, Worker } from 'bullmq';

/**
 * Times every job a BullMQ worker finishes, by queue, job name and outcome: `completed`, or `failed` for
 * each failed attempt (retried or not). A job moved back on purpose (delayed, handed back at shutdown) ends
 * with neither event and is not timed.
 */
export function recordJobDurations<D, R, N extends string>(worker: Worker<D, R, N>, metrics: Metrics): void {
  const observe = (job: Job<D, R, N> | undefined, outcome: 'completed' | 'failed') => {
    if (!job?.processedOn) return;
    const seconds = Math.max(0, (job.finishedOn ?? Date.now()) - job.processedOn) / 1000;
    metrics.jobDuration.observe({ queue: worker.name, job: job.name, outcome }, seconds);
  };
  worker.on('completed', (job) => observe(job, 'completed'));
  worker.on('failed', (job) => observe(job, 'failed'));
}
