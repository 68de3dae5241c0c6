import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@streamplane/auth';
import {
  DeploymentStatus,
  PrismaService,
  ReplicationLinkStatus,
  type Deployment,
  type Operation,
  type ReplicationLink,
} from '@streamplane/db';
import { deploymentNotFound } from '@streamplane/deployments';
import { parseInput } from '@streamplane/errors';
import { CredentialCipher } from '@streamplane/secrets';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { linkHealth, type LinkHealth, type ReplicationThresholds } from './health/replication-health';
import { ReplicationHealthStore } from './health/replication-health-store';
import { IN_PROGRESS, inProgressStatusOf, settledStatusOf } from './lifecycle/replication-lifecycle';
import { ReplicationLinkChanges, appendStep, linkExists } from './lifecycle/replication-link-changes';
import { ReplicationError, ReplicationErrorCode as Code, linkNotFound } from './replication.errors';
import {
  CreateReplicationLinkInput,
  UpdateReplicationLinkInput,
  type CreateReplicationLinkRequest,
  type UpdateReplicationLinkRequest,
} from './spec/replication-inputs';
import { parseApplied, parseLinkSpec, type ReplicationLinkSpec } from './spec/replication-link-spec';
import { generateMirroringPassword, sealPassword } from './workload/replication-passwords';
import { pairKeyOf } from './workload/replication-names';

export const REPLICATION_THRESHOLDS = Symbol('REPLICATION_THRESHOLDS');

/** A link change's result: the link as committed and the operations it queued. */
export interface LinkChange {
  link: ReplicationLink;
  operations: Operation[];
}

/**
 * Replication links of an organization: reads, and the changes that queue REPLICATION operations on the
 * linked deployments (create, update, delete, retry). Every query is scoped by the principal's organization;
 * every change writes its rows, operations and audit entry in one transaction, then dispatches the operations.
 * Failover and failback are ReplicationFailoverService's.
 */
@Injectable()
export class ReplicationLinksService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly changes: ReplicationLinkChanges,
    private readonly cipher: CredentialCipher,
    private readonly healthStore: ReplicationHealthStore,
    @Inject(REPLICATION_THRESHOLDS) private readonly thresholds: ReplicationThresholds,
  ) {}

  /** Live links, newest first; of one deployment (either side) when `deploymentId` is given. */
  async list(principal: Principal, deploymentId?: string | null): Promise<ReplicationLink[]> {
    if (deploymentId) {
      parseInput(z.uuid(), deploymentId);
      // Fail closed: another organization's deployment is not found, never an empty list.
      const own = await this.prisma.deployment.findFirst({
        where: { id: deploymentId, orgId: principal.orgId },
        select: { id: true },
      });
      if (!own) throw deploymentNotFound();
    }
    return this.prisma.replicationLink.findMany({
      where: {
        orgId: principal.orgId,
        live: true,
        ...(deploymentId
          ? { OR: [{ sourceDeploymentId: deploymentId }, { targetDeploymentId: deploymentId }] }
          : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
  }

  /** A link, also a deleted one (its history stays readable). */
  async get(principal: Principal, linkId: string): Promise<ReplicationLink> {
    parseInput(z.uuid(), linkId);
    const link = await this.prisma.replicationLink.findFirst({
      where: { id: linkId, orgId: principal.orgId },
    });
    if (!link) throw linkNotFound();
    return link;
  }

  /** The link's operations on both deployments, newest first. */
  async operations(principal: Principal, linkId: string): Promise<Operation[]> {
    const link = await this.get(principal, linkId);
    return this.prisma.operation.findMany({
      where: { orgId: principal.orgId, replicationLinkId: link.id },
      orderBy: [{ queuedAt: 'desc' }, { id: 'desc' }],
      take: 100,
    });
  }

  /** Per direction: the latest report of its receiving side, judged against the thresholds. */
  async health(link: ReplicationLink, now = new Date()): Promise<LinkHealth> {
    const spec = parseLinkSpec(link.spec);
    if (link.status === ReplicationLinkStatus.DELETED) return { verdict: 'UNKNOWN', directions: [] };
    return linkHealth(spec.flows, await this.healthStore.read(link.id), now, this.thresholds);
  }

  /**
   * Links two RUNNING deployments of the organization in different regions. The source (both, two-way) needs
   * its external listener and SCRAM-SHA-512 clients: the other region's MirrorMaker 2 logs in there. Writes
   * the link (CREATING, a generated and sealed password per side) and one REPLICATION operation per deployment.
   */
  async create(principal: Principal, raw: CreateReplicationLinkRequest): Promise<LinkChange> {
    const input = parseInput(CreateReplicationLinkInput, raw);
    if (input.sourceDeploymentId === input.targetDeploymentId) {
      throw new ReplicationError(Code.SAME_DEPLOYMENT, 'A deployment cannot be linked to itself.', [
        { field: 'targetDeploymentId', message: 'must be another deployment' },
      ]);
    }
    if (input.mode === 'TWO_WAY' && input.topicNaming === 'IDENTITY') {
      throw new ReplicationError(
        Code.IDENTITY_NAMING_ONE_WAY_ONLY,
        'Two-way links keep prefixed topic names (<deployment>.<topic>): with identical names records would be mirrored back and forth.',
        [{ field: 'topicNaming', message: 'must be PREFIXED for TWO_WAY' }],
      );
    }
    const id = randomUUID();
    const result = await this.changes.guarded(() =>
      this.prisma.$transaction(async (tx) => {
        const locked = await this.changes.lockDeployments(tx, principal.orgId, [
          input.sourceDeploymentId,
          input.targetDeploymentId,
        ]);
        const source = locked.get(input.sourceDeploymentId)!;
        const target = locked.get(input.targetDeploymentId)!;
        this.changes.assertRunning([source, target]);
        if (source.cloud === target.cloud && source.region === target.region) {
          throw new ReplicationError(
            Code.SAME_REGION,
            `${source.name} and ${target.name} are both in ${source.region}; a replication link protects against losing a region, so link deployments in different regions.`,
            [{ field: 'targetDeploymentId', message: 'must be in another region' }],
          );
        }
        for (const side of input.mode === 'TWO_WAY' ? [source, target] : [source]) assertCanBeSource(side);
        const existing = await tx.replicationLink.findFirst({
          where: { pairKey: pairKeyOf(source.id, target.id), live: true },
          select: { id: true },
        });
        if (existing) throw linkExists();
        await this.changes.assertIdle(tx, null, [source, target]);

        const spec: ReplicationLinkSpec = {
          topics: input.topics,
          consumerGroups: input.consumerGroups,
          flows: [
            { from: source.id, to: target.id, paused: false },
            ...(input.mode === 'TWO_WAY' ? [{ from: target.id, to: source.id, paused: false }] : []),
          ],
          action: 'CREATE',
          operationDeployments: [source.id, target.id],
        };
        const sourcePassword = sealPassword(this.cipher, id, 'source', generateMirroringPassword());
        const targetPassword = sealPassword(this.cipher, id, 'target', generateMirroringPassword());
        const link = await tx.replicationLink.create({
          data: {
            id,
            orgId: principal.orgId,
            sourceDeploymentId: source.id,
            targetDeploymentId: target.id,
            pairKey: pairKeyOf(source.id, target.id),
            mode: input.mode,
            topicNaming: input.topicNaming,
            spec,
            generation: 1,
            status: ReplicationLinkStatus.CREATING,
            activeDeploymentId: source.id,
            sourcePasswordCiphertext: Buffer.from(sourcePassword.ciphertext),
            sourcePasswordKeyId: sourcePassword.keyId,
            targetPasswordCiphertext: Buffer.from(targetPassword.ciphertext),
            targetPasswordKeyId: targetPassword.keyId,
            steps: appendStep([], {
              at: new Date().toISOString(),
              action: 'CREATE',
              detail: `Mirroring ${input.mode === 'TWO_WAY' ? 'both ways' : `${source.name} → ${target.name}`} requested.`,
              actor: principal.userId,
            }),
          },
        });
        // Source first: its mirroring user should exist before the target's MirrorMaker 2 logs in (which
        // retries with backoff until it does, so the two operations may run at the same time).
        const queued = await this.changes.writeOperations(tx, principal, link, 1, spec, [source, target]);
        await this.changes.record(tx, principal, {
          action: 'replication_link.create',
          targetType: 'ReplicationLink',
          targetId: link.id,
          metadata: {
            sourceDeploymentId: source.id,
            targetDeploymentId: target.id,
            mode: input.mode,
            topicNaming: input.topicNaming,
            topics: input.topics.join(','),
            consumerGroups: input.consumerGroups.join(','),
            operationIds: queued.map((q) => q.operation.id).join(','),
          },
        });
        return { link, queued };
      }),
    );
    await this.changes.dispatch(result.queued);
    return { link: result.link, operations: result.queued.map((q) => q.operation) };
  }

  /** New topic or group selections, applied on both deployments. */
  async update(principal: Principal, linkId: string, raw: UpdateReplicationLinkRequest): Promise<LinkChange> {
    parseInput(z.uuid(), linkId);
    const input = parseInput(UpdateReplicationLinkInput, raw);
    return this.change(principal, linkId, 'replication_link.update', (link, spec) => {
      if (link.status !== ReplicationLinkStatus.ACTIVE && link.status !== ReplicationLinkStatus.FAILED) {
        throw notChangeable(link, 'updated');
      }
      const next: ReplicationLinkSpec = {
        ...spec,
        topics: input.topics ?? spec.topics,
        consumerGroups: input.consumerGroups ?? spec.consumerGroups,
        action: 'UPDATE',
      };
      if (same(next.topics, spec.topics) && same(next.consumerGroups, spec.consumerGroups)) {
        throw new ReplicationError(Code.NOTHING_TO_CHANGE, 'The change leaves the link as it is.');
      }
      return {
        spec: next,
        detail: `Selections changed to topics ${next.topics.join(', ')}; groups ${next.consumerGroups.join(', ')}.`,
      };
    });
  }

  /**
   * Removes MirrorMaker 2 and the mirroring users from both deployments. The mirrored topics stay on the
   * receiving side (their data is the customer's); the link is DELETED once both operations succeeded.
   */
  async delete(
    principal: Principal,
    linkId: string,
    options: { force?: boolean | null } = {},
  ): Promise<LinkChange> {
    parseInput(z.uuid(), linkId);
    const force = parseInput(z.boolean().nullish(), options.force) ?? false;
    return this.change(principal, linkId, 'replication_link.delete', (link, spec, both) => {
      if (IN_PROGRESS.includes(link.status) && link.status !== ReplicationLinkStatus.DELETING) {
        throw notChangeable(link, 'deleted');
      }
      // A region gone for good: remove mirroring from the deployments that still run. The other one drops
      // its part on its next run (only live links contribute to a stack).
      const running = both.filter((d) => d.status === DeploymentStatus.RUNNING).map((d) => d.id);
      return {
        spec: { ...spec, flows: [], action: 'DELETE' },
        detail: force
          ? `Mirroring removed from ${running.length === 2 ? 'both deployments' : 'the deployments still running'} (forced); mirrored topics are kept.`
          : 'Mirroring removed from both deployments; mirrored topics are kept.',
        ...(force ? { operationDeployments: running } : {}),
      };
    });
  }

  /**
   * Runs the link's last change again (new operations for the same desired state): after it FAILED, or when
   * its operations ended without reaching it (one was cancelled while queued, which settles nothing).
   */
  async retry(principal: Principal, linkId: string): Promise<LinkChange> {
    parseInput(z.uuid(), linkId);
    return this.change(principal, linkId, 'replication_link.retry', (link, spec) => {
      const applied = parseApplied(link.applied);
      const reached = spec.operationDeployments.every((id) => applied[id]?.generation === link.generation);
      if (link.status !== ReplicationLinkStatus.FAILED && reached) {
        throw new ReplicationError(
          Code.LINK_NOT_CHANGEABLE,
          `The link is ${link.status} and its last change reached both deployments: nothing to retry.`,
        );
      }
      return {
        spec,
        detail: `Retrying ${spec.action.toLowerCase()}.`,
        operationDeployments: spec.operationDeployments,
      };
    });
  }

  /**
   * The shared shape of a change to an existing link: lock, check, bump the generation, move to the action's
   * in-progress status, queue its operations (on both deployments, or where a retried change ran).
   */
  private async change(
    principal: Principal,
    linkId: string,
    auditAction: string,
    decide: (
      link: ReplicationLink,
      spec: ReplicationLinkSpec,
      deployments: Deployment[],
    ) => { spec: ReplicationLinkSpec; detail: string; operationDeployments?: string[] },
  ): Promise<LinkChange> {
    const result = await this.changes.guarded(() =>
      this.prisma.$transaction(async (tx) => {
        const link = await this.changes.lockLink(tx, principal.orgId, linkId);
        const locked = await this.changes.lockDeployments(tx, principal.orgId, [
          link.sourceDeploymentId,
          link.targetDeploymentId,
        ]);
        const both = [locked.get(link.sourceDeploymentId)!, locked.get(link.targetDeploymentId)!];
        const decided = decide(link, parseLinkSpec(link.spec), both);
        // A retry runs where the change ran (a failover only on the survivor), a forced delete where
        // deployments still run; anything else on both sides. Only those must be idle.
        const deployments = decided.operationDeployments
          ? both.filter((d) => decided.operationDeployments!.includes(d.id))
          : both;
        this.changes.assertRunning(deployments);
        await this.changes.assertIdle(tx, link.id, deployments);
        const nothingToRun = deployments.length === 0;
        const spec: ReplicationLinkSpec = {
          ...decided.spec,
          operationDeployments: deployments.map((d) => d.id),
        };
        const generation = link.generation + 1;
        const updated = await tx.replicationLink.update({
          where: { id: link.id },
          data: {
            spec,
            generation,
            // Nothing to run (a forced delete with neither side running): settled at once.
            status: nothingToRun ? settledStatusOf(spec.action) : inProgressStatusOf(spec.action),
            statusMessage: null,
            ...(nothingToRun && spec.action === 'DELETE' ? { live: null, deletedAt: new Date() } : {}),
            steps: appendStep(link.steps, {
              at: new Date().toISOString(),
              action: spec.action,
              detail: decided.detail,
              actor: principal.userId,
            }),
          },
        });
        const queued = await this.changes.writeOperations(tx, principal, link, generation, spec, deployments);
        await this.changes.record(tx, principal, {
          action: auditAction,
          targetType: 'ReplicationLink',
          targetId: link.id,
          metadata: {
            generation,
            action: spec.action,
            detail: decided.detail,
            operationIds: queued.map((q) => q.operation.id).join(','),
          },
        });
        return { link: updated, queued };
      }),
    );
    await this.changes.dispatch(result.queued);
    return { link: result.link, operations: result.queued.map((q) => q.operation) };
  }

  /** What each side last applied (for the API: whether a change reached both deployments). */
  appliedGenerations(link: ReplicationLink): { deploymentId: string; generation: number }[] {
    return Object.entries(parseApplied(link.applied)).map(([deploymentId, side]) => ({
      deploymentId,
      generation: side.generation,
    }));
  }
}

/** A deployment another region mirrors from: its external listener on, clients on SCRAM-SHA-512. */
export function assertCanBeSource(deployment: Deployment): void {
  if (!deployment.externalListener) {
    throw new ReplicationError(
      Code.EXTERNAL_LISTENER_REQUIRED,
      `${deployment.name} has no external listener, so the other region cannot mirror from it: enable the external listener on ${deployment.name} first.`,
      [{ field: 'sourceDeploymentId', message: `enable the external listener on ${deployment.name}` }],
    );
  }
  if (deployment.clientAuthentication !== 'SCRAM_SHA_512') {
    throw new ReplicationError(
      Code.SCRAM_REQUIRED,
      `${deployment.name} authenticates clients with mTLS only; MirrorMaker 2 logs in with SCRAM-SHA-512, so mirror from a SCRAM-SHA-512 deployment.`,
    );
  }
}

function notChangeable(link: ReplicationLink, what: string): ReplicationError {
  return new ReplicationError(
    Code.LINK_NOT_CHANGEABLE,
    `The link is ${link.status} and cannot be ${what} now.`,
  );
}

const same = (a: string[], b: string[]) =>
  a.length === b.length && a.every((value, index) => value === b[index]);
