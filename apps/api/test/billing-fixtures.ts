import { billingPeriodOf, InvoicingService, previousPeriod } from '@streamplane/billing';
import type { CallFixtures } from './graphql-calls';
import type { TestApi } from './harness';

/**
 * Billing state of an organization, produced the way the billing worker produces it: rolled-up usage
 * (written into usage_hourly, as the roll-up would), last month's invoice finalized by InvoicingService,
 * this month's draft refreshed, and the low-credit notification that usage causes.
 */
export interface BillingFixtures {
  /** Last month's FINALIZED invoice. */
  invoiceId: string;
  invoiceNumber: string;
  /** This month's DRAFT. */
  draftId: string;
  /** LOW_CREDITS: this month's usage leaves less than 25% of the sign-up credits. */
  notificationId: string;
  grantIds: string[];
}

/** Writes one hour of rolled-up usage. */
export async function writeHourlyUsage(
  api: TestApi,
  orgId: string,
  deploymentId: string,
  dimension: string,
  hour: Date,
  quantity: string,
): Promise<void> {
  await api.prisma.$executeRaw`
    INSERT INTO usage_hourly (org_id, deployment_id, dimension, hour, quantity, event_count, rolled_up_at)
    VALUES (${orgId}::uuid, ${deploymentId}::uuid, ${dimension}, ${hour.toISOString()}::timestamptz,
            ${quantity}::numeric, 1, now())
    ON CONFLICT (deployment_id, dimension, hour) DO UPDATE SET quantity = EXCLUDED.quantity, rolled_up_at = now()`;
}

/**
 * For `orgId` (signed up through the api, so it has its sign-up credits) and its deployment `deploymentId`:
 * 100 broker-hours last month (finalized: $21.00, paid by credits) and 800 this month ($168.00, leaving
 * $11.00 of the $200: a LOW_CREDITS notification).
 */
export async function setUpBilling(
  api: TestApi,
  orgId: string,
  deploymentId: string,
): Promise<BillingFixtures> {
  const invoicing = api.app.get(InvoicingService);
  const now = new Date();
  const current = billingPeriodOf(now);
  const last = previousPeriod(current);
  // The organization and its credits existed since last month.
  await api.prisma.organization.update({ where: { id: orgId }, data: { createdAt: last.start } });
  await api.prisma.creditGrant.updateMany({ where: { orgId }, data: { grantedAt: last.start } });
  await writeHourlyUsage(
    api,
    orgId,
    deploymentId,
    'broker_hours',
    new Date(last.start.getTime() + 3_600_000),
    '100',
  );
  await invoicing.refreshDrafts(new Date(last.start.getTime() + 86_400_000), { orgIds: [orgId] });
  const { finalized } = await invoicing.finalizeDue(new Date(current.start.getTime() + 3 * 3_600_000), {
    orgIds: [orgId],
  });
  if (finalized.length !== 1)
    throw new Error(`expected last month to be finalized: ${JSON.stringify(finalized)}`);

  await writeHourlyUsage(api, orgId, deploymentId, 'broker_hours', current.start, '800');
  await invoicing.refreshDrafts(now, { orgIds: [orgId] });
  const draft = await api.prisma.invoice.findUniqueOrThrow({
    where: { orgId_periodStart: { orgId, periodStart: current.start } },
  });
  const notification = await api.prisma.notification.findFirst({ where: { orgId, kind: 'LOW_CREDITS' } });
  if (!notification) throw new Error('expected a LOW_CREDITS notification');
  const grants = await api.prisma.creditGrant.findMany({ where: { orgId }, select: { id: true } });
  return {
    invoiceId: finalized[0].invoiceId,
    invoiceNumber: finalized[0].number,
    draftId: draft.id,
    notificationId: notification.id,
    grantIds: grants.map((g) => g.id),
  };
}

/** The ids with which every billing operation would succeed on `fixtures` (see CallFixtures). */
export function billingCallFixtures(fixtures: BillingFixtures): CallFixtures {
  return { ids: { invoiceId: fixtures.invoiceId, notificationId: fixtures.notificationId } };
}
