import { Injectable } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import type { Prisma } from '@streamplane/db';
import {
  allocateCredits,
  applyDraws,
  type CreditDraw,
  type GrantBalance,
} from '../credits/credit-allocation';
import { billingPeriodOf, previousPeriod, type BillingPeriod } from './billing-period';
import {
  buildInvoiceLines,
  subtotalOf,
  type ComputedLine,
  type LateMonth,
  type MeterInfo,
  type QuantityRow,
} from './invoice-lines';

type Db = Prisma.TransactionClient;

/** An invoice as computed from usage, prices and credits now (before anything is written). */
export interface ComputedInvoice {
  /** The stored DRAFT this computation refreshes; null when the period has no invoice yet. */
  invoiceId: string | null;
  period: BillingPeriod;
  planId: string;
  currency: string;
  lines: ComputedLine[];
  subtotalMinor: bigint;
  /** min(subtotal, the credits usable for the period), and 0 when the subtotal is not positive. */
  creditsAppliedMinor: bigint;
  totalMinor: bigint;
  /** Which grants the credits come from: the burns finalization writes, or a projection for a draft. */
  draws: CreditDraw[];
}

/** Everything an organization has open, computed in period order. */
export interface OrganizationBilling {
  orgId: string;
  computedAt: Date;
  /** Earlier drafts not finalized yet (rare: the days around a month's end), then the current month. */
  invoices: ComputedInvoice[];
  /** Every grant, after the burns of finalized invoices. */
  grants: GrantBalance[];
  /** Every grant, after also the projected use of `invoices`. */
  projectedGrants: GrantBalance[];
}

/**
 * Computes invoices from what PostgreSQL holds: usage_hourly (SUM: the sum of the hours; MAX: the largest
 * hour; LATEST: the last hour's value) and, for UNIQUE_COUNT meters, the distinct keys of the month's
 * usage_events; times the unit prices of the organization's plan; then credits. Reads only, through the
 * caller's transaction, so a refresh, a finalization and the API's estimate compute the same thing.
 */
@Injectable()
export class InvoiceCalculator {
  constructor(@InjectConfig() private readonly config: AppConfig) {}

  /** `db` must be a transaction (its settings are transaction-local). */
  async compute(db: Db, orgId: string, now: Date): Promise<OrganizationBilling> {
    // Each aggregation below runs once over up to millions of rows; compiling it with PostgreSQL's JIT cost
    // more (0.5-1 s per statement, measured) than it saved.
    await db.$executeRaw`SET LOCAL jit = off`;
    const [org] = await db.$queryRaw<{ plan_id: string; created_at: Date }[]>`
      SELECT plan_id, created_at FROM organizations WHERE id = ${orgId}::uuid`;
    if (!org) throw new Error(`organization ${orgId} does not exist`);
    const periods = await this.openPeriods(db, orgId, org.created_at, now);
    const [plan, meters, deploymentNames, grants] = await Promise.all([
      this.planOf(db, org.plan_id),
      this.meters(db),
      this.deploymentNames(db, orgId),
      this.grants(db, orgId),
    ]);
    const lateMonths = periods.length > 0 ? await this.lateMonths(db, orgId, periods[0].period, now) : [];

    let pool = grants;
    const invoices: ComputedInvoice[] = [];
    for (const [index, { invoiceId, period }] of periods.entries()) {
      const lines = buildInvoiceLines({
        periodStart: period.start,
        usage: await this.usageOf(db, orgId, period),
        prices: plan.prices,
        // Late usage goes on the earliest open invoice only, so that two open drafts never both bill it.
        lateMonths: index === 0 ? lateMonths : [],
        meters,
        deploymentNames,
      });
      const subtotalMinor = subtotalOf(lines);
      const allocation = allocateCredits(pool, period, subtotalMinor);
      pool = applyDraws(pool, allocation.draws);
      invoices.push({
        invoiceId,
        period,
        planId: org.plan_id,
        currency: plan.currency,
        lines,
        subtotalMinor,
        creditsAppliedMinor: allocation.appliedMinor,
        totalMinor: subtotalMinor - allocation.appliedMinor,
        draws: allocation.draws,
      });
    }
    return { orgId, computedAt: now, invoices, grants, projectedGrants: pool };
  }

  /** Hours of `period` that ingest marked and the roll-up has not recomputed yet. */
  async pendingHours(db: Db, orgId: string, period: BillingPeriod): Promise<number> {
    const [{ count }] = await db.$queryRaw<{ count: number }[]>`
      SELECT count(*)::int AS count FROM usage_pending_hours
      WHERE org_id = ${orgId}::uuid
        AND hour >= ${period.start.toISOString()}::timestamptz AND hour < ${period.end.toISOString()}::timestamptz`;
    return count;
  }

  /**
   * The periods to compute, in order: DRAFTs of earlier months not finalized yet; the previous month when it
   * has no invoice at all although the organization existed (the worker was down all month); the current
   * month unless it is already finalized.
   */
  private async openPeriods(db: Db, orgId: string, createdAt: Date, now: Date) {
    const current = billingPeriodOf(now);
    const previous = previousPeriod(current);
    const rows = await db.$queryRaw<{ id: string; period_start: Date; period_end: Date; status: string }[]>`
      SELECT id::text, period_start, period_end, status::text FROM invoices
      WHERE org_id = ${orgId}::uuid AND period_start <= ${current.start.toISOString()}::timestamptz
        AND (status = 'DRAFT' OR period_start >= ${previous.start.toISOString()}::timestamptz)
      ORDER BY period_start`;
    const byStart = new Map(rows.map((row) => [row.period_start.getTime(), row]));
    const periods: { invoiceId: string | null; period: BillingPeriod }[] = rows
      .filter((row) => row.status === 'DRAFT' && row.period_start < current.start)
      .map((row) => ({ invoiceId: row.id, period: { start: row.period_start, end: row.period_end } }));
    if (!byStart.has(previous.start.getTime()) && createdAt < current.start) {
      periods.unshift({ invoiceId: null, period: previous });
      periods.sort((a, b) => a.period.start.getTime() - b.period.start.getTime());
    }
    const own = byStart.get(current.start.getTime());
    if (!own) periods.push({ invoiceId: null, period: current });
    else if (own.status === 'DRAFT') periods.push({ invoiceId: own.id, period: current });
    return periods;
  }

  /** One month's usage per (deployment, dimension), by each meter's aggregation. */
  private async usageOf(db: Db, orgId: string, period: BillingPeriod): Promise<QuantityRow[]> {
    const start = period.start.toISOString();
    const end = period.end.toISOString();
    // SUM and MAX hash-aggregate the month's hours; LATEST takes each series' last hour (kept apart: an
    // ordered aggregate would sort every hour of the organization); UNIQUE_COUNT counts distinct keys of the
    // month's events (hours' counts cannot be added up).
    const rows = await db.$queryRaw<{ deployment_id: string; dimension: string; quantity: string }[]>`
      SELECT h.deployment_id::text AS deployment_id, h.dimension,
             (CASE m.aggregation WHEN 'SUM' THEN sum(h.quantity) ELSE max(h.quantity) END)::text AS quantity
      FROM usage_hourly h JOIN meters m ON m.dimension = h.dimension
      WHERE h.org_id = ${orgId}::uuid AND h.hour >= ${start}::timestamptz AND h.hour < ${end}::timestamptz
        AND m.aggregation IN ('SUM', 'MAX')
      GROUP BY h.deployment_id, h.dimension, m.aggregation
      UNION ALL
      SELECT * FROM (
        SELECT DISTINCT ON (h.deployment_id, h.dimension) h.deployment_id::text, h.dimension, h.quantity::text
        FROM usage_hourly h JOIN meters m ON m.dimension = h.dimension
        WHERE h.org_id = ${orgId}::uuid AND h.hour >= ${start}::timestamptz AND h.hour < ${end}::timestamptz
          AND m.aggregation = 'LATEST'
        ORDER BY h.deployment_id, h.dimension, h.hour DESC
      ) latest
      UNION ALL
      -- Per deployment and meter, through the (deployment_id, dimension, hour) index rather than every
      -- event of the organization.
      SELECT d.id::text, m.dimension, u.keys::text
      FROM deployments d
      CROSS JOIN meters m
      CROSS JOIN LATERAL (
        SELECT count(DISTINCT e.unique_key) AS keys, count(*) AS events
        FROM usage_events e
        WHERE e.deployment_id = d.id AND e.dimension = m.dimension AND e.org_id = d.org_id
          AND e.hour >= ${start}::timestamptz AND e.hour < ${end}::timestamptz
      ) u
      WHERE d.org_id = ${orgId}::uuid AND m.aggregation = 'UNIQUE_COUNT' AND u.events > 0`;
    return rows.map((row) => ({
      deploymentId: row.deployment_id,
      dimension: row.dimension,
      quantity: row.quantity,
    }));
  }

  /**
   * Finalized months before `firstOpen` that ended within the late-usage lookback, with their usage now and
   * what finalized invoices billed of them (their own lines and late-usage lines on later invoices).
   */
  private async lateMonths(db: Db, orgId: string, firstOpen: BillingPeriod, now: Date): Promise<LateMonth[]> {
    const horizon = new Date(now.getTime() - this.config.billing.invoices.lateUsageLookbackDays * 86_400_000);
    const months = await db.$queryRaw<{ period_start: Date; period_end: Date; plan_id: string }[]>`
      SELECT period_start, period_end, plan_id FROM invoices
      WHERE org_id = ${orgId}::uuid AND status = 'FINALIZED'
        AND period_start < ${firstOpen.start.toISOString()}::timestamptz
        AND period_end > ${horizon.toISOString()}::timestamptz
      ORDER BY period_start`;
    if (months.length === 0) return [];
    const billed = await db.$queryRaw<
      { usage_period_start: Date; deployment_id: string; dimension: string; quantity: string }[]
    >`
      SELECT l.usage_period_start, l.deployment_id::text AS deployment_id, l.dimension, sum(l.quantity)::text AS quantity
      FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id
      WHERE i.org_id = ${orgId}::uuid AND i.status = 'FINALIZED'
        AND l.usage_period_start = ANY(${months.map((m) => m.period_start.toISOString())}::timestamptz[])
      GROUP BY l.usage_period_start, l.deployment_id, l.dimension`;
    const result: LateMonth[] = [];
    for (const month of months) {
      const period = { start: month.period_start, end: month.period_end };
      result.push({
        periodStart: month.period_start,
        usage: await this.usageOf(db, orgId, period),
        billed: billed
          .filter((row) => row.usage_period_start.getTime() === month.period_start.getTime())
          .map((row) => ({
            deploymentId: row.deployment_id,
            dimension: row.dimension,
            quantity: row.quantity,
          })),
        prices: (await this.planOf(db, month.plan_id)).prices,
      });
    }
    return result;
  }

  private async planOf(db: Db, planId: string): Promise<{ currency: string; prices: Map<string, string> }> {
    const rows = await db.$queryRaw<
      { currency: string; dimension: string | null; unit_price_minor: string | null }[]
    >`
      SELECT p.currency, pp.dimension, pp.unit_price_minor::text AS unit_price_minor
      FROM price_plans p LEFT JOIN plan_prices pp ON pp.plan_id = p.id
      WHERE p.id = ${planId}`;
    if (rows.length === 0) throw new Error(`price plan ${planId} does not exist`);
    return {
      currency: rows[0].currency,
      prices: new Map(rows.flatMap((row) => (row.dimension ? [[row.dimension, row.unit_price_minor!]] : []))),
    };
  }

  private async meters(db: Db): Promise<Map<string, MeterInfo>> {
    const rows = await db.$queryRaw<{ dimension: string; display_name: string; unit: string }[]>`
      SELECT dimension, display_name, unit FROM meters`;
    return new Map(rows.map((row) => [row.dimension, { displayName: row.display_name, unit: row.unit }]));
  }

  private async deploymentNames(db: Db, orgId: string): Promise<Map<string, string>> {
    const rows = await db.$queryRaw<{ id: string; name: string }[]>`
      SELECT id::text, name FROM deployments WHERE org_id = ${orgId}::uuid`;
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  /** Every grant of the organization with what finalized invoices burned of it. */
  private async grants(db: Db, orgId: string): Promise<GrantBalance[]> {
    const rows = await db.$queryRaw<
      { id: string; amount_minor: string; granted_at: Date; expires_at: Date; burned_minor: string }[]
    >`
      SELECT g.id::text, g.amount_minor::text, g.granted_at, g.expires_at,
             coalesce(sum(b.amount_minor), 0)::text AS burned_minor
      FROM credit_grants g LEFT JOIN credit_burns b ON b.grant_id = g.id
      WHERE g.org_id = ${orgId}::uuid
      GROUP BY g.id`;
    return rows.map((row) => ({
      id: row.id,
      amountMinor: BigInt(row.amount_minor),
      grantedAt: row.granted_at,
      expiresAt: row.expires_at,
      remainingMinor: BigInt(row.amount_minor) - BigInt(row.burned_minor),
    }));
  }
}
