import type { PrismaService } from '@streamplane/db';

/**
 * For `streamplane_operations_oldest_running_seconds`: how long the operation that has been RUNNING longest
 * has run (0 when none runs). Read at every scrape through the (status, enqueued_at) index.
 */
export async function oldestRunningOperationSeconds(prisma: PrismaService): Promise<number> {
  const [row] = await prisma.$queryRaw<{ seconds: number }[]>`
    SELECT coalesce(extract(epoch FROM clock_timestamp() - min(started_at)), 0)::float8 AS seconds
    FROM operations WHERE status = 'RUNNING'`;
  return Math.max(0, row?.seconds ?? 0);
}
