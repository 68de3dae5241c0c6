import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Principal } from '@streamplane/auth';
import { ConfigModule, type AppConfig } from '@streamplane/config';
import { DbModule, type PrismaService } from '@streamplane/db';
import {
  DeploymentsModule,
  SimulatedClusterHealthProbe,
  type ClusterHealthObservation,
  type ClusterHealthProbe,
} from '@streamplane/deployments';
import type {
  LocalStackEngine,
  PreviewResult,
  StackEngine,
  StackRequest,
  StackRunResult,
} from '@streamplane/provisioning';
import { randomUUID } from 'node:crypto';

/** One `up` the engine was asked for: what the program got, and the metadata version it reported back. */
export interface RecordedUp {
  stackName: string;
  kafkaVersion: string;
  /** `input.kafkaMetadataVersion`: the pin of an upgrade's first phase. */
  pinned: string | undefined;
  /** The program's `kafkaMetadataVersion` stack output (what the Kafka resource was given); none on failure. */
  metadataVersion: string | undefined;
  failed: boolean;
}

/** The local engine, recording every `up` it runs; `afterUp` lets a test act between two runs. */
export class RecordingEngine implements StackEngine {
  readonly kind = 'local' as const;
  readonly simulated = true;
  readonly ups: RecordedUp[] = [];
  afterUp: ((up: RecordedUp) => void) | undefined;

  constructor(private readonly local: LocalStackEngine) {}

  upsOf(stackName: string): RecordedUp[] {
    return this.ups.filter((up) => up.stackName === stackName);
  }

  async up(request: StackRequest): Promise<StackRunResult> {
    const record: RecordedUp = {
      stackName: request.stackName,
      kafkaVersion: request.input.spec.kafkaVersion,
      pinned: request.input.kafkaMetadataVersion,
      metadataVersion: undefined,
      failed: true,
    };
    this.ups.push(record);
    const result = await this.local.up(request);
    record.failed = false;
    const reported = result.outputs.kafkaMetadataVersion;
    record.metadataVersion = typeof reported === 'string' ? reported : undefined;
    this.afterUp?.(record);
    return result;
  }

  preview(request: StackRequest): Promise<PreviewResult> {
    return this.local.preview(request);
  }

  destroy(request: StackRequest): Promise<StackRunResult> {
    return this.local.destroy(request);
  }

  refresh(request: StackRequest): Promise<StackRunResult> {
    return this.local.refresh(request);
  }
}

/** The simulated probe, except for deployments a test makes unhealthy; counts the probes per deployment. */
export class ScriptedHealthProbe implements ClusterHealthProbe {
  private readonly simulated = new SimulatedClusterHealthProbe();
  private readonly unhealthy = new Map<string, ClusterHealthObservation>();
  private readonly calls = new Map<string, number>();

  makeUnhealthy(deploymentId: string, observation: ClusterHealthObservation): void {
    this.unhealthy.set(deploymentId, observation);
  }

  callsFor(deploymentId: string): number {
    return this.calls.get(deploymentId) ?? 0;
  }

  probe(deployment: { id: string; brokers: number }): Promise<ClusterHealthObservation> {
    this.calls.set(deployment.id, this.callsFor(deployment.id) + 1);
    const scripted = this.unhealthy.get(deployment.id);
    return scripted ? Promise.resolve(scripted) : this.simulated.probe(deployment);
  }
}

@Module({})
class UpgradeApprovals {}

/**
 * The api's side of upgrades (UpgradesService from DeploymentsModule, as the approveUpgrade resolver calls it),
 * on the same database and queue as the provisioner under test.
 */
export async function startUpgradeApprovals(config: AppConfig): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(
    { module: UpgradeApprovals, imports: [ConfigModule.forRoot(config), DbModule, DeploymentsModule] },
    { logger: false },
  );
  await app.init();
  return app;
}

/** An ADMIN of the organization (a real user row), who may approve upgrades. */
export async function makeAdmin(prisma: PrismaService, orgId: string): Promise<Principal> {
  const user = await prisma.user.create({
    data: { email: `admin-${randomUUID()}@example.com`, name: 'Admin', passwordHash: 'not-a-hash' },
  });
  await prisma.membership.create({ data: { orgId, userId: user.id, role: 'ADMIN' } });
  return { type: 'USER', userId: user.id, orgId, role: 'ADMIN' };
}
