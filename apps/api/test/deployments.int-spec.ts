import { defaultSpec, estimateMonthlyCost, type DeploymentSpec } from '@streamplane/deployment-spec';
import { operationJobId, PROVISIONING_QUEUE, provisioningQueueOptions } from '@streamplane/deployments';
import { createStackEngine } from '@streamplane/provisioning';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { awsSpec, connectAwsAccount, specInput } from './fixtures';
import {
  databaseSnapshot,
  expectOk,
  startTestApi,
  type ApiClient,
  type GqlResult,
  type SignedUp,
  type TestApi,
} from './harness';

/**
 * The deployments API against the real PostgreSQL and the real BullMQ queue in Redis. The provisioner is
 * not running here: where a test needs a deployment the worker would have brought to RUNNING, it sets
 * that status in the database directly and says so. The lifecycle through the worker is tested in
 * apps/provisioner.
 */

const CREATE = `mutation($input: CreateDeploymentInput!) {
  createDeployment(input: $input) {
    deployment { id name status simulated engine generation observedGeneration spec { brokers cloud } }
    operation { id type status generation attempt }
  } }`;
const SCALE = `mutation($id: ID!, $change: DeploymentChangeInput!) {
  scaleDeployment(deploymentId: $id, change: $change) { operation { id type rebalanceFirst } deployment { generation } } }`;
const DESTROY = `mutation($id: ID!, $name: String!) {
  destroyDeployment(deploymentId: $id, confirmName: $name) {
    operation { id type } cloudAccountId retainedVolumes { totalGiB } } }`;
const PREVIEW = `query($spec: DeploymentSpecInput!) {
  previewDeployment(spec: $spec) {
    simulated resources { urn type name operation }
    cost { totalMonthlyUsd lines { item monthlyUsd quantity unit unitPriceUsd } } } }`;

function codes(result: GqlResult): string[] {
  return (result.errors ?? []).map((e) => e.extensions.code);
}

describe('deployments', () => {
  let api: TestApi;
  let queue: Queue;
  let owner: ApiClient;
  let org: SignedUp;
  let accountId: string;

  async function jobCount(): Promise<number> {
    const counts = await queue.getJobCounts(
      'waiting',
      'delayed',
      'active',
      'completed',
      'failed',
      'prioritized',
    );
    return Object.values(counts).reduce((sum, n) => sum + n, 0);
  }

  /** Runs `call`, and expects it to have written nothing and enqueued nothing. */
  async function expectNothingDone(call: () => Promise<GqlResult>): Promise<GqlResult> {
    const [dbBefore, jobsBefore] = [await databaseSnapshot(api.prisma), await jobCount()];
    const result = await call();
    expect(await databaseSnapshot(api.prisma)).toEqual(dbBefore);
    expect(await jobCount()).toBe(jobsBefore);
    return result;
  }

  async function create(spec: DeploymentSpec, client = owner, cloudAccountId = accountId) {
    return client.gql(CREATE, { input: { cloudAccountId, spec: specInput(spec) } });
  }

  /** A deployment the worker would have brought to RUNNING: its CREATE operation set SUCCEEDED in the database. */
  async function runningDeployment(spec = awsSpec()): Promise<{ id: string; name: string }> {
    const created = expectOk(await create(spec), 'creating').createDeployment;
    await api.prisma.$transaction([
      api.prisma.operation.update({
        where: { id: created.operation.id },
        data: { status: 'SUCCEEDED', active: null, finishedAt: new Date() },
      }),
      api.prisma.deployment.update({
        where: { id: created.deployment.id },
        data: { status: 'RUNNING', observedGeneration: 1 },
      }),
    ]);
    return { id: created.deployment.id, name: created.deployment.name };
  }

  beforeAll(async () => {
    api = await startTestApi();
    const { connection, prefix } = provisioningQueueOptions(api.config);
    queue = new Queue(PROVISIONING_QUEUE, { connection, prefix });
    owner = api.client();
    org = await owner.signup();
    accountId = (await connectAwsAccount(owner)).id;
    expectOk(
      await owner.gql('mutation($id: ID!) { verifyCloudAccount(cloudAccountId: $id) { id } }', {
        id: accountId,
      }),
      'verifying',
    );
  }, 60_000);

  afterAll(async () => {
    await queue?.close();
    await api?.close();
  });

  describe('previewDeployment', () => {
    it.each([
      ['aws', awsSpec()],
      ['azure', { ...defaultSpec('azure'), name: 'preview-azure' }],
    ] as const)(
      'returns the exact resource list and an itemised cost for %s, writing nothing',
      async (_cloud, spec) => {
        const result = await expectNothingDone(() => owner.gql(PREVIEW, { spec: specInput(spec) }));
        const preview = expectOk(result, 'preview').previewDeployment;

        // The same program under the local engine, asked directly: the same resources, in the same order.
        const engine = createStackEngine({ engine: 'local', latencyScale: 0 });
        const direct = await engine.preview({
          stackName: `direct-${randomUUID()}`,
          input: {
            deploymentId: randomUUID(),
            spec,
            agent: { image: 'x', controlPlaneUrl: 'http://localhost', token: 't' },
          },
          onEvent: () => undefined,
        });
        // Everything but the stack's own root resource, which is named after the (throw-away) stack.
        const listed = (resources: { type: string; name: string }[]) =>
          resources.filter((r) => r.type !== 'pulumi:pulumi:Stack').map((r) => `${r.type} ${r.name}`);
        expect(listed(preview.resources)).toEqual(listed(direct.plan));
        expect(preview.resources.length).toBeGreaterThan(10);
        expect(preview.resources.every((r: { operation: string }) => r.operation === 'create')).toBe(true);
        expect(preview.simulated).toBe(true);

        const expected = estimateMonthlyCost(spec);
        expect(preview.cost.totalMonthlyUsd).toBe(expected.totalMonthlyUsd);
        expect(preview.cost.lines).toEqual(
          expected.lines.map(({ item, monthlyUsd, quantity, unit, unitPriceUsd }) => ({
            item,
            monthlyUsd,
            quantity,
            unit,
            unitPriceUsd,
          })),
        );
      },
      60_000,
    );
  });

  describe('createDeployment', () => {
    it('writes the deployment, its operation and the audit entry, and enqueues exactly one job', async () => {
      const spec = awsSpec();
      const jobsBefore = await jobCount();
      const created = expectOk(await create(spec), 'creating').createDeployment;

      expect(created.deployment).toMatchObject({
        name: spec.name,
        status: 'PENDING',
        simulated: true,
        engine: 'local',
        generation: 1,
        observedGeneration: 0,
      });
      expect(created.operation).toMatchObject({
        type: 'CREATE',
        status: 'QUEUED',
        generation: 1,
        attempt: 1,
      });

      const operation = await api.prisma.operation.findUniqueOrThrow({ where: { id: created.operation.id } });
      expect(operation).toMatchObject({
        deploymentId: created.deployment.id,
        orgId: org.organization.id,
        active: true,
      });
      expect(operation.enqueuedAt).not.toBeNull();
      const audit = await api.prisma.auditLog.findMany({
        where: { orgId: org.organization.id, action: 'deployment.create', targetId: created.deployment.id },
      });
      expect(audit).toHaveLength(1);

      expect(await jobCount()).toBe(jobsBefore + 1);
      const job = await queue.getJob(operationJobId(operation.id));
      expect(job?.name).toBe('operation.run');
      expect(job?.data).toEqual({
        operationId: operation.id,
        orgId: org.organization.id,
        deploymentId: created.deployment.id,
      });
    });

    it('refuses a second order with the same name (also at the same moment), enqueuing one job', async () => {
      const spec = awsSpec();
      const jobsBefore = await jobCount();
      const results = await Promise.all([create(spec), create(spec)]);
      expect(results.map(codes).sort()).toEqual([[], ['CONFLICT']]);
      expect((await create(spec)).errors?.[0].extensions.reason).toBe('DEPLOYMENT_NAME_TAKEN');
      expect(await api.prisma.deployment.count({ where: { name: spec.name } })).toBe(1);
      expect(await jobCount()).toBe(jobsBefore + 1);
    });

    it('answers NOT_FOUND for another organization’s cloud account, writing and enqueuing nothing', async () => {
      const other = api.client();
      await other.signup();
      const result = await expectNothingDone(() => create(awsSpec(), other, accountId));
      expect(codes(result)).toEqual(['NOT_FOUND']);
    });

    it.each<[string, Partial<DeploymentSpec> | ((s: DeploymentSpec) => unknown)]>([
      ['INVALID_NAME', { name: 'Not A DNS Label' }],
      ['UNKNOWN_REGION', { region: 'mars-north-1' }],
      ['WRONG_ZONE_COUNT', (s) => ({ ...specInput(s), zones: ['eu-west-1a', 'eu-west-1b'] })],
      ['DUPLICATE_ZONE', { zones: ['eu-west-1a', 'eu-west-1a', 'eu-west-1b'] }],
      ['ZONE_NOT_IN_REGION', { zones: ['eu-west-1a', 'eu-west-1b', 'us-east-1c'] }],
      ['UNSUPPORTED_KAFKA_VERSION', { kafkaVersion: '2.8.0' }],
      ['INVALID_CONTROLLER_COUNT', (s) => ({ ...specInput(s), controllers: 4 })],
      ['TOO_FEW_BROKERS', { brokers: 2 }],
      ['TOO_MANY_BROKERS', { brokers: 10_000 }],
      ['UNKNOWN_NODE_SIZE', { nodeSize: 'huge.metal' }],
      ['STORAGE_TOO_SMALL', { storagePerBrokerGiB: 1 }],
      ['STORAGE_TOO_LARGE', { storagePerBrokerGiB: 10_000_000 }],
      ['INVALID_LISTENERS', (s) => ({ ...specInput(s), listeners: { internal: false, external: true } })],
      ['INVALID_TAG_KEY', { tags: { 'bad key!': 'x' } }],
      ['INVALID_TAG_VALUE', { tags: { team: 'x'.repeat(300) } }],
      ['TOO_MANY_TAGS', { tags: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, 'v'])) }],
    ])('refuses a spec with %s (BAD_USER_INPUT), writing and enqueuing nothing', async (code, change) => {
      const base = awsSpec();
      const spec = typeof change === 'function' ? change(base) : specInput({ ...base, ...change });
      const result = await expectNothingDone(() =>
        owner.gql(CREATE, { input: { cloudAccountId: accountId, spec } }),
      );
      expect(codes(result)).toEqual(['BAD_USER_INPUT']);
      const fieldCodes = (result.errors?.[0].extensions.fields ?? []).map((f: { code?: string }) => f.code);
      expect(fieldCodes).toContain(code);
    });
  });

  describe('changes to a live deployment', () => {
    it('serialises two mutations at once: one wins, the other is a typed CONFLICT', async () => {
      const deployment = await runningDeployment();
      const jobsBefore = await jobCount();
      const results = await Promise.all([
        owner.gql(SCALE, { id: deployment.id, change: { brokers: 4 } }),
        owner.gql(SCALE, { id: deployment.id, change: { storagePerBrokerGiB: 600 } }),
      ]);
      expect(results.map(codes).sort()).toEqual([[], ['CONFLICT']]);
      const refused = results.find((r) => r.errors)!;
      expect(refused.errors?.[0].extensions.reason).toBe('OPERATION_IN_PROGRESS');
      expect(await api.prisma.operation.count({ where: { deploymentId: deployment.id, active: true } })).toBe(
        1,
      );
      expect(await jobCount()).toBe(jobsBefore + 1);
    });

    it('scales brokers down only with a rebalance first, recorded for the worker', async () => {
      const deployment = await runningDeployment(awsSpec({ brokers: 5 }));
      const scaled = expectOk(await owner.gql(SCALE, { id: deployment.id, change: { brokers: 3 } }), 'scale');
      expect(scaled.scaleDeployment.operation).toMatchObject({ type: 'SCALE', rebalanceFirst: true });
      expect(scaled.scaleDeployment.deployment.generation).toBe(2);
      const operation = await api.prisma.operation.findUniqueOrThrow({
        where: { id: scaled.scaleDeployment.operation.id },
      });
      expect(operation.input).toMatchObject({
        rebalance: { fromBrokers: 5, toBrokers: 3, removeBrokerIds: [3, 4] },
      });
    });

    it('refuses changing the controllers (CONFLICT), writing and enqueuing nothing', async () => {
      const deployment = await runningDeployment();
      const result = await expectNothingDone(() =>
        owner.gql(SCALE, { id: deployment.id, change: { controllers: 5 } }),
      );
      expect(codes(result)).toEqual(['CONFLICT']);
      expect(result.errors?.[0].extensions.fields?.map((f: { code: string }) => f.code)).toEqual([
        'CONTROLLERS_CHANGED',
      ]);
    });

    it('destroys with the typed name, says what is kept, and refuses destroying a destroyed deployment', async () => {
      const deployment = await runningDeployment(awsSpec({ brokers: 3, storagePerBrokerGiB: 500 }));
      const wrong = await expectNothingDone(() => owner.gql(DESTROY, { id: deployment.id, name: 'not-it' }));
      expect(codes(wrong)).toEqual(['BAD_USER_INPUT']);

      const destroyed = expectOk(
        await owner.gql(DESTROY, { id: deployment.id, name: deployment.name }),
        'destroy',
      );
      expect(destroyed.destroyDeployment).toMatchObject({
        operation: { type: 'DESTROY' },
        cloudAccountId: accountId,
        retainedVolumes: { totalGiB: 1500 },
      });
      // What the worker would do when the DESTROY operation succeeds.
      await api.prisma.$transaction([
        api.prisma.operation.update({
          where: { id: destroyed.destroyDeployment.operation.id },
          data: { status: 'SUCCEEDED', active: null },
        }),
        api.prisma.deployment.update({
          where: { id: deployment.id },
          data: { status: 'DESTROYED', destroyedAt: new Date() },
        }),
      ]);
      const again = await expectNothingDone(() =>
        owner.gql(DESTROY, { id: deployment.id, name: deployment.name }),
      );
      expect(codes(again)).toEqual(['CONFLICT']);
    });

    it('cancels a queued operation at once and restores the desired spec', async () => {
      const deployment = await runningDeployment();
      const scaled = expectOk(await owner.gql(SCALE, { id: deployment.id, change: { brokers: 6 } }), 'scale');
      const operationId = scaled.scaleDeployment.operation.id;
      const cancelled = expectOk(
        await owner.gql(
          'mutation($id: ID!) { cancelOperation(operationId: $id) { operation { status } deployment { brokers generation } } }',
          { id: operationId },
        ),
        'cancel',
      );
      expect(cancelled.cancelOperation).toEqual({
        operation: { status: 'CANCELLED' },
        deployment: { brokers: 3, generation: 1 },
      });
      expect(await queue.getJob(operationJobId(operationId))).toBeUndefined();
    });
  });

  describe('upgrades', () => {
    it('refuses approving an expired proposal (CONFLICT), writing and enqueuing nothing', async () => {
      const deployment = await runningDeployment(awsSpec({ kafkaVersion: '4.2.1' }));
      const proposal = await api.prisma.upgradeProposal.create({
        data: {
          orgId: org.organization.id,
          deploymentId: deployment.id,
          fromVersion: '4.2.1',
          toVersion: '4.3.1',
          expiresAt: new Date(Date.now() - 1000),
        },
      });
      const start = new Date(Date.now() + 3600_000);
      const result = await expectNothingDone(() =>
        owner.gql(
          'mutation($id: ID!, $w: MaintenanceWindowInput!) { approveUpgrade(proposalId: $id, window: $w) { id } }',
          {
            id: proposal.id,
            w: { start: start.toISOString(), end: new Date(start.getTime() + 2 * 3600_000).toISOString() },
          },
        ),
      );
      expect(codes(result)).toEqual(['CONFLICT']);
      expect(result.errors?.[0].extensions.reason).toBe('UPGRADE_PROPOSAL_EXPIRED');
    });

    it('approving schedules the UPGRADE as a job delayed to the window', async () => {
      const deployment = await runningDeployment(awsSpec({ kafkaVersion: '4.2.1' }));
      const proposal = await api.prisma.upgradeProposal.create({
        data: {
          orgId: org.organization.id,
          deploymentId: deployment.id,
          fromVersion: '4.2.1',
          toVersion: '4.3.1',
          expiresAt: new Date(Date.now() + 86_400_000),
        },
      });
      const start = new Date(Date.now() + 3600_000);
      const approved = expectOk(
        await owner.gql(
          'mutation($id: ID!, $w: MaintenanceWindowInput!) { approveUpgrade(proposalId: $id, window: $w) { state operationId } }',
          {
            id: proposal.id,
            w: { start: start.toISOString(), end: new Date(start.getTime() + 3600_000).toISOString() },
          },
        ),
        'approve',
      ).approveUpgrade;
      expect(approved.state).toBe('SCHEDULED');
      const job = await queue.getJob(operationJobId(approved.operationId));
      expect(await job?.getState()).toBe('delayed');
    });
  });

  it('never returns cloud credentials', async () => {
    const secret = `azure-secret-${randomUUID()}`;
    expectOk(
      await owner.gql(
        'mutation($input: ConnectAzureAccountInput!) { connectAzureAccount(input: $input) { id } }',
        {
          input: {
            name: 'Azure',
            tenantId: randomUUID(),
            clientId: randomUUID(),
            clientSecret: secret,
            subscriptionId: randomUUID(),
            allowedRegions: ['westeurope'],
          },
        },
      ),
      'connecting Azure',
    );
    const everything = await owner.gql(
      `{ deployments { id name spec { name } outputs { clusterName grafanaUrl } } }`,
    );
    expect(JSON.stringify(everything)).not.toContain(secret);
    expect(api.logs.join('\n')).not.toContain(secret);
  });
});
