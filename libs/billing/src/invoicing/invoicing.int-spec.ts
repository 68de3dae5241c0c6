import { Logger } from '@nestjs/common';
import { loadConfig, type AppConfig } from '@streamplane/config';
import { PrismaService } from '@streamplane/db';
import { TEST_GAUGE_LATEST, TEST_GAUGE_MAX } from '../rollup/testing/usage-fixtures';
import { BillingQueriesService } from '../queries/billing-queries.service';
import { InvoiceCalculator } from './invoice-calculator';
import { InvoicingService } from './invoicing.service';
import { amountMinorOf } from './money';
import {
  ensureTestPlan,
  grantCredits,
  makeBillingOrg,
  TEST_PRICES,
  writeHourly,
  writeUniqueKeys,
  type BillingOrg,
} from './testing/billing-fixtures';

jest.setTimeout(60_000);

const OCT = new Date('2026-10-01T00:00:00Z');
const NOV = new Date('2026-11-01T00:00:00Z');
const DEC = new Date('2026-12-01T00:00:00Z');
/** Finalization happens BILLING_INVOICE_FINALIZE_DELAY_MINUTES (30) after a month ends. */
const afterMonth = (monthEnd: Date, minutes = 31) => new Date(monthEnd.getTime() + minutes * 60_000);

describe('invoices (real PostgreSQL)', () => {
  let config: AppConfig;
  let prisma: PrismaService;
  let invoicing: InvoicingService;
  let queries: BillingQueriesService;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    config = loadConfig({ ...process.env, BILLING_INVOICE_FINALIZE_DELAY_MINUTES: '30' });
    prisma = new PrismaService(config);
    const calculator = new InvoiceCalculator(config);
    invoicing = new InvoicingService(config, prisma, calculator);
    queries = new BillingQueriesService(prisma, calculator);
    await ensureTestPlan(prisma);
  });

  afterAll(async () => {
    await prisma?.$disconnect();
  });

  const invoiceOf = (org: BillingOrg, periodStart: Date) =>
    prisma.invoice.findUniqueOrThrow({
      where: { orgId_periodStart: { orgId: org.orgId, periodStart } },
      include: { lines: { orderBy: [{ usagePeriodStart: 'asc' }, { dimension: 'asc' }] }, creditBurns: true },
    });
  const refresh = (org: BillingOrg, now: Date) => invoicing.refreshDrafts(now, { orgIds: [org.orgId] });
  const finalize = (org: BillingOrg, now: Date) => invoicing.finalizeDue(now, { orgIds: [org.orgId] });
  const lineSummary = (
    lines: { dimension: string; quantity: { toFixed(): string }; amountMinor: bigint }[],
  ) => lines.map((l) => [l.dimension, l.quantity.toFixed(), l.amountMinor]);

  it('creates the current month’s draft for every organization, empty without usage', async () => {
    const org = await makeBillingOrg(prisma);
    const result = await refresh(org, new Date('2026-10-15T12:00:00Z'));
    expect(result).toEqual({ organizations: 1, invoices: 1, busy: 0 });
    const draft = await invoiceOf(org, OCT);
    expect(draft).toMatchObject({
      status: 'DRAFT',
      number: null,
      periodEnd: NOV,
      planId: 'test-every-meter',
      subtotalMinor: 0n,
      creditsAppliedMinor: 0n,
      totalMinor: 0n,
      lines: [],
    });
  });

  it('aggregates each meter over the UTC month: SUM, MAX, LATEST and distinct UNIQUE_COUNT keys', async () => {
    const org = await makeBillingOrg(prisma, { deployments: 2 });
    const [a, b] = org.deploymentIds;
    for (const [hour, brokers, max, latest] of [
      ['2026-09-30T23:00:00Z', 99, 99, 99], // September
      ['2026-10-01T00:00:00Z', 3, 5, 1],
      ['2026-10-15T12:00:00Z', 3, 9, 2],
      ['2026-10-31T23:00:00Z', 4, 2, 6], // the last hour of October (UTC)
      ['2026-11-01T00:00:00Z', 99, 99, 99], // November
    ] as const) {
      await writeHourly(prisma, org, a, 'broker_hours', hour, brokers);
      await writeHourly(prisma, org, a, TEST_GAUGE_MAX, hour, max);
      await writeHourly(prisma, org, a, TEST_GAUGE_LATEST, hour, latest);
    }
    // 23:30 on Oct 31 in New York is 03:30 on Nov 1 UTC: November's, not October's.
    await writeUniqueKeys(prisma, org, b, 'connected_assets', '2026-10-02T10:00:00Z', ['dev-1', 'dev-2']);
    await writeUniqueKeys(prisma, org, b, 'connected_assets', '2026-10-20T10:00:00Z', ['dev-2', 'dev-3']);
    await writeUniqueKeys(prisma, org, b, 'connected_assets', '2026-10-31T23:30:00-04:00', ['dev-4']);
    await writeUniqueKeys(prisma, org, b, 'connected_assets', '2026-11-01T00:30:00+01:00', ['dev-5']); // Oct 31 23:30Z

    await refresh(org, new Date('2026-10-31T23:59:59.999Z'));
    const draft = await invoiceOf(org, OCT);
    expect(
      draft.lines.map((l) => [l.deploymentId, l.dimension, l.quantity.toFixed(), l.amountMinor]),
    ).toEqual([
      [a, 'broker_hours', '10', 210n],
      [b, 'connected_assets', '4', 40n], // dev-1, dev-2, dev-3, dev-5
      [a, TEST_GAUGE_LATEST, '6', 42n],
      [a, TEST_GAUGE_MAX, '9', 27n],
    ]);
    expect(draft.lines.every((l) => l.usagePeriodStart.getTime() === OCT.getTime())).toBe(true);
    expect(draft.subtotalMinor).toBe(319n);
  });

  it('prices each line half-up to whole cents, and the lines sum exactly to the subtotal', async () => {
    const org = await makeBillingOrg(prisma, { deployments: 3 });
    const quantities: [string, string, string][] = [];
    let hour = 0;
    for (const deploymentId of org.deploymentIds) {
      for (const [dimension, quantity] of [
        ['ingress_bytes', '300000000'], // 1.5 cents: a tie, up to 2
        ['egress_bytes', '123456789012.123456789'],
        ['storage_gb_hours', '0.1'],
        ['storage_gb_hours', '0.2'], // 0.1 + 0.2 GB-hours must be exactly 0.3
        ['partition_hours', '249.999999999'],
      ]) {
        const at = new Date(OCT.getTime() + hour++ * 3_600_000).toISOString();
        await writeHourly(prisma, org, deploymentId, dimension, at, quantity);
        quantities.push([deploymentId, dimension, quantity]);
      }
    }
    await refresh(org, new Date('2026-10-20T00:00:00Z'));
    const draft = await invoiceOf(org, OCT);
    expect(draft.lines).toHaveLength(12);
    for (const line of draft.lines) {
      expect(line.amountMinor).toBe(amountMinorOf(line.quantity.toFixed(), line.unitPriceMinor.toFixed()));
      expect(line.unitPriceMinor.toFixed()).toBe(TEST_PRICES[line.dimension]);
    }
    expect(lineSummary(draft.lines.filter((l) => l.deploymentId === org.deploymentIds[0]))).toEqual([
      ['egress_bytes', '123456789012.123456789', 1111n], // 1111.111101109… cents
      ['ingress_bytes', '300000000', 2n],
      ['partition_hours', '249.999999999', 0n], // 0.499999999998 cents
      ['storage_gb_hours', '0.3', 0n],
    ]);
    expect(draft.subtotalMinor).toBe(draft.lines.reduce((sum, l) => sum + l.amountMinor, 0n));
    expect(draft.subtotalMinor).toBe(3n * (1111n + 2n));
    expect(draft.totalMinor).toBe(draft.subtotalMinor - draft.creditsAppliedMinor);
  });

  it('burns credits before charging, the earliest-expiring first, and never expired ones', async () => {
    const org = await makeBillingOrg(prisma);
    const [d] = org.deploymentIds;
    const expired = await grantCredits(prisma, org, 50_000n, '2025-01-01T00:00:00Z', '2026-09-30T00:00:00Z');
    const later = await grantCredits(prisma, org, 20_000n, '2026-01-01T00:00:00Z', '2027-06-01T00:00:00Z');
    const sooner = await grantCredits(prisma, org, 5_000n, '2026-01-01T00:00:00Z', '2026-12-01T00:00:00Z');
    await writeHourly(prisma, org, d, 'broker_hours', '2026-10-05T00:00:00Z', 1000); // $210.00

    await refresh(org, new Date('2026-10-20T00:00:00Z'));
    expect(await invoiceOf(org, OCT)).toMatchObject({
      subtotalMinor: 21_000n,
      creditsAppliedMinor: 21_000n,
      totalMinor: 0n,
      creditBurns: [], // a draft burns nothing yet
    });
    const balance = await queries.creditBalance(org.orgId, new Date('2026-10-20T00:00:00Z'));
    expect(balance).toMatchObject({
      grantedMinor: 75_000n,
      usedMinor: 21_000n,
      remainingMinor: 4_000n,
      expiredMinor: 50_000n,
      nextExpiry: new Date('2027-06-01T00:00:00Z'),
    });
    expect(
      balance.grants.map((g) => [g.id, g.burnedMinor, g.projectedMinor, g.remainingMinor, g.expired]),
    ).toEqual([
      [expired, 0n, 0n, 0n, true],
      [sooner, 0n, 5_000n, 0n, false],
      [later, 0n, 16_000n, 4_000n, false],
    ]);

    const { finalized } = await finalize(org, afterMonth(NOV));
    expect(finalized).toHaveLength(1);
    const october = await invoiceOf(org, OCT);
    expect(october).toMatchObject({ status: 'FINALIZED', creditsAppliedMinor: 21_000n, totalMinor: 0n });
    expect(
      october.creditBurns.map((b) => [b.grantId, b.amountMinor]).sort((x, y) => (x[1] < y[1] ? -1 : 1)),
    ).toEqual([
      [sooner, 5_000n],
      [later, 16_000n],
    ]);

    // November: $40.00 of credits left, the rest is charged.
    await writeHourly(prisma, org, d, 'broker_hours', '2026-11-03T00:00:00Z', 300); // $63.00
    await refresh(org, new Date('2026-11-10T00:00:00Z'));
    expect(await invoiceOf(org, NOV)).toMatchObject({
      subtotalMinor: 6_300n,
      creditsAppliedMinor: 4_000n,
      totalMinor: 2_300n,
    });
  });

  it('a grant that expired before the month pays nothing, one valid during part of it pays', async () => {
    const org = await makeBillingOrg(prisma);
    await grantCredits(prisma, org, 10_000n, '2026-01-01T00:00:00Z', '2026-10-01T00:00:00Z'); // ends as October starts
    await writeHourly(prisma, org, org.deploymentIds[0], 'broker_hours', '2026-10-05T00:00:00Z', 10);
    await refresh(org, new Date('2026-10-20T00:00:00Z'));
    expect(await invoiceOf(org, OCT)).toMatchObject({
      subtotalMinor: 210n,
      creditsAppliedMinor: 0n,
      totalMinor: 210n,
    });

    await grantCredits(prisma, org, 100n, '2026-10-25T00:00:00Z', '2027-10-25T00:00:00Z'); // granted late in October
    await refresh(org, new Date('2026-10-26T00:00:00Z'));
    expect(await invoiceOf(org, OCT)).toMatchObject({ creditsAppliedMinor: 100n, totalMinor: 110n });
  });

  it('late usage after a month is finalized goes on the next invoice as a late-usage line', async () => {
    const org = await makeBillingOrg(prisma, { deployments: 1 });
    const [d] = org.deploymentIds;
    await writeHourly(prisma, org, d, 'broker_hours', '2026-10-10T00:00:00Z', 3);
    await writeUniqueKeys(prisma, org, d, 'connected_assets', '2026-10-10T00:10:00Z', ['dev-1']);
    await refresh(org, new Date('2026-10-31T12:00:00Z'));
    await finalize(org, afterMonth(NOV));
    const october = await invoiceOf(org, OCT);
    expect(october.status).toBe('FINALIZED');
    expect(lineSummary(october.lines)).toEqual([
      ['broker_hours', '3', 63n],
      ['connected_assets', '1', 10n],
    ]);

    // Events for October arrive after its invoice was finalized (and the roll-up rewrote their hours).
    await writeHourly(prisma, org, d, 'broker_hours', '2026-10-31T23:00:00Z', 2);
    await writeUniqueKeys(prisma, org, d, 'connected_assets', '2026-10-31T23:10:00Z', ['dev-1', 'dev-2']);
    await writeHourly(prisma, org, d, 'broker_hours', '2026-11-02T00:00:00Z', 5);
    await refresh(org, new Date('2026-11-05T00:00:00Z'));

    const november = await invoiceOf(org, NOV);
    expect(
      november.lines.map((l) => [
        l.dimension,
        l.usagePeriodStart.toISOString(),
        l.quantity.toFixed(),
        l.amountMinor,
        l.description,
      ]),
    ).toEqual([
      ['broker_hours', OCT.toISOString(), '2', 42n, expect.stringMatching(/: late usage for October 2026$/)],
      [
        'connected_assets',
        OCT.toISOString(),
        '1',
        10n,
        expect.stringMatching(/: late usage for October 2026$/),
      ],
      ['broker_hours', NOV.toISOString(), '5', 105n, expect.not.stringMatching(/late/)],
    ]);
    expect(november.subtotalMinor).toBe(157n);
    // October's invoice did not change.
    expect(await invoiceOf(org, OCT)).toEqual(october);

    // Once November is finalized with those lines, December's draft does not bill them again.
    await finalize(org, afterMonth(DEC));
    expect((await invoiceOf(org, NOV)).status).toBe('FINALIZED');
    await refresh(org, new Date('2026-12-02T00:00:00Z'));
    expect((await invoiceOf(org, new Date('2026-12-01T00:00:00Z'))).lines).toEqual([]);
  });

  it('a finalized invoice is immutable: the database refuses any change to it or its lines', async () => {
    const org = await makeBillingOrg(prisma);
    await writeHourly(prisma, org, org.deploymentIds[0], 'broker_hours', '2026-10-10T00:00:00Z', 1);
    await refresh(org, new Date('2026-10-20T00:00:00Z'));
    await finalize(org, afterMonth(NOV));
    const invoice = await invoiceOf(org, OCT);
    expect(invoice.status).toBe('FINALIZED');
    expect(invoice.number).toMatch(/^SP-202610-\d{6}$/);

    await expect(
      prisma.invoice.update({ where: { id: invoice.id }, data: { totalMinor: 0n } }),
    ).rejects.toThrow(/finalized and cannot change/);
    await expect(
      prisma.invoice.update({ where: { id: invoice.id }, data: { status: 'DRAFT' } }),
    ).rejects.toThrow(/finalized and cannot change/);
    await expect(
      prisma.invoiceLine.update({ where: { id: invoice.lines[0].id }, data: { amountMinor: 1n } }),
    ).rejects.toThrow(/finalized and cannot change/);
    await expect(
      prisma.invoiceLine.create({
        data: {
          invoiceId: invoice.id,
          deploymentId: org.deploymentIds[0],
          dimension: 'egress_bytes',
          usagePeriodStart: OCT,
          quantity: '1',
          unitPriceMinor: '1',
          amountMinor: 1n,
          description: 'sneaked in',
        },
      }),
    ).rejects.toThrow(/finalized and cannot change/);
    expect(await invoiceOf(org, OCT)).toEqual(invoice);
  });

  it('finalizing is idempotent: a second run changes nothing', async () => {
    const org = await makeBillingOrg(prisma);
    await grantCredits(prisma, org, 100n, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z');
    await writeHourly(prisma, org, org.deploymentIds[0], 'broker_hours', '2026-10-10T00:00:00Z', 7);
    await refresh(org, new Date('2026-10-20T00:00:00Z'));
    const first = await finalize(org, afterMonth(NOV));
    const after = await invoiceOf(org, OCT);
    const second = await finalize(org, afterMonth(NOV, 120));
    expect(first.finalized.map((f) => f.invoiceId)).toEqual([after.id]);
    expect(second.finalized).toEqual([]);
    expect(await invoiceOf(org, OCT)).toEqual(after);
    expect(after.creditBurns).toHaveLength(1);
  });

  it('two finalizeDue runs at once finalize each invoice once, with distinct consecutive numbers', async () => {
    const orgs = await Promise.all([1, 2, 3].map(() => makeBillingOrg(prisma)));
    for (const org of orgs) {
      await grantCredits(prisma, org, 1_000n, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z');
      await writeHourly(prisma, org, org.deploymentIds[0], 'broker_hours', '2026-10-10T00:00:00Z', 100);
      await refresh(org, new Date('2026-10-20T00:00:00Z'));
    }
    const orgIds = orgs.map((o) => o.orgId);
    const runs = await Promise.all([
      invoicing.finalizeDue(afterMonth(NOV), { orgIds }),
      invoicing.finalizeDue(afterMonth(NOV), { orgIds }),
    ]);
    const finalized = runs.flatMap((r) => r.finalized);
    expect(finalized).toHaveLength(3);
    expect(new Set(finalized.map((f) => f.orgId))).toEqual(new Set(orgIds));
    const numbers = finalized.map((f) => Number(f.number.slice('SP-202610-'.length))).sort((x, y) => x - y);
    expect(numbers).toEqual([numbers[0], numbers[0] + 1, numbers[0] + 2]);
    for (const org of orgs) {
      const invoice = await invoiceOf(org, OCT);
      expect(invoice.status).toBe('FINALIZED');
      expect(invoice.creditBurns.map((b) => b.amountMinor)).toEqual([1_000n]); // burned once
      expect(invoice.totalMinor).toBe(1_100n);
    }
  });

  it('finalizes only after the delay, and not while hours of the month wait for a roll-up', async () => {
    const org = await makeBillingOrg(prisma);
    const [d] = org.deploymentIds;
    await writeHourly(prisma, org, d, 'broker_hours', '2026-10-31T22:00:00Z', 1);
    await refresh(org, new Date('2026-10-31T22:30:00Z'));
    expect((await finalize(org, afterMonth(NOV, 29))).finalized).toEqual([]);

    // The 23:00 hour got events the roll-up has not processed yet.
    await prisma.usagePendingHour.create({
      data: {
        orgId: org.orgId,
        deploymentId: d,
        dimension: 'broker_hours',
        hour: new Date('2026-10-31T23:00:00Z'),
      },
    });
    expect(await finalize(org, afterMonth(NOV, 45))).toEqual({ finalized: [], deferred: 1 });
    expect((await invoiceOf(org, OCT)).status).toBe('DRAFT');

    // The roll-up writes the hour and clears the mark: the final invoice has it.
    await writeHourly(prisma, org, d, 'broker_hours', '2026-10-31T23:00:00Z', 2);
    await prisma.usagePendingHour.deleteMany({ where: { orgId: org.orgId } });
    const { finalized } = await finalize(org, afterMonth(NOV, 60));
    expect(finalized).toHaveLength(1);
    expect(lineSummary((await invoiceOf(org, OCT)).lines)).toEqual([['broker_hours', '3', 63n]]);
  });

  it('the estimate is the draft computed live, and writes nothing', async () => {
    const org = await makeBillingOrg(prisma, { deployments: 2 });
    await grantCredits(prisma, org, 500n, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z');
    await writeHourly(prisma, org, org.deploymentIds[0], 'broker_hours', '2026-10-10T00:00:00Z', 20);
    await writeHourly(prisma, org, org.deploymentIds[1], 'pipeline_hours', '2026-10-11T00:00:00Z', 3);
    const now = new Date('2026-10-20T00:00:00Z');
    const before = await prisma.invoice.count({ where: { orgId: org.orgId } });
    const estimate = await queries.currentPeriodEstimate(org.orgId, now);
    expect(await prisma.invoice.count({ where: { orgId: org.orgId } })).toBe(before);
    expect(estimate).toMatchObject({
      periodStart: OCT,
      periodEnd: NOV,
      subtotalMinor: 435n,
      creditsAppliedMinor: 435n,
      totalMinor: 0n,
      pendingHours: 0,
    });
    await refresh(org, now);
    const draft = await invoiceOf(org, OCT);
    expect(estimate.lines.map((l) => [l.deploymentId, l.dimension, l.quantity, l.amountMinor])).toEqual(
      draft.lines
        .map((l) => [l.deploymentId, l.dimension, l.quantity.toFixed(), l.amountMinor])
        .sort((x, y) => (x[0] === org.deploymentIds[0] ? -1 : 1) - (y[0] === org.deploymentIds[0] ? -1 : 1)),
    );
    expect(draft).toMatchObject({ subtotalMinor: 435n, creditsAppliedMinor: 435n, totalMinor: 0n });
  });

  it('says once when credits fall below 25%, and once when they are used up', async () => {
    const org = await makeBillingOrg(prisma);
    const [d] = org.deploymentIds;
    const grant = await grantCredits(prisma, org, 20_000n, '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z');
    const notifications = () =>
      prisma.notification.findMany({ where: { orgId: org.orgId }, orderBy: { createdAt: 'asc' } });

    await writeHourly(prisma, org, d, 'broker_hours', '2026-10-01T00:00:00Z', 700); // $147: 26.5% left
    await refresh(org, new Date('2026-10-02T00:00:00Z'));
    expect(await notifications()).toEqual([]);

    await writeHourly(prisma, org, d, 'broker_hours', '2026-10-02T00:00:00Z', 100); // $168: 16% left
    await refresh(org, new Date('2026-10-03T00:00:00Z'));
    await refresh(org, new Date('2026-10-03T01:00:00Z'));
    expect(await notifications()).toEqual([
      expect.objectContaining({
        kind: 'LOW_CREDITS',
        dedupKey: `credits:${grant}:below-25-percent`,
        message: expect.stringContaining('32.00 USD of 200.00 USD left'),
        readAt: null,
      }),
    ]);

    await writeHourly(prisma, org, d, 'broker_hours', '2026-10-03T00:00:00Z', 200); // over $200
    await refresh(org, new Date('2026-10-04T00:00:00Z'));
    await finalize(org, afterMonth(NOV));
    await refresh(org, new Date('2026-11-02T00:00:00Z'));
    expect((await notifications()).map((n) => n.kind)).toEqual(['LOW_CREDITS', 'CREDITS_EXHAUSTED']);
  });

  it('one organization failing does not hold up the others; the run then fails', async () => {
    const good = await makeBillingOrg(prisma);
    const bad = await makeBillingOrg(prisma);
    await writeHourly(prisma, good, good.deploymentIds[0], 'broker_hours', '2026-10-05T00:00:00Z', 1);
    await writeHourly(prisma, bad, bad.deploymentIds[0], 'broker_hours', '2026-10-05T00:00:00Z', 1);
    // A database failure for one organization's lines only.
    await prisma.$executeRawUnsafe(`
      CREATE FUNCTION test_refuse_lines() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'refused for the test'; END $$ LANGUAGE plpgsql`);
    await prisma.$executeRawUnsafe(`
      CREATE TRIGGER test_refuse_lines BEFORE INSERT ON invoice_lines FOR EACH ROW
      WHEN (NEW.deployment_id = '${bad.deploymentIds[0]}') EXECUTE FUNCTION test_refuse_lines()`);
    try {
      const run = invoicing.refreshDrafts(new Date('2026-10-20T00:00:00Z'), {
        orgIds: [good.orgId, bad.orgId],
      });
      await expect(run).rejects.toThrow(/failed for 1 organization/);
    } finally {
      await prisma.$executeRawUnsafe('DROP TRIGGER test_refuse_lines ON invoice_lines');
      await prisma.$executeRawUnsafe('DROP FUNCTION test_refuse_lines()');
    }
    expect(await invoiceOf(good, OCT)).toMatchObject({ subtotalMinor: 21n, lines: [expect.anything()] });
    expect(await prisma.invoice.count({ where: { orgId: bad.orgId } })).toBe(0); // all or nothing
  });

  it('catches up a month nobody drafted, and finalizes due months in order, credits first to the earliest', async () => {
    const org = await makeBillingOrg(prisma, { createdAt: '2026-08-15T00:00:00Z' });
    const [d] = org.deploymentIds;
    await grantCredits(prisma, org, 3_000n, '2026-08-15T00:00:00Z', '2027-08-15T00:00:00Z');
    await writeHourly(prisma, org, d, 'broker_hours', '2026-09-10T00:00:00Z', 100); // $21.00
    await writeHourly(prisma, org, d, 'broker_hours', '2026-10-10T00:00:00Z', 100); // $21.00
    // The worker first runs on October 10: September, which nobody drafted, is drafted too.
    expect(await refresh(org, new Date('2026-10-10T12:00:00Z'))).toMatchObject({ invoices: 2 });
    // …and then not again until after October: both are due at once.
    const { finalized } = await finalize(org, afterMonth(NOV));
    expect(finalized.map((f) => [f.periodStart, f.totalMinor])).toEqual([
      [new Date('2026-09-01T00:00:00Z'), 0n],
      [OCT, 1_200n],
    ]);
    expect(await invoiceOf(org, OCT)).toMatchObject({ subtotalMinor: 2_100n, creditsAppliedMinor: 900n });
    // The same run drafted November, with the credits that are left: none.
    await writeHourly(prisma, org, d, 'broker_hours', '2026-11-10T00:00:00Z', 100);
    await refresh(org, new Date('2026-11-20T00:00:00Z'));
    expect(await invoiceOf(org, NOV)).toMatchObject({
      subtotalMinor: 2_100n,
      creditsAppliedMinor: 0n,
      totalMinor: 2_100n,
    });
  });
});
