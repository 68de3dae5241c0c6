import { Injectable, Logger } from '@nestjs/common';
import { RedisService } from '@streamplane/db';
import { randomUUID } from 'node:crypto';
import { formatNanos, nanosOfDecimalText, NANOS_PER_UNIT } from '../decimal/nanos';
import { MeteringPool } from '../metering-pool';
import type { MeterAggregation } from '../meters/meters.service';
import { periodEndOf, periodKeyOf, periodStartOf } from '../period';
import { ADD_SCRIPT, READ_SCRIPT, REBUILD_SCRIPT } from './counter-scripts';

/** One deployment's usage of one dimension in a period, as exact decimal text. */
export interface PeriodQuantity {
  deploymentId: string;
  dimension: string;
  quantity: string;
}

/** What the counters need of a committed event. */
export interface CountedEvent {
  dimension: string;
  aggregation: MeterAggregation;
  nanos: bigint;
  key: string | null;
  timeMs: number;
}

/** A rebuild that takes longer than this loses its claim (another reader may take over). */
const BUILD_CLAIM_MS = 60_000;
/** Adds buffered during a rebuild are kept this long at most. */
const BUFFER_TTL_MS = 2 * BUILD_CLAIM_MS;
/** Counters of a period are kept this long after it ends (the dashboard shows the last period too). */
const RETAIN_AFTER_PERIOD_MS = 40 * 86_400_000;
/** An add waits this long for Redis, then the request goes on and the counters are marked for rebuild. */
const ADD_TIMEOUT_MS = 1_000;

interface CounterCommands {
  usageCountersAdd(...args: (string | number)[]): Promise<string>;
  usageCountersRebuild(...args: (string | number)[]): Promise<number>;
  usageCountersRead(key: string): Promise<string[] | null>;
}

interface Keys {
  hash: string;
  building: string;
  pending: string;
}

/**
 * Real-time usage per organization and period in Redis, for the dashboard: added to after every committed
 * batch, and rebuilt from PostgreSQL (usage_events of the period) whenever they are missing — Redis is never
 * the record.
 *
 * Rebuild vs concurrent adds. A rebuild reads PostgreSQL under one snapshot while adds for transactions
 * committed just before or after it keep arriving; naively it would lose the adds it overwrites or count
 * twice those it already saw. So every add carries the xid of the transaction that committed its events,
 * and every build stores the snapshot it read (pg_current_snapshot()):
 *  - counters ready: an add applies only if its xid is not visible in the stored snapshot (a transaction the
 *    build already counted is skipped, however late its add arrives);
 *  - a rebuild running (its claim key is set before it takes the snapshot): adds are buffered in Redis and
 *    the rebuild, after writing the totals, replays the buffered ones its snapshot did not see — atomically,
 *    in one script. (Counters being replaced still get the add too, in case the rebuild never finishes.)
 *  - no counters and no rebuild: the add is dropped; its transaction committed before, so whatever rebuild
 *    comes next (it takes its snapshot later) counts it.
 * So the counters equal PostgreSQL exactly, whatever the interleaving. Two readers that find the counters
 * missing at once: one claims the rebuild, the other answers from PostgreSQL without writing.
 *
 * When Redis fails after a commit, the request still succeeds (the events are safe in PostgreSQL): the
 * failure is logged and the period's counters are marked stale (`ready` removed — remembered in-process
 * until Redis answers again), so the next read rebuilds them.
 */
@Injectable()
export class UsageCounters {
  private readonly logger = new Logger(UsageCounters.name);
  private readonly commands: CounterCommands;
  /** Org-periods whose counters missed an add and could not be marked stale yet (Redis was down). */
  private readonly staleToMark = new Set<string>();

  constructor(
    private readonly redis: RedisService,
    private readonly pool: MeteringPool,
  ) {
    redis.defineCommand('usageCountersAdd', { numberOfKeys: 3, lua: ADD_SCRIPT });
    redis.defineCommand('usageCountersRebuild', { numberOfKeys: 3, lua: REBUILD_SCRIPT });
    redis.defineCommand('usageCountersRead', { numberOfKeys: 1, lua: READ_SCRIPT });
    this.commands = redis as unknown as CounterCommands;
  }

  /**
   * Counts events committed by transaction `xid` (see UsageEventStore). Never throws: a Redis failure is
   * logged and leaves the period's counters to be rebuilt.
   */
  async add(
    orgId: string,
    deploymentId: string,
    xid: string,
    events: readonly CountedEvent[],
  ): Promise<void> {
    const byPeriod = new Map<string, CountedEvent[]>();
    let current: { from: number; to: number; list: CountedEvent[] } | undefined;
    for (const event of events) {
      // Events of one batch are nearly always of one month: only a change of month costs a lookup.
      if (!current || event.timeMs < current.from || event.timeMs >= current.to) {
        const start = periodStartOf(event.timeMs);
        const period = periodKeyOf(start);
        let list = byPeriod.get(period);
        if (!list) byPeriod.set(period, (list = []));
        current = { from: start.getTime(), to: periodEndOf(start).getTime(), list };
      }
      current.list.push(event);
    }
    await this.markPendingStale();
    await Promise.all(
      [...byPeriod].map(async ([period, periodEvents]) => {
        const start = periodStartOf(periodEvents[0].timeMs);
        const keys = keysOf(orgId, period);
        try {
          await withTimeout(
            this.commands.usageCountersAdd(
              keys.hash,
              keys.building,
              keys.pending,
              xid,
              expireAtOf(start),
              BUFFER_TTL_MS,
              ...operationsOf(deploymentId, periodEvents),
            ),
            ADD_TIMEOUT_MS,
          );
        } catch (error) {
          this.logger.error(
            { err: error, orgId, period },
            'usage counters missed committed events; they will be rebuilt from PostgreSQL',
          );
          this.staleToMark.add(`${orgId}|${period}`);
          void this.markPendingStale();
        }
      }),
    );
  }

  /**
   * This period's totals per deployment and dimension, from Redis — rebuilt from PostgreSQL first when they
   * are missing (Redis flushed or restarted, or marked stale). Answers from PostgreSQL if Redis fails.
   */
  async periodTotals(orgId: string, periodStart: Date): Promise<PeriodQuantity[]> {
    const start = periodStartOf(periodStart);
    try {
      await this.markPendingStale();
      const flat = await this.commands.usageCountersRead(keysOf(orgId, periodKeyOf(start)).hash);
      if (flat) return totalsOfHash(flat);
    } catch (error) {
      this.logger.warn({ err: error, orgId }, 'usage counters unreadable; answering from PostgreSQL');
      return (await this.readPostgres(orgId, start)).totals;
    }
    return this.rebuild(orgId, start);
  }

  /** Rebuilds the period's counters from PostgreSQL and returns its totals. */
  async rebuild(orgId: string, periodStart: Date): Promise<PeriodQuantity[]> {
    const start = periodStartOf(periodStart);
    const keys = keysOf(orgId, periodKeyOf(start));
    const token = randomUUID();
    let claimed = false;
    try {
      // The claim comes first: adds from now on are buffered, and the snapshot below is taken after it.
      claimed = (await this.redis.set(keys.building, token, 'PX', BUILD_CLAIM_MS, 'NX')) === 'OK';
    } catch (error) {
      this.logger.warn({ err: error, orgId }, 'could not claim the usage counters rebuild');
    }
    const state = await this.readPostgres(orgId, start);
    if (claimed) {
      try {
        await this.commands.usageCountersRebuild(
          keys.hash,
          keys.building,
          keys.pending,
          token,
          state.snapshot,
          expireAtOf(start),
          ...state.operations,
        );
      } catch (error) {
        this.logger.warn({ err: error, orgId }, 'could not write the rebuilt usage counters');
      }
    }
    return state.totals;
  }

  /** Reads the period from PostgreSQL under one snapshot, which is returned with it. */
  private async readPostgres(orgId: string, start: Date) {
    const end = periodEndOf(start);
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const snapshotRows = await client.query<{ snapshot: string }>(
        'SELECT pg_current_snapshot()::text AS snapshot',
      );
      const groups = await client.query<{
        deployment_id: string;
        dimension: string;
        aggregation: MeterAggregation;
        total: string | null;
        maximum: string | null;
        latest: string | null;
        latest_ms: string | null;
        distinct_keys: string;
      }>(
        `SELECT e.deployment_id::text AS deployment_id, e.dimension, m.aggregation::text AS aggregation,
                sum(e.value)::text AS total,
                max(e.value)::text AS maximum,
                (array_agg(e.value::text ORDER BY e.time DESC, e.value DESC)
                   FILTER (WHERE m.aggregation = 'LATEST'))[1] AS latest,
                (extract(epoch FROM max(e.time)) * 1000)::bigint::text AS latest_ms,
                count(DISTINCT e.unique_key)::text AS distinct_keys
         FROM usage_events e JOIN meters m ON m.dimension = e.dimension
         WHERE e.org_id = $1 AND e.hour >= $2 AND e.hour < $3
         GROUP BY e.deployment_id, e.dimension, m.aggregation
         ORDER BY e.deployment_id, e.dimension`,
        [orgId, start, end],
      );
      const uniqueKeys = await client.query<{ deployment_id: string; dimension: string; unique_key: string }>(
        `SELECT DISTINCT e.deployment_id::text AS deployment_id, e.dimension, e.unique_key
         FROM usage_events e JOIN meters m ON m.dimension = e.dimension
         WHERE e.org_id = $1 AND e.hour >= $2 AND e.hour < $3
           AND m.aggregation = 'UNIQUE_COUNT' AND e.unique_key IS NOT NULL`,
        [orgId, start, end],
      );
      await client.query('COMMIT');

      const keysByGroup = new Map<string, string[]>();
      for (const row of uniqueKeys.rows) {
        const group = `${row.deployment_id}|${row.dimension}`;
        let list = keysByGroup.get(group);
        if (!list) keysByGroup.set(group, (list = []));
        list.push(row.unique_key);
      }
      const totals: PeriodQuantity[] = [];
      const operations: string[] = [];
      for (const row of groups.rows) {
        const { deployment_id: deploymentId, dimension } = row;
        switch (row.aggregation) {
          case 'SUM': {
            const nanos = nanosOfDecimalText(row.total ?? '0');
            totals.push({ deploymentId, dimension, quantity: formatNanos(nanos) });
            operations.push('s', deploymentId, dimension, ...splitSum(nanos));
            break;
          }
          case 'MAX': {
            const nanos = nanosOfDecimalText(row.maximum ?? '0');
            totals.push({ deploymentId, dimension, quantity: formatNanos(nanos) });
            operations.push('x', deploymentId, dimension, padNanos(nanos));
            break;
          }
          case 'LATEST': {
            const nanos = nanosOfDecimalText(row.latest ?? '0');
            totals.push({ deploymentId, dimension, quantity: formatNanos(nanos) });
            operations.push('l', deploymentId, dimension, latestOf(Number(row.latest_ms ?? 0), nanos));
            break;
          }
          case 'UNIQUE_COUNT': {
            const keys = keysByGroup.get(`${deploymentId}|${dimension}`) ?? [];
            totals.push({ deploymentId, dimension, quantity: String(keys.length) });
            if (keys.length > 0) operations.push('u', deploymentId, dimension, String(keys.length), ...keys);
            break;
          }
          default:
            throw new Error(`unknown aggregation ${String(row.aggregation)}`);
        }
      }
      return {
        snapshot: snapshotRows.rows[0].snapshot,
        totals: totals.sort(byDeploymentAndDimension),
        operations,
      };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Marks stale the counters that missed adds while Redis was failing (they rebuild on the next read). */
  private async markPendingStale(): Promise<void> {
    if (this.staleToMark.size === 0) return;
    for (const entry of [...this.staleToMark]) {
      const [orgId, period] = entry.split('|');
      try {
        const keys = keysOf(orgId, period);
        // Also ends a rebuild in flight: its snapshot may predate the missed events and it would set `ready`.
        await this.redis.multi().hdel(keys.hash, 'ready').del(keys.building).exec();
        this.staleToMark.delete(entry);
      } catch {
        return; // Redis still failing: try again on the next add or read
      }
    }
  }
}

function keysOf(orgId: string, period: string): Keys {
  const hash = `usage:{${orgId}:${period}}`;
  return { hash, building: `${hash}:building`, pending: `${hash}:pending` };
}

function expireAtOf(periodStart: Date): number {
  return Math.floor((periodEndOf(periodStart).getTime() + RETAIN_AFTER_PERIOD_MS) / 1000);
}

function splitSum(nanos: bigint): [string, string] {
  return [(nanos / NANOS_PER_UNIT).toString(), (nanos % NANOS_PER_UNIT).toString()];
}

function padNanos(nanos: bigint): string {
  return nanos.toString().padStart(40, '0');
}

function latestOf(timeMs: number, nanos: bigint): string {
  return `${String(timeMs).padStart(15, '0')}|${padNanos(nanos)}`;
}

/** One batch's events of one period as counter operations, aggregated per dimension. */
function operationsOf(deploymentId: string, events: readonly CountedEvent[]): string[] {
  const byDimension = new Map<
    string,
    { aggregation: MeterAggregation; nanos: bigint; latest: string; keys: Set<string> }
  >();
  for (const event of events) {
    let group = byDimension.get(event.dimension);
    if (!group) {
      group = { aggregation: event.aggregation, nanos: 0n, latest: '', keys: new Set() };
      byDimension.set(event.dimension, group);
    }
    switch (event.aggregation) {
      case 'SUM':
        group.nanos += event.nanos;
        break;
      case 'MAX':
        if (event.nanos > group.nanos) group.nanos = event.nanos;
        break;
      case 'LATEST': {
        const latest = latestOf(event.timeMs, event.nanos);
        if (latest > group.latest) group.latest = latest;
        break;
      }
      case 'UNIQUE_COUNT':
        if (event.key !== null) group.keys.add(event.key);
        break;
      default:
        throw new Error(`unknown aggregation ${String(event.aggregation)}`);
    }
  }
  const operations: string[] = [];
  for (const [dimension, group] of byDimension) {
    switch (group.aggregation) {
      case 'SUM':
        operations.push('s', deploymentId, dimension, ...splitSum(group.nanos));
        break;
      case 'MAX':
        operations.push('x', deploymentId, dimension, padNanos(group.nanos));
        break;
      case 'LATEST':
        operations.push('l', deploymentId, dimension, group.latest);
        break;
      case 'UNIQUE_COUNT':
        if (group.keys.size > 0) {
          operations.push('u', deploymentId, dimension, String(group.keys.size), ...group.keys);
        }
        break;
      default:
        throw new Error(`unknown aggregation ${String(group.aggregation)}`);
    }
  }
  return operations;
}

/** The READ script's flat field list as totals, sorted by deployment and dimension. */
function totalsOfHash(flat: string[]): PeriodQuantity[] {
  const sums = new Map<string, bigint>();
  const totals: PeriodQuantity[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const field = flat[i];
    const value = flat[i + 1];
    const parts = field.split('|');
    if (parts.length < 3) continue; // ready, snap
    const [kind, deploymentId, dimension] = parts;
    switch (kind) {
      case 's': {
        const group = `${deploymentId}|${dimension}`;
        const nanos = parts[3] === 'i' ? BigInt(value) * NANOS_PER_UNIT : BigInt(value);
        sums.set(group, (sums.get(group) ?? 0n) + nanos);
        break;
      }
      case 'x':
        totals.push({ deploymentId, dimension, quantity: formatNanos(BigInt(value)) });
        break;
      case 'l':
        totals.push({ deploymentId, dimension, quantity: formatNanos(BigInt(value.split('|')[1])) });
        break;
      case 'u':
        totals.push({ deploymentId, dimension, quantity: value });
        break;
    }
  }
  for (const [group, nanos] of sums) {
    const [deploymentId, dimension] = group.split('|');
    totals.push({ deploymentId, dimension, quantity: formatNanos(nanos) });
  }
  return totals.sort(byDeploymentAndDimension);
}

function byDeploymentAndDimension(a: PeriodQuantity, b: PeriodQuantity): number {
  return compare(a.deploymentId, b.deploymentId) || compare(a.dimension, b.dimension);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer from Redis within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
