import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InvoicingService, makeOrgWithDeployments } from '@streamplane/billing';
import { loadConfig, type AppConfig } from '@streamplane/config';
import { PrismaService } from '@streamplane/db';
import { Metrics } from '@streamplane/observability';
import { BillingWorkerModule } from '../src/billing-worker.module';
import { InvoicesFinalizeJob } from '../src/jobs/invoices-finalize.job';

jest.setTimeout(60_000);

/** The value of one series in a Prometheus text scrape (0 when it is not there yet). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

// The billing worker's module with its real services: finalizing last month's invoice counts the invoice
// and the credits burned on it.
describe('billing metrics: invoices finalized and credits burned', () => {
  let config: AppConfig;
  let metrics: Metrics;
  let app: INestApplicationContext;
  let prisma: PrismaService;

  beforeAll(async () => {
    config = loadConfig(process.env);
    metrics = new Metrics({ defaultMetrics: false });
    app = await NestFactory.createApplicationContext(BillingWorkerModule.forRoot(config, metrics), {
      logger: false,
    });
    await app.init();
    prisma = app.get(PrismaService);
  });

  afterAll(() => app?.close());

  it('counts each finalized invoice and the credits burned on it once its transaction committed', async () => {
    // Two months back: its month ended long before the finalization delay, whenever this runs.
    const now = new Date();
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1));
    const { orgId, deploymentIds } = await makeOrgWithDeployments(prisma, 1);
    await prisma.organization.update({ where: { id: orgId }, data: { createdAt: month } });
    // Ten broker-hours that month (rolled up already), and fewer credits than they cost.
    const hour = new Date(month.getTime() + 36 * 3_600_000);
    await prisma.$executeRaw`
      INSERT INTO usage_hourly (org_id, deployment_id, dimension, hour, quantity, event_count, rolled_up_at)
      VALUES (${orgId}::uuid, ${deploymentIds[0]}::uuid, 'broker_hours', ${hour}, 10, 1, now())`;
    await prisma.creditGrant.create({
      data: {
        orgId,
        amountMinor: 5n,
        reason: 'Test credits',
        grantedAt: month,
        expiresAt: new Date(month.getTime() + 400 * 86_400_000),
      },
    });
    // Its draft, written while that month ran.
    const duringMonth = new Date(month.getTime() + 10 * 86_400_000);
    await app.get(InvoicingService).refreshDrafts(duringMonth, { orgIds: [orgId] });
    const before = await metrics.registry.metrics();

    await app.get(InvoicesFinalizeJob).handle(undefined, undefined);

    const invoice = await prisma.invoice.findFirstOrThrow({
      where: { orgId, periodStart: month },
      include: { creditBurns: true },
    });
    expect(invoice.status).toBe('FINALIZED');
    expect(invoice.creditBurns.map((burn) => burn.amountMinor)).toEqual([5n]);
    const after = await metrics.registry.metrics();
    const finalized = 'streamplane_billing_invoices_finalized_total';
    const burned = `streamplane_billing_credits_burned_cents_total{currency="${invoice.currency}"}`;
    // At least this organization's (other test files' drafts in this database may be finalized as well).
    expect(sample(after, finalized) - sample(before, finalized)).toBeGreaterThanOrEqual(1);
    expect(sample(after, burned) - sample(before, burned)).toBeGreaterThanOrEqual(5);
    expect(sample(after, 'streamplane_billing_rollup_duration_seconds_count')).toBeGreaterThanOrEqual(1);
  });
});
