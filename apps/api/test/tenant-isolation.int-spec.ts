import type { PrismaService } from '@streamplane/db';
import { randomUUID } from 'node:crypto';
import { billingCallFixtures, setUpBilling } from './billing-fixtures';
import { createToken, deploymentCallFixtures, invite, joinAs, setUpDeployments } from './fixtures';
import { replicationCallFixtures } from './replication-fixtures';
import { callFor, fetchOperations, missingIds, type CallFixtures, type Operation } from './graphql-calls';
import { describeResult, expectOk, startTestApi, uniqueEmail, wholeDatabase } from './harness';
import type { ApiClient, GqlResult, SignedUp, TestApi } from './harness';
import { EventPublisher, events, pipelineStatusEvent, subscribeOnce } from './subscription-client';

/**
 * Schema-driven tenant isolation. Every Query, Mutation and Subscription that takes an ID is called by
 * organization B's OWNER (browser session and ADMIN-scope API token) with the ids of organization A's
 * objects, and must answer NOT_FOUND or FORBIDDEN without changing anything; subscriptions go over a
 * websocket, as clients use them. The operations come from the running api's schema, so a new one is
 * checked the day it is added — or this test fails until it has a fixture.
 */

/**
 * Operations that take an ID but need no cross-tenant check, with the reason. Keep this short: an entry
 * here is an operation whose isolation nobody tests.
 */
const EXCLUDED: Record<string, string> = {};

/** Reads scoped by the principal alone; B's answers must hold nothing of A. */
const PRINCIPAL_SCOPED_READS = [
  'Query.apiTokens',
  'Query.auditLog',
  'Query.cloudAccounts',
  'Query.creditBalance',
  'Query.currentPeriodEstimate',
  'Query.currentPeriodUsage',
  'Query.invitations',
  'Query.invoices',
  'Query.me',
  'Query.members',
  'Query.notifications',
  'Query.organization',
  'Query.pricePlan',
];

const REFUSALS = ['NOT_FOUND', 'FORBIDDEN'];

const SESSION_OF_B = "B's OWNER (session cookie)";
const TOKEN_OF_B = "B's OWNER's ADMIN-scope API token";
type PrincipalOfB = typeof SESSION_OF_B | typeof TOKEN_OF_B;
const PRINCIPALS_OF_B: PrincipalOfB[] = [SESSION_OF_B, TOKEN_OF_B];

// ---------------------------------------------------------------------------------------------------
// Organizations and their state

/** Everything organization A owns, read straight from the database (not through the api under test). */
async function rowsOfOrg(prisma: PrismaService, orgId: string) {
  const memberships = await prisma.membership.findMany({ where: { orgId }, orderBy: { id: 'asc' } });
  const userIds = memberships.map((m) => m.userId);
  const [
    organization,
    users,
    invitations,
    apiTokens,
    sessions,
    auditLog,
    cloudAccounts,
    deployments,
    operations,
    upgradeProposals,
    agentTokens,
    pipelines,
    replicationLinks,
  ] = await Promise.all([
    prisma.organization.findUnique({ where: { id: orgId } }),
    prisma.user.findMany({ where: { id: { in: userIds } }, orderBy: { id: 'asc' } }),
    prisma.invitation.findMany({ where: { orgId }, orderBy: { id: 'asc' } }),
    // lastUsedAt moves when a token authenticates; it is not something a caller changes.
    prisma.apiToken.findMany({ where: { orgId }, omit: { lastUsedAt: true }, orderBy: { id: 'asc' } }),
    prisma.session.findMany({
      where: { OR: [{ orgId }, { userId: { in: userIds } }] },
      select: {
        id: true,
        userId: true,
        orgId: true,
        revokedAt: true,
        revokedReason: true,
        expiresAt: true,
      },
      orderBy: { id: 'asc' },
    }),
    prisma.auditLog.findMany({
      where: { orgId },
      select: { id: true, action: true, targetId: true },
      orderBy: { id: 'asc' },
    }),
    prisma.cloudAccount.findMany({ where: { orgId }, orderBy: { id: 'asc' } }),
    prisma.deployment.findMany({ where: { orgId }, orderBy: { id: 'asc' } }),
    prisma.operation.findMany({ where: { orgId }, orderBy: { id: 'asc' } }),
    prisma.upgradeProposal.findMany({ where: { orgId }, orderBy: { id: 'asc' } }),
    prisma.agentToken.findMany({ where: { orgId }, orderBy: { id: 'asc' } }),
    prisma.pipeline.findMany({ where: { orgId }, orderBy: { id: 'asc' } }),
    prisma.replicationLink.findMany({ where: { orgId }, orderBy: { id: 'asc' } }),
  ]);
  return {
    organization,
    memberships,
    users,
    invitations,
    apiTokens,
    sessions,
    auditLog: auditLog.map((row) => ({ ...row, id: row.id.toString() })),
    cloudAccounts,
    deployments,
    operations,
    upgradeProposals,
    agentTokens,
    pipelines,
    replicationLinks,
  };
}

function codesOf(result: GqlResult): string[] {
  return (result.errors ?? []).map((e) => e.extensions?.code);
}

// ---------------------------------------------------------------------------------------------------

describe('tenant isolation', () => {
  let api: TestApi;
  /** Publishes live-status events the way the provisioner does (for the subscriptions). */
  let publisher: EventPublisher;
  let operations: Operation[];
  let orgA: SignedUp;
  let ownerA: ApiClient;
  /**
   * Argument name → an object of organization A that the call would otherwise succeed on; per operation,
   * objects of its own where a call changes its object's state, and argument values where a generated one
   * would be invalid input (so that B's call differs from A's OWNER's only in who calls).
   */
  let fixtures: CallFixtures;
  /** A's deployment that reads, previews and subscriptions are called with. */
  let deploymentIdOfA: string;
  /** Every deployment of A. */
  let deploymentIdsOfA: Set<string>;
  /** Every pipeline of A, with its deployment. */
  let pipelinesOfA: Map<string, string>;
  /** Strings that identify A's objects and people; none may appear in B's answers. */
  let secretsOfA: string[];
  let invitationTokenOfA: string;
  let orgB: SignedUp;
  /** B's OWNER signed in through the browser flow, and an ADMIN-scope API token B's OWNER created. */
  let principalsOfB: Record<PrincipalOfB, ApiClient>;
  const covered = new Map<string, Set<string>>();

  function cover(what: string, op: string) {
    if (!covered.has(what)) covered.set(what, new Set());
    covered.get(what)!.add(op);
  }

  beforeAll(async () => {
    // The standard introspection query nests 15 levels; the api's default depth limit (8) is for clients'
    // queries and has nothing to do with tenancy.
    api = await startTestApi({ GRAPHQL_MAX_DEPTH: '20' });
    operations = await fetchOperations(api.client());
    publisher = new EventPublisher(api);

    ownerA = api.client();
    orgA = await ownerA.signup({ name: 'Alice A', organizationName: `Org A ${randomUUID().slice(0, 8)}` });
    const memberA = await joinAs(api, ownerA, orgA.organization.id, 'MEMBER');
    const inviteeEmail = uniqueEmail('invitee-of-a');
    const invited = await invite(ownerA, inviteeEmail, 'VIEWER');
    invitationTokenOfA = invited.token;
    const tokenOfA = await createToken(ownerA, ['READ', 'WRITE']);
    const memberTokenOfA = await createToken(memberA.client, ['WRITE']);
    // Cloud accounts, deployments, operations and upgrade proposals, each in a state its calls succeed on.
    const deploymentsOfA = await setUpDeployments(api, ownerA);
    const deploymentCalls = deploymentCallFixtures(deploymentsOfA);
    // A finalized invoice, a draft and a low-credit notification, as the billing worker makes them.
    const billingOfA = await setUpBilling(api, orgA.organization.id, deploymentsOfA.running.id);
    // Replication links in each state their calls succeed on, with health reports for failover/failback.
    const replicationCalls = await replicationCallFixtures(api, ownerA);
    fixtures = {
      ids: {
        memberId: memberA.membershipId, // a MEMBER, so role changes and removal would otherwise succeed
        invitationId: invited.invitationId,
        tokenId: tokenOfA.id,
        ...deploymentCalls.ids,
        ...billingCallFixtures(billingOfA).ids,
        ...replicationCalls.ids,
      },
      perOperation: { ...deploymentCalls.perOperation, ...replicationCalls.perOperation },
    };
    const { cloudAccount, unusedCloudAccount, newSpec, pipelines, ...deploymentStates } = deploymentsOfA;
    deploymentIdOfA = deploymentsOfA.running.id;
    deploymentIdsOfA = new Set(Object.values(deploymentStates).map((d) => d.id));
    pipelinesOfA = new Map(Object.values(pipelines).map((p) => [p.id, p.deploymentId]));
    secretsOfA = [
      orgA.organization.id,
      orgA.organization.slug,
      orgA.organization.name,
      orgA.user.id,
      orgA.email,
      memberA.signedUp.user.id,
      memberA.email,
      memberA.membershipId,
      inviteeEmail,
      invited.invitationId,
      ...[tokenOfA, memberTokenOfA].flatMap((t) => [t.id, t.prefix, t.name]),
      ...[cloudAccount, unusedCloudAccount].flatMap((a) => [a.id, a.name, a.externalId, a.roleArn]),
      ...Object.values(deploymentStates).flatMap((d) => [d.id, d.name, d.operationId]),
      ...Object.values(pipelines).flatMap((p) => [p.id, p.deploymentId]),
      deploymentsOfA.toApprove.proposalId,
      deploymentsOfA.toDecline.proposalId,
      newSpec.name,
      billingOfA.invoiceId,
      billingOfA.invoiceNumber,
      billingOfA.draftId,
      billingOfA.notificationId,
      ...billingOfA.grantIds,
    ];

    const ownerB = api.client();
    orgB = await ownerB.signup({ name: 'Bob B', organizationName: `Org B ${randomUUID().slice(0, 8)}` });
    const adminTokenOfB = await createToken(ownerB, ['ADMIN']);
    principalsOfB = { [SESSION_OF_B]: ownerB, [TOKEN_OF_B]: ownerB.withBearer(adminTokenOfB.secret) };
  });

  afterAll(async () => {
    const summary = [...covered].map(([what, ops]) => `  ${what}: ${[...ops].sort().join(', ')}`).join('\n');
    console.log(`tenant isolation covered:\n${summary}`);
    await publisher?.close();
    await api?.close();
  });

  const idOperations = () => operations.filter((op) => op.idArgs.length > 0);
  const probed = () =>
    idOperations().filter((op) => !(op.name in EXCLUDED) && missingIds(op, fixtures).length === 0);

  /** One generated call of `op` as `client`: over HTTP, or over a websocket for a subscription. */
  function callAs(
    client: ApiClient,
    op: Operation,
    call: { query: string; variables: Record<string, unknown> },
  ) {
    if (op.kind !== 'subscription') return client.gql(call.query, call.variables);
    // A's events for every deployment id in the call are published meanwhile: refused, B must not get them.
    return subscribeOnce(api, client, call, { whileWaiting: () => publishForIdsOf(call.variables) });
  }

  /** A live-status event of organization A for each deployment and pipeline id among `variables`. */
  async function publishForIdsOf(variables: Record<string, unknown>) {
    const deploymentIds = Object.values(variables).filter((v) => deploymentIdsOfA.has(v as string));
    for (const deploymentId of deploymentIds) {
      await publisher.publish(events.status(orgA.organization.id, deploymentId as string, 'RUNNING', 'of A'));
    }
    for (const value of Object.values(variables)) {
      const deploymentId = pipelinesOfA.get(value as string);
      if (deploymentId === undefined) continue;
      await publisher.publishPipeline(
        pipelineStatusEvent(orgA.organization.id, deploymentId, value as string, 'of A'),
      );
    }
  }

  /** Runs `call` and returns what changed in A's rows and in the database as a whole. */
  async function changesBy(call: () => Promise<GqlResult>) {
    const [orgBefore, dbBefore] = [
      await rowsOfOrg(api.prisma, orgA.organization.id),
      await wholeDatabase(api.prisma),
    ];
    const result = await call();
    const [orgAfter, dbAfter] = [
      await rowsOfOrg(api.prisma, orgA.organization.id),
      await wholeDatabase(api.prisma),
    ];
    return { result, orgBefore, orgAfter, dbBefore, dbAfter };
  }

  it('finds the operations it is meant to check in the running schema', () => {
    expect(idOperations().map((op) => op.name)).toEqual(
      expect.arrayContaining([
        'Mutation.changeMemberRole',
        'Mutation.removeMember',
        'Mutation.revokeApiToken',
        'Mutation.revokeInvitation',
        'Subscription.deploymentEvents',
      ]),
    );
    expect(operations.map((op) => op.name)).toEqual(expect.arrayContaining(PRINCIPAL_SCOPED_READS));
  });

  it('every operation that takes an ID has an org-A fixture for it, or an explicit exclusion', () => {
    const missing = idOperations()
      .filter((op) => !(op.name in EXCLUDED))
      .flatMap((op) => missingIds(op, fixtures).map((arg) => `${op.name}(${arg}: ID)`));
    if (missing.length > 0) {
      throw new Error(
        `No organization-A fixture for: ${missing.join(', ')}.\n` +
          'Add an entry to fixtures.ids in beforeAll of apps/api/test/tenant-isolation.int-spec.ts (argument ' +
          'name → the id of an object of organization A the call would otherwise succeed on; for deployments, ' +
          'in setUpDeployments/deploymentCallFixtures of fixtures.ts), or to fixtures.perOperation where the ' +
          'call needs an object of its own, or list the operation in EXCLUDED with the reason it needs no ' +
          'cross-tenant check.',
      );
    }
    const stale = Object.keys(EXCLUDED).filter((name) => !idOperations().some((op) => op.name === name));
    expect(stale).toEqual([]); // an exclusion for an operation that no longer exists (or takes no ID)
  });

  it.each(PRINCIPALS_OF_B)(
    "%s gets NOT_FOUND or FORBIDDEN for A's ids, and nothing changes",
    async (label) => {
      const client = principalsOfB[label];
      const problems: string[] = [];
      for (const op of probed()) {
        const call = callFor(op, fixtures);
        const { result, orgBefore, orgAfter, dbBefore, dbAfter } = await changesBy(() =>
          callAs(client, op, call),
        );
        const codes = codesOf(result);
        if (!codes.some((c) => REFUSALS.includes(c)))
          problems.push(`${op.name} as ${label} was not refused: ${describeResult(result)}`);
        if (result.data?.[op.field.name] != null)
          problems.push(`${op.name} as ${label} returned data: ${describeResult(result)}`);
        try {
          expect(orgAfter).toEqual(orgBefore);
          expect(dbAfter).toEqual(dbBefore);
        } catch (error) {
          problems.push(`${op.name} as ${label} changed the database:\n${(error as Error).message}`);
        }
        cover(`ID operations refused for ${label}`, op.name);
      }
      expect(problems).toEqual([]);
    },
  );

  it("B's principal-scoped reads hold nothing of A", async () => {
    const problems: string[] = [];
    for (const label of PRINCIPALS_OF_B) {
      const client = principalsOfB[label];
      for (const op of operations.filter((o) => PRINCIPAL_SCOPED_READS.includes(o.name))) {
        // Two levels of nested objects, so that e.g. me.organizations[].organization is read too.
        const call = callFor(op, {}, 2);
        const result = await client.gql(call.query, call.variables);
        if (result.errors?.length || !result.data?.[op.field.name]) {
          problems.push(`${op.name} as ${label} did not answer: ${describeResult(result)}`);
          continue;
        }
        const text = JSON.stringify(result.data);
        const leaked = secretsOfA.filter((secret) => text.includes(secret));
        if (leaked.length > 0)
          problems.push(`${op.name} as ${label} shows A's ${leaked.join(', ')}: ${text}`);
        cover(`reads without A's data for ${label}`, op.name);
      }
    }
    // The reads do return B's own data, so "nothing of A" is not "nothing at all".
    const members = expectOk(
      await principalsOfB[SESSION_OF_B].gql('{ members { user { email } } }'),
      'members',
    );
    expect(JSON.stringify(members)).toContain(orgB.email);
    expect(problems).toEqual([]);
  });

  it("B's subscriptions without ID arguments carry nothing of A", async () => {
    const problems: string[] = [];
    const idLess = operations.filter((o) => o.kind === 'subscription' && o.idArgs.length === 0);
    expect(idLess.map((o) => o.name)).toContain('Subscription.deploymentsChanged');
    for (const label of PRINCIPALS_OF_B) {
      for (const op of idLess) {
        // A's event, then B's, until something arrives: the api's one Redis connection receives in
        // publication order, so once the subscription is live, anything of A would arrive before B's.
        // (subscriptions.int-spec.ts checks the same with many events and a sentinel.)
        const firstOfB = await subscribeOnce(api, principalsOfB[label], callFor(op, {}, 2), {
          settleMs: 3_000,
          whileWaiting: async () => {
            await publisher.publish(events.status(orgA.organization.id, deploymentIdOfA, 'FAILED', 'of A'));
            await publisher.publish(events.status(orgB.organization.id, randomUUID(), 'RUNNING', 'of B'));
          },
        });
        const text = JSON.stringify(firstOfB);
        if (firstOfB.errors?.length || !firstOfB.data?.[op.field.name])
          problems.push(`${op.name} as ${label} did not deliver B's own event: ${describeResult(firstOfB)}`);
        const leaked = [...secretsOfA, 'of A'].filter((secret) => text.includes(secret));
        if (leaked.length > 0)
          problems.push(`${op.name} as ${label} delivered A's ${leaked.join(', ')}: ${text}`);
        cover(`subscriptions without A's events for ${label}`, op.name);
      }
    }
    expect(problems).toEqual([]);
  });

  it("B's mutations without ID arguments leave A untouched", async () => {
    const problems: string[] = [];
    const client = principalsOfB[SESSION_OF_B];
    for (const op of operations.filter((o) => o.kind === 'mutation' && o.idArgs.length === 0)) {
      const call = callFor(op, {});
      const before = await rowsOfOrg(api.prisma, orgA.organization.id);
      await client.gql(call.query, call.variables); // succeeds on B's own organization, or is refused
      const after = await rowsOfOrg(api.prisma, orgA.organization.id);
      try {
        expect(after).toEqual(before);
      } catch (error) {
        problems.push(`${op.name} changed organization A:\n${(error as Error).message}`);
      }
      cover("ID-less mutations by B's OWNER that left A alone", op.name);
    }
    expect(problems).toEqual([]);
  });

  it("B's OWNER cannot accept an invitation of A addressed to someone else", async () => {
    for (const label of PRINCIPALS_OF_B) {
      const client = principalsOfB[label];
      const { result, orgBefore, orgAfter, dbBefore, dbAfter } = await changesBy(() =>
        client.gql(
          'mutation($token: String!) { acceptInvitation(token: $token) { organization { id } role } }',
          { token: invitationTokenOfA },
        ),
      );
      const codes = codesOf(result);
      expect({ label, codes }).toEqual({ label, codes: [expect.stringMatching(/^(NOT_FOUND|FORBIDDEN)$/)] });
      expect(result.data?.acceptInvitation ?? null).toBeNull();
      expect(orgAfter).toEqual(orgBefore);
      expect(dbAfter).toEqual(dbBefore);
    }
    const memberships = await api.prisma.membership.findMany({
      where: { orgId: orgA.organization.id, userId: orgB.user.id },
    });
    expect(memberships).toEqual([]);
    cover('explicit cases', 'Mutation.acceptInvitation(token of A, for another email)');
  });

  // Last, because it changes A: the very calls B was refused succeed for A's OWNER, so the refusals
  // above were about the organization, not about a malformed call or a fixture that was never valid.
  // Calls that remove their target go last, so that the others still find it; calls that change their
  // object's state (scale, cancel, retry, approve, decline, destroy, delete) each have an object of their own.
  it("the same calls succeed for A's OWNER", async () => {
    const problems: string[] = [];
    const removes = (op: Operation) => /^(delete|destroy|remove|revoke)/.test(op.field.name);
    for (const op of [...probed().filter((o) => !removes(o)), ...probed().filter(removes)]) {
      const call = callFor(op, fixtures);
      const result = await callAs(ownerA, op, call);
      if (result.errors?.length || result.data?.[op.field.name] == null) {
        problems.push(`${op.name} as A's OWNER: ${describeResult(result)} (query: ${call.query})`);
      }
    }
    expect(problems).toEqual([]);
  });
});
