import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { OperationStatus, PrismaService, type Deployment, type Operation } from '@streamplane/db';
import type { DeploymentEvent } from '../events/deployment-events';
import { DeploymentEventPublisher } from '../provisioning/deployment-event-publisher';
import { ProvisioningProducer } from '../provisioning/provisioning-producer';

/** An operation older than this without a job is the sweep's: the request that wrote it gave up on Redis. */
export const ENQUEUE_GRACE_MS = 15_000;
const SWEEP_INTERVAL_MS = 30_000;
const SWEEP_BATCH = 100;

/**
 * After a mutation commits: adds the operation's job, records that it did (`enqueuedAt`), and publishes
 * the live events. PostgreSQL is the outbox: an operation that is QUEUED with no `enqueuedAt` has no job
 * yet, and the sweep (every api replica, every 30 s) adds it. Adding twice is harmless because the job id
 * is the operation id, so replicas need no coordination.
 */
@Injectable()
export class OperationDispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(OperationDispatcher.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly prisma: PrismaService,
    private readonly producer: ProvisioningProducer,
    private readonly publisher: DeploymentEventPublisher,
  ) {}

  /** Never throws: the facts are committed, a job that could not be added now is added by the sweep. */
  async dispatch(deployment: Deployment, operation: Operation | null): Promise<void> {
    if (operation && operation.status === OperationStatus.QUEUED) await this.enqueue(operation);
    await this.publisher.publish(eventsFor(deployment, operation));
  }

  /** Best effort: a job that stays behind finds its operation CANCELLED and does nothing. */
  removeJob(operationId: string): Promise<void> {
    return this.producer.remove(operationId);
  }

  /** Adds the job of every QUEUED operation that has none and is past the grace period. */
  async sweepOnce(now = new Date()): Promise<number> {
    const stranded = await this.prisma.operation.findMany({
      where: {
        status: OperationStatus.QUEUED,
        enqueuedAt: null,
        queuedAt: { lt: new Date(now.getTime() - ENQUEUE_GRACE_MS) },
      },
      orderBy: { queuedAt: 'asc' },
      take: SWEEP_BATCH,
    });
    let added = 0;
    for (const operation of stranded) if (await this.enqueue(operation, now)) added += 1;
    if (added > 0) this.logger.warn({ added }, 'Enqueued operations whose job was missing');
    return added;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.sweepOnce().catch((error: unknown) => this.logger.warn({ err: error }, 'Enqueue sweep failed'));
    }, SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async enqueue(operation: Operation, now = new Date()): Promise<boolean> {
    try {
      await this.producer.enqueue(operation, now);
    } catch (error) {
      this.logger.warn(
        { err: error, operationId: operation.id },
        'Could not enqueue the operation now; the sweep will',
      );
      return false;
    }
    await this.prisma.operation.updateMany({
      where: { id: operation.id, enqueuedAt: null },
      data: { enqueuedAt: new Date() },
    });
    return true;
  }
}

export function eventsFor(deployment: Deployment, operation: Operation | null): DeploymentEvent[] {
  const at = (operation?.updatedAt ?? deployment.updatedAt).toISOString();
  const base = { orgId: deployment.orgId, deploymentId: deployment.id, at };
  const events: DeploymentEvent[] = [
    {
      ...base,
      kind: 'DEPLOYMENT_STATUS',
      status: deployment.status,
      generation: deployment.generation,
      observedGeneration: deployment.observedGeneration,
      message: deployment.statusMessage,
    },
  ];
  if (operation) {
    events.push({
      ...base,
      kind: 'OPERATION',
      operationId: operation.id,
      type: operation.type,
      status: operation.status,
      attempt: operation.attempt,
      error: operation.errorMessage,
    });
  }
  return events;
}
