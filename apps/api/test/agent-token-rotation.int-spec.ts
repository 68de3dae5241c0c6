import { OperationDispatcher, PROVISIONING_QUEUE, provisioningQueueOptions } from '@streamplane/deployments';
import {
  InMemoryLocalStateStore,
  LocalStackEngine,
  type PreviewResult,
  type StackEngine,
  type StackRequest,
  type StackRunResult,
} from '@streamplane/provisioning';
import { Queue } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
/* eslint-disable @nx/enforce-module-boundaries --
 * The provisioner is another app: like test-provisioner.ts, this runs it beside the api. */
import { startProvisioner, type Provisioner } from '../../provisioner/src/create-provisioner';
/* eslint-enable @nx/enforce-module-boundaries */
import { awsSpec, joinAs, orderDeployment, type Joined } from './fixtures';
import {
  expectOk,
  startTestApi,
  wholeDatabase,
  type ApiClient,
  type GqlResult,
  type TestApi,
} from './harness';
import { orgWithCloudAccount, postEvents, usageEvent, type OrgFixture } from './ingest-fixtures';

/**
 * The agent token on its way to the cluster, through the real api, queue and provisioner on the local engine
 * running the real infra program: every run hands the stack the token its cluster already has (so the
 * agent's Secret never changes by itself), `rotateAgentToken` pushes a new one with an UPDATE, a DESTROY
 * ends them all — and no token or sealed copy ever shows in an answer or a log line.
 */

jest.setTimeout(120_000);

const ROTATE = `mutation($id: ID!, $revoke: Boolean) {
  rotateAgentToken(deploymentId: $id, revokePrevious: $revoke) { id deploymentId type status generation } }`;
const SCALE = `mutation($id: ID!, $brokers: Int!) {
  scaleDeployment(deploymentId: $id, change: { brokers: $brokers }) { operation { id } } }`;
const DESTROY = `mutation($id: ID!, $name: String!) {
  destroyDeployment(deploymentId: $id, confirmName: $name) { operation { id } } }`;

/** What the engine was handed, per run (the token only to compare it, never printed). */
interface Run {
  operation: 'preview' | 'up' | 'destroy' | 'refresh';
  stackName: string;
  token: string;
}

/** The real local engine, recording each run's agent token; `hold()` keeps runs waiting until released. */
class RecordingEngine implements StackEngine {
  readonly kind = 'local' as const;
  readonly simulated = true;
  readonly runs: Run[] = [];
  private gate: Promise<void> | undefined;

  constructor(private readonly engine: LocalStackEngine) {}

  hold(): () => void {
    let release!: () => void;
    this.gate = new Promise((resolve) => (release = resolve));
    return () => {
      this.gate = undefined;
      release();
    };
  }

  preview(request: StackRequest): Promise<PreviewResult> {
    return this.record('preview', request).then(() => this.engine.preview(request));
  }
  up(request: StackRequest): Promise<StackRunResult> {
    return this.record('up', request).then(() => this.engine.up(request));
  }
  destroy(request: StackRequest): Promise<StackRunResult> {
    return this.record('destroy', request).then(() => this.engine.destroy(request));
  }
  refresh(request: StackRequest): Promise<StackRunResult> {
    return this.record('refresh', request).then(() => this.engine.refresh(request));
  }

  private async record(operation: Run['operation'], request: StackRequest): Promise<void> {
    const { token } = request.input.agent;
    if (typeof token !== 'string') throw new Error('the agent token reached the engine as something else');
    this.runs.push({ operation, stackName: request.stackName, token });
    await this.gate;
  }
}

describe('agent tokens: delivered to the cluster, rotated, revoked', () => {
  let api: TestApi;
  let provisioner: Provisioner;
  const provisionerLogs: string[] = [];
  let engine: RecordingEngine;
  const states = new InMemoryLocalStateStore();
  let queue: Queue;
  let org: OrgFixture;
  let admin: Joined;
  let member: Joined;
  let viewer: Joined;
  let deployment: { id: string; name: string; operationId: string };
  let stackName: string;
  /** Every GraphQL answer of this file, as text, and every token and sealed copy seen, for the leak check. */
  const answers: string[] = [];
  const secrets = new Set<string>();

  async function gql(
    client: ApiClient,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<GqlResult> {
    const result = await client.gql(query, variables);
    answers.push(JSON.stringify(result));
    return result;
  }

  async function operationDone(operationId: string): Promise<string> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const operation = await api.prisma.operation.findUniqueOrThrow({ where: { id: operationId } });
      if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(operation.status)) {
        if (operation.status !== 'SUCCEEDED')
          throw new Error(
            `${operation.type} ${operation.status}: ${operation.errorMessage}\n${provisionerLogs.join('')}`,
          );
        return operation.status;
      }
      if (Date.now() > deadline) throw new Error(`operation ${operationId} still ${operation.status}`);
      await sleep(25);
    }
  }

  /** The token the engine was handed by the last run of `operation` on the deployment's stack. */
  function lastToken(operation: Run['operation']): string {
    const run = engine.runs.filter((r) => r.stackName === stackName && r.operation === operation).at(-1);
    if (!run) throw new Error(`no ${operation} run of ${stackName}`);
    secrets.add(run.token);
    return run.token;
  }

  /** The Kubernetes Secret the in-cluster agent reads its token from, as the local engine's state holds it. */
  async function agentSecret() {
    const state = await states.read(stackName);
    const found = (state?.resources ?? []).filter(
      (r) => r.type === 'kubernetes:core/v1:Secret' && r.name.endsWith('agent-token'),
    );
    if (found.length !== 1)
      throw new Error(
        `expected one agent token Secret, found ${found.map((r) => r.urn).join(', ') || 'none'}`,
      );
    return found[0];
  }

  /** What a run did to the agent's Secret, from its resource events. */
  async function secretStepOf(operationId: string): Promise<string[]> {
    const { urn } = await agentSecret();
    const events = await api.prisma.resourceEvent.findMany({
      where: { operationId, urn },
      orderBy: { sequence: 'asc' },
    });
    return [...new Set(events.map((e) => e.operation))];
  }

  async function tokenRows() {
    const rows = await api.prisma.agentToken.findMany({
      where: { deploymentId: deployment.id },
      orderBy: { createdAt: 'asc' },
    });
    for (const row of rows) {
      if (row.tokenCiphertext) {
        secrets.add(Buffer.from(row.tokenCiphertext).toString('hex'));
        secrets.add(Buffer.from(row.tokenCiphertext).toString('base64'));
      }
    }
    return rows;
  }

  const accepts = async (token: string) =>
    (await postEvents(api.baseUrl, token, [usageEvent({ deploymentId: deployment.id })])).status === 200;
  const refusal = async (token: string) => {
    const response = await postEvents(api.baseUrl, token, [usageEvent({ deploymentId: deployment.id })]);
    return `${response.status} ${response.body?.error?.reason}`;
  };

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

  beforeAll(async () => {
    // No cached token lookups: what the api answers is what PostgreSQL holds, at once (the provisioner is
    // another process in production, whose revocations a replica notices within its cache time).
    api = await startTestApi({ INGEST_TOKEN_CACHE_SECONDS: '0' });
    engine = new RecordingEngine(new LocalStackEngine({ stateStore: states, latency: 0 }));
    provisioner = await startProvisioner(api.config, {
      engine,
      logDestination: { write: (line: string) => void provisionerLogs.push(line) },
    });
    queue = new Queue(PROVISIONING_QUEUE, provisioningQueueOptions(api.config));
    org = await orgWithCloudAccount(api);
    [admin, member, viewer] = [
      await joinAs(api, org.owner, org.orgId, 'ADMIN'),
      await joinAs(api, org.owner, org.orgId, 'MEMBER'),
      await joinAs(api, org.owner, org.orgId, 'VIEWER'),
    ];
    deployment = await orderDeployment(org.owner, org.cloudAccountId, awsSpec());
    stackName = `dep-${deployment.id}`;
  });

  afterAll(async () => {
    await provisioner?.close();
    await queue?.close();
    await api?.close();
  });

  it('CREATE gives the stack a token that authenticates for the deployment; SCALE and PREVIEW hand it the same one', async () => {
    await operationDone(deployment.operationId);
    const created = lastToken('up');
    expect(created).toMatch(/^sp_agt_/);
    expect(await accepts(created)).toBe(true);
    const rows = await tokenRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ revokedAt: null, expiresAt: null, tokenKeyId: expect.any(String) });
    const secretAtCreate = await agentSecret();
    expect(await secretStepOf(deployment.operationId)).toEqual(['create']);

    const scaled = expectOk(
      await gql(org.owner, SCALE, { id: deployment.id, brokers: 4 }),
      'scaling',
    ).scaleDeployment;
    await operationDone(scaled.operation.id);
    expect(lastToken('up')).toBe(created);
    // The agent's Secret is left as it is: same inputs in the stack's state, a `same` step in the run.
    expect(await agentSecret()).toEqual(secretAtCreate);
    expect(await secretStepOf(scaled.operation.id)).toEqual(['same']);

    // A PREVIEW operation (the worker's; nothing in the api queues one yet) shows no change to it either.
    const current = await api.prisma.deployment.findUniqueOrThrow({ where: { id: deployment.id } });
    const preview = await api.prisma.operation.create({
      data: {
        orgId: org.orgId,
        deploymentId: deployment.id,
        type: 'PREVIEW',
        generation: current.generation,
        input: { spec: current.spec as object },
        requestedByType: 'SYSTEM',
      },
    });
    await api.app.get(OperationDispatcher).dispatch(current, preview);
    await operationDone(preview.id);
    expect(lastToken('preview')).toBe(created);
    expect(await secretStepOf(preview.id)).toEqual(['same']);
    expect(await tokenRows()).toHaveLength(1);
  });

  it('rotateAgentToken: the UPDATE pushes a new token; the old one keeps working through its grace', async () => {
    const before = lastToken('up');
    const secretBefore = await agentSecret();
    const result = await gql(admin.client, ROTATE, { id: deployment.id });
    const operation = expectOk(result, 'rotating').rotateAgentToken;
    expect(operation).toMatchObject({ deploymentId: deployment.id, type: 'UPDATE', status: 'QUEUED' });
    await operationDone(operation.id);

    const rotated = lastToken('up');
    expect(rotated).not.toBe(before);
    expect(await accepts(rotated)).toBe(true);
    expect(await accepts(before)).toBe(true); // within its hour of grace
    expect((await agentSecret()).inputDigests).not.toEqual(secretBefore.inputDigests);
    expect(await secretStepOf(operation.id)).toEqual(['update']);

    const [old, current] = await tokenRows();
    expect(old).toMatchObject({ revokedAt: null, tokenCiphertext: null, tokenKeyId: null });
    expect(old.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 55 * 60_000);
    expect(current).toMatchObject({ revokedAt: null, expiresAt: null, tokenKeyId: expect.any(String) });

    const audit = await api.prisma.auditLog.findFirstOrThrow({
      where: { orgId: org.orgId, action: 'agent_token.rotate' },
    });
    expect(audit).toMatchObject({
      targetType: 'Deployment',
      targetId: deployment.id,
      actorId: admin.signedUp.user.id,
    });
    expect(audit.metadata).toEqual({ tokenId: current.id, revokePrevious: false, operationId: operation.id });
  });

  it('rotateAgentToken with revokePrevious ends the previous tokens at once', async () => {
    const before = lastToken('up');
    const [graced] = await tokenRows();
    const operation = expectOk(
      await gql(org.owner, ROTATE, { id: deployment.id, revoke: true }),
      'rotating a leaked token',
    ).rotateAgentToken;
    // Refused before the UPDATE has even run: a leaked token is useless from the answer on.
    expect(await refusal(before)).toBe('401 AGENT_TOKEN_REVOKED');
    await operationDone(operation.id);
    const rotated = lastToken('up');
    expect(rotated).not.toBe(before);
    expect(await accepts(rotated)).toBe(true);
    expect(await refusal(before)).toBe('401 AGENT_TOKEN_REVOKED');
    const rows = await tokenRows();
    expect(rows.find((r) => r.id === graced.id)?.revokedAt).not.toBeNull();
    expect(rows.filter((r) => r.revokedAt === null).map((r) => r.tokenKeyId !== null)).toEqual([true]);
  });

  it('refuses while another operation is active, for VIEWERs and MEMBERs, and for another organization, writing nothing', async () => {
    const tokensBefore = await tokenRows();

    // Another operation is running (held at the engine): CONFLICT, nothing issued.
    const release = engine.hold();
    const runsBefore = engine.runs.length;
    let scaling: string;
    try {
      scaling = expectOk(await gql(org.owner, SCALE, { id: deployment.id, brokers: 5 }), 'scaling')
        .scaleDeployment.operation.id;
      // RUNNING and waiting at the engine: nothing moves in the database until it is released.
      while (engine.runs.length === runsBefore) await sleep(10);
      const busy = await unchanged(() => gql(admin.client, ROTATE, { id: deployment.id }));
      expect(busy.errors?.map((e) => [e.extensions.code, e.extensions.reason])).toEqual([
        ['CONFLICT', 'OPERATION_IN_PROGRESS'],
      ]);
    } finally {
      release();
    }
    await operationDone(scaling);

    for (const [who, client] of [
      ['VIEWER', viewer.client],
      ['MEMBER', member.client],
    ] as const) {
      const refused = await unchanged(() => gql(client, ROTATE, { id: deployment.id, revoke: true }));
      expect({ who, errors: refused.errors?.map((e) => [e.extensions.code, e.extensions.reason]) }).toEqual({
        who,
        errors: [['FORBIDDEN', 'INSUFFICIENT_ROLE']],
      });
      expect(refused.data?.rotateAgentToken ?? null).toBeNull();
    }

    const other = await orgWithCloudAccount(api);
    const theirs = await unchanged(() => gql(other.owner, ROTATE, { id: deployment.id, revoke: true }));
    expect(theirs.errors?.map((e) => [e.extensions.code, e.extensions.reason])).toEqual([
      ['NOT_FOUND', 'DEPLOYMENT_NOT_FOUND'],
    ]);
    expect(theirs.data?.rotateAgentToken ?? null).toBeNull();
    expect(await tokenRows()).toEqual(tokensBefore);
  });

  it('DESTROY revokes every token of the deployment', async () => {
    const current = lastToken('up');
    const destroyed = expectOk(
      await gql(admin.client, DESTROY, { id: deployment.id, name: deployment.name }),
      'destroying',
    ).destroyDeployment;
    await operationDone(destroyed.operation.id);
    const rows = await tokenRows();
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.filter((r) => r.revokedAt === null || r.tokenCiphertext !== null)).toEqual([]);
    expect(await refusal(current)).toBe('401 AGENT_TOKEN_REVOKED');
    // And rotating a destroyed deployment's token is refused.
    const refused = await unchanged(() => gql(admin.client, ROTATE, { id: deployment.id }));
    expect(refused.errors?.map((e) => e.extensions.reason)).toEqual(['DEPLOYMENT_NOT_CHANGEABLE']);
  });

  it('never shows a token or its sealed copy in an answer or a log line', async () => {
    // The owner's reads of the deployment, its operations and the audit log, besides every answer above.
    await gql(
      org.owner,
      `query($id: ID!) { deployment(deploymentId: $id) { id status outputs { clusterName grafanaUrl } }
         operations(deploymentId: $id) { items { id type status errorMessage } } }`,
      { id: deployment.id },
    );
    await gql(org.owner, '{ auditLog { entries { action metadata } } }', {});
    expect(secrets.size).toBeGreaterThanOrEqual(6);
    const text = [...answers, ...api.logs, ...provisionerLogs].join('\n');
    expect(text).toContain('agent_token.rotate'); // the audit log was read
    const leaked = [...secrets].filter((secret) => text.includes(secret) || text.includes(secret.slice(-43)));
    expect(leaked).toEqual([]);
  });

  /** Runs `call` and expects it to have written nothing and queued no job. */
  async function unchanged(call: () => Promise<GqlResult>): Promise<GqlResult> {
    const [before, jobsBefore] = [await wholeDatabase(api.prisma), await jobCount()];
    const result = await call();
    expect(await wholeDatabase(api.prisma)).toEqual(before);
    expect(await jobCount()).toBe(jobsBefore);
    return result;
  }
});
