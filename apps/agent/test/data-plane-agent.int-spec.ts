import { RedisService } from '@streamplane/db';
import { AgentHealthStore } from '@streamplane/deployments';
import { AgentTokensService } from '@streamplane/metering';
import { PipelineCheckpointStore } from '@streamplane/pipelines';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { awsSpec, connectAwsAccount, runningDeployment, verifyCloudAccount } from '../../api/test/fixtures';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startTestApi, type TestApi } from '../../api/test/harness';
import { startDataPlaneAgent, type RunningAgent } from '../src/agent/create-agent';
import { loadAgentConfig } from '../src/config/agent-config';
import { FakeKafkaAdmin } from '../src/testing/fake-kafka-admin';

/**
 * The real agent (not the simulation) wired as main.ts wires it — configuration from the environment,
 * pipelines from GET /v1/agent/pipelines, reports to POST /v1/ingest/events of the real api, health
 * endpoints — with kafkajs' admin client replaced by a fake of its own Admin interface (no broker can run
 * here; live-broker.int-spec.ts covers kafkajs itself when KAFKA_BROKERS is set).
 */
describe('the data-plane agent against the control plane', () => {
  let api: TestApi;
  let spoolDir: string;
  let running: RunningAgent;
  let deploymentId: string;
  let pipelineId: string;
  let port: number;
  const admin = new FakeKafkaAdmin();
  const logs: string[] = [];

  beforeAll(async () => {
    api = await startTestApi();
    spoolDir = await mkdtemp(join(tmpdir(), 'agent-'));
    const owner = api.client();
    const orgId = (await owner.signup()).organization.id;
    const account = await connectAwsAccount(owner);
    await verifyCloudAccount(owner, account.id);
    deploymentId = (await runningDeployment(api, owner, account.id, awsSpec({ brokers: 3 }))).id;
    const { token } = await api.app.get(AgentTokensService).issue(orgId, deploymentId);
    const name = `orders-${randomUUID().slice(0, 6)}`;
    const spec = {
      name,
      topics: { partitions: 2, retentionHours: 168, cleanupPolicy: 'delete' },
      stages: [
        { name: 'ingest', kind: 'source.http', options: { path: '/orders', maxBodyBytes: 65536 } },
        { name: 'out', kind: 'sink.kafka', options: { topic: 'orders-archive' } },
      ],
    };
    pipelineId = (
      await api.prisma.pipeline.create({
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
      })
    ).id;
    admin.topic(`${name}.ingest`, 2);
    admin.topic('orders-archive', 3);
    admin.topic('__consumer_offsets', 50);
    port = await freePort();
    const config = loadAgentConfig({
      DEPLOYMENT_ID: deploymentId,
      CONTROL_PLANE_URL: api.baseUrl,
      AGENT_TOKEN: token,
      KAFKA_BROKERS: 'kafka.invalid:9092',
      SPOOL_DIR: spoolDir,
      AGENT_INTERVAL_SECONDS: '60',
      AGENT_HTTP_PORT: String(port),
    });
    running = await startDataPlaneAgent(config, {
      admin,
      autoStart: false,
      logDestination: { write: (line: string) => void logs.push(line) },
    });
  });

  afterAll(async () => {
    await running?.close();
    await api?.close();
    if (spoolDir) await rm(spoolDir, { recursive: true, force: true });
  });

  const probe = async (path: string) => (await fetch(`http://127.0.0.1:${port}${path}`)).status;

  it('is live before its first round and ready once it has read Kafka', async () => {
    expect(admin.connected).toBe(true);
    expect(await probe('/healthz')).toBe(200);
    expect(await probe('/readyz')).toBe(503);
  });

  it('reports heartbeat, checkpoints and usage that the api stores', async () => {
    const topic = [...admin.topics.keys()][0];
    await running.agent.round();
    admin.topics.get(topic)!.forEach((p) => (p.high += 500));
    admin.commit(`sp-${topic.split('.')[0]}-out`, topic, [400, 300]);
    const { delivery } = await running.agent.round();

    expect(delivery).toMatchObject({ rejected: 0, spooledBatches: 0 });
    expect(await probe('/readyz')).toBe(200);
    const heartbeat = await new AgentHealthStore(api.app.get(RedisService)).readHeartbeat(deploymentId);
    expect(heartbeat).toMatchObject({
      simulated: false,
      brokers: 3,
      brokersReady: 3,
      topics: 3,
      partitions: 55,
    });
    expect(heartbeat).toMatchObject({ bytesInPerSec: null, bytesOutPerSec: null }); // no PROMETHEUS_URL
    const checkpoints = await api.app.get(PipelineCheckpointStore).read(pipelineId);
    expect(checkpoints.get('ingest')).toMatchObject({ lastOffset: 1000, state: 'RUNNING' });
    expect(checkpoints.get('ingest')!.messagesPerSec).toBeGreaterThan(0);
    expect(checkpoints.get('out')).toMatchObject({ lag: 300, lastOffset: 700 });
    const dimensions = await api.prisma.usageEvent.findMany({
      where: { deploymentId },
      select: { dimension: true },
    });
    expect([...new Set(dimensions.map((d) => d.dimension))].sort()).toEqual([
      'broker_hours',
      'partition_hours',
      'pipeline_hours',
    ]);
    expect(logs.some((line) => line.includes('agent round reported'))).toBe(true);
  });

  it('reports Kafka unreachable as no broker ready, and is no longer ready', async () => {
    admin.failWith = new Error('connect ECONNREFUSED');
    await running.agent.round(new Date(Date.now() + 1_000));
    admin.failWith = undefined;
    expect(await probe('/readyz')).toBe(503);
    expect(await probe('/healthz')).toBe(200);
    const health = await new AgentHealthStore(api.app.get(RedisService)).read(deploymentId);
    expect(health?.brokersReady).toBe(0);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
