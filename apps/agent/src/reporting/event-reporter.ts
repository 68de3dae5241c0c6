import type { Logger } from 'pino';
import type { DiskSpool } from './disk-spool';
import type { IngestClient, IngestResult } from './ingest-client';

export interface EventReporterOptions {
  /** Events per request (the api caps batches at 1,000 by default; stay under it). */
  maxBatchEvents: number;
}

export interface DeliveryReport {
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Batches still on disk after this delivery. */
  spooledBatches: number;
}

/**
 * The agent's one reporting path, for usage and telemetry alike: every batch is first written to the disk
 * spool (fsynced), then the spool is delivered oldest first, each segment deleted only once the api
 * answered 2xx (accepted or duplicate: committed either way) — so nothing is lost while the control plane
 * is down or the agent restarts, and the same ids are sent again until acknowledged (the api counts them
 * once). Delivery stops at the first batch that cannot be delivered now and resumes on the next report.
 */
export class EventReporter {
  private delivering: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly spool: DiskSpool,
    private readonly client: IngestClient,
    private readonly token: () => string | Promise<string>,
    private readonly logger: Logger,
    private readonly options: EventReporterOptions,
    private readonly stop?: AbortSignal,
  ) {}

  /** Spools `events` (in batches) and delivers whatever the spool holds. */
  report(events: readonly object[]): Promise<DeliveryReport> {
    const run = this.delivering.then(async () => {
      for (let start = 0; start < events.length; start += this.options.maxBatchEvents) {
        const batch = events.slice(start, start + this.options.maxBatchEvents);
        if (!(await this.spool.append(batch))) {
          // Make room by delivering what waits, then try once more; still full: these events are lost.
          await this.deliverSpool();
          if (!(await this.spool.append(batch))) {
            this.logger.error(
              { events: batch.length, ...(await this.spool.size()) },
              'agent spool full: events dropped (the control plane has been unreachable too long)',
            );
          }
        }
      }
      return this.deliverSpool();
    });
    this.delivering = run.catch(() => undefined);
    return run;
  }

  /** Delivers the spool, oldest first, until it is empty or a batch cannot be delivered now. */
  private async deliverSpool(): Promise<DeliveryReport> {
    const report: DeliveryReport = { accepted: 0, duplicates: 0, rejected: 0, spooledBatches: 0 };
    for (let batch = await this.spool.oldest(); batch; batch = await this.spool.oldest()) {
      if (this.stop?.aborted) break;
      const outcome = await this.client.send(await this.token(), batch.events, this.stop);
      if (outcome.kind === 'failed' || outcome.kind === 'unauthorized') {
        const spooled = await this.spool.size();
        this.logger[outcome.kind === 'unauthorized' ? 'error' : 'warn'](
          { detail: outcome.message, spooledBatches: spooled.segments, spooledBytes: spooled.bytes },
          outcome.kind === 'unauthorized'
            ? 'the control plane refused the agent token; events kept in the spool'
            : 'control plane unreachable; events kept in the spool',
        );
        break;
      }
      if (outcome.kind === 'refused') {
        // 400/413/415: this batch will never be taken as it is; keeping it would block everything behind it.
        this.logger.error(
          { status: outcome.status, detail: outcome.message, events: batch.events.length },
          'batch refused as a whole by the control plane; dropped',
        );
      } else {
        this.count(report, outcome.result);
      }
      await this.spool.remove(batch.name);
    }
    report.spooledBatches = (await this.spool.size()).segments;
    return report;
  }

  private count(report: DeliveryReport, result: IngestResult): void {
    report.accepted += result.accepted.length;
    report.duplicates += result.duplicates.length;
    report.rejected += result.rejected.length;
    if (result.rejected.length > 0) {
      // A resend would be rejected again: logged, not retried.
      this.logger.warn(
        { rejected: result.rejected.slice(0, 5), count: result.rejected.length },
        'events rejected by the control plane',
      );
    }
  }
}
