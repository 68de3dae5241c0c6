import { AGENT_EVENT_TYPES } from '@streamplane/agent-protocol';
import { RedisService } from '@streamplane/db';
import { agentHealthKey, AgentHealthStore } from '@streamplane/deployments';
import { PipelineCheckpointStore } from '@streamplane/pipelines';
import { randomUUID } from 'node:crypto';
import { startTestApi, type TestApi } from './harness';
import {
  deploymentWithAgent,
  orgWithCloudAccount,
  postEvents,
  usageEvent,
  type AgentFixture,
  type OrgFixture,
} from './ingest-fixtures';

/**
 * Mixed batches on POST /v1/ingest/events: usage goes to PostgreSQL (metering), heartbeats and pipeline
 * checkpoints to Redis (libs/telemetry), one response in batch order.
 */
describe('telemetry ingest: POST /v1/ingest/events with mixed batches', () => {
  let api: TestApi;
  let orgA: OrgFixture;
  let orgB: OrgFixture;

  beforeAll(async () => {
    api = await startTestApi();
    [orgA, orgB] = await Promise.all([orgWithCloudAccount(api), orgWithCloudAccount(api)]);
  });

  afterAll(async () => {
    await api?.close();
  });

  /** A pipeline row as an applied pipeline has it (the checkpoint store reads its stage names). */
  async function pipelineOf(agent: AgentFixture, stages = ['ingest', 'clean', 'store']): Promise<string> {
    const spec = { stages: stages.map((name) => ({ name })) };
    const row = await api.prisma.pipeline.create({
      data: {
        orgId: agent.orgId,
        deploymentId: agent.deploymentId,
        name: `p-${randomUUID().slice(0, 8)}`,
        spec: spec as never,
        appliedSpec: spec as never,
        appliedGeneration: 1,
        appliedState: 'ACTIVE',
        status: 'RUNNING',
      },
    });
    return row.id;
  }

  const envelope = (agent: AgentFixture, type: string, data: unknown, id = `t-${randomUUID()}`) => ({
    specversion: '1.0',
    id,
    source: `/deployments/${agent.deploymentId}/agent`,
    type,
    subject: agent.deploymentId,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
  });

  const heartbeat = (agent: AgentFixture, observedAt: Date, brokersReady = 3) =>
    envelope(agent, AGENT_EVENT_TYPES.heartbeat, {
      agentVersion: '0.1.0',
      simulated: false,
      observedAt: observedAt.toISOString(),
      brokers: 3,
      brokersReady,
      topics: 4,
      partitions: 24,
      underReplicatedPartitions: 1,
      offlinePartitions: 0,
      bytesInPerSec: 1200.5,
      bytesOutPerSec: null,
    });

  const checkpoint = (agent: AgentFixture, pipelineId: string, stage: string, sequence: number, lag = 10) =>
    envelope(agent, AGENT_EVENT_TYPES.pipelineCheckpoint, {
      pipelineId,
      stage,
      sequence,
      observedAt: new Date().toISOString(),
      state: 'RUNNING',
      messagesPerSec: 42.5,
      lag,
      lastOffset: 1000 + sequence,
    });

  it('stores usage in PostgreSQL and the heartbeat and checkpoint in Redis, answering in batch order', async () => {
    const agent = await deploymentWithAgent(api, orgA);
    const pipelineId = await pipelineOf(agent);
    const observedAt = new Date(Date.now() - 1000);
    const batch = [
      usageEvent(agent, { value: 10 }),
      heartbeat(agent, observedAt),
      checkpoint(agent, pipelineId, 'clean', 5),
      usageEvent(agent, { dimension: 'connected_assets', value: 1, key: 'device-7' }),
      envelope(agent, AGENT_EVENT_TYPES.replicationHealth, {}),
      usageEvent(agent, { type: 'com.example.other' }),
      // Well-formed, but of a link this deployment is not part of.
      envelope(agent, AGENT_EVENT_TYPES.replicationHealth, {
        linkId: randomUUID(),
        observedAt: observedAt.toISOString(),
        sourceDeploymentId: randomUUID(),
        topics: [{ topic: 'orders', lag: 3 }],
        lastCheckpointAgeSeconds: 12,
        lastHeartbeatAgeSeconds: null,
      }),
    ];

    const response = await postEvents(api.baseUrl, agent.token, batch);

    expect(response.status).toBe(200);
    expect(response.body.accepted).toEqual([batch[0].id, batch[1].id, batch[2].id, batch[3].id]);
    expect(response.body.duplicates).toEqual([]);
    expect(response.body.rejected.map((r: any) => [r.index, r.reason])).toEqual([
      [4, 'INVALID_DATA'],
      [5, 'UNKNOWN_TYPE'],
      [6, 'UNKNOWN_LINK'],
    ]);
    const rows = await api.prisma.usageEvent.findMany({ where: { deploymentId: agent.deploymentId } });
    expect(rows.map((r) => r.eventId).sort()).toEqual([batch[0].id, batch[3].id].sort());

    const health = new AgentHealthStore(api.app.get(RedisService));
    // The upgrade probe's contract still reads it, and the whole heartbeat is there.
    expect(await health.read(agent.deploymentId)).toEqual({
      brokersReady: 3,
      underReplicatedPartitions: 1,
      observedAt,
    });
    expect(await health.readHeartbeat(agent.deploymentId)).toMatchObject({
      topics: 4,
      bytesInPerSec: 1200.5,
    });
    const stored = await api.app.get(PipelineCheckpointStore).read(pipelineId);
    expect(stored.get('clean')).toMatchObject({ sequence: 5, lag: 10, messagesPerSec: 42.5 });

    // The same batch again (an agent's retry): all acknowledged, nothing counted or changed twice.
    const again = await postEvents(api.baseUrl, agent.token, batch.slice(0, 4));
    expect(again.body.accepted).toEqual([]);
    expect(again.body.duplicates).toEqual(batch.slice(0, 4).map((e) => e.id));
  });

  it('never lets a stale checkpoint or an older heartbeat overwrite a newer one', async () => {
    const agent = await deploymentWithAgent(api, orgA);
    const pipelineId = await pipelineOf(agent);
    const now = Date.now();
    const first = await postEvents(api.baseUrl, agent.token, [
      checkpoint(agent, pipelineId, 'store', 9, 500),
      heartbeat(agent, new Date(now - 1000), 3),
    ]);
    expect(first.body.accepted).toHaveLength(2);

    // Replayed from an agent's spool after an outage: older sequence, older observation.
    const late = [
      checkpoint(agent, pipelineId, 'store', 8, 9999),
      heartbeat(agent, new Date(now - 60_000), 1),
    ];
    const response = await postEvents(api.baseUrl, agent.token, late);

    expect(response.status).toBe(200);
    expect(response.body.accepted).toEqual([]);
    expect(response.body.duplicates).toEqual(late.map((e) => e.id));
    const stored = await api.app.get(PipelineCheckpointStore).read(pipelineId);
    expect(stored.get('store')).toMatchObject({ sequence: 9, lag: 500 });
    const health = new AgentHealthStore(api.app.get(RedisService));
    expect((await health.read(agent.deploymentId))?.brokersReady).toBe(3);
  });

  it("rejects another deployment's pipeline, an unknown stage, bad data and another subject; writes nothing", async () => {
    const agentA = await deploymentWithAgent(api, orgA);
    const agentB = await deploymentWithAgent(api, orgB);
    const otherOrgsPipeline = await pipelineOf(agentB);
    const sameOrgOtherDeployment = await pipelineOf(await deploymentWithAgent(api, orgA));
    const own = await pipelineOf(agentA);
    const batch = [
      checkpoint(agentA, otherOrgsPipeline, 'clean', 1),
      checkpoint(agentA, sameOrgOtherDeployment, 'clean', 1),
      checkpoint(agentA, own, 'no-such-stage', 1),
      checkpoint(agentA, own, 'clean', -1),
      { ...heartbeat(agentA, new Date()), subject: agentB.deploymentId },
      heartbeat(agentA, new Date(Date.now() + 3_600_000)),
      { ...heartbeat(agentA, new Date()), data: { brokers: 3 } },
    ];

    const response = await postEvents(api.baseUrl, agentA.token, batch);

    expect(response.status).toBe(200);
    expect(response.body.accepted).toEqual([]);
    expect(response.body.rejected.map((r: any) => [r.index, r.reason])).toEqual([
      [0, 'UNKNOWN_PIPELINE'],
      [1, 'UNKNOWN_PIPELINE'],
      [2, 'UNKNOWN_PIPELINE'],
      [3, 'INVALID_DATA'],
      [4, 'SUBJECT_NOT_ALLOWED'],
      [5, 'IN_FUTURE'],
      [6, 'INVALID_DATA'],
    ]);
    const checkpoints = api.app.get(PipelineCheckpointStore);
    for (const id of [otherOrgsPipeline, sameOrgOtherDeployment, own]) {
      expect((await checkpoints.read(id)).size).toBe(0);
    }
    const redis = api.app.get(RedisService);
    expect(await redis.exists(agentHealthKey(agentA.deploymentId))).toBe(0);
    expect(await redis.exists(agentHealthKey(agentB.deploymentId))).toBe(0);
  });
});
