import { Injectable } from '@nestjs/common';
import { DeploymentStatus, PrismaService, ReplicationLinkStatus, StackEngineKind } from '@streamplane/db';
import type { SimulatedLink } from '@streamplane/replication';
import type { DeploymentSource } from './simulated-agents';
import type { SimulatedDeployment } from './traffic-model';

/**
 * The deployments whose usage is simulated: those on the `local` engine whose (simulated) cluster runs —
 * RUNNING, and UPDATING (a cluster being scaled or upgraded keeps serving, and keeps costing).
 *
 * Read straight from the control plane's PostgreSQL. Only the simulator may: it runs beside the control
 * plane as a development stand-in. A real agent runs in the customer's data plane and knows nothing but
 * its own deployment and its token.
 */
@Injectable()
export class SimulatedDeployments implements DeploymentSource {
  constructor(private readonly prisma: PrismaService) {}

  simulatedDeployments(): Promise<SimulatedDeployment[]> {
    return this.prisma.deployment.findMany({
      where: {
        engine: StackEngineKind.local,
        status: { in: [DeploymentStatus.RUNNING, DeploymentStatus.UPDATING] },
      },
      select: { id: true, orgId: true, brokers: true, storagePerBrokerGiB: true },
      orderBy: { id: 'asc' },
    });
  }

  /** The replication links of local deployments still in place (their MirrorMaker 2 is simulated too). */
  simulatedLinks(): Promise<SimulatedLink[]> {
    return this.prisma.replicationLink.findMany({
      where: {
        status: { notIn: [ReplicationLinkStatus.DELETING, ReplicationLinkStatus.DELETED] },
        targetDeployment: { engine: StackEngineKind.local },
      },
      select: { id: true, spec: true, status: true },
      orderBy: { id: 'asc' },
    });
  }
}
