import type { INestApplicationContext } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Principal } from '@streamplane/auth';
import { loadConfig, type AppConfig } from '@streamplane/config';
import { PrismaService, type UpgradeProposal } from '@streamplane/db';
import { DeploymentsService, UpgradesService, operationJobId } from '@streamplane/deployments';
import { FileLocalStateStore, LocalStackEngine } from '@streamplane/provisioning';
import { startProvisioner, type Provisioner } from '../src/create-provisioner';
import {
  enqueue,
  makeDeployment,
  makeOrg,
  makeSpec,
  operationIn,
  testQueue,
  waitFor,
  type TestQueue,
} from './provisioner-fixtures';
import { RecordingEngine, ScriptedHealthProbe, makeAdmin, startUpgradeApprovals } from './upgrade-fixtures';

jest.setTimeout(60_000);

const HOUR_MS = 3600_000;
const KAFKA = 'kubernetes:kafka.strimzi.io/v1:Kafka';

/**
 * Kafka upgrades end to end on the local engine: the provisioner's job scheduler proposes, an ADMIN approves
 * with a maintenance window (UpgradesService, as the approveUpgrade resolver calls it), the UPGRADE job waits
 * for the window, checks the cluster, and rolls in two phases. Intervals are configured short (1 s).
 */
describe('Kafka upgrades (job scheduler, real queue, PostgreSQL, Redis, local engine)', () => {
  let stateDirectory: string;
  let config: AppConfig;
  let prisma: PrismaService;
  let queue: TestQueue;
  let provisioner: Provisioner;
  let approvals: INestApplicationContext;
  let local: LocalStackEngine;
  let engine: RecordingEngine;
  let probe: ScriptedHealthProbe;

  beforeAll(async () => {
    stateDirectory = mkdtempSync(path.join(tmpdir(), 'sp-upgrades-'));
    config = loadConfig({
      ...process.env,
      REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}upgrades:`,
      LOCAL_ENGINE_STATE_DIR: stateDirectory,
      PROVISIONER_CANCEL_POLL_MS: '50',
      PROVISIONER_LOCK_RETRY_MS: '100',
      PROVISIONER_UPGRADE_CHECK_INTERVAL_SECONDS: '1',
      PROVISIONER_UPGRADE_PRECONDITION_RETRY_SECONDS: '1',
    });
    local = new LocalStackEngine({ stateStore: new FileLocalStateStore(stateDirectory) });
    engine = new RecordingEngine(local);
    probe = new ScriptedHealthProbe();
    prisma = new PrismaService(config);
    queue = testQueue(config);
    provisioner = await startProvisioner(config, { engine, healthProbe: probe });
    approvals = await startUpgradeApprovals(config);
  });

  afterAll(async () => {
    await approvals?.close();
    await provisioner?.close();
    await queue?.close();
    await prisma?.$disconnect();
    rmSync(stateDirectory, { recursive: true, force: true });
  });

  afterEach(() => {
    engine.afterUp = undefined;
    local.clearFailures();
  });

  /** A deployment on Kafka 4.2.1 brought to RUNNING by its CREATE through the queue. */
  async function runningOnOldKafka() {
    const org = await makeOrg(prisma);
    const created = await makeDeployment(prisma, org, makeSpec({ kafkaVersion: '4.2.1' }));
    const target = { orgId: org.orgId, deploymentId: created.deploymentId };
    await enqueue(queue, target, created.operationId);
    expect(await operationIn(prisma, created.operationId, ['SUCCEEDED', 'FAILED'])).toMatchObject({
      status: 'SUCCEEDED',
    });
    return { ...created, ...target, admin: await makeAdmin(prisma, org.orgId) };
  }

  /** The open proposal the job scheduler makes for the deployment. */
  function proposalBy(deploymentId: string): Promise<UpgradeProposal> {
    return waitFor(`an upgrade proposal for ${deploymentId}`, async () =>
      prisma.upgradeProposal.findFirst({ where: { deploymentId, open: true, state: 'PROPOSED' } }),
    );
  }

  function approve(admin: Principal, proposalId: string, window: { start: Date; end: Date }, now?: Date) {
    return approvals.get(UpgradesService).approve(admin, proposalId, window, now);
  }

  async function proposeJobsCompleted(): Promise<number> {
    const jobs = await queue.getJobs(['completed'], 0, -1);
    return jobs.filter((job) => (job.name as string) === 'upgrades.propose').length;
  }

  it('skips a deployment whose stored spec cannot be read, and still proposes to the others', async () => {
    const org = await makeOrg(prisma);
    const broken = await makeDeployment(prisma, org, makeSpec({ kafkaVersion: '4.2.1' }));
    await prisma.deployment.update({
      where: { id: broken.deploymentId },
      data: { status: 'RUNNING', spec: {} },
    });
    const healthy = await runningOnOldKafka();
    expect(await proposalBy(healthy.deploymentId)).toMatchObject({ toVersion: '4.3.1' });
    expect(await prisma.upgradeProposal.count({ where: { deploymentId: broken.deploymentId } })).toBe(0);
  });

  it('proposes on schedule, once while open; approved, waits for its window, then rolls in two phases', async () => {
    const deployment = await runningOnOldKafka();
    const createUps = engine.upsOf(deployment.stackName).length;

    const proposal = await proposalBy(deployment.deploymentId);
    expect(proposal).toMatchObject({ fromVersion: '4.2.1', toVersion: '4.3.1' });
    // Two more runs of the scheduler while the proposal is open: still this one proposal.
    const runs = await proposeJobsCompleted();
    await waitFor('two more upgrade checks', async () => (await proposeJobsCompleted()) >= runs + 2);
    expect(await prisma.upgradeProposal.count({ where: { deploymentId: deployment.deploymentId } })).toBe(1);
    expect(await prisma.auditLog.count({ where: { action: 'upgrade.propose', targetId: proposal.id } })).toBe(
      1,
    );

    const start = new Date(Date.now() + 1500);
    const { operation } = await approve(deployment.admin, proposal.id, {
      start,
      end: new Date(start.getTime() + HOUR_MS),
    });
    expect(await (await queue.getJob(operationJobId(operation.id)))?.getState()).toBe('delayed');

    const upgraded = await operationIn(prisma, operation.id, ['SUCCEEDED', 'FAILED']);
    expect(upgraded).toMatchObject({ status: 'SUCCEEDED', errorCode: null });
    expect(upgraded.startedAt!.getTime()).toBeGreaterThanOrEqual(start.getTime());

    // Phase 1: Kafka 4.3.1 on the old metadata version; phase 2: the metadata version moves forward.
    expect(engine.upsOf(deployment.stackName).slice(createUps)).toEqual([
      expect.objectContaining({ kafkaVersion: '4.3.1', pinned: '4.2-IV1', metadataVersion: '4.2-IV1' }),
      expect.objectContaining({ kafkaVersion: '4.3.1', pinned: undefined, metadataVersion: '4.3-IV0' }),
    ]);
    // Checked before rolling and again between the phases.
    expect(probe.callsFor(deployment.deploymentId)).toBeGreaterThanOrEqual(2);

    const after = await prisma.deployment.findUniqueOrThrow({ where: { id: deployment.deploymentId } });
    expect(after).toMatchObject({ status: 'RUNNING', kafkaVersion: '4.3.1', statusMessage: null });
    expect(after.observedGeneration).toBe(after.generation);
    expect(after.spec).toMatchObject({ kafkaVersion: '4.3.1' });
    expect(after.outputs).toMatchObject({ kafkaMetadataVersion: '4.3-IV0' });
    expect(await prisma.upgradeProposal.findUniqueOrThrow({ where: { id: proposal.id } })).toMatchObject({
      state: 'DONE',
      open: null,
      brokersRolledAt: expect.any(Date),
    });

    // Both phases' events are the operation's, numbered as one stream; the Kafka was updated in each.
    const events = await prisma.resourceEvent.findMany({
      where: { operationId: operation.id },
      orderBy: { sequence: 'asc' },
    });
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
    const kafkaUpdates = events.filter((e) => e.type === KAFKA && e.state === 'succeeded');
    expect(kafkaUpdates.map((e) => e.operation)).toEqual(['update', 'update']);

    // On the newest version there is nothing left to propose.
    const runsAfter = await proposeJobsCompleted();
    await waitFor('another upgrade check', async () => (await proposeJobsCompleted()) > runsAfter);
    expect(await prisma.upgradeProposal.count({ where: { deploymentId: deployment.deploymentId } })).toBe(1);
  });

  it('does not roll an unhealthy cluster: waits, re-checks, and fails at the window end on the old version', async () => {
    const deployment = await runningOnOldKafka();
    const createUps = engine.upsOf(deployment.stackName).length;
    const before = await prisma.deployment.findUniqueOrThrow({ where: { id: deployment.deploymentId } });
    probe.makeUnhealthy(deployment.deploymentId, {
      kind: 'observed',
      health: {
        brokersReady: 2,
        brokersExpected: 3,
        underReplicatedPartitions: 4,
        observedAt: new Date(),
        simulated: false,
      },
    });
    const proposal = await proposalBy(deployment.deploymentId);

    // Approved as of an hour ago (approve's clock), so the window is open now and ends in a few seconds
    // (long enough for the first check to run inside it on a loaded machine).
    const approvedAt = new Date(Date.now() - HOUR_MS);
    const end = new Date(Date.now() + 6000);
    const { operation } = await approve(
      deployment.admin,
      proposal.id,
      { start: new Date(approvedAt.getTime() + 1000), end },
      approvedAt,
    );

    const waiting = await waitFor('the upgrade to wait for its preconditions', async () => {
      const current = await prisma.operation.findUniqueOrThrow({ where: { id: operation.id } });
      return current.errorCode === 'UPGRADE_WAITING_FOR_PRECONDITIONS' ? current : undefined;
    });
    expect(waiting).toMatchObject({
      status: 'QUEUED',
      errorMessage: 'Preconditions not met: 2 of 3 brokers ready; 4 under-replicated partition(s)',
    });
    // Deferred, not failed: the job sleeps until its next check ('delayed'), or is in that check ('active').
    expect(['delayed', 'active']).toContain(
      await (await queue.getJob(operationJobId(operation.id)))?.getState(),
    );

    const failed = await operationIn(prisma, operation.id, ['SUCCEEDED', 'FAILED']);
    expect(failed).toMatchObject({
      status: 'FAILED',
      active: null,
      errorCode: 'UPGRADE_PRECONDITIONS_NOT_MET',
      errorMessage:
        'Preconditions not met: 2 of 3 brokers ready; 4 under-replicated partition(s). ' +
        `The maintenance window ended at ${end.toISOString()}; nothing was changed.`,
    });
    expect(failed.finishedAt!.getTime()).toBeGreaterThanOrEqual(end.getTime());
    expect(probe.callsFor(deployment.deploymentId)).toBeGreaterThanOrEqual(2); // re-checked while waiting
    expect(engine.upsOf(deployment.stackName).slice(createUps)).toEqual([]); // nothing rolled

    const after = await prisma.deployment.findUniqueOrThrow({ where: { id: deployment.deploymentId } });
    expect(after).toMatchObject({
      status: 'RUNNING',
      kafkaVersion: '4.2.1',
      generation: before.generation,
      observedGeneration: before.observedGeneration,
      statusMessage: expect.stringContaining('Still on Kafka 4.2.1; a new proposal will follow.'),
    });
    expect(after.spec).toEqual(before.spec);
    expect(await prisma.upgradeProposal.findUniqueOrThrow({ where: { id: proposal.id } })).toMatchObject({
      state: 'FAILED',
      open: null,
    });

    // Closed, so the scheduler proposes again.
    const next = await proposalBy(deployment.deploymentId);
    expect(next.id).not.toBe(proposal.id);
    expect(next).toMatchObject({ fromVersion: '4.2.1', toVersion: '4.3.1' });
  });

  it('fails an upgrade whose window ended before it ever ran (a long outage), changing nothing', async () => {
    const deployment = await runningOnOldKafka();
    const createUps = engine.upsOf(deployment.stackName).length;
    const proposal = await proposalBy(deployment.deploymentId);

    // Approved two hours ago for a one-hour window: the job first runs after the window.
    const approvedAt = new Date(Date.now() - 2 * HOUR_MS);
    const start = new Date(approvedAt.getTime() + 1000);
    const end = new Date(start.getTime() + HOUR_MS);
    const { operation } = await approve(deployment.admin, proposal.id, { start, end }, approvedAt);

    expect(await operationIn(prisma, operation.id, ['SUCCEEDED', 'FAILED'])).toMatchObject({
      status: 'FAILED',
      errorCode: 'UPGRADE_WINDOW_MISSED',
      errorMessage: `The maintenance window ended at ${end.toISOString()} before the upgrade could start; nothing was changed.`,
    });
    expect(probe.callsFor(deployment.deploymentId)).toBe(0);
    expect(engine.upsOf(deployment.stackName).slice(createUps)).toEqual([]);
    expect(
      await prisma.deployment.findUniqueOrThrow({ where: { id: deployment.deploymentId } }),
    ).toMatchObject({ status: 'RUNNING', kafkaVersion: '4.2.1' });
    expect(await prisma.upgradeProposal.findUniqueOrThrow({ where: { id: proposal.id } })).toMatchObject({
      state: 'FAILED',
      open: null,
    });

    // Consent was for that window: retrying is refused (the next proposal is approved instead), nothing written.
    const operationsBefore = await prisma.operation.count({
      where: { deploymentId: deployment.deploymentId },
    });
    await expect(
      approvals.get(DeploymentsService).retryOperation(deployment.admin, operation.id),
    ).rejects.toMatchObject({ reason: 'OPERATION_NOT_RETRYABLE' });
    expect(await prisma.operation.count({ where: { deploymentId: deployment.deploymentId } })).toBe(
      operationsBefore,
    );
  });

  it('resumes a run that broke off in phase 2 without moving the metadata version back', async () => {
    const deployment = await runningOnOldKafka();
    const createUps = engine.upsOf(deployment.stackName).length;
    const proposal = await proposalBy(deployment.deploymentId);
    // Once phase 1 is done, the Kafka's next update fails once, transiently: phase 2 breaks off.
    engine.afterUp = (up) => {
      if (up.stackName === deployment.stackName && up.pinned) {
        local.injectFailure({
          match: { type: KAFKA },
          stackName: deployment.stackName,
          times: 1,
          transient: true,
        });
      }
    };

    const start = new Date(Date.now() + 500);
    const { operation } = await approve(deployment.admin, proposal.id, {
      start,
      end: new Date(start.getTime() + HOUR_MS),
    });
    const upgraded = await operationIn(prisma, operation.id, ['SUCCEEDED', 'FAILED']);
    expect(upgraded).toMatchObject({ status: 'SUCCEEDED' });

    expect(engine.upsOf(deployment.stackName).slice(createUps)).toEqual([
      expect.objectContaining({ pinned: '4.2-IV1', metadataVersion: '4.2-IV1', failed: false }),
      expect.objectContaining({ pinned: undefined, failed: true }),
      expect.objectContaining({ pinned: undefined, metadataVersion: '4.3-IV0', failed: false }),
    ]);
    const events = await prisma.resourceEvent.findMany({
      where: { operationId: operation.id },
      orderBy: { sequence: 'asc' },
    });
    expect(events.map((e) => e.sequence)).toEqual(events.map((_, i) => i + 1));
    expect(
      await prisma.deployment.findUniqueOrThrow({ where: { id: deployment.deploymentId } }),
    ).toMatchObject({
      status: 'RUNNING',
      kafkaVersion: '4.3.1',
      outputs: { kafkaMetadataVersion: '4.3-IV0' },
    });
    expect(await prisma.upgradeProposal.findUniqueOrThrow({ where: { id: proposal.id } })).toMatchObject({
      state: 'DONE',
    });
  });
});
