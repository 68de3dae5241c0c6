import type { PrismaService } from '@streamplane/db';

/**
 * The roll-up lag for `streamplane_billing_rollup_lag_seconds`: how long the oldest mark in
 * usage_pending_hours has waited (0 when none waits). Marks of dimensions without a meter are left out, as
 * RollupService never rolls them up. Read at every scrape (an index scan on marked_at: one row).
 */
export async function rollupLagSeconds(prisma: PrismaService): Promise<number> {
  const [row] = await prisma.$queryRaw<{ seconds: number }[]>`
    SELECT coalesce(extract(epoch FROM clock_timestamp() - min(p.marked_at)), 0)::float8 AS seconds
    FROM usage_pending_hours p
    WHERE EXISTS (SELECT 1 FROM meters m WHERE m.dimension = p.dimension)`;
  return Math.max(0, row?.seconds ?? 0);
}
