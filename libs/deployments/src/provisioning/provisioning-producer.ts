import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { injectTraceContext } from '@streamplane/observability';
import { Queue } from 'bullmq';
import {
  operationJobId,
  PROVISIONING_JOB_OPTIONS,
  PROVISIONING_QUEUE,
  type ProvisioningJobs,
} from '../jobs/provisioning.jobs';
import { provisioningQueueOptions } from './provisioning-queue';

type RunPayload = ProvisioningJobs['operation.run'];

/** What the producer needs of an operation row. */
export interface QueuedOperation {
  id: string;
  orgId: string;
  deploymentId: string;
  notBefore: Date | null;
}

/** How long a request waits for Redis before leaving the job to the enqueue sweep. */
const ENQUEUE_TIMEOUT_MS = 5_000;

/**
 * The api's side of the provisioning queue: adds `operation.run` jobs whose id is the operation id, so
 * adding the same operation twice (a retried request, the sweep racing a slow enqueue) is a no-op.
 */
@Injectable()
export class ProvisioningProducer implements OnModuleDestroy {
  private readonly logger = new Logger(ProvisioningProducer.name);
  readonly queue: Queue<RunPayload, unknown, 'operation.run'>;

  constructor(@InjectConfig() config: AppConfig) {
    const { connection, prefix } = provisioningQueueOptions(config);
    // A producer must fail fast when Redis is away (the sweep retries); only workers need unlimited retries.
    this.queue = new Queue<RunPayload, unknown, 'operation.run'>(PROVISIONING_QUEUE, {
      connection: { ...connection, maxRetriesPerRequest: 1 },
      prefix,
    });
    this.queue.on('error', (error) => this.logger.warn({ err: error }, 'Provisioning queue error'));
  }

  /** Adds the operation's job (delayed until `notBefore`); rejects when Redis does not answer in time. */
  async enqueue(operation: QueuedOperation, now = new Date()): Promise<void> {
    const delay = operation.notBefore ? Math.max(0, operation.notBefore.getTime() - now.getTime()) : 0;
    // The caller's trace (the GraphQL mutation's span) continues in the provisioner's run of this job.
    const trace = injectTraceContext();
    const add = this.queue.add(
      'operation.run',
      {
        operationId: operation.id,
        orgId: operation.orgId,
        deploymentId: operation.deploymentId,
        ...(Object.keys(trace).length > 0 ? { trace } : {}),
      },
      { ...PROVISIONING_JOB_OPTIONS, jobId: operationJobId(operation.id), ...(delay > 0 ? { delay } : {}) },
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Timed out adding the job')), ENQUEUE_TIMEOUT_MS);
    });
    try {
      await Promise.race([add, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Removes a job that has not started (a cancelled operation); a no-op when it is gone or running. */
  async remove(operationId: string): Promise<void> {
    await this.queue.remove(operationJobId(operationId)).catch((error: unknown) => {
      this.logger.warn({ err: error, operationId }, 'Could not remove the job of a cancelled operation');
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.close().catch(() => undefined);
  }
}
