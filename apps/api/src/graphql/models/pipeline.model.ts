import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PipelineState, PipelineStatus } from '@streamplane/db';
import { GraphQLJSONObject } from 'graphql-scalars';
import { OperationModel } from './deployment.model';

registerEnumType(PipelineStatus, {
  name: 'PipelineStatus',
  description:
    'DRAFT → DEPLOYING → RUNNING; RUNNING → PAUSING → PAUSED → RESUMING → RUNNING; RUNNING | PAUSED → UPDATING ' +
    '→ RUNNING | PAUSED; → DELETING → DELETED; an in-progress status may end in FAILED (deployPipeline retries).',
});
registerEnumType(PipelineState, {
  name: 'PipelineState',
  description: 'What a pipeline should be (desired) or is on the cluster (applied).',
});

export enum PipelineEventKind {
  STATUS = 'STATUS',
  CHECKPOINT = 'CHECKPOINT',
}
registerEnumType(PipelineEventKind, {
  name: 'PipelineEventKind',
  description: 'STATUS: the pipeline’s status changed (re-read it). CHECKPOINT: a stage reported progress.',
});

export { PipelineState, PipelineStatus };

@ObjectType('PipelineTopicSettings', { description: 'Settings of every topic the pipeline creates.' })
export class PipelineTopicSettingsModel {
  @Field(() => Int, { description: '1..1000 (default 6).' }) partitions!: number;
  @Field(() => Int, { description: 'Default 168 (a week).' }) retentionHours!: number;
  @Field(() => String, { description: '`delete` or `compact`.' }) cleanupPolicy!: string;
  @Field(() => Int, { description: 'Always 3 (min.insync.replicas 2 from the cluster).' })
  replicationFactor!: number;
}

@ObjectType('PipelineStage')
export class PipelineStageModel {
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'A kind of pipelineStageCatalog, e.g. `source.mqtt`.' }) kind!: string;
  @Field(() => String, { description: '`source`, `transform` or `sink`.' }) role!: string;
  @Field(() => GraphQLJSONObject, {
    description: 'The kind’s options; secrets appear as { "set": true } (send that back to keep them).',
  })
  options!: Record<string, unknown>;
  @Field(() => String, { nullable: true, description: 'The topic it reads (its consumer group’s).' })
  inputTopic!: string | null;
  @Field(() => String, { nullable: true, description: 'The topic it writes.' }) outputTopic!: string | null;
  @Field(() => String, { nullable: true }) deadLetterTopic!: string | null;
  @Field(() => String, { nullable: true }) consumerGroup!: string | null;
  @Field(() => Int, { description: 'Consumer lag per replica that scales it out.' }) lagThreshold!: number;
  @Field(() => Int, { nullable: true }) maxReplicas!: number | null;
}

@ObjectType('PipelineStageCheckpoint', {
  description: 'A stage’s latest progress, as the agent reported it.',
})
export class PipelineStageCheckpointModel {
  @Field(() => String) stage!: string;
  @Field(() => Float, { description: 'Grows by one per report.' }) sequence!: number;
  @Field(() => String, { description: 'RUNNING, PAUSED, STALLED or ERROR.' }) state!: string;
  @Field(() => Float, { description: 'Messages written per second over the last interval.' })
  messagesPerSec!: number;
  @Field(() => Float, { description: 'Messages the stage’s consumer group is behind.' }) lag!: number;
  @Field(() => Float, { description: 'Sum of its output topic’s end offsets.' }) lastOffset!: number;
  @Field(() => Int, { nullable: true, description: 'MQTT sources: devices seen in the interval.' })
  assetsSeen!: number | null;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => Date) observedAt!: Date;
}

@ObjectType('PipelineTotals')
export class PipelineTotalsModel {
  @Field(() => Float, { description: 'The sink’s messages per second (0 before any report).' })
  throughputPerSec!: number;
  @Field(() => Float, { description: 'The sum of every stage’s lag.' }) totalLag!: number;
  @Field(() => Date, { nullable: true, description: 'The newest report.' }) observedAt!: Date | null;
}

@ObjectType('Pipeline')
export class PipelineModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) deploymentId!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => PipelineStatus) status!: PipelineStatus;
  @Field(() => String, { nullable: true, description: 'Why it FAILED.' }) statusMessage!: string | null;
  @Field(() => Int, { description: 'The desired spec’s version.' }) generation!: number;
  @Field(() => Int, { description: 'The generation on the cluster (0: never deployed).' })
  appliedGeneration!: number;
  @Field(() => PipelineState) desiredState!: PipelineState;
  @Field(() => PipelineState, { nullable: true }) appliedState!: PipelineState | null;
  @Field(() => Boolean, { description: 'A delete that also removes the topics.' }) deleteTopics!: boolean;
  @Field(() => PipelineTopicSettingsModel) topics!: PipelineTopicSettingsModel;
  @Field(() => [PipelineStageModel], { description: 'The desired stages, in order.' })
  stages!: PipelineStageModel[];
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
  @Field(() => Date, { nullable: true }) deletedAt!: Date | null;
  // resolved by field resolvers: operations(first), checkpoints, totals
}

@ObjectType('PipelineWithOperation')
export class PipelineWithOperationModel {
  @Field(() => PipelineModel) pipeline!: PipelineModel;
  @Field(() => OperationModel, {
    nullable: true,
    description: 'The queued PIPELINE operation; null when nothing had to run (a draft saved or deleted).',
  })
  operation!: OperationModel | null;
}

@ObjectType('PipelineStageOption')
export class PipelineStageOptionModel {
  @Field(() => String) name!: string;
  @Field(() => String) type!: string;
  @Field(() => Boolean) required!: boolean;
  @Field(() => Boolean, { description: 'Sealed at rest and never returned.' }) secret!: boolean;
  @Field(() => String) description!: string;
}

@ObjectType('PipelineStageKind')
export class PipelineStageKindModel {
  @Field(() => String) kind!: string;
  @Field(() => String, { description: '`source`, `transform` or `sink`.' }) role!: string;
  @Field(() => String) title!: string;
  @Field(() => String) description!: string;
  @Field(() => [PipelineStageOptionModel]) options!: PipelineStageOptionModel[];
}

@ObjectType('ConnectedAssets', { description: 'Distinct devices seen by the deployment’s MQTT sources.' })
export class ConnectedAssetsModel {
  @Field(() => Int) count!: number;
  @Field(() => Date, { description: 'Counted since: the start of the current month (UTC).' })
  periodStart!: Date;
}

@ObjectType('PipelineStatusEvent', {
  description:
    'A live notification about one pipeline: a status change (re-read the pipeline) or a stage checkpoint. ' +
    'May be missed while disconnected.',
})
export class PipelineStatusEventModel {
  @Field(() => PipelineEventKind) kind!: PipelineEventKind;
  @Field(() => ID) pipelineId!: string;
  @Field(() => ID) deploymentId!: string;
  @Field(() => Date) at!: Date;
  @Field(() => PipelineStatus, { nullable: true, description: 'STATUS only.' })
  status!: PipelineStatus | null;
  @Field(() => Int, { nullable: true }) generation!: number | null;
  @Field(() => Int, { nullable: true }) appliedGeneration!: number | null;
  @Field(() => String, { nullable: true }) message!: string | null;
  @Field(() => PipelineStageCheckpointModel, { nullable: true, description: 'CHECKPOINT only.' })
  checkpoint!: PipelineStageCheckpointModel | null;
}

@InputType('PipelineTopicSettingsInput')
export class PipelineTopicSettingsInput {
  @Field(() => Int, { nullable: true }) partitions?: number | null;
  @Field(() => Int, { nullable: true }) retentionHours?: number | null;
  @Field(() => String, { nullable: true, description: '`delete` (default) or `compact`.' })
  cleanupPolicy?: string | null;
}

@InputType('PipelineStageInput')
export class PipelineStageInput {
  @Field(() => String, { description: 'DNS label, 1..30 characters, unique in the pipeline.' }) name!: string;
  @Field(() => String, { description: 'A kind of pipelineStageCatalog.' }) kind!: string;
  @Field(() => GraphQLJSONObject, { description: 'The kind’s options (see pipelineStageCatalog).' })
  options!: Record<string, unknown>;
  @Field(() => String, { nullable: true, description: 'Its topic’s name (default `<pipeline>.<stage>`).' })
  outputTopic?: string | null;
  @Field(() => Int, { nullable: true, description: 'Default 1000.' }) lagThreshold?: number | null;
  @Field(() => Int, { nullable: true, description: 'Default and at most: the partitions.' })
  maxReplicas?: number | null;
}

@InputType('PipelineSpecInput', {
  description: 'Exactly one source first, transforms, exactly one sink last (2..12 stages).',
})
export class PipelineSpecInput {
  @Field(() => String, {
    description: 'DNS label, 1..40 characters, unique among the deployment’s pipelines.',
  })
  name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => PipelineTopicSettingsInput, { nullable: true }) topics?: PipelineTopicSettingsInput | null;
  @Field(() => [PipelineStageInput]) stages!: PipelineStageInput[];
}

@InputType('CreatePipelineInput')
export class CreatePipelineInput {
  @Field(() => ID, { description: 'A RUNNING deployment of your organization.' }) deploymentId!: string;
  @Field(() => PipelineSpecInput) spec!: PipelineSpecInput;
  @Field(() => Boolean, { nullable: true, description: 'Deploy at once; otherwise it is saved as a DRAFT.' })
  deploy?: boolean | null;
}

@InputType('UpdatePipelineInput', { description: 'The new desired spec; the name stays.' })
export class UpdatePipelineInput {
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => PipelineTopicSettingsInput, { nullable: true }) topics?: PipelineTopicSettingsInput | null;
  @Field(() => [PipelineStageInput]) stages!: PipelineStageInput[];
}
