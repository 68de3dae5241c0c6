import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  ActorType,
  Prisma,
  PrismaService,
  ReplicationLinkStatus,
  type Deployment,
  type Operation,
  type ReplicationLink,
} from '@streamplane/db';
import {
  StackWorkloads,
  type StackOperationOutcome,
  type StackWorkloadContribution,
  type StackWorkloadContributor,
} from '@streamplane/deployments';
import { AuditLogService } from '@streamplane/audit';
import { CredentialCipher } from '@streamplane/secrets';
import type { ReplicationThresholds } from '../health/replication-health';
import { replicationLinkIdOf, settledStatusOf } from '../lifecycle/replication-lifecycle';
import { appendStep } from '../lifecycle/replication-link-changes';
import { REPLICATION_THRESHOLDS } from '../replication-links.service';
import {
  parseApplied,
  parseLinkSpec,
  replicationInputOf,
  type ReplicationLinkSpec,
} from '../spec/replication-link-spec';
import { openPassword, type LinkSide } from './replication-passwords';
import { ProvisioningError, ProvisioningErrorCode } from '@streamplane/provisioning';
import {
  ReplicationWorkloadError,
  replicationWorkloadOf,
  type LinkEnd,
  type LinkForWorkload,
} from './replication-workload';

/** What a preview puts where a password goes: previews never open secrets. */
const PREVIEW_PASSWORD = 'preview-placeholder';

/**
 * The PEM a `local` (simulated) deployment stands in for the CA certificate it has no real cluster to read
 * from. Never used for a deployment on the pulumi engine: there a missing certificate fails the run.
 */
export const SIMULATED_CA_CERTIFICATE =
  '-----BEGIN CERTIFICATE-----\nU0lNVUxBVEVEIC0gbm90IGEgcmVhbCBjZXJ0aWZpY2F0ZQ==\n-----END CERTIFICATE-----\n';

/**
 * Replication's part of every run of a deployment's stack (StackWorkloads): each live link touching the
 * deployment contributes what that deployment last applied for it, except the link the running operation
 * changes, which contributes its desired spec. After a REPLICATION operation's outcome is committed, settle
 * records what the deployment now holds and moves the link on: to the action's settled status once every
 * deployment of the change applied it, or to FAILED. Each step lands in the link's steps and the audit log.
 */
@Injectable()
export class ReplicationStackContributor implements StackWorkloadContributor, OnModuleInit {
  readonly name = 'replication';

  constructor(
    private readonly prisma: PrismaService,
    private readonly workloads: StackWorkloads,
    private readonly cipher: CredentialCipher,
    private readonly audit: AuditLogService,
    @Inject(REPLICATION_THRESHOLDS) private readonly thresholds: ReplicationThresholds,
  ) {}

  onModuleInit(): void {
    if (!this.workloads.names.includes(this.name)) this.workloads.register(this);
  }

  async contribute(deployment: Deployment, operation: Operation | null): Promise<StackWorkloadContribution> {
    const links = await this.prisma.replicationLink.findMany({
      where: {
        orgId: deployment.orgId,
        live: true,
        OR: [{ sourceDeploymentId: deployment.id }, { targetDeploymentId: deployment.id }],
      },
      include: { sourceDeployment: true, targetDeployment: true },
      orderBy: { createdAt: 'asc' },
    });
    const runningLinkId = operation ? replicationLinkIdOf(operation) : undefined;
    const forWorkload: LinkForWorkload[] = [];
    for (const link of links) {
      const spec = this.specFor(link, deployment.id, runningLinkId === link.id ? operation : null);
      if (!spec || spec.flows.length === 0) continue;
      forWorkload.push({
        id: link.id,
        sourceDeploymentId: link.sourceDeploymentId,
        topicNaming: link.topicNaming,
        spec,
        ends: {
          [link.sourceDeploymentId]: endOf(link.sourceDeployment),
          [link.targetDeploymentId]: endOf(link.targetDeployment),
        },
        password: (side) => (operation ? this.password(link, side) : PREVIEW_PASSWORD),
      });
    }
    if (forWorkload.length === 0) return {};
    try {
      const replication = replicationWorkloadOf(deployment.id, forWorkload, {
        replicationLatencySeconds: this.thresholds.alertReplicationLatencySeconds,
        checkpointAgeSeconds: this.thresholds.alertCheckpointAgeSeconds,
      });
      return { replication };
    } catch (error) {
      // Nothing a retry of the same run can fix (the other side has no address yet): FAILED at once, with
      // the message that says what to do; the link follows through settle.
      if (error instanceof ReplicationWorkloadError) {
        throw new ProvisioningError(ProvisioningErrorCode.INVALID_REQUEST, error.message);
      }
      throw error;
    }
  }

  async settle(operation: Operation, outcome: StackOperationOutcome, message?: string): Promise<void> {
    const linkId = replicationLinkIdOf(operation);
    const input = replicationInputOf(operation.input);
    if (!linkId || !input) return;
    await this.prisma.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM replication_links WHERE id = ${linkId}::uuid FOR UPDATE`;
      const link = await tx.replicationLink.findFirst({ where: { id: linkId, orgId: operation.orgId } });
      if (!link || link.status === ReplicationLinkStatus.DELETED) return;
      const deployment = await tx.deployment.findUniqueOrThrow({ where: { id: operation.deploymentId } });
      const at = new Date().toISOString();
      const current = input.generation === link.generation;
      if (outcome !== 'SUCCEEDED') {
        if (!current) return;
        const detail = `${input.spec.action} on ${deployment.name} ${outcome.toLowerCase()}: ${message ?? 'no reason given'}`;
        await tx.replicationLink.update({
          where: { id: link.id },
          data: {
            status: ReplicationLinkStatus.FAILED,
            statusMessage: `${detail}. Retry the link (retryReplicationLink) once the cause is fixed.`.slice(
              0,
              2000,
            ),
            steps: appendStep(link.steps, {
              at,
              action: 'OPERATIONS_FAILED',
              detail,
              operationIds: [operation.id],
            }),
          },
        });
        await this.auditStep(tx, link, 'replication_link.operation_failed', operation, detail);
        return;
      }
      const applied = parseApplied(link.applied);
      applied[operation.deploymentId] = { generation: input.generation, spec: input.spec };
      const done =
        current && input.spec.operationDeployments.every((id) => applied[id]?.generation === link.generation);
      const status = done ? settledStatusOf(input.spec.action) : link.status;
      const deleted = done && status === ReplicationLinkStatus.DELETED;
      const detail = done
        ? `${input.spec.action} applied on every deployment: link ${status}.`
        : `${input.spec.action} applied on ${deployment.name}.`;
      await tx.replicationLink.update({
        where: { id: link.id },
        data: {
          applied,
          status,
          ...(done && status !== ReplicationLinkStatus.FAILING_BACK ? { statusMessage: null } : {}),
          ...(deleted ? { live: null, deletedAt: new Date() } : {}),
          steps: appendStep(link.steps, {
            at,
            action: 'OPERATIONS_SUCCEEDED',
            detail,
            operationIds: [operation.id],
          }),
        },
      });
      await this.auditStep(tx, link, 'replication_link.operation_succeeded', operation, detail);
    });
  }

  /** The spec this deployment's stack carries for the link: desired while its own operation runs, else applied. */
  private specFor(
    link: ReplicationLink,
    deploymentId: string,
    operation: Operation | null,
  ): ReplicationLinkSpec | undefined {
    if (operation) {
      const input = replicationInputOf(operation.input);
      if (input) return input.spec;
      return parseLinkSpec(link.spec);
    }
    return parseApplied(link.applied)[deploymentId]?.spec;
  }

  private password(link: ReplicationLink, side: LinkSide): string {
    const sealed =
      side === 'source'
        ? { ciphertext: link.sourcePasswordCiphertext, keyId: link.sourcePasswordKeyId }
        : { ciphertext: link.targetPasswordCiphertext, keyId: link.targetPasswordKeyId };
    return openPassword(this.cipher, link.id, side, sealed);
  }

  /** The step's audit entry, in the settling transaction (a SYSTEM action: the provisioner did it). */
  private auditStep(
    tx: Prisma.TransactionClient,
    link: ReplicationLink,
    action: string,
    operation: Operation,
    detail: string,
  ): Promise<void> {
    return this.audit.record(
      tx,
      { orgId: link.orgId, actorType: ActorType.SYSTEM },
      {
        action,
        targetType: 'ReplicationLink',
        targetId: link.id,
        metadata: { operationId: operation.id, deploymentId: operation.deploymentId, detail },
      },
    );
  }
}

function endOf(deployment: Deployment): LinkEnd {
  const outputs = (deployment.outputs ?? {}) as {
    bootstrapExternal?: string | null;
    kafkaExternalCaCert?: string | null;
  };
  const simulated = deployment.engine === 'local';
  return {
    id: deployment.id,
    name: deployment.name,
    bootstrapExternal: outputs.bootstrapExternal ?? null,
    // The local engine's simulated Kafka reports no certificates; a real one always does.
    caCertificate:
      outputs.kafkaExternalCaCert ??
      (simulated && outputs.bootstrapExternal ? SIMULATED_CA_CERTIFICATE : null),
  };
}
