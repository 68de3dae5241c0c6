import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Principal } from '@streamplane/auth';
import type { ReplicationLink } from '@streamplane/db';
import {
  ReplicationFailoverService,
  ReplicationLinksService,
  parseLinkSpec,
  type LinkChange,
  type LinkHealth,
  type ReplicationStep,
  type SwitchResult,
} from '@streamplane/replication';
import { AnyMember, CurrentPrincipal, RequireRole } from '../../auth/access.decorators';
import { OperationModel } from '../models/deployment.model';
import { Role } from '../models/enums';
import {
  CreateReplicationLinkInput,
  ReplicationClientSettingsModel,
  ReplicationHealthModel,
  ReplicationHealthVerdict,
  ReplicationLinkChangeModel,
  ReplicationLinkModel,
  ReplicationSwitchModel,
  UpdateReplicationLinkInput,
} from '../models/replication.model';
import { operationModel } from './deployments.resolver';

/**
 * Thin: GraphQL shapes to the domain's, one service call, rows to models. VIEWERs read; MEMBERs create,
 * change and delete links; a failover or failback moves every client of the deployments, so it takes an ADMIN.
 */
@Resolver(() => ReplicationLinkModel)
export class ReplicationResolver {
  constructor(
    private readonly links: ReplicationLinksService,
    private readonly failovers: ReplicationFailoverService,
  ) {}

  @AnyMember()
  @Query(() => [ReplicationLinkModel], {
    description:
      'The organization’s replication links that are not deleted (of one deployment, either side, when given).',
  })
  async replicationLinks(
    @CurrentPrincipal() principal: Principal,
    @Args('deploymentId', { type: () => ID, nullable: true }) deploymentId?: string | null,
  ) {
    return (await this.links.list(principal, deploymentId)).map(linkModel);
  }

  @AnyMember()
  @Query(() => ReplicationLinkModel, { description: 'One replication link (also a DELETED one).' })
  async replicationLink(
    @CurrentPrincipal() principal: Principal,
    @Args('linkId', { type: () => ID }) linkId: string,
  ) {
    return linkModel(await this.links.get(principal, linkId));
  }

  @RequireRole(Role.MEMBER)
  @Mutation(() => ReplicationLinkChangeModel, {
    description:
      'Mirrors topics (and syncs consumer-group offsets) between two RUNNING deployments in different regions with ' +
      'MirrorMaker 2: one REPLICATION operation on each; ACTIVE once both succeeded.',
  })
  async createReplicationLink(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: CreateReplicationLinkInput,
  ) {
    return changeModel(
      await this.links.create(principal, {
        sourceDeploymentId: input.sourceDeploymentId,
        targetDeploymentId: input.targetDeploymentId,
        mode: input.mode,
        topics: input.topics,
        consumerGroups: input.consumerGroups,
        ...(input.topicNaming ? { topicNaming: input.topicNaming } : {}),
      }),
    );
  }

  @RequireRole(Role.MEMBER)
  @Mutation(() => ReplicationLinkChangeModel, { description: 'New topic or consumer-group selections.' })
  async updateReplicationLink(
    @CurrentPrincipal() principal: Principal,
    @Args('linkId', { type: () => ID }) linkId: string,
    @Args('input') input: UpdateReplicationLinkInput,
  ) {
    return changeModel(
      await this.links.update(principal, linkId, {
        ...(input.topics ? { topics: input.topics } : {}),
        ...(input.consumerGroups ? { consumerGroups: input.consumerGroups } : {}),
      }),
    );
  }

  @RequireRole(Role.MEMBER)
  @Mutation(() => ReplicationLinkChangeModel, {
    description:
      'Removes MirrorMaker 2 and the mirroring users from both deployments; mirrored topics are kept.',
  })
  async deleteReplicationLink(
    @CurrentPrincipal() principal: Principal,
    @Args('linkId', { type: () => ID }) linkId: string,
    @Args('force', {
      type: () => Boolean,
      nullable: true,
      description:
        'A deployment is gone for good (not RUNNING): remove mirroring from the one still running; the other drops its part on its next run.',
    })
    force?: boolean | null,
  ) {
    return changeModel(await this.links.delete(principal, linkId, { force }));
  }

  @RequireRole(Role.MEMBER)
  @Mutation(() => ReplicationLinkChangeModel, { description: 'Runs a FAILED link’s last change again.' })
  async retryReplicationLink(
    @CurrentPrincipal() principal: Principal,
    @Args('linkId', { type: () => ID }) linkId: string,
  ) {
    return changeModel(await this.links.retry(principal, linkId));
  }

  @RequireRole(Role.ADMIN)
  @Mutation(() => ReplicationSwitchModel, {
    description:
      'Moves clients to the target after pre-checks (fresh health, lag and checkpoint age within bounds; force ' +
      'overrides them, recorded). ONE_WAY: mirroring into the target stops. TWO_WAY: both directions keep running ' +
      'unless sourceUnreachable (then the direction from the source pauses).',
  })
  async failoverReplicationLink(
    @CurrentPrincipal() principal: Principal,
    @Args('linkId', { type: () => ID }) linkId: string,
    @Args('force', { type: () => Boolean, nullable: true }) force?: boolean | null,
    @Args('sourceUnreachable', { type: () => Boolean, nullable: true }) sourceUnreachable?: boolean | null,
  ) {
    return switchModel(
      await this.failovers.failover(principal, linkId, {
        force: force ?? false,
        sourceUnreachable: sourceUnreachable ?? false,
      }),
    );
  }

  @RequireRole(Role.ADMIN)
  @Mutation(() => ReplicationSwitchModel, {
    description:
      'ONE_WAY: first call reverses mirroring into the old primary; once it reports caught up, a second call moves ' +
      'clients back and restores the original direction. TWO_WAY: moves clients back (resuming a paused direction).',
  })
  async failbackReplicationLink(
    @CurrentPrincipal() principal: Principal,
    @Args('linkId', { type: () => ID }) linkId: string,
    @Args('force', { type: () => Boolean, nullable: true }) force?: boolean | null,
  ) {
    return switchModel(await this.failovers.failback(principal, linkId, { force: force ?? false }));
  }

  @ResolveField(() => ReplicationHealthModel, {
    description:
      'Per direction: lag per topic and checkpoint age, as the receiving side’s agent last reported.',
  })
  async health(@CurrentPrincipal() principal: Principal, @Parent() link: ReplicationLinkModel) {
    return healthModel(await this.links.health(await this.links.get(principal, link.id)));
  }

  @ResolveField(() => ReplicationClientSettingsModel, { description: 'Where clients should connect now.' })
  async clientSettings(@CurrentPrincipal() principal: Principal, @Parent() link: ReplicationLinkModel) {
    return this.failovers.clientSettings(await this.links.get(principal, link.id));
  }

  @ResolveField(() => [OperationModel], {
    description: 'The link’s operations on both deployments, newest first.',
  })
  async operations(@CurrentPrincipal() principal: Principal, @Parent() link: ReplicationLinkModel) {
    return (await this.links.operations(principal, link.id)).map(operationModel);
  }
}

export function linkModel(row: ReplicationLink): ReplicationLinkModel {
  const spec = parseLinkSpec(row.spec);
  const steps = (Array.isArray(row.steps) ? row.steps : []) as unknown as ReplicationStep[];
  return {
    id: row.id,
    sourceDeploymentId: row.sourceDeploymentId,
    targetDeploymentId: row.targetDeploymentId,
    mode: row.mode,
    topicNaming: row.topicNaming,
    topics: spec.topics,
    consumerGroups: spec.consumerGroups,
    status: row.status,
    statusMessage: row.statusMessage,
    activeDeploymentId: row.activeDeploymentId,
    generation: row.generation,
    flows: spec.flows.map((flow) => ({
      fromDeploymentId: flow.from,
      toDeploymentId: flow.to,
      paused: flow.paused,
    })),
    steps: steps.map((step) => ({
      at: new Date(step.at),
      action: step.action,
      detail: step.detail,
      operationIds: step.operationIds ?? [],
    })),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    deletedAt: row.deletedAt,
  };
}

function changeModel(change: LinkChange): ReplicationLinkChangeModel {
  return { link: linkModel(change.link), operations: change.operations.map(operationModel) };
}

function switchModel(result: SwitchResult): ReplicationSwitchModel {
  return {
    ...changeModel(result),
    prechecks: result.prechecks,
    forced: result.forced,
    clientSettings: result.clientSettings,
    nextStep: result.nextStep,
  };
}

function healthModel(health: LinkHealth): ReplicationHealthModel {
  return {
    verdict: health.verdict as ReplicationHealthVerdict,
    directions: health.directions.map((direction) => ({
      fromDeploymentId: direction.from,
      toDeploymentId: direction.to,
      paused: direction.paused,
      verdict: direction.verdict as ReplicationHealthVerdict,
      observedAt: direction.observedAt ? new Date(direction.observedAt) : null,
      ageSeconds: direction.ageSeconds,
      maxLag: direction.maxLag,
      totalLag: direction.totalLag,
      lastCheckpointAgeSeconds: direction.lastCheckpointAgeSeconds,
      topics: direction.topics,
    })),
  };
}
