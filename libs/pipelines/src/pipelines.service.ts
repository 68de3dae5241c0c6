import { Injectable } from '@nestjs/common';
import { AuditLogService } from '@streamplane/audit';
import { actorOf, type Principal } from '@streamplane/auth';
import {
  DeploymentStatus,
  OperationStatus,
  OperationType,
  PipelineState,
  PipelineStatus,
  Prisma,
  PrismaService,
  type Deployment,
  type Operation,
  type Pipeline,
} from '@streamplane/db';
import { deploymentNotFound, OperationDispatcher, operationInProgress } from '@streamplane/deployments';
import { parseInput } from '@streamplane/errors';
import { CredentialCipher } from '@streamplane/secrets';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  IN_PROGRESS,
  inProgressStatusOf,
  preparedForRemoval,
  type PipelineAction,
  type PipelineDeletePhase,
  type PipelineOperationInput,
} from './lifecycle/pipeline-lifecycle';
import { PipelineSettlement } from './lifecycle/pipeline-settlement';
import { PipelineLivePublisher } from './live/pipeline-live-publisher';
import { PipelineError, PipelineErrorCode as Code, pipelineNotFound } from './pipelines.errors';
import { redactSecrets, sealSecrets } from './secrets/pipeline-secrets';
import { parsePipelineSpec, type PipelineSpec } from './spec/pipeline-spec';
import { validatePipeline } from './validation/validate-pipeline';

export interface CreatePipelineRequest {
  deploymentId: string;
  spec: unknown;
  /** Deploy at once (a PIPELINE operation); otherwise the pipeline stays a DRAFT. */
  deploy?: boolean | null;
}

export interface PipelineChange {
  pipeline: Pipeline;
  /** The queued PIPELINE operation; null when nothing had to run (a draft saved or deleted). */
  operation: Operation | null;
}

const ACTIVE_OPERATION = [OperationStatus.QUEUED, OperationStatus.RUNNING];

/**
 * The pipelines of an organization's deployments. Every query is scoped by the principal's organization;
 * every mutation validates first, then writes the pipeline, its PIPELINE operation and the audit entry in
 * one transaction (nothing on error), then enqueues the operation and publishes the change.
 */
@Injectable()
export class PipelinesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditLogService,
    private readonly dispatcher: OperationDispatcher,
    private readonly cipher: CredentialCipher,
    private readonly live: PipelineLivePublisher,
    private readonly settlement: PipelineSettlement,
  ) {}

  /** The deployment's pipelines that are not deleted, oldest first. */
  async list(principal: Principal, deploymentId: string): Promise<Pipeline[]> {
    parseInput(z.uuid(), deploymentId);
    const deployment = await this.prisma.deployment.findFirst({
      where: { id: deploymentId, orgId: principal.orgId },
      select: { id: true },
    });
    if (!deployment) throw deploymentNotFound();
    const rows = await this.prisma.pipeline.findMany({
      where: { deploymentId, orgId: principal.orgId, live: true },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return Promise.all(rows.map((row) => this.settlement.heal(row)));
  }

  async get(principal: Principal, pipelineId: string): Promise<Pipeline> {
    parseInput(z.uuid(), pipelineId);
    const row = await this.prisma.pipeline.findFirst({ where: { id: pipelineId, orgId: principal.orgId } });
    if (!row) throw pipelineNotFound();
    return this.settlement.heal(row);
  }

  /** The pipeline's operations, newest first. */
  async operations(principal: Principal, pipelineId: string, first = 20): Promise<Operation[]> {
    await this.get(principal, pipelineId);
    return this.prisma.operation.findMany({
      where: { pipelineId, orgId: principal.orgId },
      orderBy: [{ queuedAt: 'desc' }, { id: 'desc' }],
      take: Math.min(Math.max(first, 1), 100),
    });
  }

  async create(principal: Principal, raw: CreatePipelineRequest): Promise<PipelineChange> {
    const { deploymentId, deploy } = parseInput(
      z.object({ deploymentId: z.uuid(), deploy: z.boolean().nullish() }),
      { deploymentId: raw.deploymentId, deploy: raw.deploy },
    );
    const parsed = parsePipelineSpec(raw.spec);
    const id = randomUUID();
    const spec = this.seal(parsed, id);
    return this.change(async (tx) => {
      const deployment = await this.lockDeployment(tx, principal.orgId, deploymentId);
      await this.validateAgainstNeighbours(tx, deployment, spec, undefined);
      if (deploy) await this.assertNoActiveOperation(tx, deployment, undefined);
      const pipeline = await tx.pipeline.create({
        data: {
          id,
          orgId: principal.orgId,
          deploymentId,
          name: spec.name,
          description: spec.description ?? null,
          spec: json(spec),
          status: deploy ? PipelineStatus.DEPLOYING : PipelineStatus.DRAFT,
        },
      });
      const operation = deploy
        ? await this.newOperation(tx, principal, deployment, pipeline, 'deploy')
        : null;
      await this.audit.record(tx, actorOf(principal), {
        action: 'pipeline.create',
        targetType: 'Pipeline',
        targetId: id,
        metadata: {
          deploymentId,
          name: spec.name,
          stages: spec.stages.length,
          operationId: operation?.id ?? null,
        },
      });
      return { deployment, pipeline, operation };
    });
  }

  /**
   * A new desired spec (same name: it names the pipeline's topics). A draft is only saved; a deployed
   * pipeline is rolled to it by an UPDATING operation, keeping its running or paused state.
   */
  async update(principal: Principal, pipelineId: string, rawSpec: unknown): Promise<PipelineChange> {
    parseInput(z.uuid(), pipelineId);
    await this.healFirst(principal.orgId, pipelineId);
    return this.change(async (tx) => {
      const { deployment, pipeline } = await this.lockPipeline(tx, principal.orgId, pipelineId);
      const candidate = { name: pipeline.name, ...(rawSpec as object) } as { name?: unknown };
      if (candidate.name !== pipeline.name) {
        throw new PipelineError(
          Code.INVALID_PIPELINE,
          'A pipeline cannot be renamed: its name names its topics.',
          [{ field: 'name', message: `must stay ${pipeline.name}` }],
        );
      }
      const spec = this.seal(
        parsePipelineSpec(candidate),
        pipeline.id,
        pipeline.spec as unknown as PipelineSpec,
      );
      this.assertStatus(
        pipeline,
        [PipelineStatus.DRAFT, PipelineStatus.RUNNING, PipelineStatus.PAUSED, PipelineStatus.FAILED],
        'updated',
      );
      await this.validateAgainstNeighbours(tx, deployment, spec, pipeline.id);
      const deployed = pipeline.appliedSpec !== null;
      if (deployed) await this.assertNoActiveOperation(tx, deployment, pipeline.id);
      const updated = await tx.pipeline.update({
        where: { id: pipeline.id },
        data: {
          spec: json(spec),
          description: spec.description ?? null,
          generation: pipeline.generation + 1,
          ...(deployed ? { status: PipelineStatus.UPDATING, statusMessage: null } : {}),
        },
      });
      const operation = deployed
        ? await this.newOperation(tx, principal, deployment, updated, 'update')
        : null;
      await this.audit.record(tx, actorOf(principal), {
        action: 'pipeline.update',
        targetType: 'Pipeline',
        targetId: pipeline.id,
        metadata: {
          generation: updated.generation,
          stages: spec.stages.length,
          operationId: operation?.id ?? null,
        },
      });
      return { deployment, pipeline: updated, operation };
    });
  }

  /** Deploys a draft, or applies a FAILED pipeline's desired state again. */
  deploy(principal: Principal, pipelineId: string): Promise<PipelineChange> {
    return this.transition(principal, pipelineId, 'deploy', [PipelineStatus.DRAFT, PipelineStatus.FAILED]);
  }

  pause(principal: Principal, pipelineId: string): Promise<PipelineChange> {
    return this.transition(principal, pipelineId, 'pause', [PipelineStatus.RUNNING]);
  }

  resume(principal: Principal, pipelineId: string): Promise<PipelineChange> {
    return this.transition(principal, pipelineId, 'resume', [PipelineStatus.PAUSED]);
  }

  /**
   * Removes the pipeline's runners and users; its topics stay in the cluster unless `deleteTopics`. A
   * pipeline that was never deployed is deleted at once. Its name is free again once DELETED. With
   * `deleteTopics` the delete takes two operations (see PipelineDeletePhase): this one, and the one settle
   * queues once it succeeded.
   */
  async delete(principal: Principal, pipelineId: string, deleteTopics: boolean): Promise<PipelineChange> {
    parseInput(z.uuid(), pipelineId);
    parseInput(z.boolean(), deleteTopics);
    await this.healFirst(principal.orgId, pipelineId);
    return this.change(async (tx) => {
      const { deployment, pipeline } = await this.lockPipeline(tx, principal.orgId, pipelineId);
      this.assertStatus(
        pipeline,
        [PipelineStatus.DRAFT, PipelineStatus.RUNNING, PipelineStatus.PAUSED, PipelineStatus.FAILED],
        'deleted',
      );
      const deployed = pipeline.appliedSpec !== null;
      let updated: Pipeline;
      let operation: Operation | null = null;
      if (!deployed) {
        updated = await tx.pipeline.update({
          where: { id: pipeline.id },
          data: {
            status: PipelineStatus.DELETED,
            desiredState: PipelineState.DELETED,
            live: null,
            deletedAt: new Date(),
            statusMessage: null,
          },
        });
      } else {
        await this.assertNoActiveOperation(tx, deployment, pipeline.id);
        if (!deleteTopics && (await this.removalPrepared(tx, pipeline))) {
          // Its topics are released already (the first run of a delete with topics succeeded): leaving the
          // pipeline out now would delete them.
          throw new PipelineError(
            Code.PIPELINE_NOT_CHANGEABLE,
            `${pipeline.name}'s topics are being deleted already; finish with deleteTopics: true or deployPipeline.`,
          );
        }
        updated = await tx.pipeline.update({
          where: { id: pipeline.id },
          data: {
            status: PipelineStatus.DELETING,
            desiredState: PipelineState.DELETED,
            deleteTopics,
            statusMessage: null,
          },
        });
        operation = await this.newOperation(tx, principal, deployment, updated, 'delete');
      }
      await this.audit.record(tx, actorOf(principal), {
        action: 'pipeline.delete',
        targetType: 'Pipeline',
        targetId: pipeline.id,
        metadata: { name: pipeline.name, deleteTopics, operationId: operation?.id ?? null },
      });
      return { deployment, pipeline: updated, operation };
    });
  }

  private async transition(
    principal: Principal,
    pipelineId: string,
    action: 'deploy' | 'pause' | 'resume',
    allowed: PipelineStatus[],
  ): Promise<PipelineChange> {
    parseInput(z.uuid(), pipelineId);
    await this.healFirst(principal.orgId, pipelineId);
    return this.change(async (tx) => {
      const { deployment, pipeline } = await this.lockPipeline(tx, principal.orgId, pipelineId);
      this.assertStatus(pipeline, allowed, action === 'deploy' ? 'deployed' : `${action}d`);
      await this.assertNoActiveOperation(tx, deployment, pipeline.id);
      if (action === 'deploy') {
        // The desired spec must still fit among the deployment's other pipelines (they may have changed).
        await this.validateAgainstNeighbours(
          tx,
          deployment,
          pipeline.spec as unknown as PipelineSpec,
          pipeline.id,
        );
      }
      const desiredState =
        action === 'pause'
          ? PipelineState.PAUSED
          : action === 'resume'
            ? PipelineState.ACTIVE
            : pipeline.desiredState;
      const updated = await tx.pipeline.update({
        where: { id: pipeline.id },
        data: {
          desiredState,
          status: inProgressStatusOf(desiredState === PipelineState.DELETED ? 'delete' : action, pipeline),
          statusMessage: null,
        },
      });
      const operation = await this.newOperation(tx, principal, deployment, updated, action);
      await this.audit.record(tx, actorOf(principal), {
        action: `pipeline.${action}`,
        targetType: 'Pipeline',
        targetId: pipeline.id,
        metadata: { operationId: operation.id, desiredState },
      });
      return { deployment, pipeline: updated, operation };
    });
  }

  /** Runs the transaction, maps the database's unique constraints to typed errors, then dispatches. */
  private async change(
    work: (
      tx: Prisma.TransactionClient,
    ) => Promise<{ deployment: Deployment; pipeline: Pipeline; operation: Operation | null }>,
  ): Promise<PipelineChange> {
    let result: Awaited<ReturnType<typeof work>>;
    try {
      result = await this.prisma.$transaction(work);
    } catch (error) {
      throw mapUniqueViolation(error);
    }
    if (result.operation) await this.dispatcher.dispatch(result.deployment, result.operation);
    await this.live.statusChanged(result.pipeline);
    return { pipeline: result.pipeline, operation: result.operation };
  }

  /**
   * Settles the pipeline first if its last operation ended without settling it (the provisioner stopped
   * in between, or the operation was cancelled while queued), so the change is judged on where it is.
   */
  private async healFirst(orgId: string, pipelineId: string): Promise<void> {
    const row = await this.prisma.pipeline.findFirst({ where: { id: pipelineId, orgId, live: true } });
    if (row) await this.settlement.heal(row);
  }

  private seal(spec: PipelineSpec, pipelineId: string, previous?: PipelineSpec): PipelineSpec {
    return sealSecrets(spec, pipelineId, this.cipher, previous);
  }

  /** The deployment row locked for the transaction: this organization's, and RUNNING. */
  private async lockDeployment(
    tx: Prisma.TransactionClient,
    orgId: string,
    deploymentId: string,
  ): Promise<Deployment> {
    await tx.$queryRaw`SELECT id FROM deployments WHERE id = ${deploymentId}::uuid AND org_id = ${orgId}::uuid FOR UPDATE`;
    const deployment = await tx.deployment.findFirst({ where: { id: deploymentId, orgId } });
    if (!deployment) throw deploymentNotFound();
    if (deployment.status !== DeploymentStatus.RUNNING) {
      throw new PipelineError(
        Code.DEPLOYMENT_NOT_RUNNING,
        `${deployment.name} is ${deployment.status}: pipelines change only while it is RUNNING.`,
      );
    }
    return deployment;
  }

  /** The pipeline and its deployment, both locked; NOT_FOUND unless the organization's and not deleted. */
  private async lockPipeline(
    tx: Prisma.TransactionClient,
    orgId: string,
    pipelineId: string,
  ): Promise<{ deployment: Deployment; pipeline: Pipeline }> {
    const found = await tx.pipeline.findFirst({
      where: { id: pipelineId, orgId, live: true },
      select: { deploymentId: true },
    });
    if (!found) throw pipelineNotFound();
    const deployment = await this.lockDeployment(tx, orgId, found.deploymentId);
    await tx.$queryRaw`SELECT id FROM pipelines WHERE id = ${pipelineId}::uuid FOR UPDATE`;
    const pipeline = await tx.pipeline.findFirst({ where: { id: pipelineId, orgId, live: true } });
    if (!pipeline) throw pipelineNotFound();
    return { deployment, pipeline };
  }

  private async validateAgainstNeighbours(
    tx: Prisma.TransactionClient,
    deployment: Deployment,
    spec: PipelineSpec,
    self: string | undefined,
  ): Promise<void> {
    const others = await tx.pipeline.findMany({
      where: { deploymentId: deployment.id, live: true, ...(self ? { id: { not: self } } : {}) },
      select: { name: true, spec: true },
    });
    if (others.some((other) => other.name === spec.name)) throw nameTaken();
    validatePipeline(
      spec,
      others.map((other) => ({ name: other.name, spec: other.spec as unknown as PipelineSpec })),
    );
  }

  private async assertNoActiveOperation(
    tx: Prisma.TransactionClient,
    deployment: Deployment,
    pipelineId: string | undefined,
  ): Promise<void> {
    const active = await tx.operation.findFirst({
      where: { deploymentId: deployment.id, status: { in: ACTIVE_OPERATION } },
      select: { id: true, type: true, status: true, pipelineId: true },
    });
    if (!active) return;
    if (pipelineId && active.pipelineId === pipelineId) throw pipelineBusy();
    throw operationInProgress(`${active.type} ${active.id} is ${active.status}`);
  }

  private assertStatus(pipeline: Pipeline, allowed: PipelineStatus[], what: string): void {
    if (IN_PROGRESS.includes(pipeline.status)) throw pipelineBusy();
    if (!allowed.includes(pipeline.status)) {
      throw new PipelineError(
        Code.PIPELINE_NOT_CHANGEABLE,
        `${pipeline.name} is ${pipeline.status} and cannot be ${what} now.`,
      );
    }
  }

  /**
   * Where a delete with topics starts: at PREPARE, unless it resumes a FAILED delete (deployPipeline, or
   * deletePipeline again) whose stack went through PREPARE already: then at REMOVE.
   */
  private async deletePhase(tx: Prisma.TransactionClient, pipeline: Pipeline): Promise<PipelineDeletePhase> {
    return (await this.removalPrepared(tx, pipeline)) ? 'REMOVE' : 'PREPARE';
  }

  /** The pipeline's latest operation left its stack prepared for removal (see preparedForRemoval). */
  private async removalPrepared(tx: Prisma.TransactionClient, pipeline: Pipeline): Promise<boolean> {
    const latest = await tx.operation.findFirst({
      where: { pipelineId: pipeline.id, orgId: pipeline.orgId },
      orderBy: [{ queuedAt: 'desc' }, { id: 'desc' }],
      select: { input: true, status: true },
    });
    return preparedForRemoval(latest);
  }

  private async newOperation(
    tx: Prisma.TransactionClient,
    principal: Principal,
    deployment: Deployment,
    pipeline: Pipeline,
    action: PipelineAction,
  ): Promise<Operation> {
    const actor = actorOf(principal);
    const deleting = pipeline.desiredState === PipelineState.DELETED;
    const phase = deleting && pipeline.deleteTopics ? await this.deletePhase(tx, pipeline) : undefined;
    const input: PipelineOperationInput = {
      pipelineId: pipeline.id,
      pipelineGeneration: pipeline.generation,
      desiredState: pipeline.desiredState,
      action,
      ...(deleting ? { deleteTopics: pipeline.deleteTopics } : {}),
      ...(phase ? { phase } : {}),
    };
    return tx.operation.create({
      data: {
        orgId: deployment.orgId,
        deploymentId: deployment.id,
        pipelineId: pipeline.id,
        type: OperationType.PIPELINE,
        // A pipeline change applies the deployment's current generation (its own spec is unchanged).
        generation: deployment.generation,
        input: input as unknown as Prisma.InputJsonObject,
        requestedByType: actor.actorType,
        requestedById: actor.actorId ?? null,
      },
    });
  }
}

/** The stored spec as the API shows it (secrets as `{ set: true }`). */
export function visibleSpecOf(pipeline: Pick<Pipeline, 'spec'>): PipelineSpec {
  return redactSecrets(pipeline.spec as unknown as PipelineSpec);
}

function json(spec: PipelineSpec): Prisma.InputJsonObject {
  return JSON.parse(JSON.stringify(spec)) as Prisma.InputJsonObject;
}

function nameTaken(): PipelineError {
  return new PipelineError(
    Code.PIPELINE_NAME_TAKEN,
    'This deployment already has a pipeline with that name.',
    [{ field: 'name', message: 'is taken' }],
  );
}

function pipelineBusy(): PipelineError {
  return new PipelineError(
    Code.PIPELINE_BUSY,
    'The pipeline has an operation queued or running; wait for it to finish.',
  );
}

/** The database's constraints, for the races the explicit checks cannot see. */
function mapUniqueViolation(error: unknown): unknown {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return error;
  const meta = JSON.stringify(error.meta ?? {});
  if (meta.includes('active')) return operationInProgress('another operation was just accepted');
  if (meta.includes('live') || meta.includes('"name"')) return nameTaken();
  return error;
}
