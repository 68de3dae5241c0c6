import { Global, Injectable, Logger, Module } from '@nestjs/common';
import type { Deployment, Operation } from '@streamplane/db';
import type { ProgramInput } from '@streamplane/infra';

/** The parts of the program input that other domains add to a deployment's stack (pipelines, replication). */
export type StackWorkloadContribution = Partial<Pick<ProgramInput, 'pipelines' | 'replication'>>;

/** How an operation ended, as the contributors are told after it was committed. */
export type StackOperationOutcome = 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/**
 * A domain that puts workloads on deployments' stacks (libs/pipelines). Every run of a deployment's stack
 * carries every contributor's workloads, so a run for another reason (scale, upgrade) never removes one.
 */
export interface StackWorkloadContributor {
  /** For logs and to refuse registering the same contributor twice. */
  name: string;
  /**
   * What this domain puts on `deployment`'s stack for the run of `operation` (null: a preview, which must not
   * open secrets). Throwing fails the run (its operation is retried or FAILED like any other run failure).
   */
  contribute(deployment: Deployment, operation: Operation | null): Promise<StackWorkloadContribution>;
  /** After `operation`'s outcome is committed: the domain's own bookkeeping. Errors are logged, not thrown. */
  settle?(operation: Operation, outcome: StackOperationOutcome, message?: string): Promise<void>;
}

/**
 * The registry of workload contributors, shared by the provisioner's OperationRunner and the api's
 * DeploymentPreviewService (a @Global module, so whoever registers and whoever reads see one instance).
 * Contributors register on module init.
 */
@Injectable()
export class StackWorkloads {
  private readonly logger = new Logger(StackWorkloads.name);
  private readonly contributors = new Map<string, StackWorkloadContributor>();

  register(contributor: StackWorkloadContributor): void {
    if (this.contributors.has(contributor.name)) {
      throw new Error(`A stack workload contributor named ${contributor.name} is registered already`);
    }
    this.contributors.set(contributor.name, contributor);
  }

  get names(): string[] {
    return [...this.contributors.keys()];
  }

  /** Every contributor's workloads for the run, merged (lists concatenated in registration order). */
  async contributions(
    deployment: Deployment,
    operation: Operation | null,
  ): Promise<StackWorkloadContribution> {
    const merged: StackWorkloadContribution = {};
    for (const contributor of this.contributors.values()) {
      const part = await contributor.contribute(deployment, operation);
      if (part.pipelines) merged.pipelines = [...(merged.pipelines ?? []), ...part.pipelines];
      if (part.replication) {
        merged.replication = {
          sourceUsers: [...(merged.replication?.sourceUsers ?? []), ...part.replication.sourceUsers],
          mirrors: [...(merged.replication?.mirrors ?? []), ...part.replication.mirrors],
        };
      }
    }
    return merged;
  }

  /** Tells every contributor how `operation` ended. Never throws: the outcome is committed already. */
  async settle(operation: Operation, outcome: StackOperationOutcome, message?: string): Promise<void> {
    for (const contributor of this.contributors.values()) {
      if (!contributor.settle) continue;
      try {
        await contributor.settle(operation, outcome, message);
      } catch (error) {
        this.logger.error(
          { err: error, operationId: operation.id, contributor: contributor.name, outcome },
          'A stack workload contributor could not settle an operation',
        );
      }
    }
  }
}

/** Provides the one StackWorkloads registry to the whole application. */
@Global()
@Module({ providers: [StackWorkloads], exports: [StackWorkloads] })
export class StackWorkloadsModule {}
