import { Injectable } from '@nestjs/common';
import { AuditLogService } from '@streamplane/audit';
import { actorOf, type Principal } from '@streamplane/auth';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import {
  CloudAccountStatus,
  DeploymentStatus,
  OperationStatus,
  OperationType,
  Prisma,
  PrismaService,
  StackEngineKind,
  UpgradeProposalState,
  type Deployment,
  type Operation,
  type ResourceEvent,
} from '@streamplane/db';
import { parseDeploymentSpec, validateSpecChange, type DeploymentSpec } from '@streamplane/deployment-spec';
import { DomainError, ErrorKind, parseInput } from '@streamplane/errors';
import { AgentTokensService } from '@streamplane/metering';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { columnsOf, providerOf, specOf, stackNameOf } from './deployment-columns';
import { DeploymentError, DeploymentErrorCode as Code } from './deployments.errors';
import {
  CreateDeploymentInput,
  DeploymentChangeInput,
  PageInput,
  type CreateDeploymentRequest,
  type DeploymentChange,
  type Page,
  type PageRequest,
} from './dto/deployment.inputs';
import { OperationDispatcher } from './operations/operation-dispatcher';
import { UpgradeRunCode } from './upgrades/upgrade-run.codes';

/** What an operation's `input` holds (the worker reads it). */
export interface OperationInput {
  /** The desired spec this operation applies (absent for DESTROY). */
  spec?: DeploymentSpec;
  /** The spec before the change: restored when a QUEUED operation is cancelled. */
  previousSpec?: DeploymentSpec;
  /** Brokers go down: the worker first runs a KafkaRebalance (remove-brokers) moving replicas off these. */
  rebalance?: { fromBrokers: number; toBrokers: number; removeBrokerIds: number[] };
  /** The upgrade proposal an UPGRADE operation carries out. */
  proposalId?: string;
  /** An UPDATE that pushes a newly issued agent token to the cluster (its id; never the token). */
  agentTokenRotation?: { tokenId: string; revokePrevious: boolean };
}

/** What destroying leaves behind, said before and after. */
export interface DestroyResult {
  deployment: Deployment;
  operation: Operation;
  /** Broker volumes are kept (Strimzi `deleteClaim: false`): the data outlives the cluster until deleted by hand. */
  retainedVolumes: { brokers: number; storagePerBrokerGiB: number; totalGiB: number; note: string };
  /** The cloud account stays connected. */
  cloudAccountId: string;
}

const ACTIVE = [OperationStatus.QUEUED, OperationStatus.RUNNING];

/**
 * The deployments of an organization and the operations that change them. Every query is scoped by the
 * principal's organization; every mutation writes its rows and its audit entry in one transaction, then
 * enqueues the operation's job and publishes the live events (see OperationDispatcher).
 */
@Injectable()
export class DeploymentsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditLogService,
    private readonly dispatcher: OperationDispatcher,
    @InjectConfig() private readonly config: AppConfig,
    private readonly agentTokens: AgentTokensService,
  ) {}

  list(principal: Principal): Promise<Deployment[]> {
    return this.prisma.deployment.findMany({
      where: { orgId: principal.orgId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
  }

  async get(principal: Principal, deploymentId: string): Promise<Deployment> {
    parseInput(z.uuid(), deploymentId);
    const deployment = await this.prisma.deployment.findFirst({
      where: { id: deploymentId, orgId: principal.orgId },
    });
    if (!deployment) throw deploymentNotFound();
    return deployment;
  }

  async getOperation(principal: Principal, operationId: string): Promise<Operation> {
    parseInput(z.uuid(), operationId);
    const operation = await this.prisma.operation.findFirst({
      where: { id: operationId, orgId: principal.orgId },
    });
    if (!operation) throw operationNotFound();
    return operation;
  }

  /** Newest first; the cursor is the last operation's id. */
  async operations(principal: Principal, deploymentId: string, page: PageRequest): Promise<Page<Operation>> {
    const { first, after } = parseInput(PageInput, page);
    await this.get(principal, deploymentId);
    if (after) parseInput(z.uuid(), after);
    const rows = await this.prisma.operation.findMany({
      where: { deploymentId, orgId: principal.orgId },
      orderBy: [{ queuedAt: 'desc' }, { id: 'desc' }],
      ...(after ? { cursor: { id: after }, skip: 1 } : {}),
      take: first + 1,
    });
    return pageOf(rows, first, (row) => row.id);
  }

  /** In the order the engine reported them; the cursor is the last event's sequence. */
  async resourceEvents(
    principal: Principal,
    operationId: string,
    page: PageRequest,
  ): Promise<Page<ResourceEvent>> {
    const { first, after } = parseInput(PageInput, page);
    await this.getOperation(principal, operationId);
    const afterSequence = after ? parseInput(z.coerce.number().int().min(0), after) : 0;
    const rows = await this.prisma.resourceEvent.findMany({
      where: { operationId, orgId: principal.orgId, sequence: { gt: afterSequence } },
      orderBy: { sequence: 'asc' },
      take: first + 1,
    });
    return pageOf(rows, first, (row) => String(row.sequence));
  }

  /**
   * Orders a deployment: a VERIFIED cloud account of the organization, of the spec's cloud, allowing its
   * region. Writes the Deployment (PENDING), its CREATE operation (QUEUED) and the audit entry together.
   */
  async create(
    principal: Principal,
    raw: CreateDeploymentRequest,
  ): Promise<{ deployment: Deployment; operation: Operation }> {
    const { cloudAccountId, spec: rawSpec } = parseInput(CreateDeploymentInput, raw);
    const spec = parseDeploymentSpec(rawSpec);
    const id = randomUUID();
    const result = await this.uniqueName(() =>
      this.prisma.$transaction(async (tx) => {
        // FOR SHARE: deleting the account (FOR UPDATE) waits for this order, and then sees it.
        const [account] = await tx.$queryRaw<
          { id: string; provider: string; status: string; allowed_regions: string[]; name: string }[]
        >`SELECT id, provider::text, status::text, allowed_regions, name FROM cloud_accounts
           WHERE id = ${cloudAccountId}::uuid AND org_id = ${principal.orgId}::uuid FOR SHARE`;
        if (!account) {
          throw new DeploymentError(
            Code.CLOUD_ACCOUNT_NOT_FOUND,
            'No such cloud account in this organization.',
          );
        }
        if (account.provider !== providerOf(spec.cloud)) {
          throw new DeploymentError(
            Code.CLOUD_ACCOUNT_WRONG_PROVIDER,
            `${account.name} is a ${account.provider} account; this deployment is on ${spec.cloud}.`,
            [{ field: 'cloudAccountId', message: `must be a ${spec.cloud} account` }],
          );
        }
        if (account.status !== CloudAccountStatus.VERIFIED) {
          throw new DeploymentError(
            Code.CLOUD_ACCOUNT_NOT_VERIFIED,
            `${account.name} is not verified yet: verify it (verifyCloudAccount) before deploying into it.`,
          );
        }
        if (!account.allowed_regions.includes(spec.region)) {
          throw new DeploymentError(
            Code.REGION_NOT_ALLOWED,
            `${account.name} does not allow ${spec.region} (allowed: ${account.allowed_regions.join(', ')}).`,
            [{ field: 'spec.region', message: 'must be one of the cloud account’s allowed regions' }],
          );
        }
        const deployment = await tx.deployment.create({
          data: {
            ...columnsOf(spec),
            id,
            orgId: principal.orgId,
            cloudAccountId,
            generation: 1,
            engine: this.config.cloud.engine === 'pulumi' ? StackEngineKind.pulumi : StackEngineKind.local,
            stackName: stackNameOf(id),
          },
        });
        const operation = await this.newOperation(tx, principal, deployment, OperationType.CREATE, 1, {
          spec,
        });
        await this.audit.record(tx, actorOf(principal), {
          action: 'deployment.create',
          targetType: 'Deployment',
          targetId: id,
          metadata: {
            name: spec.name,
            cloud: spec.cloud,
            region: spec.region,
            brokers: spec.brokers,
            kafkaVersion: spec.kafkaVersion,
            cloudAccountId,
            operationId: operation.id,
          },
        });
        return { deployment, operation };
      }),
    );
    await this.dispatcher.dispatch(result.deployment, result.operation);
    return result;
  }

  /**
   * Brokers up or down, storage up. Fixed fields (controllers, zones, …) are refused by the spec's change
   * rules (CONFLICT). Brokers down: the operation's input tells the worker to rebalance them empty first.
   */
  async scale(
    principal: Principal,
    deploymentId: string,
    rawChange: DeploymentChange,
  ): Promise<{ deployment: Deployment; operation: Operation }> {
    parseInput(z.uuid(), deploymentId);
    const change = parseInput(DeploymentChangeInput, rawChange);
    const result = await this.oneActive(() =>
      this.prisma.$transaction(async (tx) => {
        const deployment = await this.lock(tx, principal.orgId, deploymentId);
        await this.assertNoActiveOperation(tx, deployment);
        this.assertStatus(deployment, [DeploymentStatus.RUNNING], 'scaled');
        const current = specOf(deployment);
        const next = parseDeploymentSpec({ ...current, ...change });
        validateSpecChange(current, next);
        if (next.brokers === current.brokers && next.storagePerBrokerGiB === current.storagePerBrokerGiB) {
          throw new DeploymentError(Code.NOTHING_TO_CHANGE, 'The change leaves the deployment as it is.');
        }
        const rebalance =
          next.brokers < current.brokers
            ? {
                fromBrokers: current.brokers,
                toBrokers: next.brokers,
                // Strimzi numbers broker nodes from 0: the highest ids go.
                removeBrokerIds: range(next.brokers, current.brokers),
              }
            : undefined;
        const generation = deployment.generation + 1;
        const updated = await tx.deployment.update({
          where: { id: deployment.id },
          data: { ...columnsOf(next), generation },
        });
        const operation = await this.newOperation(
          tx,
          principal,
          deployment,
          OperationType.SCALE,
          generation,
          {
            spec: next,
            previousSpec: current,
            ...(rebalance ? { rebalance } : {}),
          },
        );
        await this.audit.record(tx, actorOf(principal), {
          action: 'deployment.scale',
          targetType: 'Deployment',
          targetId: deployment.id,
          metadata: {
            fromBrokers: current.brokers,
            toBrokers: next.brokers,
            fromStorageGiB: current.storagePerBrokerGiB,
            toStorageGiB: next.storagePerBrokerGiB,
            rebalanceFirst: Boolean(rebalance),
            operationId: operation.id,
          },
        });
        return { deployment: updated, operation };
      }),
    );
    await this.dispatcher.dispatch(result.deployment, result.operation);
    return result;
  }

  /** Destroys the deployment's cloud resources; `confirmName` must be its name. Volumes are retained. */
  async destroy(principal: Principal, deploymentId: string, confirmName: string): Promise<DestroyResult> {
    parseInput(z.uuid(), deploymentId);
    parseInput(z.string().max(100), confirmName);
    const result = await this.oneActive(() =>
      this.prisma.$transaction(async (tx) => {
        const deployment = await this.lock(tx, principal.orgId, deploymentId);
        this.assertStatus(
          deployment,
          [DeploymentStatus.RUNNING, DeploymentStatus.FAILED, DeploymentStatus.UPDATING],
          'destroyed',
        );
        if (confirmName !== deployment.name) {
          throw new DeploymentError(
            Code.CONFIRMATION_MISMATCH,
            'Type the deployment’s name exactly to confirm destroying it.',
            [{ field: 'confirmName', message: `must be ${deployment.name}` }],
          );
        }
        await this.assertNoActiveOperation(tx, deployment);
        // The other deployment's MirrorMaker 2 would mirror from (or into) nothing: the link goes first.
        const link = await tx.replicationLink.findFirst({
          where: {
            live: true,
            OR: [{ sourceDeploymentId: deployment.id }, { targetDeploymentId: deployment.id }],
          },
          select: { id: true },
        });
        if (link) {
          throw new DomainError(
            ErrorKind.CONFLICT,
            'DEPLOYMENT_HAS_REPLICATION_LINKS',
            `${deployment.name} is part of replication link ${link.id}: delete the link (deleteReplicationLink) before destroying the deployment.`,
          );
        }
        const operation = await this.newOperation(
          tx,
          principal,
          deployment,
          OperationType.DESTROY,
          deployment.generation,
          {},
        );
        await this.audit.record(tx, actorOf(principal), {
          action: 'deployment.destroy',
          targetType: 'Deployment',
          targetId: deployment.id,
          metadata: { name: deployment.name, operationId: operation.id },
        });
        return { deployment, operation };
      }),
    );
    await this.dispatcher.dispatch(result.deployment, result.operation);
    const { deployment } = result;
    return {
      ...result,
      retainedVolumes: {
        brokers: deployment.brokers,
        storagePerBrokerGiB: deployment.storagePerBrokerGiB,
        totalGiB: deployment.brokers * deployment.storagePerBrokerGiB,
        note:
          'Broker volumes are retained (deleteClaim: false) in the cloud account, and billed by the cloud ' +
          'provider, until deleted there.',
      },
      cloudAccountId: deployment.cloudAccountId,
    };
  }

  /**
   * Issues the deployment's agent a new token and queues the UPDATE that hands it to the cluster (the
   * agent's Secret is all that changes). The previous tokens keep working for an hour while the agent picks
   * the new one up, or end at once with `revokePrevious` (a leaked token; the agent is refused until the
   * UPDATE has run). The token itself is never returned nor audited: only the provisioner opens it, for the
   * stack. Token, operation and audit entry are written in one transaction.
   */
  async rotateAgentToken(
    principal: Principal,
    deploymentId: string,
    options: { revokePrevious?: boolean | null } = {},
  ): Promise<{ deployment: Deployment; operation: Operation }> {
    parseInput(z.uuid(), deploymentId);
    const revokePrevious = options.revokePrevious ?? false;
    const result = await this.oneActive(() =>
      this.prisma.$transaction(async (tx) => {
        const deployment = await this.lock(tx, principal.orgId, deploymentId);
        await this.assertNoActiveOperation(tx, deployment);
        this.assertStatus(deployment, [DeploymentStatus.RUNNING], 'given a new agent token');
        const issued = await this.agentTokens.issue(principal.orgId, deployment.id, {
          tx,
          ...(revokePrevious ? { previousGraceMs: 0 } : {}),
        });
        const operation = await this.newOperation(
          tx,
          principal,
          deployment,
          OperationType.UPDATE,
          deployment.generation,
          { spec: specOf(deployment), agentTokenRotation: { tokenId: issued.id, revokePrevious } },
        );
        await this.audit.record(tx, actorOf(principal), {
          action: 'agent_token.rotate',
          targetType: 'Deployment',
          targetId: deployment.id,
          metadata: { tokenId: issued.id, revokePrevious, operationId: operation.id },
        });
        return { deployment, operation };
      }),
    );
    await this.dispatcher.dispatch(result.deployment, result.operation);
    return result;
  }

  /**
   * Runs a FAILED or CANCELLED operation again as a new operation (the next attempt, a new job). Only the
   * deployment's latest operation can be retried: an older one would undo what came after it.
   */
  async retryOperation(
    principal: Principal,
    operationId: string,
  ): Promise<{ deployment: Deployment; operation: Operation }> {
    parseInput(z.uuid(), operationId);
    const result = await this.oneActive(() =>
      this.prisma.$transaction(async (tx) => {
        const previous = await this.lockOperation(tx, principal.orgId, operationId);
        const deployment = await this.lock(tx, principal.orgId, previous.deploymentId);
        if (previous.status !== OperationStatus.FAILED && previous.status !== OperationStatus.CANCELLED) {
          throw new DeploymentError(
            Code.OPERATION_NOT_RETRYABLE,
            `Only a failed or cancelled operation can be retried; this one is ${previous.status}.`,
          );
        }
        if (deployment.status === DeploymentStatus.DESTROYED) {
          throw new DeploymentError(Code.OPERATION_NOT_RETRYABLE, 'The deployment is destroyed.');
        }
        if (previous.errorCode && UPGRADES_NEVER_STARTED.has(previous.errorCode)) {
          // Nothing rolled and the proposal is closed: consent was for that window, so a new proposal
          // (made by the next upgrade check) is approved with a new one instead.
          throw new DeploymentError(
            Code.OPERATION_NOT_RETRYABLE,
            'This upgrade never started and its maintenance window is over; approve the new upgrade proposal with a new window instead.',
          );
        }
        const latest = await tx.operation.findFirst({
          where: { deploymentId: deployment.id },
          orderBy: [{ queuedAt: 'desc' }, { id: 'desc' }],
          select: { id: true },
        });
        if (latest?.id !== previous.id) {
          throw new DeploymentError(
            Code.OPERATION_NOT_RETRYABLE,
            'Only the deployment’s latest operation can be retried.',
          );
        }
        await this.assertNoActiveOperation(tx, deployment);
        const input = previous.input as OperationInput;
        let updated = deployment;
        let generation = previous.generation;
        // A cancelled change was undone in the deployment's desired spec: retrying it asks for it again.
        if (
          previous.status === OperationStatus.CANCELLED &&
          input.spec &&
          previous.type !== OperationType.CREATE
        ) {
          generation = deployment.generation + 1;
          updated = await tx.deployment.update({
            where: { id: deployment.id },
            data: { ...columnsOf(input.spec), generation },
          });
        }
        const operation = await this.newOperation(
          tx,
          principal,
          deployment,
          previous.type,
          generation,
          { ...input, previousSpec: specOf(deployment) },
          {
            attempt: previous.attempt + 1,
            retryOfId: previous.id,
            // The retry changes what the operation it retries changed (a pipeline, a replication link's side).
            pipelineId: previous.pipelineId,
            replicationLinkId: previous.replicationLinkId,
          },
        );
        await this.audit.record(tx, actorOf(principal), {
          action: 'operation.retry',
          targetType: 'Operation',
          targetId: operation.id,
          metadata: { retryOf: previous.id, type: previous.type, attempt: operation.attempt },
        });
        return { deployment: updated, operation };
      }),
    );
    await this.dispatcher.dispatch(result.deployment, result.operation);
    return result;
  }

  /**
   * QUEUED: cancelled at once (its job removed; a change's desired spec is restored; a cancelled order
   * leaves nothing behind, so the deployment is DESTROYED). RUNNING: the cancellation is requested and the
   * worker stops at its next safe point. Anything else has ended already.
   */
  async cancelOperation(
    principal: Principal,
    operationId: string,
  ): Promise<{ deployment: Deployment; operation: Operation }> {
    parseInput(z.uuid(), operationId);
    const result = await this.prisma.$transaction(async (tx) => {
      const operation = await this.lockOperation(tx, principal.orgId, operationId);
      const deployment = await this.lock(tx, principal.orgId, operation.deploymentId);
      const now = new Date();
      if (operation.status === OperationStatus.RUNNING) {
        const requested = await tx.operation.update({
          where: { id: operation.id },
          data: { cancelRequestedAt: operation.cancelRequestedAt ?? now },
        });
        await this.audit.record(tx, actorOf(principal), {
          action: 'operation.cancel_request',
          targetType: 'Operation',
          targetId: operation.id,
          metadata: { type: operation.type },
        });
        return { deployment, operation: requested, removeJob: false };
      }
      if (operation.status !== OperationStatus.QUEUED) {
        throw new DeploymentError(
          Code.OPERATION_NOT_CANCELLABLE,
          `This operation has ended (${operation.status}); there is nothing to cancel.`,
        );
      }
      const cancelled = await tx.operation.update({
        where: { id: operation.id },
        data: {
          status: OperationStatus.CANCELLED,
          active: null,
          finishedAt: now,
          cancelRequestedAt: now,
          errorCode: 'CANCELLED',
          errorMessage: 'Cancelled before it started',
        },
      });
      const input = operation.input as OperationInput;
      let updated = deployment;
      if (operation.type === OperationType.CREATE) {
        updated = await tx.deployment.update({
          where: { id: deployment.id },
          data: {
            status: DeploymentStatus.DESTROYED,
            destroyedAt: now,
            statusMessage: 'The order was cancelled before provisioning started; nothing was created.',
          },
        });
      } else if (input.previousSpec && deployment.generation === operation.generation) {
        updated = await tx.deployment.update({
          where: { id: deployment.id },
          data: { ...columnsOf(input.previousSpec), generation: deployment.generation - 1 },
        });
      }
      if (operation.type === OperationType.UPGRADE) {
        await tx.upgradeProposal.updateMany({
          where: { operationId: operation.id, open: true },
          data: {
            state: UpgradeProposalState.DECLINED,
            open: null,
            declineReason: 'The scheduled upgrade was cancelled.',
            ...decidedBy(principal, now),
          },
        });
      }
      await this.audit.record(tx, actorOf(principal), {
        action: 'operation.cancel',
        targetType: 'Operation',
        targetId: operation.id,
        metadata: { type: operation.type },
      });
      return { deployment: updated, operation: cancelled, removeJob: true };
    });
    if (result.removeJob) await this.dispatcher.removeJob(result.operation.id);
    await this.dispatcher.dispatch(result.deployment, result.operation);
    return { deployment: result.deployment, operation: result.operation };
  }

  private newOperation(
    tx: Prisma.TransactionClient,
    principal: Principal,
    deployment: Deployment,
    type: OperationType,
    generation: number,
    input: OperationInput,
    extra: {
      attempt?: number;
      retryOfId?: string;
      notBefore?: Date;
      pipelineId?: string | null;
      replicationLinkId?: string | null;
    } = {},
  ): Promise<Operation> {
    const actor = actorOf(principal);
    return tx.operation.create({
      data: {
        orgId: deployment.orgId,
        deploymentId: deployment.id,
        type,
        generation,
        input: input as unknown as Prisma.InputJsonObject,
        requestedByType: actor.actorType,
        requestedById: actor.actorId ?? null,
        ...extra,
      },
    });
  }

  /** The deployment row, locked for this transaction; NOT_FOUND when it is not this organization's. */
  private async lock(tx: Prisma.TransactionClient, orgId: string, deploymentId: string): Promise<Deployment> {
    await tx.$queryRaw`SELECT id FROM deployments WHERE id = ${deploymentId}::uuid AND org_id = ${orgId}::uuid FOR UPDATE`;
    const deployment = await tx.deployment.findFirst({ where: { id: deploymentId, orgId } });
    if (!deployment) throw deploymentNotFound();
    return deployment;
  }

  private async lockOperation(
    tx: Prisma.TransactionClient,
    orgId: string,
    operationId: string,
  ): Promise<Operation> {
    await tx.$queryRaw`SELECT id FROM operations WHERE id = ${operationId}::uuid AND org_id = ${orgId}::uuid FOR UPDATE`;
    const operation = await tx.operation.findFirst({ where: { id: operationId, orgId } });
    if (!operation) throw operationNotFound();
    return operation;
  }

  private async assertNoActiveOperation(tx: Prisma.TransactionClient, deployment: Deployment): Promise<void> {
    const active = await tx.operation.findFirst({
      where: { deploymentId: deployment.id, status: { in: ACTIVE } },
      select: { id: true, type: true, status: true },
    });
    if (active) throw operationInProgress(`${active.type} ${active.id} is ${active.status}`);
  }

  private assertStatus(deployment: Deployment, allowed: DeploymentStatus[], what: string): void {
    if (!allowed.includes(deployment.status)) {
      throw new DeploymentError(
        Code.DEPLOYMENT_NOT_CHANGEABLE,
        `${deployment.name} is ${deployment.status} and cannot be ${what} now.`,
      );
    }
  }

  /** The database's one-active-operation constraint, for the race the explicit check cannot see. */
  private async oneActive<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error, 'active'))
        throw operationInProgress('another operation was just accepted');
      throw error;
    }
  }

  private async uniqueName<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error, 'name')) {
        throw new DeploymentError(
          Code.DEPLOYMENT_NAME_TAKEN,
          'This organization already has a deployment with that name.',
          [{ field: 'spec.name', message: 'is taken' }],
        );
      }
      throw error;
    }
  }
}

export function decidedBy(principal: Principal, now: Date) {
  const actor = actorOf(principal);
  return { decidedByType: actor.actorType, decidedById: actor.actorId ?? null, decidedAt: now };
}

export function isUniqueViolation(error: unknown, field: string): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return false;
  // Prisma names the constraint's fields (or, through the pg adapter, the index) in `meta`.
  const meta = JSON.stringify(error.meta ?? {});
  return meta.includes(`"${field}"`) || meta.includes(`_${field}_key`);
}

export function operationInProgress(detail: string): DeploymentError {
  return new DeploymentError(
    Code.OPERATION_IN_PROGRESS,
    `Another operation on this deployment is queued or running (${detail}); wait for it or cancel it.`,
  );
}

export function deploymentNotFound(): DeploymentError {
  return new DeploymentError(Code.DEPLOYMENT_NOT_FOUND, 'No such deployment in this organization.');
}

function operationNotFound(): DeploymentError {
  return new DeploymentError(Code.OPERATION_NOT_FOUND, 'No such operation in this organization.');
}

function pageOf<T>(rows: T[], first: number, cursorOf: (row: T) => string): Page<T> {
  const items = rows.slice(0, first);
  return { items, nextCursor: rows.length > first ? cursorOf(items[items.length - 1]) : null };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, index) => from + index);
}

/** Upgrades that ended without touching the cluster because their window passed: not retried, re-proposed. */
const UPGRADES_NEVER_STARTED: ReadonlySet<string> = new Set([
  UpgradeRunCode.PRECONDITIONS_NOT_MET,
  UpgradeRunCode.WINDOW_MISSED,
]);
