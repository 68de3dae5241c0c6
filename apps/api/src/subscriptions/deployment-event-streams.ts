import { Injectable } from '@nestjs/common';
import type { Principal } from '@streamplane/auth';
import { PrismaService } from '@streamplane/db';
import { DeploymentError, DeploymentErrorCode, type DeploymentEvent } from '@streamplane/deployments';
import { parseInput } from '@streamplane/errors';
import { Metrics } from '@streamplane/observability';
import { z } from 'zod';
import { DeploymentEventBus } from './deployment-event-bus';
import type { EventStream } from './event-stream';

/**
 * The per-tenant live-status views. The organization is always the principal's, never the client's; a
 * deployment of another organization is NOT_FOUND, exactly as for queries.
 */
@Injectable()
export class DeploymentEventStreams {
  constructor(
    private readonly prisma: PrismaService,
    private readonly bus: DeploymentEventBus,
    private readonly metrics: Metrics,
  ) {}

  /** Every event of one deployment of the principal's organization: status, operations, resources. */
  async forDeployment(principal: Principal, deploymentId: string): Promise<EventStream<DeploymentEvent>> {
    parseInput(z.uuid(), deploymentId);
    const deployment = await this.prisma.deployment.findFirst({
      where: { id: deploymentId, orgId: principal.orgId },
      select: { id: true },
    });
    if (!deployment) {
      throw new DeploymentError(
        DeploymentErrorCode.DEPLOYMENT_NOT_FOUND,
        'No deployment with this id in your organization.',
      );
    }
    return this.open('deploymentEvents', principal.orgId, (event) => event.deploymentId === deploymentId);
  }

  /** Status and operation changes of every deployment of the principal's organization (the list view). */
  forOrganization(principal: Principal): Promise<EventStream<DeploymentEvent>> {
    return this.open('deploymentsChanged', principal.orgId, (event) => event.kind !== 'RESOURCE');
  }

  private async open(
    subscription: string,
    orgId: string,
    accept: (event: DeploymentEvent) => boolean,
  ): Promise<EventStream<DeploymentEvent>> {
    const gauge = this.metrics.graphqlActiveSubscriptions.labels({ subscription });
    const stream = await this.bus.stream(orgId, accept, () => gauge.dec());
    gauge.inc();
    return stream;
  }
}
