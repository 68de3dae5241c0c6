import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { Prisma, PrismaService } from '@streamplane/db';

export interface RollupOptions {
  /** At most this many pending hours in this call (default: every hour pending when the call starts). */
  limit?: number;
  /** Pending hours per transaction (default BILLING_ROLLUP_BATCH_SIZE). */
  batchSize?: number;
  /** Transactions run at once by this call (default BILLING_ROLLUP_CONCURRENCY). */
  concurrency?: number;
  /** Aborted (the worker is shutting down): no new batch starts; the call returns what it rolled up. */
  signal?: AbortSignal;
}

export interface RollupResult {
  /** Pending (deployment, dimension, hour) rows rolled up and cleared. */
  hours: number;
  /** Usage events those hours were recomputed from. */
  events: number;
}

/** A batch transaction may take this long before Prisma rolls it back (the hours then stay pending). */
const BATCH_TRANSACTION_TIMEOUT_MS = 5 * 60_000;

/**
 * Hourly roll-ups, exactly once: usage_hourly holds, per (deployment, dimension, UTC hour), the aggregate of
 * that hour's usage_events by the meter's aggregation. Ingest marks an hour in usage_pending_hours in the
 * transaction that commits its events; this service recomputes marked hours and clears their marks.
 *
 * One transaction per batch, two statements:
 *  1. `SELECT … FOR UPDATE SKIP LOCKED` claims a batch of marks (oldest first). Replicas and concurrent
 *     calls skip each other's claimed rows, so they share the work and never roll up an hour twice at once.
 *  2. One set-based statement recomputes each claimed hour from ALL its events (SUM, MAX, LATEST = the value
 *     of the latest event by time, UNIQUE_COUNT = distinct keys), upserts usage_hourly by replacing the row
 *     (never incrementing, so a re-run writes the same value), and deletes exactly the marks it claimed,
 *     matching on the `marked_at` it read.
 *
 * Why this is exact under concurrent ingest (READ COMMITTED: every statement takes a fresh snapshot):
 *  - an ingest transaction that re-marked a claimed hour committed before statement 1 locked the mark, so
 *    its events are in statement 2's snapshot;
 *  - one that re-marks a claimed hour afterwards blocks on the row lock until this transaction ends, then
 *    re-inserts the mark (ON CONFLICT finds the row deleted) — its events are rolled up by the next batch;
 *  - a crash anywhere (SIGKILL, lost connection, a timeout) rolls the whole transaction back: the marks
 *    stay, nothing half-written is visible, and the next run recomputes the same hours.
 * Claiming and recomputing in one statement would not do: a mark re-committed while that statement runs is
 * locked in its new version, while the events are read from the statement's older snapshot.
 *
 * Cost (bench/rollup.bench.ts): per hour, a row lock and a delete of its mark, an index lookup of its
 * events, and an insert into usage_hourly with its two foreign-key checks — close to what a single
 * `INSERT … SELECT … GROUP BY` of the same rows costs; nothing per row goes through JavaScript.
 */
@Injectable()
export class RollupService {
  private readonly logger = new Logger(RollupService.name);

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly prisma: PrismaService,
  ) {}

  /**
   * Rolls up the hours pending when the call starts (marks made later wait for the next call, so a steady
   * stream of events cannot keep one call running), in batches, `concurrency` transactions at a time.
   */
  async rollUpPending(options: RollupOptions = {}): Promise<RollupResult> {
    const settings = this.config.billing.rollup;
    const batchSize = positive('batchSize', options.batchSize ?? settings.batchSize);
    const concurrency = positive('concurrency', options.concurrency ?? settings.concurrency);
    const limit = options.limit === undefined ? Infinity : positive('limit', options.limit);
    const started = Date.now();
    const [{ cutoff }] = await this.prisma.$queryRaw<{ cutoff: Date }[]>`SELECT clock_timestamp() AS cutoff`;

    const total: RollupResult = { hours: 0, events: 0 };
    // Marks are claimed oldest first; everything older than the newest mark claimed so far has been claimed
    // (or is held by someone else) in this call, so later claims start there instead of walking the index
    // over the dead entries of every batch before. A mark older than that which turns up meanwhile (an
    // ingest transaction committing late) is left for the next call, which starts from the beginning.
    const progress = { from: new Date(0) };
    let reserved = 0;
    let drained = false;
    const lane = async (): Promise<void> => {
      while (!drained && !options.signal?.aborted) {
        const size = Math.min(batchSize, limit - reserved - total.hours);
        if (size <= 0) return;
        reserved += size;
        try {
          const result = await this.rollUpBatch(size, cutoff, progress);
          total.hours += result.hours;
          total.events += result.events;
          // A short batch: nothing more pending (or what is left is claimed by someone else right now).
          if (result.hours < size) drained = true;
        } finally {
          reserved -= size;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, lane));

    if (total.hours > 0) {
      this.logger.log({ ...total, ms: Date.now() - started }, 'Rolled up pending usage hours');
    }
    return total;
  }

  /**
   * One batch, in one transaction: claim up to `size` marks made between `progress.from` and `cutoff`
   * (advancing `progress.from`), recompute their hours, clear them.
   */
  private rollUpBatch(size: number, cutoff: Date, progress: { from: Date }): Promise<RollupResult> {
    return this.prisma.$transaction(
      async (tx) => {
        // Safe without waiting for the WAL flush: if PostgreSQL itself crashed before flushing this commit,
        // the hourly rows and the cleared marks would be lost together (WAL replays a prefix), so the marks
        // come back and the hours are rolled up again. Whatever later reads these rows and commits normally
        // (an invoice) flushes this commit first.
        await tx.$executeRaw`SET LOCAL synchronous_commit = off`;
        // The claimed marks come back as one array literal of the table's row type, sorted by key (so the
        // event index is walked in order), and go back as is: nothing per row crosses into JavaScript.
        const [claim] = await tx.$queryRaw<{ count: number; marks: string | null; newest: Date | null }[]>`
          WITH claimed AS (
            SELECT p.*
            FROM usage_pending_hours p
            WHERE p.marked_at >= ${progress.from} AND p.marked_at <= ${cutoff}
              AND EXISTS (SELECT 1 FROM meters m WHERE m.dimension = p.dimension)
            ORDER BY p.marked_at
            LIMIT ${size}
            FOR UPDATE SKIP LOCKED
          )
          SELECT count(*)::int AS count,
                 array_agg(claimed ORDER BY deployment_id, dimension, hour)::text AS marks,
                 max(marked_at) AS newest
          FROM claimed`;
        if (claim.count === 0 || claim.marks === null || claim.newest === null)
          return { hours: 0, events: 0 };
        if (claim.newest > progress.from) progress.from = claim.newest;
        const [result] = await tx.$queryRaw<{ hours: number; events: bigint }[]>`
          WITH batch AS (
            SELECT b.org_id, b.deployment_id, b.dimension, b.hour, b.marked_at, m.aggregation
            FROM unnest(${claim.marks}::usage_pending_hours[]) AS b
            JOIN meters m ON m.dimension = b.dimension
          ),
          computed AS (
            SELECT b.org_id, b.deployment_id, b.dimension, b.hour,
                   CASE b.aggregation WHEN 'MAX' THEN max(e.value) ELSE sum(e.value) END AS quantity,
                   count(*) AS event_count
            FROM batch b
            JOIN usage_events e
              ON e.deployment_id = b.deployment_id AND e.dimension = b.dimension AND e.hour = b.hour
            WHERE b.aggregation IN ('SUM', 'MAX')
            GROUP BY b.org_id, b.deployment_id, b.dimension, b.hour, b.aggregation
            UNION ALL
            SELECT b.org_id, b.deployment_id, b.dimension, b.hour,
                   count(DISTINCT e.unique_key)::numeric,
                   count(*)
            FROM batch b
            JOIN usage_events e
              ON e.deployment_id = b.deployment_id AND e.dimension = b.dimension AND e.hour = b.hour
            WHERE b.aggregation = 'UNIQUE_COUNT'
            GROUP BY b.org_id, b.deployment_id, b.dimension, b.hour
            UNION ALL
            SELECT b.org_id, b.deployment_id, b.dimension, b.hour,
                   (array_agg(e.value ORDER BY e.time DESC, e.id DESC))[1],
                   count(*)
            FROM batch b
            JOIN usage_events e
              ON e.deployment_id = b.deployment_id AND e.dimension = b.dimension AND e.hour = b.hour
            WHERE b.aggregation = 'LATEST'
            GROUP BY b.org_id, b.deployment_id, b.dimension, b.hour
          ),
          written AS (
            INSERT INTO usage_hourly
              (org_id, deployment_id, dimension, hour, quantity, event_count, rolled_up_at)
            SELECT org_id, deployment_id, dimension, hour, quantity, event_count::int, now()
            FROM computed
            ON CONFLICT (deployment_id, dimension, hour) DO UPDATE
              SET quantity = EXCLUDED.quantity,
                  event_count = EXCLUDED.event_count,
                  rolled_up_at = EXCLUDED.rolled_up_at
            RETURNING event_count
          ),
          cleared AS (
            DELETE FROM usage_pending_hours p
            USING batch b
            WHERE p.deployment_id = b.deployment_id AND p.dimension = b.dimension AND p.hour = b.hour
              AND p.marked_at = b.marked_at
            RETURNING 1
          )
          SELECT (SELECT count(*) FROM cleared)::int AS hours,
                 (SELECT coalesce(sum(event_count), 0) FROM written)::bigint AS events`;
        return { hours: result.hours, events: Number(result.events) };
      },
      {
        // Each statement must see what committed before it started (see the class comment).
        isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted,
        maxWait: 30_000,
        timeout: BATCH_TRANSACTION_TIMEOUT_MS,
      },
    );
  }
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`rollUpPending: ${name} must be a positive integer, not ${value}`);
  }
  return value;
}
