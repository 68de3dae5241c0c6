import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { NotificationKind, Prisma, PrismaService } from '@streamplane/db';
import { burnOrder, type GrantBalance } from '../credits/credit-allocation';
import { billingPeriodOf, invoiceNumber, invoiceNumberPrefix } from './billing-period';
import { InvoiceCalculator, type ComputedInvoice, type OrganizationBilling } from './invoice-calculator';
import { formatMinor } from './money';

type Tx = Prisma.TransactionClient;

export interface RefreshOptions {
  /** Only these organizations (default: every organization that existed in the month of `now`). */
  orgIds?: string[];
  /** Organizations refreshed at once (default 2). */
  concurrency?: number;
}

export interface RefreshResult {
  /** Organizations whose open invoices were recomputed. */
  organizations: number;
  /** Draft invoices written. */
  invoices: number;
  /** Organizations skipped because another worker was refreshing or finalizing them at that moment. */
  busy: number;
}

export interface FinalizedInvoice {
  invoiceId: string;
  orgId: string;
  number: string;
  periodStart: Date;
  totalMinor: bigint;
  currency: string;
  /** Credits burned on it, in minor units. */
  creditsBurnedMinor: bigint;
}

export interface FinalizeOptions {
  /** Only these organizations (default: every organization with a draft due). */
  orgIds?: string[];
  /** Called with each organization's finalized invoices once their transaction committed (metrics). */
  onFinalized?: (invoices: FinalizedInvoice[]) => void;
}

export interface FinalizeResult {
  finalized: FinalizedInvoice[];
  /** Drafts due but left for a later run because some of their hours still wait for a roll-up. */
  deferred: number;
}

/** Share of a grant below which its organization is told credits run low; and when they are used up. */
const LOW_CREDIT_PERCENT = 25n;

/** Advisory lock namespaces (pg_advisory_xact_lock(namespace, key)): one organization's invoices; numbering. */
const ORG_INVOICES_LOCK = 1_112_099_916;
const INVOICE_NUMBER_LOCK = 1_112_099_917;

const TRANSACTION = {
  isolationLevel: Prisma.TransactionIsolationLevel.ReadCommitted,
  maxWait: 30_000,
  timeout: 5 * 60_000,
};

/**
 * Monthly invoices. A DRAFT per organization and UTC month is recomputed while the month runs
 * (`refreshDrafts`, every few minutes) and FINALIZED after it ends (`finalizeDue`, hourly): numbered,
 * credits burned, immutable from then on (a database trigger refuses any change).
 *
 * Concurrency: everything one organization's invoices go through happens in one transaction holding that
 * organization's advisory lock. A refresh only tries the lock (a busy organization is left for the next
 * run: someone is recomputing it right now); finalization waits for it and then re-reads the drafts, so two
 * workers finalizing at once finalize each invoice once, and credits are never burned twice. Numbers come
 * from a second, per-month lock held only at the end of a finalization, so they are gapless per month.
 */
@Injectable()
export class InvoicingService {
  private readonly logger = new Logger(InvoicingService.name);

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    private readonly prisma: PrismaService,
    private readonly calculator: InvoiceCalculator,
  ) {}

  /**
   * Recomputes every organization's open invoices as of `now`: the current month's draft (created when
   * missing), any earlier month's draft not finalized yet, and the previous month's when it has none. Also
   * records low-credit notifications. An organization that fails is logged and skipped; the others are
   * refreshed, then the call rejects with an AggregateError.
   */
  async refreshDrafts(now: Date = new Date(), options: RefreshOptions = {}): Promise<RefreshResult> {
    const started = Date.now();
    const period = billingPeriodOf(now);
    const orgIds = await this.organizationsIn(period.end, options.orgIds);
    const result: RefreshResult = { organizations: 0, invoices: 0, busy: 0 };
    const failures: unknown[] = [];
    let next = 0;
    const lane = async () => {
      while (next < orgIds.length) {
        const orgId = orgIds[next++];
        try {
          const written = await this.prisma.$transaction(async (tx) => {
            if (!(await this.tryLockOrganization(tx, orgId))) return undefined;
            const billing = await this.calculator.compute(tx, orgId, now);
            for (const invoice of billing.invoices) await this.writeDraft(tx, orgId, invoice, now);
            await this.notifyLowCredits(tx, billing, now);
            return billing.invoices.length;
          }, TRANSACTION);
          if (written === undefined) result.busy++;
          else {
            result.organizations++;
            result.invoices += written;
          }
        } catch (error) {
          // One organization's problem does not hold up the others' invoices; the run fails at the end.
          this.logger.error({ err: error, orgId }, 'Could not refresh the draft invoices of an organization');
          failures.push(error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, lane));
    this.logger.log(
      { ...result, failed: failures.length, ms: Date.now() - started },
      'Refreshed draft invoices',
    );
    if (failures.length > 0) {
      throw new AggregateError(
        failures,
        `refreshing draft invoices failed for ${failures.length} organization(s)`,
      );
    }
    return result;
  }

  /**
   * Finalizes every draft whose month ended at least BILLING_INVOICE_FINALIZE_DELAY_MINUTES before `now`,
   * after a last recomputation in the same transaction: lines and totals as of now, the number
   * `SP-YYYYMM-NNNNNN`, the credit burns, status FINALIZED. Idempotent; safe with several workers at once.
   * A draft with hours still waiting for a roll-up is left for a later run (and so are that organization's
   * later drafts: credits are burned in month order). An organization that fails is logged and skipped;
   * the others are finalized, then the call rejects with an AggregateError (so the job is retried).
   */
  async finalizeDue(now: Date = new Date(), options: FinalizeOptions = {}): Promise<FinalizeResult> {
    const cutoff = new Date(now.getTime() - this.config.billing.invoices.finalizeDelayMinutes * 60_000);
    const rows = await this.prisma.$queryRaw<{ org_id: string }[]>`
      SELECT DISTINCT org_id::text FROM invoices
      WHERE status = 'DRAFT' AND period_end <= ${cutoff.toISOString()}::timestamptz
        AND (${options.orgIds ?? null}::uuid[] IS NULL OR org_id = ANY(${options.orgIds ?? null}::uuid[]))
      ORDER BY org_id`;
    const result: FinalizeResult = { finalized: [], deferred: 0 };
    const failures: unknown[] = [];
    for (const { org_id: orgId } of rows) {
      const outcome = await this.prisma
        .$transaction(async (tx) => {
          await tx.$queryRaw`SELECT pg_advisory_xact_lock(${ORG_INVOICES_LOCK}::int, hashtext(${orgId}))::text`;
          // Under the lock, everything is read afresh: another worker may have finalized these meanwhile.
          const billing = await this.calculator.compute(tx, orgId, now);
          const finalized: FinalizedInvoice[] = [];
          let deferred = 0;
          for (const invoice of billing.invoices) {
            const id = await this.writeDraft(tx, orgId, invoice, now);
            if (invoice.period.end > cutoff) continue;
            if (deferred > 0 || (await this.calculator.pendingHours(tx, orgId, invoice.period)) > 0) {
              deferred++;
              continue;
            }
            finalized.push(await this.finalize(tx, orgId, id, invoice, now));
          }
          await this.notifyLowCredits(tx, billing, now);
          return { finalized, deferred };
        }, TRANSACTION)
        .catch((error: unknown) => {
          this.logger.error({ err: error, orgId }, 'Could not finalize the invoices of an organization');
          failures.push(error);
          return { finalized: [], deferred: 0 };
        });
      result.finalized.push(...outcome.finalized);
      result.deferred += outcome.deferred;
      if (outcome.finalized.length > 0) options.onFinalized?.(outcome.finalized);
      if (outcome.deferred > 0) {
        this.logger.warn({ orgId, drafts: outcome.deferred }, 'Finalization waits for pending roll-ups');
      }
    }
    if (result.finalized.length > 0 || result.deferred > 0) {
      this.logger.log(
        { finalized: result.finalized.length, deferred: result.deferred },
        'Finalized invoices',
      );
    }
    if (failures.length > 0) {
      throw new AggregateError(failures, `finalizing invoices failed for ${failures.length} organization(s)`);
    }
    return result;
  }

  private async organizationsIn(periodEnd: Date, only: string[] | undefined): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM organizations
      WHERE created_at < ${periodEnd.toISOString()}::timestamptz
        AND (${only ?? null}::uuid[] IS NULL OR id = ANY(${only ?? null}::uuid[]))
      ORDER BY id`;
    return rows.map((row) => row.id);
  }

  private async tryLockOrganization(tx: Tx, orgId: string): Promise<boolean> {
    const [{ locked }] = await tx.$queryRaw<{ locked: boolean }[]>`
      SELECT pg_try_advisory_xact_lock(${ORG_INVOICES_LOCK}::int, hashtext(${orgId})) AS locked`;
    return locked;
  }

  /** Writes a computed invoice as a DRAFT (creating the row if needed); returns its id. */
  private async writeDraft(tx: Tx, orgId: string, invoice: ComputedInvoice, now: Date): Promise<string> {
    const totals = {
      planId: invoice.planId,
      currency: invoice.currency,
      subtotalMinor: invoice.subtotalMinor,
      creditsAppliedMinor: invoice.creditsAppliedMinor,
      totalMinor: invoice.totalMinor,
      computedAt: now,
    };
    const { id } =
      invoice.invoiceId !== null
        ? { id: invoice.invoiceId }
        : await tx.invoice.create({
            data: { orgId, periodStart: invoice.period.start, periodEnd: invoice.period.end, ...totals },
            select: { id: true },
          });
    await tx.invoiceLine.deleteMany({ where: { invoiceId: id } });
    await tx.invoiceLine.createMany({
      data: invoice.lines.map((line) => ({
        invoiceId: id,
        deploymentId: line.deploymentId,
        dimension: line.dimension,
        usagePeriodStart: line.usagePeriodStart,
        quantity: line.quantity,
        unitPriceMinor: line.unitPriceMinor,
        amountMinor: line.amountMinor,
        description: line.description,
      })),
    });
    const updated = await tx.invoice.updateMany({ where: { id, status: 'DRAFT' }, data: totals });
    if (updated.count !== 1) throw new Error(`invoice ${id} is not a draft any more`);
    return id;
  }

  private async finalize(
    tx: Tx,
    orgId: string,
    invoiceId: string,
    invoice: ComputedInvoice,
    now: Date,
  ): Promise<FinalizedInvoice> {
    await tx.creditBurn.createMany({
      data: invoice.draws.map((draw) => ({
        grantId: draw.grantId,
        invoiceId,
        amountMinor: draw.amountMinor,
      })),
    });
    const prefix = invoiceNumberPrefix(invoice.period.start);
    const month = invoice.period.start.getUTCFullYear() * 100 + invoice.period.start.getUTCMonth() + 1;
    await tx.$queryRaw`SELECT pg_advisory_xact_lock(${INVOICE_NUMBER_LOCK}::int, ${month}::int)::text`;
    const [{ last }] = await tx.$queryRaw<{ last: number }[]>`
      SELECT coalesce(max(split_part(number, '-', 3)::int), 0)::int AS last FROM invoices
      WHERE number LIKE ${`${prefix}%`}`;
    const number = invoiceNumber(invoice.period.start, last + 1);
    const updated = await tx.invoice.updateMany({
      where: { id: invoiceId, status: 'DRAFT' },
      data: { status: 'FINALIZED', number, finalizedAt: now },
    });
    if (updated.count !== 1) throw new Error(`invoice ${invoiceId} is not a draft any more`);
    this.logger.log(
      { orgId, invoiceId, number, totalMinor: invoice.totalMinor.toString() },
      'Finalized an invoice',
    );
    return {
      invoiceId,
      orgId,
      number,
      periodStart: invoice.period.start,
      totalMinor: invoice.totalMinor,
      currency: invoice.currency,
      creditsBurnedMinor: invoice.draws.reduce((sum, draw) => sum + draw.amountMinor, 0n),
    };
  }

  /**
   * Once per grant and threshold: its remaining credits, after the projected use of the open invoices, fell
   * below 25% of the grant, and reached zero. Expired grants are not watched.
   */
  private async notifyLowCredits(tx: Tx, billing: OrganizationBilling, now: Date): Promise<void> {
    const currency = billing.invoices.at(-1)?.currency ?? 'USD';
    const notifications: Prisma.NotificationCreateManyInput[] = [];
    for (const grant of burnOrder(billing.projectedGrants)) {
      if (grant.expiresAt <= now || grant.amountMinor <= 0n) continue;
      const remaining = grant.remainingMinor > 0n ? grant.remainingMinor : 0n;
      if (remaining * 100n < grant.amountMinor * LOW_CREDIT_PERCENT) {
        notifications.push(
          lowCredits(billing.orgId, grant, remaining, currency, NotificationKind.LOW_CREDITS),
        );
      }
      if (remaining === 0n) {
        notifications.push(
          lowCredits(billing.orgId, grant, remaining, currency, NotificationKind.CREDITS_EXHAUSTED),
        );
      }
    }
    if (notifications.length > 0)
      await tx.notification.createMany({ data: notifications, skipDuplicates: true });
  }
}

function lowCredits(
  orgId: string,
  grant: GrantBalance,
  remaining: bigint,
  currency: string,
  kind: NotificationKind,
): Prisma.NotificationCreateManyInput {
  const amount = `${formatMinor(grant.amountMinor, currency)} ${currency}`;
  const left = `${formatMinor(remaining, currency)} ${currency}`;
  const expiry = grant.expiresAt.toISOString().slice(0, 10);
  const low = kind === NotificationKind.LOW_CREDITS;
  return {
    orgId,
    kind,
    dedupKey: `credits:${grant.id}:${low ? `below-${LOW_CREDIT_PERCENT}-percent` : 'exhausted'}`,
    message: low
      ? `Your credits are running low: ${left} of ${amount} left, counting this month's usage so far (they expire on ${expiry}).`
      : `Your ${amount} of credits are used up, counting this month's usage so far; further usage is charged at your plan's prices.`,
    data: {
      grantId: grant.id,
      thresholdPercent: low ? Number(LOW_CREDIT_PERCENT) : 0,
      remainingMinor: remaining.toString(),
      amountMinor: grant.amountMinor.toString(),
      currency,
      expiresAt: grant.expiresAt.toISOString(),
    },
  };
}
