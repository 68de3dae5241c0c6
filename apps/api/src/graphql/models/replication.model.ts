import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ReplicationLinkStatus, ReplicationMode, ReplicationTopicNaming } from '@streamplane/db';
import { OperationModel } from './deployment.model';

registerEnumType(ReplicationMode, {
  name: 'ReplicationMode',
  description: 'ONE_WAY: primary and hot standby. TWO_WAY: active-active, each side mirrors the other.',
});
registerEnumType(ReplicationTopicNaming, {
  name: 'ReplicationTopicNaming',
  description:
    'PREFIXED: mirrored topics are <source deployment>.<topic> (cannot loop; required for TWO_WAY). ' +
    'IDENTITY: same names (ONE_WAY only).',
});
registerEnumType(ReplicationLinkStatus, {
  name: 'ReplicationLinkStatus',
  description:
    'CREATING → ACTIVE; ACTIVE → UPDATING → ACTIVE; ACTIVE → FAILING_OVER → FAILED_OVER → FAILING_BACK → ACTIVE; ' +
    '→ DELETING → DELETED; an in-progress status may end in FAILED (retryReplicationLink).',
});

export enum ReplicationHealthVerdict {
  HEALTHY = 'HEALTHY',
  LAGGING = 'LAGGING',
  STALE = 'STALE',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(ReplicationHealthVerdict, {
  name: 'ReplicationHealthVerdict',
  description:
    'HEALTHY: fresh report, lag and checkpoint age under the thresholds. LAGGING: over one of them. ' +
    'STALE: the last report is too old. UNKNOWN: no report yet.',
});

@ObjectType('ReplicationFlow', {
  description: 'Mirroring from one deployment into the other (MirrorMaker 2 runs on `to`).',
})
export class ReplicationFlowModel {
  @Field(() => ID) fromDeploymentId!: string;
  @Field(() => ID) toDeploymentId!: string;
  @Field(() => Boolean, { description: 'Stopped by a failover; configuration and offsets kept.' })
  paused!: boolean;
}

@ObjectType('ReplicationTopicLag')
export class ReplicationTopicLagModel {
  @Field(() => String) topic!: string;
  @Field(() => Float, { description: 'Messages the mirrored topic is behind the source topic.' })
  lag!: number;
}

@ObjectType('ReplicationDirectionHealth')
export class ReplicationDirectionHealthModel {
  @Field(() => ID) fromDeploymentId!: string;
  @Field(() => ID) toDeploymentId!: string;
  @Field(() => Boolean) paused!: boolean;
  @Field(() => ReplicationHealthVerdict) verdict!: ReplicationHealthVerdict;
  @Field(() => Date, { nullable: true, description: 'When the receiving side measured it.' })
  observedAt!: Date | null;
  @Field(() => Int, { nullable: true }) ageSeconds!: number | null;
  @Field(() => Float, { nullable: true, description: 'The largest lag of a mirrored topic.' }) maxLag!:
    number | null;
  @Field(() => Float, { nullable: true }) totalLag!: number | null;
  @Field(() => Int, { nullable: true, description: 'Age of the newest consumer-offset checkpoint.' })
  lastCheckpointAgeSeconds!: number | null;
  @Field(() => [ReplicationTopicLagModel]) topics!: ReplicationTopicLagModel[];
}

@ObjectType('ReplicationHealth')
export class ReplicationHealthModel {
  @Field(() => ReplicationHealthVerdict, { description: 'The worst running direction’s verdict.' })
  verdict!: ReplicationHealthVerdict;
  @Field(() => [ReplicationDirectionHealthModel]) directions!: ReplicationDirectionHealthModel[];
}

@ObjectType('ReplicationTopicNames')
export class ReplicationTopicNamesModel {
  @Field(() => String, { description: 'The selection as configured (`*` marks a prefix).' })
  selection!: string;
  @Field(() => [String], { description: 'What consumers read on the active deployment.' })
  consumeOnActive!: string[];
}

@ObjectType('ReplicationClientSettings', {
  description: 'Where clients should connect now, and what to read there.',
})
export class ReplicationClientSettingsModel {
  @Field(() => ID) deploymentId!: string;
  @Field(() => String) deploymentName!: string;
  @Field(() => String, { nullable: true }) bootstrapServers!: string | null;
  @Field(() => String, { nullable: true }) bootstrapInternal!: string | null;
  @Field(() => [ReplicationTopicNamesModel]) topics!: ReplicationTopicNamesModel[];
  @Field(() => [String]) notes!: string[];
}

@ObjectType('ReplicationStep', { description: 'One step of the link’s history (also in the audit log).' })
export class ReplicationStepModel {
  @Field(() => Date) at!: Date;
  @Field(() => String) action!: string;
  @Field(() => String) detail!: string;
  @Field(() => [ID]) operationIds!: string[];
}

@ObjectType('ReplicationLink')
export class ReplicationLinkModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) sourceDeploymentId!: string;
  @Field(() => ID) targetDeploymentId!: string;
  @Field(() => ReplicationMode) mode!: ReplicationMode;
  @Field(() => ReplicationTopicNaming) topicNaming!: ReplicationTopicNaming;
  @Field(() => [String]) topics!: string[];
  @Field(() => [String]) consumerGroups!: string[];
  @Field(() => ReplicationLinkStatus) status!: ReplicationLinkStatus;
  @Field(() => String, { nullable: true, description: 'Why it failed, or what to do next.' })
  statusMessage!: string | null;
  @Field(() => ID, { description: 'Where clients should be: the source until a failover.' })
  activeDeploymentId!: string;
  @Field(() => Int) generation!: number;
  @Field(() => [ReplicationFlowModel]) flows!: ReplicationFlowModel[];
  @Field(() => [ReplicationStepModel]) steps!: ReplicationStepModel[];
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
  @Field(() => Date, { nullable: true }) deletedAt!: Date | null;
  // resolved by field resolvers: health, clientSettings, operations
}

@ObjectType('ReplicationLinkChange')
export class ReplicationLinkChangeModel {
  @Field(() => ReplicationLinkModel) link!: ReplicationLinkModel;
  @Field(() => [OperationModel], {
    description: 'The REPLICATION operations queued (one per deployment it changes).',
  })
  operations!: OperationModel[];
}

@ObjectType('ReplicationPrecheck')
export class ReplicationPrecheckModel {
  @Field(() => String) check!: string;
  @Field(() => Boolean) passed!: boolean;
  @Field(() => String) detail!: string;
}

@ObjectType('ReplicationSwitch', {
  description: 'A failover or failback step: what was checked, where clients go.',
})
export class ReplicationSwitchModel extends ReplicationLinkChangeModel {
  @Field(() => [ReplicationPrecheckModel]) prechecks!: ReplicationPrecheckModel[];
  @Field(() => Boolean, { description: 'Switched past failed pre-checks (force).' }) forced!: boolean;
  @Field(() => ReplicationClientSettingsModel) clientSettings!: ReplicationClientSettingsModel;
  @Field(() => String) nextStep!: string;
}

@InputType()
export class CreateReplicationLinkInput {
  @Field(() => ID) sourceDeploymentId!: string;
  @Field(() => ID) targetDeploymentId!: string;
  @Field(() => ReplicationMode) mode!: ReplicationMode;
  @Field(() => [String], { description: 'Topic names, prefixes ending in * (e.g. "payments.*"), or "*".' })
  topics!: string[];
  @Field(() => [String], {
    description: 'Consumer groups whose offsets are synced: names, prefixes ending in *, or "*".',
  })
  consumerGroups!: string[];
  @Field(() => ReplicationTopicNaming, { nullable: true, description: 'Default PREFIXED.' })
  topicNaming?: ReplicationTopicNaming | null;
}

@InputType()
export class UpdateReplicationLinkInput {
  @Field(() => [String], { nullable: true }) topics?: string[] | null;
  @Field(() => [String], { nullable: true }) consumerGroups?: string[] | null;
}
