import { AgentTokensService } from '@streamplane/metering';
import { PipelineCheckpointStore, STAGE_KINDS } from '@streamplane/pipelines';
import { randomUUID } from 'node:crypto';
import {
  connectAwsAccount,
  joinAs,
  orderDeployment,
  pipelineSpecInput,
  verifyCloudAccount,
} from './fixtures';
import {
  describeResult,
  expectOk,
  startTestApi,
  wholeDatabase,
  type ApiClient,
  type GqlResult,
  type SignedUp,
  type TestApi,
} from './harness';
import { SubscriptionSocket } from './subscription-client';
import { startTestProvisioner, type TestProvisioner } from './test-provisioner';

/**
 * Pipelines over GraphQL, end to end with the real queue and provisioner (local engine, the small stand-in
 * program): create and deploy, pause, update, live status and checkpoints, the agent's view, bad input,
 * roles and another organization's ids.
 */

jest.setTimeout(120_000);

const PIPELINE_FIELDS = `id name deploymentId status statusMessage generation appliedGeneration desiredState
  appliedState deleteTopics topics { partitions retentionHours cleanupPolicy replicationFactor }
  stages { name kind role options inputTopic outputTopic deadLetterTopic consumerGroup lagThreshold maxReplicas }`;
const CREATE = `mutation($input: CreatePipelineInput!) {
  createPipeline(input: $input) { pipeline { ${PIPELINE_FIELDS} } operation { id type status pipelineId } } }`;
const GET = `query($id: ID!) { pipeline(pipelineId: $id) { ${PIPELINE_FIELDS}
  operations { id type status pipelineId } checkpoints { stage sequence state messagesPerSec lag lastOffset observedAt }
  totals { throughputPerSec totalLag observedAt } } }`;
const PAUSE = `mutation($id: ID!) { pausePipeline(pipelineId: $id) { pipeline { status } operation { id } } }`;
const RESUME = `mutation($id: ID!) { resumePipeline(pipelineId: $id) { pipeline { status } operation { id } } }`;
const UPDATE = `mutation($id: ID!, $spec: UpdatePipelineInput!) {
  updatePipeline(pipelineId: $id, spec: $spec) { pipeline { status generation stages { name options } } operation { id } } }`;
const DELETE = `mutation($id: ID!, $topics: Boolean) {
  deletePipeline(pipelineId: $id, deleteTopics: $topics) { pipeline { status deleteTopics } operation { id } } }`;
const STATUS = `subscription($id: ID!) { pipelineStatus(pipelineId: $id) { kind pipelineId status
  checkpoint { stage sequence messagesPerSec lag } } }`;
const CONNECTION_STRING = 'postgresql://writer:hunter2-secret@db.internal/plant';

function postgresSpec(name: string) {
  const spec = pipelineSpecInput(name);
  spec.stages[2] = {
    name: 'out',
    kind: 'sink.postgres',
    options: { connectionString: CONNECTION_STRING, table: 'hot_readings' } as never,
  };
  return spec;
}

describe('pipelines over GraphQL', () => {
  let api: TestApi;
  let provisioner: TestProvisioner;
  let owner: ApiClient;
  let org: SignedUp;
  let deploymentId: string;

  beforeAll(async () => {
    api = await startTestApi({ REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}pipelines-api:` });
    provisioner = await startTestProvisioner(api);
    owner = api.client();
    org = await owner.signup();
    const account = await connectAwsAccount(owner);
    await verifyCloudAccount(owner, account.id);
    deploymentId = (await orderDeployment(owner, account.id)).id;
    await statusOf('deployment', () => deploymentStatus(), ['RUNNING']);
  });

  afterAll(async () => {
    await provisioner?.close();
    await api?.close();
  });

  async function deploymentStatus(): Promise<string> {
    return (await api.prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId } })).status;
  }

  /** Polls `read` until it answers one of `wanted`; fails on FAILED. */
  async function statusOf(what: string, read: () => Promise<string>, wanted: string[]): Promise<string> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const status = await read();
      if (wanted.includes(status)) return status;
      if (status === 'FAILED' || Date.now() > deadline)
        throw new Error(
          `${what} is ${status}; the provisioner's last lines:\n${provisioner.logs.slice(-10).join('')}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const pipelineStatus = (id: string) => async () =>
    (await api.prisma.pipeline.findUniqueOrThrow({ where: { id } })).status;

  async function create(client: ApiClient, spec: unknown, deploy = true): Promise<GqlResult> {
    return client.gql(CREATE, { input: { deploymentId, spec, deploy } });
  }

  it('lists every stage kind with its options, marking secrets', async () => {
    const catalog = expectOk(
      await owner.gql(
        '{ pipelineStageCatalog { kind role title description options { name type required secret } } }',
      ),
      'catalog',
    ).pipelineStageCatalog;
    expect(catalog.map((k: { kind: string }) => k.kind)).toEqual(STAGE_KINDS);
    const postgres = catalog.find((k: { kind: string }) => k.kind === 'sink.postgres');
    expect(postgres).toMatchObject({ role: 'sink', title: expect.any(String) });
    expect(postgres.options).toContainEqual(
      expect.objectContaining({ name: 'connectionString', required: true, secret: true }),
    );
  });

  it('creates and deploys a pipeline, pauses, updates, resumes and deletes it; secrets never come back', async () => {
    const created = expectOk(await create(owner, postgresSpec('hot-readings')), 'create').createPipeline;
    expect(created.pipeline).toMatchObject({
      name: 'hot-readings',
      status: 'DEPLOYING',
      topics: { partitions: 3, retentionHours: 168, cleanupPolicy: 'delete', replicationFactor: 3 },
    });
    expect(created.pipeline.stages).toEqual([
      expect.objectContaining({
        name: 'ingest',
        role: 'source',
        inputTopic: null,
        outputTopic: 'hot-readings.ingest',
      }),
      expect.objectContaining({
        name: 'keep',
        inputTopic: 'hot-readings.ingest',
        outputTopic: 'hot-readings.keep',
        consumerGroup: 'sp-hot-readings-keep',
      }),
      expect.objectContaining({
        name: 'out',
        options: { connectionString: { set: true }, table: 'hot_readings', mode: 'insert' },
      }),
    ]);
    expect(created.operation).toMatchObject({ type: 'PIPELINE', pipelineId: created.pipeline.id });
    const id = created.pipeline.id as string;

    await statusOf('the pipeline', pipelineStatus(id), ['RUNNING']);
    const read = expectOk(await owner.gql(GET, { id }), 'pipeline').pipeline;
    expect(read).toMatchObject({ status: 'RUNNING', appliedGeneration: 1, appliedState: 'ACTIVE' });
    expect(read.operations).toEqual([
      expect.objectContaining({ id: created.operation.id, type: 'PIPELINE', status: 'SUCCEEDED' }),
    ]);
    // The deployment stayed RUNNING, and lists the pipeline.
    const deployment = expectOk(
      await owner.gql(
        'query($id: ID!) { deployment(deploymentId: $id) { status pipelines { id status } connectedAssets { count } } }',
        {
          id: deploymentId,
        },
      ),
      'deployment',
    ).deployment;
    expect(deployment).toEqual({
      status: 'RUNNING',
      pipelines: [{ id, status: 'RUNNING' }],
      connectedAssets: { count: 0 },
    });

    // Live: the status changes of pause arrive on pipelineStatus.
    const socket = await SubscriptionSocket.browser(owner, new URL(api.config.http.publicUrl).origin);
    try {
      const live = socket.subscribe(STATUS, { id });
      // The subscription has no acknowledgement: a checkpoint tells when it is live.
      const store = api.app.get(PipelineCheckpointStore);
      let sequence = 0;
      const report = (stage: string, messagesPerSec: number, lag: number) =>
        store.record(org.organization.id, deploymentId, {
          pipelineId: id,
          stage,
          sequence: ++sequence,
          observedAt: new Date().toISOString(),
          state: 'RUNNING',
          messagesPerSec,
          lag,
          lastOffset: 1000 * sequence,
        });
      while (live.events.length === 0 && !live.ending) {
        expect(await report('out', 12.5, 3)).toBe('stored');
        await live.until(() => live.events.length > 0, 100).catch(() => undefined);
      }
      expect(live.events[0].data.pipelineStatus).toMatchObject({
        kind: 'CHECKPOINT',
        pipelineId: id,
        checkpoint: { stage: 'out', messagesPerSec: 12.5, lag: 3 },
      });
      expect(await report('keep', 40, 17)).toBe('stored');
      // A re-sent (or older) report never overwrites a newer one; another deployment's report does not count.
      const stale = await store.record(org.organization.id, deploymentId, {
        pipelineId: id,
        stage: 'keep',
        sequence: 1,
        observedAt: new Date().toISOString(),
        state: 'STALLED',
        messagesPerSec: 0,
        lag: 999,
        lastOffset: 0,
      });
      expect(stale).toBe('stale');
      expect(
        await store.record(org.organization.id, randomUUID(), {
          pipelineId: id,
          stage: 'keep',
          sequence: 99,
          observedAt: new Date().toISOString(),
          state: 'RUNNING',
          messagesPerSec: 1,
          lag: 1,
          lastOffset: 1,
        }),
      ).toBe('unknown-pipeline');
      const measured = expectOk(await owner.gql(GET, { id }), 'pipeline').pipeline;
      expect(measured.checkpoints.map((c: { stage: string; lag: number }) => [c.stage, c.lag])).toEqual([
        ['keep', 17],
        ['out', 3],
      ]);
      expect(measured.totals).toMatchObject({ throughputPerSec: 12.5, totalLag: 20 });

      const paused = expectOk(await owner.gql(PAUSE, { id }), 'pause').pausePipeline;
      expect(paused.pipeline.status).toBe('PAUSING');
      await live.until(
        () =>
          live.events.some(
            (e) => e.data.pipelineStatus.kind === 'STATUS' && e.data.pipelineStatus.status === 'PAUSED',
          ),
        60_000,
        'PAUSED',
      );
      expect(
        live.events
          .filter((e) => e.data.pipelineStatus.kind === 'STATUS')
          .map((e) => e.data.pipelineStatus.status),
      ).toEqual(['PAUSING', 'PAUSED']);
    } finally {
      await socket.close();
    }

    // Update while paused: the secret kept with { set: true }; a new stage; stays PAUSED.
    const stages = postgresSpec('hot-readings').stages;
    stages[2].options = {
      connectionString: { set: true },
      table: 'hot_readings',
      mode: 'upsert',
      keyColumns: ['id'],
    } as never;
    stages.splice(2, 0, {
      name: 'once',
      kind: 'transform.dedupe',
      options: { keyField: 'id', windowSeconds: 60 },
    } as never);
    const updated = expectOk(await owner.gql(UPDATE, { id, spec: { stages } }), 'update').updatePipeline;
    expect(updated.pipeline).toMatchObject({ status: 'UPDATING', generation: 2 });
    expect(JSON.stringify(updated)).not.toContain('hunter2');
    await statusOf('the pipeline', pipelineStatus(id), ['PAUSED']);
    const stored = await api.prisma.pipeline.findUniqueOrThrow({ where: { id } });
    expect(JSON.stringify(stored.spec)).not.toContain('hunter2'); // sealed at rest
    expect(stored).toMatchObject({ appliedGeneration: 2, appliedState: 'PAUSED' });

    expectOk(await owner.gql(RESUME, { id }), 'resume');
    await statusOf('the pipeline', pipelineStatus(id), ['RUNNING']);

    // The agent's view: the applied pipeline, its stages' topics and consumer groups.
    const agentToken = (await api.app.get(AgentTokensService).issue(org.organization.id, deploymentId)).token;
    const agentView = await api.client().withBearer(agentToken).request('GET', '/v1/agent/pipelines');
    expect(agentView.status).toBe(200);
    expect(agentView.body).toEqual([
      {
        id,
        name: 'hot-readings',
        paused: false,
        stages: [
          {
            name: 'ingest',
            kind: 'source.http',
            inputTopic: null,
            outputTopic: 'hot-readings.ingest',
            consumerGroup: null,
          },
          {
            name: 'keep',
            kind: 'transform.filter',
            inputTopic: 'hot-readings.ingest',
            outputTopic: 'hot-readings.keep',
            consumerGroup: 'sp-hot-readings-keep',
          },
          {
            name: 'once',
            kind: 'transform.dedupe',
            inputTopic: 'hot-readings.keep',
            outputTopic: 'hot-readings.once',
            consumerGroup: 'sp-hot-readings-once',
          },
          {
            name: 'out',
            kind: 'sink.postgres',
            inputTopic: 'hot-readings.once',
            outputTopic: null,
            consumerGroup: 'sp-hot-readings-out',
          },
        ],
      },
    ]);
    expect((await api.client().request('GET', '/v1/agent/pipelines')).status).toBe(401);

    const deleted = expectOk(await owner.gql(DELETE, { id, topics: false }), 'delete').deletePipeline;
    expect(deleted.pipeline).toEqual({ status: 'DELETING', deleteTopics: false });
    await statusOf('the pipeline', pipelineStatus(id), ['DELETED']);
    expect(
      expectOk(
        await owner.gql('query($d: ID!) { pipelines(deploymentId: $d) { id } }', { d: deploymentId }),
        'list',
      ).pipelines,
    ).toEqual([]);

    const audit = await api.prisma.auditLog.findMany({ where: { targetId: id }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual([
      'pipeline.create',
      'pipeline.pause',
      'pipeline.update',
      'pipeline.resume',
      'pipeline.delete',
    ]);
    expect(await statusOf('the deployment', () => deploymentStatus(), ['RUNNING'])).toBe('RUNNING');
  });

  it('counts the distinct devices the deployment’s MQTT sources saw this month', async () => {
    const now = new Date();
    const hour = new Date(Math.floor(now.getTime() / 3600_000) * 3600_000);
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) - 3600_000);
    const event = (key: string, at: Date) => ({
      source: 'agent-test',
      eventId: randomUUID(),
      orgId: org.organization.id,
      deploymentId,
      dimension: 'connected_assets',
      value: 1,
      uniqueKey: key,
      time: at,
      hour: at,
    });
    await api.prisma.usageEvent.createMany({
      data: [
        event('device-1', hour),
        event('device-2', hour),
        event('device-1', hour),
        event('device-3', lastMonth),
      ],
    });
    const read = expectOk(
      await owner.gql(
        'query($id: ID!) { deployment(deploymentId: $id) { connectedAssets { count periodStart } } }',
        {
          id: deploymentId,
        },
      ),
      'connected assets',
    ).deployment.connectedAssets;
    expect(read).toEqual({
      count: 2,
      periodStart: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString(),
    });
  });

  it.each([
    [
      'an invalid topic name',
      {
        stages: [
          { name: 'in', kind: 'source.kafka', options: { topic: 'a topic' } },
          { name: 'out', kind: 'sink.kafka', options: { topic: 'b' } },
        ],
      },
      'INVALID_TOPIC_NAME',
    ],
    [
      'an unknown stage kind',
      {
        stages: [
          { name: 'in', kind: 'source.carrier-pigeon', options: {} },
          { name: 'out', kind: 'sink.kafka', options: { topic: 'b' } },
        ],
      },
      'UNKNOWN_STAGE_KIND',
    ],
    [
      'a sink writing its own source',
      {
        stages: [
          { name: 'in', kind: 'source.kafka', options: { topic: 'a' } },
          { name: 'out', kind: 'sink.kafka', options: { topic: 'a' } },
        ],
      },
      'SINK_WRITES_SOURCE',
    ],
    [
      'a JSON Schema that does not compile',
      {
        stages: [
          { name: 'in', kind: 'source.http', options: { path: '/x' } },
          { name: 'v', kind: 'transform.validate', options: { schema: { type: 12 } } },
          { name: 'out', kind: 'sink.kafka', options: { topic: 'b' } },
        ],
      },
      'INVALID_JSON_SCHEMA',
    ],
  ])('refuses %s as BAD_USER_INPUT with its reason, writing nothing', async (_what, spec, reason) => {
    const before = await wholeDatabase(api.prisma);
    const result = await create(owner, { name: `bad-${randomUUID().slice(0, 6)}`, ...spec });
    expect(result.errors?.map((e) => [e.extensions.code, e.extensions.reason])).toEqual([
      ['BAD_USER_INPUT', reason],
    ]);
    expect(await wholeDatabase(api.prisma)).toEqual(before);
  });

  it('lets a VIEWER read and refuses it every change; a MEMBER changes pipelines', async () => {
    const draft = expectOk(await create(owner, pipelineSpecInput(), false), 'draft').createPipeline.pipeline;
    const viewer = await joinAs(api, owner, org.organization.id, 'VIEWER');
    const member = await joinAs(api, owner, org.organization.id, 'MEMBER');
    expect(expectOk(await viewer.client.gql(GET, { id: draft.id }), 'viewer reads').pipeline.status).toBe(
      'DRAFT',
    );
    const before = await wholeDatabase(api.prisma);
    for (const result of [
      await create(viewer.client, pipelineSpecInput(), false),
      await viewer.client.gql(DELETE, { id: draft.id, topics: true }),
      await viewer.client.gql(`mutation($id: ID!) { deployPipeline(pipelineId: $id) { pipeline { id } } }`, {
        id: draft.id,
      }),
    ]) {
      expect({ result: describeResult(result), code: result.errors?.[0]?.extensions.code }).toMatchObject({
        code: 'FORBIDDEN',
      });
    }
    expect(await wholeDatabase(api.prisma)).toEqual(before);
    const byMember = expectOk(
      await member.client.gql(DELETE, { id: draft.id, topics: false }),
      'member deletes',
    );
    // Never deployed: deleted at once, no operation.
    expect(byMember.deletePipeline).toEqual({
      pipeline: { status: 'DELETED', deleteTopics: false },
      operation: null,
    });
  });

  it("answers another organization's pipeline and deployment ids as NOT_FOUND, over every path", async () => {
    const draft = expectOk(await create(owner, pipelineSpecInput(), false), 'draft').createPipeline.pipeline;
    const other = api.client();
    await other.signup();
    const before = await wholeDatabase(api.prisma);
    const calls: [string, Record<string, unknown>][] = [
      [GET, { id: draft.id }],
      ['query($d: ID!) { pipelines(deploymentId: $d) { id } }', { d: deploymentId }],
      [CREATE, { input: { deploymentId, spec: pipelineSpecInput(), deploy: true } }],
      [PAUSE, { id: draft.id }],
      [RESUME, { id: draft.id }],
      [UPDATE, { id: draft.id, spec: { stages: pipelineSpecInput().stages } }],
      [DELETE, { id: draft.id, topics: true }],
      ['mutation($id: ID!) { deployPipeline(pipelineId: $id) { pipeline { id } } }', { id: draft.id }],
    ];
    for (const [query, variables] of calls) {
      const result = await other.gql(query, variables);
      expect({ query, codes: result.errors?.map((e) => e.extensions.code), data: result.data }).toEqual({
        query,
        codes: ['NOT_FOUND'],
        data: null,
      });
    }
    expect(await wholeDatabase(api.prisma)).toEqual(before);

    const socket = await SubscriptionSocket.browser(other, new URL(api.config.http.publicUrl).origin);
    try {
      const sub = socket.subscribe(STATUS, { id: draft.id });
      await sub.until(() => sub.ending !== undefined, 10_000, 'the refusal');
      expect(sub.ending).toMatchObject({
        kind: 'error',
        errors: [{ extensions: { code: 'NOT_FOUND', reason: 'PIPELINE_NOT_FOUND' } }],
      });
    } finally {
      await socket.close();
    }
  });
});
