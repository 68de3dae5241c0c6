import { Injectable } from '@nestjs/common';
import { PrismaService } from '@streamplane/db';

/** The usage dimension agents report each device an MQTT source saw under (`key` = device id). */
export const CONNECTED_ASSETS_DIMENSION = 'connected_assets';

/** Distinct devices a deployment's MQTT sources saw in the current month (UTC), from its usage log. */
@Injectable()
export class ConnectedAssetsService {
  constructor(private readonly prisma: PrismaService) {}

  async thisPeriod(
    orgId: string,
    deploymentId: string,
    now = new Date(),
  ): Promise<{ count: number; periodStart: Date }> {
    const periodStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const [row] = await this.prisma.$queryRaw<{ count: bigint }[]>`
      SELECT count(DISTINCT unique_key) AS count FROM usage_events
       WHERE org_id = ${orgId}::uuid AND deployment_id = ${deploymentId}::uuid
         AND dimension = ${CONNECTED_ASSETS_DIMENSION} AND hour >= ${periodStart}`;
    return { count: Number(row?.count ?? 0), periodStart };
  }
}
