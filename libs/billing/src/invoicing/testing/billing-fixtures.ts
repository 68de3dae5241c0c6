import { randomUUID } from 'node:crypto';
import type { PrismaService } from '@streamplane/db';
import {
  addTestGaugeMeters,
  makeOrgWithDeployments,
  TEST_GAUGE_LATEST,
  TEST_GAUGE_MAX,
} from '../../rollup/testing/usage-fixtures';

/**
 * Test data for invoices: organizations on a test plan that prices every meter (the seeded plans do not
 * price the MAX and LATEST test gauges), hourly usage and unique keys written straight into usage_hourly
 * and usage_events (the roll-up is tested on its own), and credit grants.
 */

export const TEST_PLAN = 'test-every-meter';

/** Unit prices of the test plan, in minor units (cents). */
export const TEST_PRICES: Record<string, string> = {
  broker_hours: '21',
  storage_gb_hours: '0.0137',
  ingress_bytes: '0.000000005',
  egress_bytes: '0.000000009',
  partition_hours: '0.002',
  pipeline_hours: '5',
  connected_assets: '10',
  [TEST_GAUGE_MAX]: '3',
  [TEST_GAUGE_LATEST]: '7',
};

export async function ensureTestPlan(prisma: PrismaService): Promise<void> {
  await addTestGaugeMeters(prisma);
  await prisma.$executeRaw`
    INSERT INTO price_plans (id, name, description, currency)
    VALUES (${TEST_PLAN}, 'Test plan', 'Prices every meter, the test gauges included. Tests only.', 'USD')
    ON CONFLICT (id) DO NOTHING`;
  for (const [dimension, price] of Object.entries(TEST_PRICES)) {
    await prisma.$executeRaw`
      INSERT INTO plan_prices (plan_id, dimension, unit_price_minor)
      VALUES (${TEST_PLAN}, ${dimension}, ${price}::numeric)
      ON CONFLICT (plan_id, dimension) DO UPDATE SET unit_price_minor = EXCLUDED.unit_price_minor`;
  }
}

export interface BillingOrg {
  orgId: string;
  deploymentIds: string[];
}

/**
 * An organization on the test plan with `deployments` RUNNING deployments, created at `createdAt` (by default
 * at the start of October 2026, so that a refresh in October has no earlier month to catch up on).
 */
export async function makeBillingOrg(
  prisma: PrismaService,
  options: { deployments?: number; createdAt?: string; planId?: string } = {},
): Promise<BillingOrg> {
  const org = await makeOrgWithDeployments(prisma, options.deployments ?? 1);
  await prisma.organization.update({
    where: { id: org.orgId },
    data: {
      planId: options.planId ?? TEST_PLAN,
      createdAt: new Date(options.createdAt ?? '2026-10-01T00:00:00Z'),
    },
  });
  return org;
}

/** The rolled-up usage of one hour (replacing it), as the roll-up writes it. */
export async function writeHourly(
  prisma: PrismaService,
  org: BillingOrg,
  deploymentId: string,
  dimension: string,
  hour: string,
  quantity: string | number,
): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO usage_hourly (org_id, deployment_id, dimension, hour, quantity, event_count, rolled_up_at)
    VALUES (${org.orgId}::uuid, ${deploymentId}::uuid, ${dimension}, ${new Date(hour).toISOString()}::timestamptz,
            ${String(quantity)}::numeric, 1, now())
    ON CONFLICT (deployment_id, dimension, hour) DO UPDATE SET quantity = EXCLUDED.quantity, rolled_up_at = now()`;
}

/** UNIQUE_COUNT usage: one event per key at `time` (invoices count distinct keys from usage_events). */
export async function writeUniqueKeys(
  prisma: PrismaService,
  org: BillingOrg,
  deploymentId: string,
  dimension: string,
  time: string,
  keys: string[],
): Promise<void> {
  for (const key of keys) {
    await prisma.$executeRaw`
      INSERT INTO usage_events (source, event_id, org_id, deployment_id, dimension, value, unique_key, time, hour)
      VALUES (${`/deployments/${deploymentId}/agent`}, ${randomUUID()}, ${org.orgId}::uuid, ${deploymentId}::uuid,
              ${dimension}, 1, ${key}, ${new Date(time).toISOString()}::timestamptz,
              date_trunc('hour', ${new Date(time).toISOString()}::timestamptz, 'UTC'))`;
  }
}

export async function grantCredits(
  prisma: PrismaService,
  org: BillingOrg,
  amountMinor: bigint,
  grantedAt: string,
  expiresAt: string,
): Promise<string> {
  const grant = await prisma.creditGrant.create({
    data: {
      orgId: org.orgId,
      amountMinor,
      reason: 'Test credits',
      grantedAt: new Date(grantedAt),
      expiresAt: new Date(expiresAt),
    },
  });
  return grant.id;
}
