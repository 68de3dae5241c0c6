import { RedisService } from '@streamplane/db';
import { AgentHealthStore } from '@streamplane/deployments';
import { AgentTokensService } from '@streamplane/metering';
import { PipelineCheckpointStore } from '@streamplane/pipelines';
import { ReplicationHealthStore } from '@streamplane/replication';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The api is another app: the simulator is tested against it running, with its harness and fixtures, so
// the imports are relative (as in apps/api/test/test-provisioner.ts).
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  awsSpec,
  connectAwsAccount,
  orderDeployment,
  runningDeployment,
  verifyCloudAccount,
} from '../../api/test/fixtures';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startTestApi, type ApiClient, type TestApi } from '../../api/test/harness';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { linkCloudAccount, linkedPair } from '../../api/test/replication-fixtures';
import { lastCompleteInterval } from '../src/measure/usage-interval';
import { startAgentSimulator, type AgentSimulator } from '../src/simulator/create-simulator';
import { SimulatedDeployments } from '../src/simulator/simulated-deployments';
import { ManualClock } from '../src/testing/fake-kafka-admin';

/**
 * The simulated agents (the real agent's measurement and reporting over a simulated data plane) against
 * the real api: pipelines from GET /v1/agent/pipelines, heartbeats and checkpoints in Redis, usage in
 * PostgreSQL through POST /v1/ingest/events; whatever is sent again — a retry after a lost response, a
 * restarted simulator, a spool replayed after an outage — is deduplicated, not counted twice.
 */

// A tick simulates every running local deployment of this jest worker's database, other files' too (a
// hundred after the tenant-isolation scale test): a test of many ticks can take a minute on a busy machine.
jest.setTimeout(180_000);

/** What the injected fetch does to the next ingest requests (the simulator's view of the network). */
let network: 'up' | 'down' | 'lose-next-response' = 'up';
const flakyFetch: typeof fetch = async (input, init) => {
  if (network === 'down') throw new TypeError('fetch failed (simulated outage)');
  const response = await fetch(input, init);
  if (network === 'lose-next-response') {
    network = 'up';
    await response.text(); // the api has answered, so it has committed; the answer never arrives
    throw new TypeError('socket hang up (simulated)');
  }
  return response;
};

const SECONDS = 60;
let api: TestApi;
let owner: ApiClient;
let orgId: string;
let deploymentId: string;
let pipelineId: string;
let spoolDir: string;
let agent: AgentSimulator;
const clock = new ManualClock();
const logs: string[] = [];
const agents: AgentSimulator[] = [];

function start(): Promise<AgentSimulator> {
  return startAgentSimulator(api.config, {
    autoStart: false,
    controlPlaneUrl: api.baseUrl,
    logDestination: { write: (line: string) => void logs.push(line) },
    client: { fetch: flakyFetch, attempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
    simulator: { intervalSeconds: SECONDS, spoolDir },
    clock,
  }).then((started) => {
    agents.push(started);
    return started;
  });
}

async function eventsOf(
  deploymentId: string,
): Promise<{ event_id: string; dimension: string; value: string }[]> {
  return api.prisma.$queryRaw`
    SELECT event_id, dimension, value::text AS value FROM usage_events
    WHERE deployment_id = ${deploymentId}::uuid ORDER BY event_id`;
}

/** An applied, running pipeline: MQTT source → filter → HTTP sink. */
async function runningPipeline(): Promise<string> {
  const name = `meters-${randomUUID().slice(0, 6)}`;
  const spec = {
    name,
    topics: { partitions: 6, retentionHours: 168, cleanupPolicy: 'delete' },
    stages: [
      {
        name: 'ingest',
        kind: 'source.mqtt',
        options: { topicFilter: 'meters/#', qos: 1, brokerUrl: 'mqtt://mqtt:1883' },
      },
      {
        name: 'clean',
        kind: 'transform.filter',
        options: { match: 'all', predicates: [{ field: 'v', op: 'exists' }] },
      },
      {
        name: 'store',
        kind: 'sink.http',
        options: { url: 'https://example.com/hook', headers: {}, batchSize: 100 },
      },
    ],
  };
  const row = await api.prisma.pipeline.create({
    data: {
      orgId,
      deploymentId,
      name,
      spec: spec as never,
      appliedSpec: spec as never,
      appliedGeneration: 1,
      appliedState: 'ACTIVE',
      status: 'RUNNING',
    },
  });
  return row.id;
}

// Half an hour ago: well inside the api's window for late events, and in the past whenever the test runs.
let moment = lastCompleteInterval(new Date(Date.now() - 30 * 60_000), SECONDS).start;
/** The next reporting moment: one interval later on both clocks. */
function nextMoment(): Date {
  moment = new Date(moment.getTime() + SECONDS * 1000);
  clock.advance(SECONDS * 1000);
  return new Date(moment.getTime() + 1234);
}

beforeAll(async () => {
  api = await startTestApi();
  spoolDir = await mkdtemp(join(tmpdir(), 'agent-simulator-'));
  owner = api.client();
  orgId = (await owner.signup()).organization.id;
  const account = await connectAwsAccount(owner);
  await verifyCloudAccount(owner, account.id);
  deploymentId = (
    await runningDeployment(api, owner, account.id, awsSpec({ brokers: 3, storagePerBrokerGiB: 500 }))
  ).id;
  pipelineId = await runningPipeline();
  agent = await start();
});

afterAll(async () => {
  for (const started of agents) await started.close();
  if (api) {
    // The simulator also reported for other files' running local deployments: leave none of it behind.
    await api.prisma.$executeRaw`
      DELETE FROM usage_pending_hours p USING usage_events e
      WHERE e.event_id LIKE 'usage:%' AND p.deployment_id = e.deployment_id AND p.dimension = e.dimension
        AND p.hour = e.hour`;
    await api.prisma.$executeRaw`DELETE FROM usage_events WHERE event_id LIKE 'usage:%'`;
    await api.close();
  }
  if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
});

describe('the simulated agents', () => {
  it('simulates the running local deployments only', async () => {
    const cloudAccountId = (await api.prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId } }))
      .cloudAccountId;
    const queued = await orderDeployment(owner, cloudAccountId);
    const simulated = await agent.app.get(SimulatedDeployments).simulatedDeployments();
    expect(simulated).toContainEqual({ id: deploymentId, orgId, brokers: 3, storagePerBrokerGiB: 500 });
    expect(simulated.map((d) => d.id)).not.toContain(queued.id);
  });

  it('reports a heartbeat, a checkpoint per stage and the usage of the interval, all committed by the api', async () => {
    const tick = await agent.simulator.tick(nextMoment());
    const ours = tick.rounds.find((r) => r.round.heartbeat && r.round.events[0].subject === deploymentId)!;
    expect(ours.delivery).toMatchObject({ rejected: 0, spooledBatches: 0 });

    const heartbeat = await new AgentHealthStore(api.app.get(RedisService)).readHeartbeat(deploymentId);
    expect(heartbeat).toMatchObject({ simulated: true, brokers: 3, brokersReady: 3, offlinePartitions: 0 });
    const checkpoints = await api.app.get(PipelineCheckpointStore).read(pipelineId);
    expect([...checkpoints.keys()].sort()).toEqual(['clean', 'ingest', 'store']);

    const dimensions = new Set((await eventsOf(deploymentId)).map((e) => e.dimension));
    expect([...dimensions].sort()).toEqual([
      'broker_hours',
      'connected_assets',
      'egress_bytes',
      'ingress_bytes',
      'partition_hours',
      'pipeline_hours',
      'storage_gb_hours',
    ]);
    const assets = await api.prisma.usageEvent.findMany({
      where: { deploymentId, dimension: 'connected_assets' },
    });
    for (const asset of assets) expect(asset.uniqueKey).toMatch(/^sensor-/);
  });

  it('moves throughput and lag from one interval to the next', async () => {
    const store = api.app.get(PipelineCheckpointStore);
    const lags: number[] = [];
    let lastSequence = (await store.read(pipelineId)).get('clean')!.sequence;
    for (let i = 0; i < 12; i++) {
      await agent.simulator.tick(nextMoment());
      const clean = (await store.read(pipelineId)).get('clean')!;
      expect(clean.sequence).toBe(lastSequence + 1);
      lastSequence = clean.sequence;
      lags.push(clean.lag);
    }
    const ingest = (await store.read(pipelineId)).get('ingest')!;
    expect(ingest.messagesPerSec).toBeGreaterThan(0);
    expect(ingest.assetsSeen).toBeGreaterThan(0);
    expect(new Set(lags).size).toBeGreaterThan(1);
  });

  it('a restarted simulator resends the same interval: all duplicates, nothing counted twice', async () => {
    const at = new Date(moment.getTime() + 1234); // the interval reported last, again
    const before = await eventsOf(deploymentId);
    const restarted = await start(); // a new process: nothing in memory, the same spool directory
    const tick = await restarted.simulator.tick(at);
    const ours = tick.rounds.find((r) => r.round.events[0].subject === deploymentId)!;
    const usage = ours.round.events.filter((e) => e.type === 'io.streamplane.usage.v1').length;
    expect(ours.delivery.duplicates).toBeGreaterThanOrEqual(usage);
    expect(await eventsOf(deploymentId)).toEqual(before);
  });

  it('retries a batch whose response was lost; the api acknowledges it as duplicates', async () => {
    network = 'lose-next-response';
    const tick = await agent.simulator.tick(nextMoment());
    expect(network).toBe('up'); // the response was lost once
    const ours = tick.rounds.find((r) => r.round.events[0].subject === deploymentId);
    const anyDuplicates = tick.rounds.some((r) => r.delivery.duplicates > 0);
    expect(anyDuplicates).toBe(true);
    expect(ours?.delivery.spooledBatches).toBe(0);
    const ids = (await eventsOf(deploymentId)).map((e) => e.event_id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps reports on disk while the api is unreachable and delivers them, in order, when it is back', async () => {
    network = 'down';
    const down = await agent.simulator.tick(nextMoment());
    const downInterval = moment.toISOString();
    const ours = down.rounds.find((r) => r.round.events[0].subject === deploymentId)!;
    expect(ours.delivery.spooledBatches).toBeGreaterThan(0);
    expect(await readdir(join(spoolDir, deploymentId, 'outbox'))).not.toEqual([]);
    expect(logs.some((line) => line.includes('events kept in the spool'))).toBe(true);

    network = 'up';
    const back = await agent.simulator.tick(nextMoment());
    expect(back.rounds.find((r) => r.round.events[0].subject === deploymentId)!.delivery.spooledBatches).toBe(
      0,
    );
    const ids = new Set((await eventsOf(deploymentId)).map((e) => e.event_id));
    for (const e of ours.round.events.filter((e) => e.type === 'io.streamplane.usage.v1'))
      expect(ids).toContain(e.id);
    expect([...ids].some((id) => id.includes(downInterval))).toBe(true);
  });

  it('uses the new token after the old one is revoked (as a rotation would)', async () => {
    // Through the api's own service, so that the api forgets the token at once (not after its cache time).
    await api.app.get(AgentTokensService).revokeAll(orgId, deploymentId);
    const tick = await agent.simulator.tick(nextMoment());
    const ours = tick.rounds.find((r) => r.round.events[0].subject === deploymentId)!;
    expect(ours.delivery).toMatchObject({ spooledBatches: 0 });
    expect(ours.delivery.accepted).toBeGreaterThan(0);
    const tokens = await api.prisma.agentToken.findMany({ where: { deploymentId } });
    expect(tokens.filter((t) => t.revokedAt === null)).toHaveLength(1);
  });

  it('picks up a new running deployment and drops a destroyed one', async () => {
    const account = (await api.prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId } }))
      .cloudAccountId;
    const added = await runningDeployment(
      api,
      owner,
      account,
      awsSpec({ name: `added-${randomUUID().slice(0, 8)}` }),
    );
    await api.prisma.deployment.update({
      where: { id: deploymentId },
      data: { status: 'DESTROYED', destroyedAt: new Date() },
    });
    const before = (await eventsOf(deploymentId)).length;
    await agent.simulator.tick(nextMoment());
    expect((await eventsOf(deploymentId)).length).toBe(before);
    expect((await eventsOf(added.id)).length).toBeGreaterThan(0);
    expect(
      logs.some((line) => line.includes('its simulated agent stopped') && line.includes(deploymentId)),
    ).toBe(true);
  });

  it("reports each local replication link's health from the deployment it mirrors into", async () => {
    const link = await linkedPair(api, owner, await linkCloudAccount(owner), 'ACTIVE');
    await agent.simulator.tick(nextMoment());
    // The new deployments are picked up on this tick; their MirrorMaker 2 reports from the next one.
    await agent.simulator.tick(nextMoment());
    const health = await api.app.get(ReplicationHealthStore).read(link.linkId);
    expect([...health.keys()]).toEqual([link.sourceId]);
    expect(health.get(link.sourceId)).toMatchObject({
      reportedBy: link.targetId,
      report: { linkId: link.linkId, sourceDeploymentId: link.sourceId },
    });
  });

  it('says in every log line that it is a simulation', () => {
    expect(logs.length).toBeGreaterThan(0);
    for (const line of logs) expect(JSON.parse(line)).toMatchObject({ simulation: true });
  });
});
