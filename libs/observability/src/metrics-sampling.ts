/** The BullMQ job states sampled as queue depth (completed jobs are retention, not work). */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** What queue depth is read from: a BullMQ `Queue` (kept structural, so this library needs no bullmq). */
export interface JobCountsSource {
  readonly name: string;
  getJobCounts(...states: QueueState[]): Promise<Record<string, number>>;
}

export interface MetricsSampleLogger {
  warn(details: object, message: string): void;
}

/**
 * Runs one scrape-time sample with a time limit, so an unreachable Redis or PostgreSQL (whose clients may
 * queue commands while reconnecting) cannot hang /metrics. Resolves undefined when it failed or took too long.
 */
export async function sampleWithin<T>(
  what: string,
  sample: () => Promise<T>,
  timeoutMs: number,
  onError: (error: Error) => void,
): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      sample(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    onError(error instanceof Error ? error : new Error(String(error)));
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
