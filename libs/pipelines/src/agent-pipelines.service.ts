import { Injectable } from '@nestjs/common';
import { PipelineState, PrismaService } from '@streamplane/db';
import type { PipelineSpec } from './spec/pipeline-spec';
import { layoutOf } from './spec/topic-layout';

/** A pipeline as the deployment's agent measures it: which topics and consumer group each stage has. */
export interface AgentPipeline {
  id: string;
  name: string;
  paused: boolean;
  stages: {
    name: string;
    kind: string;
    inputTopic: string | null;
    outputTopic: string | null;
    consumerGroup: string | null;
  }[];
}

/** What GET /v1/agent/pipelines answers: the deployment's pipelines as applied on its cluster. */
@Injectable()
export class AgentPipelinesService {
  constructor(private readonly prisma: PrismaService) {}

  async applied(orgId: string, deploymentId: string): Promise<AgentPipeline[]> {
    const rows = await this.prisma.pipeline.findMany({
      where: {
        orgId,
        deploymentId,
        live: true,
        appliedSpec: { not: null as never },
        appliedState: { not: null },
      },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { id: true, name: true, appliedSpec: true, appliedState: true },
    });
    return rows
      .filter((row) => row.appliedSpec !== null && row.appliedState !== PipelineState.DELETED)
      .map((row) => ({
        id: row.id,
        name: row.name,
        paused: row.appliedState === PipelineState.PAUSED,
        stages: layoutOf(row.appliedSpec as unknown as PipelineSpec).map((stage) => ({
          name: stage.name,
          kind: stage.kind,
          inputTopic: stage.inputTopic ?? null,
          outputTopic: stage.outputTopic ?? null,
          consumerGroup: stage.consumerGroup ?? null,
        })),
      }));
  }
}
