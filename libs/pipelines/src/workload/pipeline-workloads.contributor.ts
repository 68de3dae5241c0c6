import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import {
  PipelineState,
  PrismaService,
  type Deployment,
  type Operation,
  type Pipeline,
} from '@streamplane/db';
import {
  StackWorkloads,
  type StackOperationOutcome,
  type StackWorkloadContribution,
  type StackWorkloadContributor,
} from '@streamplane/deployments';
import { CredentialCipher } from '@streamplane/secrets';
import {
  deletePhaseOf,
  pipelineIdOf,
  preparedForRemoval,
  type PipelineOperationInput,
} from '../lifecycle/pipeline-lifecycle';
import { PipelineSettlement } from '../lifecycle/pipeline-settlement';
import type { PipelineSpec } from '../spec/pipeline-spec';
import { toPipelineWorkload, toRemovalWorkload } from './pipeline-workload';

/**
 * Puts a deployment's pipelines on every run of its stack: each pipeline as last applied (its applied spec
 * and state), except the one the running PIPELINE operation changes, which goes as desired (left out when
 * it is being deleted; without stages and with released topics in the PREPARE run of a delete with topics).
 * A pipeline between the two runs of such a delete stays on every other run the way PREPARE left it.
 * Registers itself with the StackWorkloads registry.
 */
@Injectable()
export class PipelineWorkloadsContributor implements StackWorkloadContributor, OnModuleInit {
  readonly name = 'pipelines';

  constructor(
    private readonly registry: StackWorkloads,
    private readonly prisma: PrismaService,
    private readonly cipher: CredentialCipher,
    private readonly settlement: PipelineSettlement,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async contribute(deployment: Deployment, operation: Operation | null): Promise<StackWorkloadContribution> {
    const changing = operation ? pipelineIdOf(operation) : undefined;
    const input = changing ? (operation!.input as unknown as PipelineOperationInput) : undefined;
    const rows = await this.prisma.pipeline.findMany({
      where: {
        deploymentId: deployment.id,
        orgId: deployment.orgId,
        OR: [{ live: true }, ...(changing ? [{ id: changing }] : [])],
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    // A preview (no operation) opens no secrets: placeholders stand in for them.
    const cipher = operation ? this.cipher : undefined;
    const image = this.config.provisioning.pipelineRunnerImage;
    const pipelines = [];
    for (const row of rows) {
      let spec: PipelineSpec;
      let state: PipelineState;
      if (row.id === changing && input && row.live && deletePhaseOf(operation!) === 'PREPARE') {
        pipelines.push(this.removal(row, image));
        continue;
      }
      if (row.id !== changing && (await this.betweenDeletePhases(row))) {
        pipelines.push(this.removal(row, image));
        continue;
      }
      if (row.id === changing && input && row.live) {
        spec = row.spec as unknown as PipelineSpec;
        state = input.desiredState;
      } else if (row.live && row.appliedSpec !== null && row.appliedState !== null) {
        spec = row.appliedSpec as unknown as PipelineSpec;
        state = row.appliedState;
      } else {
        continue; // a draft, or never applied
      }
      if (state === PipelineState.DELETED) continue;
      pipelines.push(
        toPipelineWorkload(
          { id: row.id, spec },
          { image, paused: state === PipelineState.PAUSED, retainTopics: !row.deleteTopics, cipher },
        ),
      );
    }
    return { pipelines };
  }

  private removal(row: Pipeline, image: string) {
    return toRemovalWorkload(
      {
        id: row.id,
        spec: row.spec as unknown as PipelineSpec,
        appliedSpec: row.appliedSpec as unknown as PipelineSpec | null,
      },
      image,
    );
  }

  /** A live pipeline whose delete with topics went through PREPARE and has not finished REMOVE. */
  private async betweenDeletePhases(row: Pipeline): Promise<boolean> {
    if (!row.live || row.desiredState !== PipelineState.DELETED || !row.deleteTopics) return false;
    const latest = await this.prisma.operation.findFirst({
      where: { pipelineId: row.id, orgId: row.orgId },
      orderBy: [{ queuedAt: 'desc' }, { id: 'desc' }],
      select: { input: true, status: true },
    });
    return preparedForRemoval(latest);
  }

  settle(operation: Operation, outcome: StackOperationOutcome, message?: string): Promise<void> {
    return this.settlement.settle(operation, outcome, message);
  }
}
