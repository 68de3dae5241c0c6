import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { Principal } from '@streamplane/auth';
import type { Deployment, Operation, ResourceEvent, UpgradeProposal } from '@streamplane/db';
import type { DeploymentSpec } from '@streamplane/deployment-spec';
import {
  DeploymentPreviewService,
  DeploymentsService,
  specOf,
  UpgradesService,
  type OperationInput,
} from '@streamplane/deployments';
import { AnyMember, CurrentPrincipal, RequireRole } from '../../auth/access.decorators';
import {
  ChangePreviewModel,
  CreateDeploymentInput,
  DeploymentChangeInput,
  DeploymentModel,
  DeploymentPreviewModel,
  DeploymentSpecInput,
  DeploymentWithOperationModel,
  DestroyDeploymentResultModel,
  MaintenanceWindowInput,
  OperationModel,
  OperationPageModel,
  PageInput,
  ResourceEventPageModel,
  UpgradeProposalModel,
  type DeploymentSpecModel,
  type ResourceEventModel,
  type SpecClientAuthentication,
  type SpecCloud,
} from '../models/deployment.model';
import { Role } from '../models/enums';

/** Thin: parses GraphQL shapes into the domain's, calls one service, maps rows to models. */
@Resolver(() => DeploymentModel)
export class DeploymentsResolver {
  constructor(
    private readonly service: DeploymentsService,
    private readonly previews: DeploymentPreviewService,
    private readonly upgrades: UpgradesService,
  ) {}

  @RequireRole(Role.MEMBER)
  @Query(() => DeploymentPreviewModel, {
    description: 'The exact resources an order would create and its itemised monthly cost. Writes nothing.',
  })
  async previewDeployment(@CurrentPrincipal() principal: Principal, @Args('spec') spec: DeploymentSpecInput) {
    const preview = await this.previews.preview(principal, specFromInput(spec));
    return {
      resources: preview.resources.map(plannedModel),
      simulated: preview.simulated,
      cost: { ...preview.cost, priceReference: { ...preview.cost.priceReference } },
    };
  }

  @RequireRole(Role.MEMBER)
  @Query(() => ChangePreviewModel, {
    description: 'A change’s resource diff and cost delta. Writes nothing.',
  })
  async previewChange(
    @CurrentPrincipal() principal: Principal,
    @Args('deploymentId', { type: () => ID }) deploymentId: string,
    @Args('change') change: DeploymentChangeInput,
  ): Promise<ChangePreviewModel> {
    const preview = await this.previews.previewChange(principal, deploymentId, changeFromInput(change));
    return {
      changedFields: preview.changedFields,
      addedResources: preview.added.map(plannedModel),
      removedResources: preview.removed.map(plannedModel),
      unchangedResources: preview.unchanged,
      costLines: preview.cost.lines,
      currentMonthlyUsd: preview.cost.current.totalMonthlyUsd,
      nextMonthlyUsd: preview.cost.next.totalMonthlyUsd,
      deltaMonthlyUsd: preview.cost.deltaMonthlyUsd,
    };
  }

  @AnyMember()
  @Query(() => [DeploymentModel], { description: 'The organization’s deployments, newest first.' })
  async deployments(@CurrentPrincipal() principal: Principal) {
    return (await this.service.list(principal)).map(deploymentModel);
  }

  @AnyMember()
  @Query(() => DeploymentModel)
  async deployment(
    @CurrentPrincipal() principal: Principal,
    @Args('deploymentId', { type: () => ID }) deploymentId: string,
  ) {
    return deploymentModel(await this.service.get(principal, deploymentId));
  }

  @AnyMember()
  @Query(() => OperationPageModel, { description: 'A deployment’s operations, newest first.' })
  async operations(
    @CurrentPrincipal() principal: Principal,
    @Args('deploymentId', { type: () => ID }) deploymentId: string,
    @Args('page', { type: () => PageInput, nullable: true }) page?: PageInput | null,
  ) {
    const result = await this.service.operations(principal, deploymentId, pageOf(page));
    return { items: result.items.map(operationModel), nextCursor: result.nextCursor };
  }

  @AnyMember()
  @Query(() => ResourceEventPageModel, { description: 'An operation’s resource events, in order.' })
  async resourceEvents(
    @CurrentPrincipal() principal: Principal,
    @Args('operationId', { type: () => ID }) operationId: string,
    @Args('page', { type: () => PageInput, nullable: true }) page?: PageInput | null,
  ) {
    const result = await this.service.resourceEvents(principal, operationId, pageOf(page));
    return { items: result.items.map(resourceEventModel), nextCursor: result.nextCursor };
  }

  @AnyMember()
  @Query(() => [UpgradeProposalModel], { description: 'A deployment’s upgrade proposals, newest first.' })
  async upgradeProposals(
    @CurrentPrincipal() principal: Principal,
    @Args('deploymentId', { type: () => ID }) deploymentId: string,
  ) {
    return (await this.upgrades.listForDeployment(principal, deploymentId)).map(proposalModel);
  }

  @RequireRole(Role.MEMBER)
  @Mutation(() => DeploymentWithOperationModel, {
    description: 'Orders a deployment: PENDING, with its CREATE operation queued.',
  })
  async createDeployment(
    @CurrentPrincipal() principal: Principal,
    @Args('input') input: CreateDeploymentInput,
  ) {
    const result = await this.service.create(principal, {
      cloudAccountId: input.cloudAccountId,
      spec: specFromInput(input.spec),
    });
    return { deployment: deploymentModel(result.deployment), operation: operationModel(result.operation) };
  }

  @RequireRole(Role.MEMBER)
  @Mutation(() => DeploymentWithOperationModel, {
    description: 'Brokers up or down (down: a KafkaRebalance moves replicas off first), storage up.',
  })
  async scaleDeployment(
    @CurrentPrincipal() principal: Principal,
    @Args('deploymentId', { type: () => ID }) deploymentId: string,
    @Args('change') change: DeploymentChangeInput,
  ) {
    const result = await this.service.scale(principal, deploymentId, changeFromInput(change));
    return { deployment: deploymentModel(result.deployment), operation: operationModel(result.operation) };
  }

  @RequireRole(Role.ADMIN)
  @Mutation(() => DestroyDeploymentResultModel, {
    description:
      'Destroys the deployment’s cloud resources. `confirmName` must be its name. Volumes are kept.',
  })
  async destroyDeployment(
    @CurrentPrincipal() principal: Principal,
    @Args('deploymentId', { type: () => ID }) deploymentId: string,
    @Args('confirmName') confirmName: string,
  ) {
    const result = await this.service.destroy(principal, deploymentId, confirmName);
    return {
      deployment: deploymentModel(result.deployment),
      operation: operationModel(result.operation),
      retainedVolumes: result.retainedVolumes,
      cloudAccountId: result.cloudAccountId,
    };
  }

  @RequireRole(Role.MEMBER)
  @Mutation(() => DeploymentWithOperationModel, {
    description: 'Runs the deployment’s latest operation again (FAILED or CANCELLED) as its next attempt.',
  })
  async retryOperation(
    @CurrentPrincipal() principal: Principal,
    @Args('operationId', { type: () => ID }) operationId: string,
  ) {
    const result = await this.service.retryOperation(principal, operationId);
    return { deployment: deploymentModel(result.deployment), operation: operationModel(result.operation) };
  }

  @RequireRole(Role.MEMBER)
  @Mutation(() => DeploymentWithOperationModel, {
    description: 'QUEUED: cancelled at once. RUNNING: stops at the next safe point (cancelRequestedAt).',
  })
  async cancelOperation(
    @CurrentPrincipal() principal: Principal,
    @Args('operationId', { type: () => ID }) operationId: string,
  ) {
    const result = await this.service.cancelOperation(principal, operationId);
    return { deployment: deploymentModel(result.deployment), operation: operationModel(result.operation) };
  }

  @RequireRole(Role.ADMIN)
  @Mutation(() => OperationModel, {
    description:
      'Issues the deployment’s agent a new token and queues the UPDATE operation that hands it to the cluster ' +
      '(returned). The previous token keeps working for an hour while the agent picks the new one up, or ' +
      'stops at once with `revokePrevious` (a leaked token). The token itself is never returned.',
  })
  async rotateAgentToken(
    @CurrentPrincipal() principal: Principal,
    @Args('deploymentId', { type: () => ID }) deploymentId: string,
    @Args('revokePrevious', { type: () => Boolean, nullable: true, defaultValue: false })
    revokePrevious?: boolean | null,
  ) {
    const result = await this.service.rotateAgentToken(principal, deploymentId, { revokePrevious });
    return operationModel(result.operation);
  }

  @RequireRole(Role.ADMIN)
  @Mutation(() => UpgradeProposalModel, {
    description: 'Consents to the upgrade in a maintenance window; its operation is queued for the window.',
  })
  async approveUpgrade(
    @CurrentPrincipal() principal: Principal,
    @Args('proposalId', { type: () => ID }) proposalId: string,
    @Args('window') window: MaintenanceWindowInput,
  ) {
    const result = await this.upgrades.approve(principal, proposalId, {
      start: window.start,
      end: window.end,
    });
    return proposalModel(result.proposal);
  }

  @RequireRole(Role.ADMIN)
  @Mutation(() => UpgradeProposalModel, { description: 'Refuses the upgrade; it is not proposed again.' })
  async declineUpgrade(
    @CurrentPrincipal() principal: Principal,
    @Args('proposalId', { type: () => ID }) proposalId: string,
    @Args('reason', { type: () => String, nullable: true }) reason?: string | null,
  ) {
    return proposalModel(await this.upgrades.decline(principal, proposalId, reason));
  }
}

/** GraphQL's shape to the spec's: tags as a list become a record (a repeated key is the spec's problem). */
function specFromInput(input: DeploymentSpecInput): Record<string, unknown> {
  const { tags, listeners, ...rest } = input;
  const record: Record<string, string> = {};
  const keys = new Set<string>();
  let duplicate: string | undefined;
  for (const tag of tags ?? []) {
    if (keys.has(tag.key)) duplicate = tag.key;
    keys.add(tag.key);
    record[tag.key] = tag.value;
  }
  // A repeated key cannot be expressed in a record: hand parseDeploymentSpec a value it refuses for it.
  if (duplicate !== undefined) record[duplicate] = `\u0000duplicate`;
  return { ...rest, listeners: { internal: listeners.internal, external: listeners.external }, tags: record };
}

function changeFromInput(change: DeploymentChangeInput) {
  return Object.fromEntries(
    Object.entries({ ...change }).filter(([, value]) => value !== null && value !== undefined),
  );
}

function pageOf(page: PageInput | null | undefined) {
  return { first: page?.first ?? 50, ...(page?.after ? { after: page.after } : {}) };
}

function plannedModel(resource: {
  urn: string;
  type: string;
  name: string;
  parentUrn?: string;
  operation: string;
}) {
  return { ...resource, parentUrn: resource.parentUrn ?? null };
}

function specModel(spec: DeploymentSpec): DeploymentSpecModel {
  return {
    name: spec.name,
    cloud: spec.cloud as SpecCloud,
    region: spec.region,
    zones: [...spec.zones],
    kafkaVersion: spec.kafkaVersion,
    controllers: spec.controllers,
    brokers: spec.brokers,
    nodeSize: spec.nodeSize,
    storagePerBrokerGiB: spec.storagePerBrokerGiB,
    externalListener: spec.listeners.external,
    clientAuthentication: spec.clientAuthentication as SpecClientAuthentication,
    tags: Object.entries(spec.tags).map(([key, value]) => ({ key, value })),
  };
}

const OUTPUT_KEYS = ['clusterName', 'bootstrapInternal', 'bootstrapExternal', 'grafanaUrl'] as const;

export function deploymentModel(row: Deployment): DeploymentModel {
  const outputs = (row.outputs ?? {}) as Record<string, unknown>;
  return {
    id: row.id,
    name: row.name,
    cloudAccountId: row.cloudAccountId,
    cloud: row.cloud,
    region: row.region,
    kafkaVersion: row.kafkaVersion,
    brokers: row.brokers,
    status: row.status,
    statusMessage: row.statusMessage,
    spec: specModel(specOf(row)),
    generation: row.generation,
    observedGeneration: row.observedGeneration,
    // Only the known, non-secret outputs, as strings: nothing else the worker stored can leak through here.
    outputs: Object.fromEntries(
      OUTPUT_KEYS.map((key) => [key, typeof outputs[key] === 'string' ? outputs[key] : null]),
    ) as unknown as DeploymentModel['outputs'],
    engine: row.engine,
    simulated: row.engine === 'local',
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    destroyedAt: row.destroyedAt,
  };
}

export function operationModel(row: Operation): OperationModel {
  const input = (row.input ?? {}) as OperationInput;
  return {
    id: row.id,
    deploymentId: row.deploymentId,
    type: row.type,
    status: row.status,
    generation: row.generation,
    attempt: row.attempt,
    retryOfId: row.retryOfId,
    pipelineId: row.pipelineId,
    change: pipelineChangeOf(row),
    rebalanceFirst: Boolean(input.rebalance),
    errorCode: row.errorCode,
    errorMessage: row.errorMessage,
    queuedAt: row.queuedAt,
    notBefore: row.notBefore,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    cancelRequestedAt: row.cancelRequestedAt,
  };
}

/** A PIPELINE operation's change in words (its input's action and delete phase); null for the others. */
function pipelineChangeOf(row: Operation): string | null {
  if (row.type !== 'PIPELINE') return null;
  const input = (row.input ?? {}) as { action?: string; phase?: string };
  if (!input.action) return null;
  if (input.phase === 'PREPARE') return `${input.action}: release topics`;
  if (input.phase === 'REMOVE') return `${input.action}: delete topics`;
  return input.action;
}

function resourceEventModel(row: ResourceEvent): ResourceEventModel {
  return {
    sequence: row.sequence,
    urn: row.urn,
    type: row.type,
    name: row.name,
    operation: row.operation,
    state: row.state,
    message: row.message,
    time: row.time,
  };
}

function proposalModel(row: UpgradeProposal): UpgradeProposalModel {
  return {
    id: row.id,
    deploymentId: row.deploymentId,
    fromVersion: row.fromVersion,
    toVersion: row.toVersion,
    state: row.state,
    windowStart: row.windowStart,
    windowEnd: row.windowEnd,
    decidedAt: row.decidedAt,
    declineReason: row.declineReason,
    expiresAt: row.expiresAt,
    operationId: row.operationId,
    createdAt: row.createdAt,
  };
}
