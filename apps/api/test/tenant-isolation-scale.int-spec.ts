import { defaultSpec, supportedKafkaVersions } from '@streamplane/deployment-spec';
import { PROVISIONING_QUEUE, provisioningQueueOptions, UpgradesService } from '@streamplane/deployments';
import { Queue } from 'bullmq';
import { getNamedType, isNonNullType } from 'graphql';
import { randomUUID } from 'node:crypto';
import {
  awsSpec,
  connectAwsAccount,
  createDraftPipeline,
  createToken,
  pipelineSpecInput,
  specInput,
  verifyCloudAccount,
} from './fixtures';
import { linkCloudAccount, linkedPair, type LinkedPair } from './replication-fixtures';
import { callFor, fetchOperations, type Call, type CallFixtures, type Operation } from './graphql-calls';
import {
  describeResult,
  expectOk,
  startTestApi,
  type ApiClient,
  type GqlResult,
  type SignedUp,
  type TestApi,
} from './harness';
import {
  EVENT_FIELDS,
  EventPublisher,
  events,
  PIPELINE_EVENT_FIELDS,
  pipelineStatusEvent,
  SubscriptionSocket,
  whenLive,
  type LiveSubscription,
} from './subscription-client';
import { startTestProvisioner, type TestProvisioner } from './test-provisioner';

/**
 * Tenant isolation at scale, through the real queue and provisioner (local engine, zero latency): two
 * organizations order 50 deployments each through GraphQL, all 100 reach RUNNING, and neither sees nor
 * touches the other's over any query, mutation or subscription that reaches a deployment, its operations,
 * its upgrade proposals or its cloud account. The operations come from the running api's schema, so a new
 * one is probed the day it is added — or this test fails until it says how.
 *
 * A refusal must be indistinguishable from the answer to random ids (the same message, code and reason), so
 * that nobody can tell whether another organization's id exists. (Two mutations on one deployment at once
 * are serialised: deployments.int-spec.ts checks it in the api, provisioner.int-spec.ts in the worker.)
 */

jest.setTimeout(60_000);

const DEPLOYMENTS_PER_ORGANIZATION = 50;
/** The last few of each organization's deployments run an older Kafka, so that they get upgrade proposals. */
const ON_OLDER_KAFKA = 5;
/** Deployments (by index) that get a draft pipeline each: none that the subscription tests change. */
const WITH_PIPELINES = [40, 41, 42, 43, 44];

interface Ordered {
  id: string;
  name: string;
  /** Its CREATE operation. */
  operationId: string;
}

interface Tenant {
  label: 'A' | 'B';
  org: SignedUp;
  /** The OWNER's browser session. */
  owner: ApiClient;
  /** An ADMIN-scope API token of the OWNER. */
  token: string;
  cloudAccountId: string;
  deployments: Ordered[];
  proposalIds: string[];
  /** Draft pipelines, one on each of WITH_PIPELINES' deployments. */
  pipelines: { id: string; deploymentId: string }[];
  /** One ACTIVE replication link between two deployments of its own (in two regions). */
  links: LinkedPair[];
}

/**
 * The ID arguments through which an operation reaches a deployment or what belongs to it, and the victim's
 * object each probe passes in them: probe i uses the victim's i-th deployment, its CREATE operation, one of
 * its upgrade proposals and its cloud account, so that every one of the victim's ids is tried.
 */
const VICTIM_IDS: Record<string, (victim: Tenant, i: number) => string> = {
  deploymentId: (victim, i) => victim.deployments[i].id,
  operationId: (victim, i) => victim.deployments[i].operationId,
  proposalId: (victim, i) => victim.proposalIds[i % victim.proposalIds.length],
  cloudAccountId: (victim) => victim.cloudAccountId,
  pipelineId: (victim, i) => victim.pipelines[i % victim.pipelines.length].id,
  linkId: (victim, i) => victim.links[i % victim.links.length].linkId,
  sourceDeploymentId: (victim, i) => victim.deployments[i].id,
  targetDeploymentId: (victim, i) => victim.deployments[(i + 1) % victim.deployments.length].id,
};

/** ID arguments of people, credentials and billing: tenant-isolation.int-spec.ts probes those operations. */
const PROBED_ELSEWHERE = ['memberId', 'tokenId', 'invitationId', 'invoiceId', 'notificationId'];

/** What each subscription is opened with on a tenant's own objects, to watch its own activity arrive. */
const OWN_SUBSCRIPTIONS: Record<string, (own: Tenant) => Record<string, unknown>> = {
  'Subscription.deploymentEvents': (own) => ({ deploymentId: watched(own).id }),
  'Subscription.deploymentsChanged': () => ({}),
  'Subscription.pipelineStatus': (own) => ({ pipelineId: own.pipelines[0].id }),
};

/** The deployment each tenant watches with the per-deployment subscription; its first activity scales it. */
const watched = (tenant: Tenant) => tenant.deployments[0];

const CREATE = `mutation($input: CreateDeploymentInput!) {
  createDeployment(input: $input) { deployment { id name } operation { id } } }`;
const SCALE = `mutation($id: ID!) {
  scaleDeployment(deploymentId: $id, change: { brokers: 4 }) { operation { id } } }`;
const DESTROY = `mutation($id: ID!, $name: String!) {
  destroyDeployment(deploymentId: $id, confirmName: $name) { operation { id } } }`;

/** Argument values that make a probe a valid call, but for whose ids it carries. */
function argumentValues(victim: Tenant, i: number): NonNullable<CallFixtures['perOperation']> {
  const start = new Date(Date.now() + 2 * 3600_000);
  return {
    'Query.previewChange': { args: { change: { brokers: 4 } } },
    'Mutation.scaleDeployment': { args: { change: { brokers: 4 } } },
    'Mutation.destroyDeployment': { args: { confirmName: victim.deployments[i].name } },
    'Mutation.createDeployment': { args: { input: { spec: specInput(awsSpec()) } } },
    'Mutation.createPipeline': { args: { input: { spec: pipelineSpecInput() } } },
    'Mutation.updatePipeline': { args: { spec: { stages: pipelineSpecInput().stages } } },
    'Mutation.createReplicationLink': {
      args: { input: { mode: 'ONE_WAY', topics: ['orders'], consumerGroups: ['*'] } },
    },
    'Mutation.updateReplicationLink': { args: { input: { topics: ['payments.*'] } } },
    'Mutation.approveUpgrade': {
      args: {
        window: { start: start.toISOString(), end: new Date(start.getTime() + 2 * 3600_000).toISOString() },
      },
    },
  };
}

/** What a caller learns from an answer: the data, and each error's message, code and reason. */
function answer(op: Operation, result: GqlResult): string {
  return JSON.stringify({
    data: result.data?.[op.field.name] ?? null,
    errors: (result.errors ?? []).map(({ message, path, extensions }) => ({
      message,
      path,
      code: extensions?.code,
      reason: extensions?.reason,
    })),
  });
}

/** Runs `work` over `items`, `width` at a time. */
async function inBatches<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width) await Promise.all(items.slice(i, i + width).map(work));
}

describe('tenant isolation at scale: 100 deployments across two organizations', () => {
  let api: TestApi;
  let provisioner: TestProvisioner;
  let queue: Queue;
  let publisher: EventPublisher;
  let operations: Operation[];
  let a: Tenant;
  let b: Tenant;
  const sockets: SubscriptionSocket[] = [];
  /** The operations probed with the other organization's ids, printed at the end. */
  const covered = new Set<string>();
  const other = (tenant: Tenant) => (tenant === a ? b : a);

  beforeAll(async () => {
    const started = Date.now();
    api = await startTestApi({
      // A queue and event channels of this file's own: no other test's leftover job reaches this provisioner.
      REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}scale:`,
      GRAPHQL_MAX_DEPTH: '20', // for the introspection query
      // Runs spend their time writing and publishing resource events, not computing: more at once.
      PROVISIONER_CONCURRENCY: '16',
    });
    provisioner = await startTestProvisioner(api);
    queue = new Queue(PROVISIONING_QUEUE, provisioningQueueOptions(api.config));
    publisher = new EventPublisher(api);
    operations = await fetchOperations(api.client());
    [a, b] = await Promise.all([signUp('A'), signUp('B')]);

    // Both organizations order all their deployments at once, interleaved.
    const older = supportedKafkaVersions().find((v) => v !== defaultSpec('aws').kafkaVersion);
    if (!older) throw new Error('no Kafka version older than the default to upgrade from');
    const orderedAt = Date.now();
    await Promise.all(
      Array.from({ length: DEPLOYMENTS_PER_ORGANIZATION }, (_, i) =>
        [a, b].map(async (tenant) => {
          const olderKafka = i >= DEPLOYMENTS_PER_ORGANIZATION - ON_OLDER_KAFKA;
          const spec = awsSpec(olderKafka ? { kafkaVersion: older } : {});
          const created = expectOk(
            withLogs(
              await tenant.owner.gql(CREATE, {
                input: { cloudAccountId: tenant.cloudAccountId, spec: specInput(spec) },
              }),
            ),
            `ordering deployment ${i} of ${tenant.label}`,
          ).createDeployment;
          tenant.deployments[i] = { ...created.deployment, operationId: created.operation.id };
        }),
      ).flat(),
    );
    await allRunning([...a.deployments, ...b.deployments].map((d) => d.id));
    console.log(
      `${2 * DEPLOYMENTS_PER_ORGANIZATION} deployments ordered and RUNNING in ${Date.now() - orderedAt} ms ` +
        `(whole set-up ${Date.now() - started} ms)`,
    );

    // Streamplane proposes upgrades itself (a system job, which the provisioner's schedule may also have
    // run by now): to the deployments on the older Kafka.
    await api.app.get(UpgradesService).proposeUpgrades();
    for (const tenant of [a, b]) {
      const proposals = await api.prisma.upgradeProposal.findMany({
        where: { orgId: tenant.org.organization.id, state: 'PROPOSED' },
      });
      tenant.proposalIds = proposals.map((p) => p.id);
      // A link needs deployments in two regions with an external listener: two more, in their own account.
      tenant.links.push(await linkedPair(api, tenant.owner, await linkCloudAccount(tenant.owner), 'ACTIVE'));
      // Drafts: pipelines that queue nothing, so that the deployments' operations stay as they are.
      for (const i of WITH_PIPELINES) {
        const pipeline = await createDraftPipeline(tenant.owner, tenant.deployments[i].id);
        tenant.pipelines.push({ id: pipeline.id, deploymentId: pipeline.deploymentId });
      }
      if (tenant.proposalIds.length !== ON_OLDER_KAFKA)
        throw new Error(
          `${tenant.label} has ${tenant.proposalIds.length} upgrade proposals, not ${ON_OLDER_KAFKA}`,
        );
    }
  }, 300_000);

  afterAll(async () => {
    console.log(`probed with the other organization's ids: ${[...covered].sort().join(', ')}`);
    await Promise.all(sockets.map((socket) => socket.close()));
    await publisher?.close();
    await queue?.close();
    await provisioner?.close();
    await api?.close();
  });

  async function signUp(label: Tenant['label']): Promise<Tenant> {
    const owner = api.client();
    const org = await owner.signup({ organizationName: `Org ${label} ${randomUUID().slice(0, 8)}` });
    const token = (await createToken(owner, ['ADMIN'])).secret;
    const account = await connectAwsAccount(owner);
    await verifyCloudAccount(owner, account.id);
    return {
      label,
      org,
      owner,
      token,
      cloudAccountId: account.id,
      deployments: [],
      proposalIds: [],
      pipelines: [],
      links: [],
    };
  }

  /**
   * `result`, with the log lines of its request attached when it failed INTERNAL (the cause is logged, not
   * answered; with the provisioner in this process, Nest's static logger is the provisioner's).
   */
  function withLogs(result: GqlResult): GqlResult {
    for (const error of result.errors ?? []) {
      if (error.extensions?.code !== 'INTERNAL') continue;
      const lines = [...api.logs, ...provisioner.logs].filter((line) =>
        line.includes(error.extensions.requestId),
      );
      Object.assign(error.extensions, { log: lines.join('') });
    }
    return result;
  }

  /** Waits until every one of `ids` is RUNNING; fails at once if one FAILED. */
  async function allRunning(ids: string[], timeoutMs = 240_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await api.prisma.deployment.findMany({
        where: { id: { in: ids } },
        select: { id: true, status: true, statusMessage: true },
      });
      const failed = rows.filter((r) => r.status === 'FAILED');
      if (failed.length > 0) throw new Error(`deployments FAILED: ${JSON.stringify(failed)}`);
      const running = rows.filter((r) => r.status === 'RUNNING').length;
      if (running === ids.length) return;
      if (Date.now() > deadline) {
        throw new Error(
          `${running} of ${ids.length} deployments RUNNING after ${timeoutMs} ms; the provisioner's last ` +
            `lines:\n${provisioner.logs.slice(-20).join('')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Everything of a tenant's that the other must never see. */
  function secretsOf(tenant: Tenant): string[] {
    return [
      tenant.org.organization.id,
      tenant.cloudAccountId,
      ...tenant.deployments.flatMap((d) => [d.id, d.name, d.operationId]),
      ...tenant.proposalIds,
      ...tenant.pipelines.map((p) => p.id),
    ];
  }

  /** The operations of `kinds` that take an ID, but none of people, credentials or billing. */
  const probed = (kinds: Operation['kind'][]) =>
    operations.filter(
      (op) =>
        kinds.includes(op.kind) &&
        op.idArgs.length > 0 &&
        !op.idArgs.some((arg) => PROBED_ELSEWHERE.includes(arg)),
    );

  /**
   * The calls of `op` with `victim`'s ids, one per distinct set of them (every deployment and operation,
   * each proposal, the account once), and the same call with random ids to compare their answers with.
   */
  function probesOf(op: Operation, victim: Tenant): { probes: Call[]; random: Call } {
    const call = (i: number, idOf: (arg: string) => string) =>
      callFor(
        op,
        {
          ids: Object.fromEntries(op.idArgs.map((arg) => [arg, idOf(arg)])),
          perOperation: argumentValues(victim, i),
        },
        2,
      );
    const distinct = new Map<string, Call>();
    for (const i of victim.deployments.keys()) {
      const probe = call(i, (arg) => VICTIM_IDS[arg](victim, i));
      const key = JSON.stringify(op.idArgs.map((arg) => VICTIM_IDS[arg](victim, i)));
      if (!distinct.has(key)) distinct.set(key, probe);
    }
    return { probes: [...distinct.values()], random: call(0, () => randomUUID()) };
  }

  /**
   * Whether `op` names its object by an ID — a mutation, or a read with a required ID — so that a wrong id
   * is NOT_FOUND; a read with an optional ID filter may answer an empty result instead, the same for all.
   */
  const namesObject = (op: Operation) =>
    op.kind !== 'query' ||
    op.field.args.some((arg) => op.idArgs.includes(arg.name) && isNonNullType(arg.type));

  /**
   * Each tenant calls every one of `ops` with each of the other's ids, over HTTP: each answer must be the
   * answer to random ids — a NOT_FOUND where the ID names the object. Returns what differed.
   */
  async function probeEach(ops: Operation[]): Promise<string[]> {
    const problems: string[] = [];
    for (const attacker of [a, b]) {
      for (const op of ops) {
        const { probes, random } = probesOf(op, other(attacker));
        const expected = await attacker.owner.gql(random.query, random.variables);
        if (namesObject(op) && expected.errors?.map((e) => e.extensions.code).join() !== 'NOT_FOUND')
          problems.push(`${op.name} with random ids is not a NOT_FOUND: ${describeResult(expected)}`);
        // One difference is enough: the first probe goes alone, and after a difference the rest are skipped.
        let differed = false;
        const check = async (probe: Call) => {
          if (differed) return;
          const got = answer(op, await attacker.owner.gql(probe.query, probe.variables));
          if (got === answer(op, expected) || differed) return;
          differed = true;
          problems.push(
            `${op.name} by ${attacker.label} with ${JSON.stringify(probe.variables)}: ${got}, ` +
              `with random ids: ${answer(op, expected)}`,
          );
        };
        await check(probes[0]);
        await inBatches(probes.slice(1), 10, check);
        covered.add(op.name);
      }
    }
    return problems;
  }

  it('finds every ID argument of the schema probed here or in tenant-isolation.int-spec.ts', () => {
    const unknown = operations.flatMap((op) =>
      op.idArgs
        .filter((arg) => !(arg in VICTIM_IDS) && !PROBED_ELSEWHERE.includes(arg))
        .map((arg) => `${op.name}(${arg}: ID)`),
    );
    // A new ID argument: add what of the victim's it names to VICTIM_IDS (or, when it is not about
    // deployments and tenant-isolation.int-spec.ts probes it, to PROBED_ELSEWHERE).
    expect(unknown).toEqual([]);
  });

  it('lists each organization exactly its own 50 deployments, and nothing of the other in any read', async () => {
    const problems: string[] = [];
    // Every read without required arguments (the lists), with two levels of nested objects.
    const reads = operations.filter(
      (op) =>
        op.kind === 'query' &&
        op.field.args.every((arg) => !isNonNullType(arg.type) || arg.defaultValue !== undefined),
    );
    expect(reads.map((op) => op.name)).toEqual(
      expect.arrayContaining(['Query.deployments', 'Query.cloudAccounts', 'Query.auditLog']),
    );
    for (const tenant of [a, b]) {
      const listed = expectOk(await tenant.owner.gql('{ deployments { id } }'), 'listing').deployments as {
        id: string;
      }[];
      const linked = tenant.links.flatMap((link) => [link.sourceId, link.targetId]);
      expect(listed.map((d) => d.id).sort()).toEqual(
        [...tenant.deployments.map((d) => d.id), ...linked].sort(),
      );

      for (const op of reads) {
        // An optional deployment filter (replicationLinks) narrows to one of the tenant's own deployments.
        const call = callFor(op, { deploymentId: tenant.links[0].sourceId }, 2);
        const result = await tenant.owner.gql(call.query, call.variables);
        if (result.errors?.length || result.data?.[op.field.name] == null) {
          problems.push(`${op.name} as ${tenant.label} did not answer: ${describeResult(result)}`);
          continue;
        }
        const text = JSON.stringify(result.data);
        const leaked = secretsOf(other(tenant)).filter((secret) => text.includes(secret));
        if (leaked.length > 0) problems.push(`${op.name} shows ${tenant.label} ${leaked.join(', ')}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("answers every read of the other organization's ids exactly as one of random ids", async () => {
    const reads = probed(['query']);
    expect(reads.map((op) => op.name)).toEqual(
      expect.arrayContaining([
        'Query.deployment',
        'Query.operations',
        'Query.resourceEvents',
        'Query.upgradeProposals',
        'Query.pipeline',
        'Query.pipelines',
      ]),
    );
    expect(await probeEach(reads)).toEqual([]);
  });

  it("pages a tenant's own operations after the other's operation ids exactly as after random ones", async () => {
    const OPERATIONS = `query($id: ID!, $after: String) {
      operations(deploymentId: $id, page: { first: 50, after: $after }) { items { id } nextCursor } }`;
    const op = operations.find((o) => o.name === 'Query.operations')!;
    const problems: string[] = [];
    for (const tenant of [a, b]) {
      const page = (after: string) => tenant.owner.gql(OPERATIONS, { id: watched(tenant).id, after });
      const random = answer(op, await page(randomUUID()));
      for (const { operationId } of other(tenant).deployments) {
        const got = answer(op, await page(operationId));
        if (got !== random) problems.push(`after ${operationId}: ${got}, after a random id: ${random}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("refuses every mutation of the other organization's ids as one of random ids, changing and enqueuing nothing", async () => {
    const mutations = probed(['mutation']);
    expect(mutations.map((op) => op.name)).toEqual(
      expect.arrayContaining([
        'Mutation.createDeployment',
        'Mutation.scaleDeployment',
        'Mutation.destroyDeployment',
        'Mutation.retryOperation',
        'Mutation.cancelOperation',
        'Mutation.approveUpgrade',
        'Mutation.declineUpgrade',
        'Mutation.rotateAgentToken',
        'Mutation.createPipeline',
        'Mutation.updatePipeline',
        'Mutation.deployPipeline',
        'Mutation.pausePipeline',
        'Mutation.resumePipeline',
        'Mutation.deletePipeline',
      ]),
    );
    // Both organizations' rows and jobs (not the whole database: other files' leftovers share it, and the
    // api's enqueue sweep may hand one of them to this file's provisioner meanwhile).
    const state = async () => ({ a: await rowsOf(a), b: await rowsOf(b), jobs: await jobsOf([a, b]) });
    const before = await state();

    expect(await probeEach(mutations)).toEqual([]);

    const after = await state();
    // What a victim would notice first, spelled out for a readable failure; then everything.
    for (const tenant of ['a', 'b'] as const)
      expect(summaryOf(after[tenant])).toEqual(summaryOf(before[tenant]));
    expect(after.jobs).toEqual(before.jobs);
    expect(after).toEqual(before);
  });

  /** A tenant's deployments, operations, upgrade proposals, cloud accounts, audit log and agent tokens, from the database. */
  async function rowsOf(tenant: Tenant) {
    const where = { orgId: tenant.org.organization.id };
    const orderBy = { id: 'asc' } as const;
    return {
      deployments: await api.prisma.deployment.findMany({ where, orderBy }),
      operations: await api.prisma.operation.findMany({ where, orderBy }),
      proposals: await api.prisma.upgradeProposal.findMany({ where, orderBy }),
      cloudAccounts: await api.prisma.cloudAccount.findMany({ where, orderBy }),
      auditLog: await api.prisma.auditLog.findMany({ where, orderBy }),
      agentTokens: await api.prisma.agentToken.findMany({ where, orderBy }),
      pipelines: await api.prisma.pipeline.findMany({ where, orderBy }),
    };
  }

  function summaryOf(rows: Awaited<ReturnType<typeof rowsOf>>) {
    return {
      deployments: rows.deployments.map((d) => `${d.id} ${d.status} generation ${d.generation}`),
      operations: rows.operations.length,
      proposals: rows.proposals.map((p) => `${p.id} ${p.state}`),
    };
  }

  /** The provisioning queue's jobs for the tenants' operations, in any state. */
  async function jobsOf(tenants: Tenant[]): Promise<string[]> {
    const orgIds = tenants.map((tenant) => tenant.org.organization.id);
    const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized']);
    return jobs
      .filter((job) => orgIds.includes((job.data as { orgId?: string }).orgId ?? ''))
      .map((job) => job.id ?? '')
      .sort();
  }

  describe('subscriptions', () => {
    /** Each tenant's subscriptions, by operation name. */
    const streams = new Map<Tenant, Map<string, LiveSubscription>>();
    /** The events a subscription received, without the probes that told when it was live. */
    const received = (sub: LiveSubscription): any[] =>
      sub.events.map((e) => Object.values((e.data ?? {}) as object)[0]).filter((e) => e?.message !== 'probe');

    it('watches every subscription of the schema', () => {
      const names = operations.filter((op) => op.kind === 'subscription').map((op) => op.name);
      expect(names.filter((name) => !(name in OWN_SUBSCRIPTIONS))).toEqual([]); // add it to OWN_SUBSCRIPTIONS
      expect(Object.keys(OWN_SUBSCRIPTIONS).filter((name) => !names.includes(name))).toEqual([]);
    });

    it("carries each organization's own activity, and none of the other's", async () => {
      for (const tenant of [a, b]) {
        const socket = await socketOf(tenant);
        const subs = new Map<string, LiveSubscription>();
        for (const op of operations.filter((o) => o.kind === 'subscription')) {
          const sub = socket.subscribe(...watchCall(op, OWN_SUBSCRIPTIONS[op.name](tenant)));
          // The protocol does not acknowledge a subscription: a probe of the tenant's own says it is live.
          const [pipeline] = tenant.pipelines;
          await whenLive(sub, async () => {
            await publisher.publish(
              events.status(tenant.org.organization.id, watched(tenant).id, 'RUNNING', 'probe'),
            );
            await publisher.publishPipeline(
              pipelineStatusEvent(tenant.org.organization.id, pipeline.deploymentId, pipeline.id, 'probe'),
            );
          });
          subs.set(op.name, sub);
        }
        streams.set(tenant, subs);
      }

      // B, then A, then B again change their own deployments, each until its own streams have the last
      // event: the api receives every organization's events on one Redis connection, in publication order,
      // so by then anything of the previous phase would have reached a wrong stream already.
      await act(b, { scale: b.deployments.slice(0, 3), destroy: b.deployments.slice(3, 5) });
      await act(a, { scale: a.deployments.slice(0, 3), destroy: a.deployments.slice(3, 5) });
      expectOnlyOwn(a);
      await act(b, { scale: b.deployments.slice(5, 6), destroy: [] });
      expectOnlyOwn(b);
    });

    it("refuses a subscription to the other organization's ids exactly as one to random ids", async () => {
      const subscriptions = probed(['subscription']);
      expect(subscriptions.map((op) => op.name)).toEqual(
        expect.arrayContaining(['Subscription.deploymentEvents', 'Subscription.pipelineStatus']),
      );
      const problems: string[] = [];
      const outcome = async (socket: SubscriptionSocket, call: Call) => {
        const sub = socket.subscribe(call.query, call.variables);
        await sub.until(() => sub.ending !== undefined, 10_000, 'the refusal');
        return JSON.stringify({ ending: sub.ending, events: sub.events });
      };
      for (const attacker of [a, b]) {
        const socket = await socketOf(attacker);
        for (const op of subscriptions) {
          const { probes, random } = probesOf(op, other(attacker));
          const expected = await outcome(socket, random);
          for (const probe of probes) {
            const got = await outcome(socket, probe);
            if (got !== expected)
              problems.push(
                `${op.name} with ${JSON.stringify(probe.variables)}: ${got}, random: ${expected}`,
              );
          }
          covered.add(op.name);
        }
        expect(socket.isOpen).toBe(true); // a refused subscription is not a refused connection
      }
      expect(problems).toEqual([]);

      // And the refusal is the typed NOT_FOUND of queries.
      const sub = (await socketOf(a)).subscribe(
        'subscription($id: ID!) { deploymentEvents(deploymentId: $id) { __typename } }',
        { id: b.deployments[0].id },
      );
      await sub.until(() => sub.ending !== undefined, 10_000, 'the refusal');
      expect(sub.ending).toMatchObject({
        kind: 'error',
        errors: [{ extensions: { code: 'NOT_FOUND', reason: 'DEPLOYMENT_NOT_FOUND' } }],
      });
    });

    /** A over its OWNER's browser session (from our own page), B over its API token. */
    async function socketOf(tenant: Tenant): Promise<SubscriptionSocket> {
      const socket =
        tenant === a
          ? await SubscriptionSocket.browser(a.owner, new URL(api.config.http.publicUrl).origin)
          : await SubscriptionSocket.bearer(api.baseUrl, b.token);
      sockets.push(socket);
      return socket;
    }

    /**
     * `tenant` scales and destroys some of its deployments through GraphQL, then waits until its
     * deploymentsChanged stream has the final status of each (and its deploymentEvents stream that of the
     * watched deployment, if it is among them).
     */
    async function act(tenant: Tenant, plan: { scale: Ordered[]; destroy: Ordered[] }): Promise<void> {
      const results = await Promise.all([
        ...plan.scale.map((d) => tenant.owner.gql(SCALE, { id: d.id })),
        ...plan.destroy.map((d) => tenant.owner.gql(DESTROY, { id: d.id, name: d.name })),
      ]);
      for (const result of results) expectOk(withLogs(result), `a change of ${tenant.label}'s own`);
      const finals = [
        ...plan.scale.map((d) => ({ deploymentId: d.id, status: 'RUNNING', observedGeneration: 2 })),
        ...plan.destroy.map((d) => ({ deploymentId: d.id, status: 'DESTROYED' })),
      ];
      const arrived = (sub: LiveSubscription, final: (typeof finals)[number]) =>
        received(sub).some((e) => e.kind === 'DEPLOYMENT_STATUS' && matches(e, final));
      const list = streams.get(tenant)!.get('Subscription.deploymentsChanged')!;
      await list.until(() => finals.every((f) => arrived(list, f)), 60_000, `${tenant.label}'s statuses`);
      const perDeployment = streams.get(tenant)!.get('Subscription.deploymentEvents')!;
      const own = finals.find((f) => f.deploymentId === watched(tenant).id);
      if (own) await perDeployment.until(() => arrived(perDeployment, own), 60_000, 'the watched status');
    }

    /** The tenant's streams hold its own activity, and nothing whatever of the other organization's. */
    function expectOnlyOwn(tenant: Tenant): void {
      const subs = streams.get(tenant)!;
      const list = received(subs.get('Subscription.deploymentsChanged')!);
      const perDeployment = received(subs.get('Subscription.deploymentEvents')!);

      // Its own: each changed deployment's operation and status changes in the list (without resources);
      // the watched deployment's operation through its resources to its end.
      for (const d of tenant.deployments.slice(0, 5)) {
        expect(list.filter((e) => e.deploymentId === d.id).map((e) => e.kind)).toEqual(
          expect.arrayContaining(['OPERATION', 'DEPLOYMENT_STATUS']),
        );
      }
      expect(list.filter((e) => e.kind === 'RESOURCE')).toEqual([]);
      expect(new Set(perDeployment.map((e) => e.deploymentId))).toEqual(new Set([watched(tenant).id]));
      expect(perDeployment.filter((e) => e.kind === 'OPERATION').map((e) => e.status)).toEqual(
        expect.arrayContaining(['QUEUED', 'RUNNING', 'SUCCEEDED']),
      );
      expect(perDeployment.some((e) => e.kind === 'RESOURCE')).toBe(true);

      // Its pipeline stream: its own pipeline's events only.
      const pipelineEvents = received(subs.get('Subscription.pipelineStatus')!);
      expect(pipelineEvents.filter((e) => e.pipelineId !== tenant.pipelines[0].id)).toEqual([]);

      // Nothing of the other's.
      const ownIds = new Set(tenant.deployments.map((d) => d.id));
      expect(list.filter((e) => !ownIds.has(e.deploymentId))).toEqual([]);
      const text = JSON.stringify([...subs.values()].map((sub) => sub.events));
      expect(secretsOf(other(tenant)).filter((secret) => text.includes(secret))).toEqual([]);
    }
  });

  /** `op` as a subscription selecting every field of its events, with `variables`. */
  function watchCall(op: Operation, variables: Record<string, unknown>): [string, Record<string, unknown>] {
    const type = getNamedType(op.field.type).name;
    const FIELDS: Record<string, string> = {
      DeploymentEvent: EVENT_FIELDS,
      PipelineStatusEvent: PIPELINE_EVENT_FIELDS,
    };
    if (!(type in FIELDS)) throw new Error(`${op.name} delivers ${type}: give it a selection here`);
    const definitions = op.field.args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
    const passed = op.field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
    const query =
      `subscription Watch${definitions ? `(${definitions})` : ''} ` +
      `{ ${op.field.name}${passed ? `(${passed})` : ''} { ${FIELDS[type]} } }`;
    return [query, variables];
  }
});

function matches(event: Record<string, unknown>, expected: Record<string, unknown>): boolean {
  return Object.entries(expected).every(([key, value]) => event[key] === value);
}
