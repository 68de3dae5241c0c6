import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService } from '@streamplane/db';
import { parseInput } from '@streamplane/errors';
import { z } from 'zod';
import { burnOrder } from '../credits/credit-allocation';
import { billingPeriodOf } from '../invoicing/billing-period';
import { invoiceNotFound } from '../invoicing/billing.errors';
import { InvoiceCalculator, type OrganizationBilling } from '../invoicing/invoice-calculator';
import type {
  CreditBalanceView,
  EstimateView,
  InvoiceLineView,
  InvoicePage,
  InvoiceView,
  PricePlanView,
} from './billing-views';

const InvoicePageInput = z.strictObject({
  first: z.number().int().min(1).max(100).default(20),
  after: z.iso.datetime({ offset: true, error: 'must be a cursor returned by a previous page' }).optional(),
  status: z.enum(['DRAFT', 'FINALIZED']).optional(),
});
export type InvoicePageInput = z.input<typeof InvoicePageInput>;

/** A consistent snapshot for reads that take several statements. */
const SNAPSHOT = {
  isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead,
  maxWait: 10_000,
  timeout: 60_000,
};

/** Billing as the API shows it: always within the one organization passed in (the caller's). */
@Injectable()
export class BillingQueriesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly calculator: InvoiceCalculator,
  ) {}

  /** The current month's invoice as it would be if finalized now: computed live, nothing written. */
  async currentPeriodEstimate(orgId: string, now: Date = new Date()): Promise<EstimateView> {
    return this.prisma.$transaction(async (tx) => {
      const billing = await this.calculator.compute(tx, orgId, now);
      const period = billingPeriodOf(now);
      const current = billing.invoices.find((i) => i.period.start.getTime() === period.start.getTime());
      const names = await this.names(tx, orgId);
      const [plan] = await tx.$queryRaw<{ plan_id: string; currency: string }[]>`
        SELECT o.plan_id, p.currency FROM organizations o JOIN price_plans p ON p.id = o.plan_id
        WHERE o.id = ${orgId}::uuid`;
      return {
        periodStart: period.start,
        periodEnd: period.end,
        currency: current?.currency ?? plan.currency,
        planId: current?.planId ?? plan.plan_id,
        subtotalMinor: current?.subtotalMinor ?? 0n,
        creditsAppliedMinor: current?.creditsAppliedMinor ?? 0n,
        totalMinor: current?.totalMinor ?? 0n,
        computedAt: billing.computedAt,
        lines: (current?.lines ?? []).map((line) => ({
          ...line,
          ...names.of(line.deploymentId, line.dimension),
        })),
        pendingHours: await this.calculator.pendingHours(tx, orgId, period),
      };
    }, SNAPSHOT);
  }

  /** Every grant: burned by finalized invoices, projected for the open ones, what is left, what expired. */
  async creditBalance(orgId: string, now: Date = new Date()): Promise<CreditBalanceView> {
    return this.prisma.$transaction(async (tx) => {
      const billing = await this.calculator.compute(tx, orgId, now);
      const rows = await tx.creditGrant.findMany({ where: { orgId }, select: { id: true, reason: true } });
      const reasons = new Map(rows.map((row) => [row.id, row.reason]));
      return creditBalanceOf(billing, reasons, now, await this.currencyOf(tx, orgId));
    }, SNAPSHOT);
  }

  /** Newest month first, drafts included; keyset-paginated by month. */
  async invoices(orgId: string, input: InvoicePageInput): Promise<InvoicePage> {
    const { first, after, status } = parseInput(InvoicePageInput, input);
    const rows = await this.prisma.invoice.findMany({
      where: {
        orgId,
        ...(status ? { status } : {}),
        ...(after ? { periodStart: { lt: new Date(after) } } : {}),
      },
      orderBy: { periodStart: 'desc' },
      take: first + 1,
    });
    const items = rows.slice(0, first);
    return {
      items,
      nextCursor: rows.length > first ? items[items.length - 1].periodStart.toISOString() : null,
    };
  }

  /** One invoice with its lines; another organization's id is answered like an unknown one. */
  async invoice(orgId: string, invoiceId: string): Promise<InvoiceView> {
    parseInput(z.uuid(), invoiceId);
    return this.prisma.$transaction(async (tx) => {
      const invoice = await tx.invoice.findFirst({
        where: { id: invoiceId, orgId },
        include: { lines: true },
      });
      if (!invoice) throw invoiceNotFound();
      const names = await this.names(tx, orgId);
      const lines: InvoiceLineView[] = invoice.lines.map((line) => ({
        deploymentId: line.deploymentId,
        dimension: line.dimension,
        usagePeriodStart: line.usagePeriodStart,
        late: line.usagePeriodStart.getTime() !== invoice.periodStart.getTime(),
        quantity: line.quantity.toFixed(),
        unitPriceMinor: line.unitPriceMinor.toFixed(),
        amountMinor: line.amountMinor,
        description: line.description,
        ...names.of(line.deploymentId, line.dimension),
      }));
      return { ...invoice, lines: lines.sort(lineOrder) };
    }, SNAPSHOT);
  }

  /** The organization's price plan with its unit prices. */
  async pricePlan(orgId: string): Promise<PricePlanView> {
    const org = await this.prisma.organization.findUniqueOrThrow({
      where: { id: orgId },
      select: { plan: { include: { prices: { include: { meter: true }, orderBy: { dimension: 'asc' } } } } },
    });
    const { prices, ...plan } = org.plan;
    return {
      ...plan,
      prices: prices.map((price) => ({
        dimension: price.dimension,
        dimensionName: price.meter.displayName,
        unit: price.meter.unit,
        unitPriceMinor: price.unitPriceMinor.toFixed(),
      })),
    };
  }

  private async currencyOf(tx: Prisma.TransactionClient, orgId: string): Promise<string> {
    const [row] = await tx.$queryRaw<{ currency: string }[]>`
      SELECT p.currency FROM organizations o JOIN price_plans p ON p.id = o.plan_id WHERE o.id = ${orgId}::uuid`;
    return row.currency;
  }

  /** Deployment and meter names for lines. */
  private async names(tx: Prisma.TransactionClient, orgId: string) {
    const [deployments, meters] = await Promise.all([
      tx.deployment.findMany({ where: { orgId }, select: { id: true, name: true } }),
      tx.meter.findMany({ select: { dimension: true, displayName: true, unit: true } }),
    ]);
    const deploymentNames = new Map(deployments.map((d) => [d.id, d.name]));
    const meterInfo = new Map(meters.map((m) => [m.dimension, m]));
    return {
      of: (deploymentId: string, dimension: string) => ({
        deploymentName: deploymentNames.get(deploymentId) ?? deploymentId,
        dimensionName: meterInfo.get(dimension)?.displayName ?? dimension,
        unit: meterInfo.get(dimension)?.unit ?? '',
      }),
    };
  }
}

/** Totals over every grant, with grantedMinor = usedMinor + remainingMinor + expiredMinor. */
export function creditBalanceOf(
  billing: OrganizationBilling,
  reasons: ReadonlyMap<string, string>,
  now: Date,
  currency: string,
): CreditBalanceView {
  const projected = new Map(billing.projectedGrants.map((g) => [g.id, g.remainingMinor]));
  const grants = burnOrder(billing.grants).map((grant) => {
    const afterBurns = grant.remainingMinor;
    const afterProjection = projected.get(grant.id) ?? afterBurns;
    const expired = grant.expiresAt <= now;
    return {
      id: grant.id,
      reason: reasons.get(grant.id) ?? '',
      amountMinor: grant.amountMinor,
      grantedAt: grant.grantedAt,
      expiresAt: grant.expiresAt,
      expired,
      burnedMinor: grant.amountMinor - afterBurns,
      projectedMinor: afterBurns - afterProjection,
      remainingMinor: expired ? 0n : afterProjection,
      forfeitedMinor: expired ? afterProjection : 0n,
    };
  });
  const sum = (pick: (g: (typeof grants)[number]) => bigint) =>
    grants.reduce((total, g) => total + pick(g), 0n);
  const live = grants.filter((g) => !g.expired && g.remainingMinor > 0n);
  return {
    currency,
    grantedMinor: sum((g) => g.amountMinor),
    usedMinor: sum((g) => g.burnedMinor + g.projectedMinor),
    remainingMinor: sum((g) => g.remainingMinor),
    expiredMinor: sum((g) => g.forfeitedMinor),
    nextExpiry: live.length > 0 ? live[0].expiresAt : null,
    grants: grants.map(({ forfeitedMinor: _forfeited, ...grant }) => grant),
  };
}

/** The invoice's own month first, then late usage by month; within each, by deployment name and dimension. */
function lineOrder(a: InvoiceLineView, b: InvoiceLineView): number {
  const text = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  return (
    Number(a.late) - Number(b.late) ||
    a.usagePeriodStart.getTime() - b.usagePeriodStart.getTime() ||
    text(a.deploymentName, b.deploymentName) ||
    text(a.deploymentId, b.deploymentId) ||
    text(a.dimension, b.dimension)
  );
}
