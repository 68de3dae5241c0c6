import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { loadConfig, type AppConfig } from '@streamplane/config';
import { PrismaService } from '@streamplane/db';
import { DeploymentsService } from '@streamplane/deployments';
import { FileLocalStateStore, LocalStackEngine } from '@streamplane/provisioning';
import {
  ReplicationFailoverService,
  ReplicationHealthStore,
  ReplicationLinksService,
  ReplicationStackContributor,
  simulatedReplicationHealth,
} from '@streamplane/replication';
import { startProvisioner, type Provisioner } from '../src/create-provisioner';
import {
  addOperation,
  enqueue,
  makeOrg,
  makeSpec,
  operationIn,
  testQueue,
  type TestQueue,
} from './provisioner-fixtures';
import {
  allEnded,
  linkIn,
  ownerOf,
  runningDeployment,
  startReplicationContext,
} from './replication-fixtures';

jest.setTimeout(120_000);

const MM2 = 'kubernetes:kafka.strimzi.io/v1:KafkaMirrorMaker2';
const USER = 'kubernetes:kafka.strimzi.io/v1:KafkaUser';

describe('replication links (real queue, PostgreSQL, Redis, local engine)', () => {
  let stateDirectory: string;
  let config: AppConfig;
  let prisma: PrismaService;
  let queue: TestQueue;
  let provisioner: Provisioner;
  let store: FileLocalStateStore;
  let api: INestApplicationContext;
  let links: ReplicationLinksService;
  let failovers: ReplicationFailoverService;
  let health: ReplicationHealthStore;
  let contributor: ReplicationStackContributor;

  beforeAll(async () => {
    stateDirectory = mkdtempSync(path.join(tmpdir(), 'sp-replication-'));
    config = loadConfig({
      ...process.env,
      REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}replication:`,
      LOCAL_ENGINE_STATE_DIR: stateDirectory,
      PROVISIONER_LOCK_RETRY_MS: '100',
      PROVISIONER_CONCURRENCY: '4',
    });
    store = new FileLocalStateStore(stateDirectory);
    const engine = new LocalStackEngine({ stateStore: store, latency: () => 0 });
    prisma = new PrismaService(config);
    queue = testQueue(config);
    provisioner = await startProvisioner(config, { engine });
    api = await startReplicationContext(config, provisioner);
    links = api.get(ReplicationLinksService);
    failovers = api.get(ReplicationFailoverService);
    health = api.get(ReplicationHealthStore);
    contributor = api.get(ReplicationStackContributor);
  });

  afterAll(async () => {
    await api?.close();
    await provisioner?.close();
    await queue?.close();
    await prisma?.$disconnect();
    rmSync(stateDirectory, { recursive: true, force: true });
  });

  /** Resource types (and names) in a deployment's stack. */
  const stackHas = async (stackName: string, type: string) =>
    ((await store.read(stackName))?.resources ?? [])
      .filter((resource) => resource.type === type)
      .map((r) => r.name);

  const workloadOf = async (deploymentId: string) =>
    (
      await contributor.contribute(
        await prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId } }),
        null,
      )
    ).replication ?? { sourceUsers: [], mirrors: [] };

  /** A fresh health report of the direction `from` → its receiving side, as the agent there sends it. */
  const reportHealth = async (linkId: string, from: string, lag = 3) => {
    const link = await prisma.replicationLink.findUniqueOrThrow({ where: { id: linkId } });
    const report = simulatedReplicationHealth(link, new Date()).find(
      (r) => r.report.sourceDeploymentId === from,
    );
    if (!report) throw new Error(`no running direction from ${from}`);
    const withLag = { ...report.report, topics: report.report.topics.map((t) => ({ ...t, lag })) };
    return health.record(link.orgId, report.reportingDeploymentId, withLag);
  };

  it('one way: creates, reports health, fails over, fails back and deletes, every step through the queue', async () => {
    const org = await makeOrg(prisma);
    const owner = ownerOf(org.orgId);
    const primary = await runningDeployment(prisma, queue, org, 'westeurope');
    const standby = await runningDeployment(prisma, queue, org, 'northeurope', false);

    // Create: one REPLICATION operation per deployment; ACTIVE once both succeeded.
    const created = await links.create(owner, {
      sourceDeploymentId: primary.deploymentId,
      targetDeploymentId: standby.deploymentId,
      mode: 'ONE_WAY',
      topics: ['orders', 'payments.*'],
      consumerGroups: ['billing-*'],
    });
    expect(created.link.status).toBe('CREATING');
    expect(created.operations.map((o) => [o.type, o.deploymentId])).toEqual([
      ['REPLICATION', primary.deploymentId],
      ['REPLICATION', standby.deploymentId],
    ]);
    expect(
      (
        await allEnded(
          prisma,
          created.operations.map((o) => o.id),
        )
      ).map((o) => o.status),
    ).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    const active = await linkIn(prisma, created.link.id, 'ACTIVE');
    expect(active.activeDeploymentId).toBe(primary.deploymentId);
    // The deployments themselves stayed RUNNING throughout.
    for (const id of [primary.deploymentId, standby.deploymentId]) {
      expect((await prisma.deployment.findUniqueOrThrow({ where: { id } })).status).toBe('RUNNING');
    }
    expect(await stackHas(standby.stackName, MM2)).toHaveLength(1);
    expect(await stackHas(primary.stackName, MM2)).toHaveLength(0);
    expect((await stackHas(primary.stackName, USER)).some((name) => name.includes('sp-mirror-'))).toBe(true);
    // The password reaches the stack only as generated and sealed: never in the link's JSON or the audit log.
    const audit = await prisma.auditLog.findMany({ where: { orgId: org.orgId, targetId: created.link.id } });
    expect(audit.map((a) => a.action)).toContain('replication_link.create');
    expect(JSON.stringify(audit.map((a) => a.metadata))).not.toMatch(/password/i);

    // Health: the standby's agent reports the direction primary → standby; older reports never win.
    expect(await links.health(active).then((h) => h.verdict)).toBe('UNKNOWN');
    expect(await reportHealth(created.link.id, primary.deploymentId)).toBe('stored');
    const stored = await health.read(created.link.id);
    const stale = {
      ...stored.get(primary.deploymentId)!.report,
      observedAt: new Date(Date.now() - 60_000).toISOString(),
    };
    expect(await health.record(org.orgId, standby.deploymentId, stale)).toBe('stale');
    // Only the receiving side of a link of the same organization counts.
    expect(
      await health.record(org.orgId, primary.deploymentId, {
        ...stale,
        observedAt: new Date().toISOString(),
      }),
    ).toBe('unknown-link');
    const other = await makeOrg(prisma);
    expect(
      await health.record(other.orgId, standby.deploymentId, {
        ...stale,
        observedAt: new Date().toISOString(),
      }),
    ).toBe('unknown-link');
    const judged = await links.health(active);
    expect(judged.verdict).toBe('HEALTHY');
    expect(judged.directions[0]).toMatchObject({
      from: primary.deploymentId,
      to: standby.deploymentId,
      maxLag: 3,
    });

    // Failover refused while lag is above the bound; then allowed: mirroring into the standby paused.
    await reportHealth(created.link.id, primary.deploymentId, 50_000);
    await expect(failovers.failover(owner, created.link.id)).rejects.toMatchObject({
      reason: 'FAILOVER_PRECHECKS_FAILED',
    });
    await reportHealth(created.link.id, primary.deploymentId, 2);
    const failover = await failovers.failover(owner, created.link.id);
    expect(failover.prechecks.every((check) => check.passed)).toBe(true);
    expect(failover.clientSettings).toMatchObject({ deploymentId: standby.deploymentId });
    expect(failover.clientSettings.topics[0].consumeOnActive).toEqual(['orders', `${primary.name}.orders`]);
    expect(failover.operations.map((o) => o.deploymentId)).toEqual([standby.deploymentId]);
    await allEnded(
      prisma,
      failover.operations.map((o) => o.id),
    );
    const failedOver = await linkIn(prisma, created.link.id, 'FAILED_OVER');
    expect(failedOver.activeDeploymentId).toBe(standby.deploymentId);
    expect((await workloadOf(standby.deploymentId)).mirrors.map((m) => m.paused)).toEqual([true]);

    // Failback, first half: mirroring reversed into the old primary; clients stay on the standby.
    const reverse = await failovers.failback(owner, created.link.id).catch((error: unknown) => error);
    // The standby has no external listener: the old primary cannot mirror from it, and the error says so.
    expect(reverse).toMatchObject({ reason: 'EXTERNAL_LISTENER_REQUIRED' });
    await prisma.deployment.update({
      where: { id: standby.deploymentId },
      data: { externalListener: true, outputs: { bootstrapExternal: 'standby.example.invalid:9094' } },
    });
    const reversed = await failovers.failback(owner, created.link.id);
    expect(reversed.link.status).toBe('FAILING_BACK');
    await allEnded(
      prisma,
      reversed.operations.map((o) => o.id),
    );
    expect(await stackHas(primary.stackName, MM2)).toHaveLength(1);
    expect(await stackHas(standby.stackName, MM2)).toHaveLength(0);

    // Second half: only once the old primary reports it caught up.
    await expect(failovers.failback(owner, created.link.id)).rejects.toMatchObject({
      reason: 'FAILOVER_PRECHECKS_FAILED',
    });
    expect(await reportHealth(created.link.id, standby.deploymentId)).toBe('stored');
    const restored = await failovers.failback(owner, created.link.id);
    expect(restored.clientSettings.deploymentId).toBe(primary.deploymentId);
    await allEnded(
      prisma,
      restored.operations.map((o) => o.id),
    );
    const back = await linkIn(prisma, created.link.id, 'ACTIVE');
    expect(back.activeDeploymentId).toBe(primary.deploymentId);
    expect(await stackHas(standby.stackName, MM2)).toHaveLength(1);
    expect(await stackHas(primary.stackName, MM2)).toHaveLength(0);
    expect((await workloadOf(standby.deploymentId)).mirrors.map((m) => m.paused)).toEqual([false]);

    // Every step is in the audit log.
    const actions = (
      await prisma.auditLog.findMany({ where: { orgId: org.orgId, targetId: created.link.id } })
    ).map((a) => a.action);
    expect(actions.filter((a) => a === 'replication_link.failover')).toHaveLength(1);
    expect(actions.filter((a) => a === 'replication_link.failback')).toHaveLength(2);
    expect(actions).toContain('replication_link.operation_succeeded');

    // Destroying a linked deployment is refused until the link is gone.
    const deployments = api.get(DeploymentsService);
    await expect(deployments.destroy(owner, primary.deploymentId, primary.name)).rejects.toMatchObject({
      reason: 'DEPLOYMENT_HAS_REPLICATION_LINKS',
    });

    // Delete: MirrorMaker 2 and users gone from both stacks; DELETED frees the pair for a new link.
    const deleted = await links.delete(owner, created.link.id);
    await allEnded(
      prisma,
      deleted.operations.map((o) => o.id),
    );
    const gone = await linkIn(prisma, created.link.id, 'DELETED');
    expect(gone.live).toBeNull();
    expect(await stackHas(standby.stackName, MM2)).toHaveLength(0);
    expect((await stackHas(primary.stackName, USER)).some((name) => name.includes('sp-mirror-'))).toBe(false);
    expect(await links.list(owner)).toHaveLength(0);
  });

  it('two ways: both sides mirror; failover moves clients only, or pauses the unreachable side', async () => {
    const org = await makeOrg(prisma);
    const owner = ownerOf(org.orgId);
    const a = await runningDeployment(prisma, queue, org, 'westeurope');
    const b = await runningDeployment(prisma, queue, org, 'northeurope');

    await expect(
      links.create(owner, {
        sourceDeploymentId: a.deploymentId,
        targetDeploymentId: b.deploymentId,
        mode: 'TWO_WAY',
        topics: ['orders'],
        consumerGroups: ['*'],
        topicNaming: 'IDENTITY',
      }),
    ).rejects.toMatchObject({ reason: 'IDENTITY_NAMING_ONE_WAY_ONLY' });
    const created = await links.create(owner, {
      sourceDeploymentId: a.deploymentId,
      targetDeploymentId: b.deploymentId,
      mode: 'TWO_WAY',
      topics: ['orders'],
      consumerGroups: ['*'],
    });
    await allEnded(
      prisma,
      created.operations.map((o) => o.id),
    );
    await linkIn(prisma, created.link.id, 'ACTIVE');
    for (const side of [a, b]) {
      expect(await stackHas(side.stackName, MM2)).toHaveLength(1);
      const workload = await workloadOf(side.deploymentId);
      expect(workload.sourceUsers).toHaveLength(1);
      // Prefixed: what each side mirrors lands under the other's name, so nothing is mirrored back.
      expect(workload.mirrors[0]).toMatchObject({ topicNaming: 'prefixed', paused: false });
      expect(workload.mirrors[0].targetAlias).toBe(side.name);
    }

    // A link between the same pair (either order) is refused.
    await expect(
      links.create(owner, {
        sourceDeploymentId: b.deploymentId,
        targetDeploymentId: a.deploymentId,
        mode: 'ONE_WAY',
        topics: ['x'],
        consumerGroups: ['y'],
      }),
    ).rejects.toMatchObject({ reason: 'LINK_EXISTS' });

    // Failover with both regions reachable: no operation, clients move, both directions keep running.
    await reportHealth(created.link.id, a.deploymentId);
    const moved = await failovers.failover(owner, created.link.id);
    expect(moved.operations).toEqual([]);
    expect(moved.link).toMatchObject({ status: 'FAILED_OVER', activeDeploymentId: b.deploymentId });
    // Failback: the old primary must report the other direction caught up first.
    await expect(failovers.failback(owner, created.link.id)).rejects.toMatchObject({
      reason: 'FAILOVER_PRECHECKS_FAILED',
    });
    await reportHealth(created.link.id, b.deploymentId);
    const movedBack = await failovers.failback(owner, created.link.id);
    expect(movedBack.link).toMatchObject({ status: 'ACTIVE', activeDeploymentId: a.deploymentId });

    // The primary region is unreachable: mirroring from it is paused on the survivor (its own stack only).
    const unreachable = await failovers.failover(owner, created.link.id, { sourceUnreachable: true });
    expect(unreachable.operations.map((o) => o.deploymentId)).toEqual([b.deploymentId]);
    await allEnded(
      prisma,
      unreachable.operations.map((o) => o.id),
    );
    await linkIn(prisma, created.link.id, 'FAILED_OVER');
    expect((await workloadOf(b.deploymentId)).mirrors[0].paused).toBe(true);
    expect((await workloadOf(a.deploymentId)).mirrors[0].paused).toBe(false);
    await reportHealth(created.link.id, b.deploymentId);
    const resumed = await failovers.failback(owner, created.link.id);
    expect(resumed.operations.map((o) => o.deploymentId)).toEqual([b.deploymentId]);
    await allEnded(
      prisma,
      resumed.operations.map((o) => o.id),
    );
    await linkIn(prisma, created.link.id, 'ACTIVE');
    expect((await workloadOf(b.deploymentId)).mirrors[0].paused).toBe(false);

    // Update the selection, then delete.
    const updated = await links.update(owner, created.link.id, { topics: ['orders', 'invoices'] });
    expect(updated.link.status).toBe('UPDATING');
    await allEnded(
      prisma,
      updated.operations.map((o) => o.id),
    );
    await linkIn(prisma, created.link.id, 'ACTIVE');
    expect((await workloadOf(a.deploymentId)).sourceUsers[0].topics.map((t) => t.name)).toEqual([
      'orders',
      'invoices',
    ]);
    const deleted = await links.delete(owner, created.link.id);
    await allEnded(
      prisma,
      deleted.operations.map((o) => o.id),
    );
    await linkIn(prisma, created.link.id, 'DELETED');
    for (const side of [a, b]) expect(await stackHas(side.stackName, MM2)).toHaveLength(0);
  });

  it('a failed operation leaves the link FAILED with the reason, and a retry completes it', async () => {
    const org = await makeOrg(prisma);
    const owner = ownerOf(org.orgId);
    const primary = await runningDeployment(prisma, queue, org, 'westeurope');
    const standby = await runningDeployment(prisma, queue, org, 'northeurope');
    // The primary's address is unknown to the standby's stack (as after an outage of the outputs).
    await prisma.deployment.update({ where: { id: primary.deploymentId }, data: { outputs: {} } });
    const created = await links.create(owner, {
      sourceDeploymentId: primary.deploymentId,
      targetDeploymentId: standby.deploymentId,
      mode: 'ONE_WAY',
      topics: ['orders'],
      consumerGroups: ['billing'],
    });
    const ended = await allEnded(
      prisma,
      created.operations.map((o) => o.id),
    );
    expect(ended.map((o) => o.status)).toEqual(['SUCCEEDED', 'FAILED']);
    const failed = await linkIn(prisma, created.link.id, 'FAILED');
    expect(failed.statusMessage).toContain('external listener');
    await prisma.deployment.update({
      where: { id: primary.deploymentId },
      data: { outputs: { bootstrapExternal: 'primary.example.invalid:9094' } },
    });
    const retried = await links.retry(owner, created.link.id);
    // Where the change ran (both sides here; a failover's only on the survivor).
    expect(retried.operations.map((o) => o.deploymentId)).toEqual([
      primary.deploymentId,
      standby.deploymentId,
    ]);
    await allEnded(
      prisma,
      retried.operations.map((o) => o.id),
    );
    await linkIn(prisma, created.link.id, 'ACTIVE');

    // A run of the standby's stack for another reason (scaling) keeps its MirrorMaker 2.
    const deployment = await prisma.deployment.findUniqueOrThrow({ where: { id: standby.deploymentId } });
    const target = { orgId: org.orgId, deploymentId: standby.deploymentId };
    const scaleId = await addOperation(
      prisma,
      target,
      'SCALE',
      makeSpec({ ...(deployment.spec as object), brokers: 4 }),
      2,
    );
    await enqueue(queue, target, scaleId);
    expect((await operationIn(prisma, scaleId, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');
    expect(await stackHas(standby.stackName, MM2)).toHaveLength(1);
  });
});
