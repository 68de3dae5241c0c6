import { ReplicationHealthStore } from '@streamplane/replication';
import { joinAs } from './fixtures';
import { callFor, fetchOperations } from './graphql-calls';
import {
  databaseSnapshot,
  expectOk,
  startTestApi,
  type ApiClient,
  type GqlResult,
  type TestApi,
} from './harness';
import {
  CREATE_LINK,
  LINK_REGIONS,
  healthReport,
  linkCloudAccount,
  linkedPair,
  mirrorableDeployment,
  replicationCallFixtures,
  settleLink,
} from './replication-fixtures';

jest.setTimeout(60_000);

let api: TestApi;
let owner: ApiClient;
let orgId: string;
let accountId: string;

beforeAll(async () => {
  // The standard introspection query (generated calls) nests 15 levels; the default limit (8) is for clients.
  api = await startTestApi({ GRAPHQL_MAX_DEPTH: '20' });
  owner = api.client();
  const signedUp = await owner.signup();
  orgId = signedUp.organization.id;
  accountId = await linkCloudAccount(owner);
});
afterAll(() => api?.close());

const reasonOf = (result: GqlResult) => result.errors?.[0]?.extensions.reason;
const codeOf = (result: GqlResult) => result.errors?.[0]?.extensions.code;

/** Runs `attempt` and proves the database is unchanged afterwards. */
async function unchanged(attempt: () => Promise<GqlResult>): Promise<GqlResult> {
  const before = await databaseSnapshot(api.prisma);
  const result = await attempt();
  expect(await databaseSnapshot(api.prisma)).toEqual(before);
  return result;
}

const LINK_VIEW = `query($id: ID!) { replicationLink(linkId: $id) {
  id status activeDeploymentId flows { fromDeploymentId toDeploymentId paused }
  health { verdict directions { fromDeploymentId verdict maxLag lastCheckpointAgeSeconds topics { topic lag } } }
  clientSettings { deploymentId deploymentName bootstrapServers topics { selection consumeOnActive } notes }
  steps { action detail } operations { id type status deploymentId }
} }`;

describe('replication links over GraphQL', () => {
  it('refuses bad input with typed errors and writes nothing', async () => {
    const west = await mirrorableDeployment(api, owner, accountId, LINK_REGIONS[0]);
    const east = await mirrorableDeployment(api, owner, accountId, LINK_REGIONS[1]);
    const westToo = await mirrorableDeployment(api, owner, accountId, LINK_REGIONS[0]);
    const internalOnly = await mirrorableDeployment(api, owner, accountId, LINK_REGIONS[0], {
      external: false,
    });
    const mtls = await mirrorableDeployment(api, owner, accountId, LINK_REGIONS[0], {
      clientAuthentication: 'mtls',
    });
    const notRunning = await mirrorableDeployment(api, owner, accountId, LINK_REGIONS[1]);
    await api.prisma.deployment.update({ where: { id: notRunning.id }, data: { status: 'UPDATING' } });
    const existing = await linkedPair(api, owner, accountId, 'ACTIVE');

    // Another organization's deployment, in the other region.
    const other = api.client();
    await other.signup();
    const otherAccount = await linkCloudAccount(other);
    const theirs = await mirrorableDeployment(api, other, otherAccount, LINK_REGIONS[1]);

    const input = (overrides: Record<string, unknown>) => ({
      sourceDeploymentId: west.id,
      targetDeploymentId: east.id,
      mode: 'ONE_WAY',
      topics: ['orders'],
      consumerGroups: ['billing-*'],
      ...overrides,
    });
    const cases: [string, Record<string, unknown>, string, string][] = [
      ['same region', { targetDeploymentId: westToo.id }, 'BAD_USER_INPUT', 'SAME_REGION'],
      ['the same deployment twice', { targetDeploymentId: west.id }, 'BAD_USER_INPUT', 'SAME_DEPLOYMENT'],
      [
        "another organization's deployment",
        { targetDeploymentId: theirs.id },
        'NOT_FOUND',
        'DEPLOYMENT_NOT_FOUND',
      ],
      [
        'a deployment not RUNNING',
        { targetDeploymentId: notRunning.id },
        'CONFLICT',
        'DEPLOYMENT_NOT_RUNNING',
      ],
      ['an empty topic pattern', { topics: [''] }, 'BAD_USER_INPUT', 'INVALID_INPUT'],
      ['no topic pattern at all', { topics: [] }, 'BAD_USER_INPUT', 'INVALID_INPUT'],
      ['a regex instead of a pattern', { topics: ['orders|payments'] }, 'BAD_USER_INPUT', 'INVALID_INPUT'],
      ['an empty group pattern', { consumerGroups: ['  '] }, 'BAD_USER_INPUT', 'INVALID_INPUT'],
      [
        'identity names both ways',
        { mode: 'TWO_WAY', topicNaming: 'IDENTITY' },
        'BAD_USER_INPUT',
        'IDENTITY_NAMING_ONE_WAY_ONLY',
      ],
      [
        'a source without an external listener',
        { sourceDeploymentId: internalOnly.id },
        'CONFLICT',
        'EXTERNAL_LISTENER_REQUIRED',
      ],
      ['an mTLS-only source', { sourceDeploymentId: mtls.id }, 'CONFLICT', 'SCRAM_REQUIRED'],
      [
        'a link that already exists (either direction)',
        { sourceDeploymentId: existing.targetId, targetDeploymentId: existing.sourceId },
        'CONFLICT',
        'LINK_EXISTS',
      ],
      [
        'a two-way link whose target has no external listener',
        {
          mode: 'TWO_WAY',
          targetDeploymentId: (
            await mirrorableDeployment(api, owner, accountId, LINK_REGIONS[1], { external: false })
          ).id,
        },
        'CONFLICT',
        'EXTERNAL_LISTENER_REQUIRED',
      ],
    ];
    for (const [what, overrides, code, reason] of cases) {
      const result = await unchanged(() => owner.gql(CREATE_LINK, { input: input(overrides) }));
      expect({ what, code: codeOf(result), reason: reasonOf(result) }).toEqual({ what, code, reason });
    }
    const noExternal = await owner.gql(CREATE_LINK, {
      input: input({ sourceDeploymentId: internalOnly.id }),
    });
    expect(noExternal.errors?.[0]?.message).toContain(`enable the external listener on ${internalOnly.name}`);

    // And the good request: CREATING, one REPLICATION operation per deployment, audited.
    const created = expectOk(
      await owner.gql(CREATE_LINK, { input: input({}) }),
      'creating',
    ).createReplicationLink;
    expect(created.link).toMatchObject({
      status: 'CREATING',
      mode: 'ONE_WAY',
      topics: ['orders'],
      activeDeploymentId: west.id,
    });
    expect(
      created.operations.map((o: { type: string; deploymentId: string }) => [o.type, o.deploymentId]),
    ).toEqual([
      ['REPLICATION', west.id],
      ['REPLICATION', east.id],
    ]);
    const audit = await api.prisma.auditLog.findMany({
      where: { orgId, action: 'replication_link.create', targetId: created.link.id },
    });
    expect(audit).toHaveLength(1);
    // Neither password nor ciphertext is anywhere in the API's answer.
    const viewed = expectOk(await owner.gql(LINK_VIEW, { id: created.link.id }), 'reading');
    expect(JSON.stringify(viewed)).not.toMatch(/password|ciphertext/i);
    // No second change while the first is on its way.
    const busy = await unchanged(() =>
      owner.gql('mutation($id: ID!) { deleteReplicationLink(linkId: $id) { link { id } } }', {
        id: created.link.id,
      }),
    );
    expect({ code: codeOf(busy), reason: reasonOf(busy) }).toEqual({
      code: 'CONFLICT',
      reason: 'LINK_NOT_CHANGEABLE',
    });
  });

  it('shows health and client settings; fails over and back with pre-checks; refuses destroying a linked deployment', async () => {
    const pair = await linkedPair(api, owner, accountId, 'ACTIVE', 'TWO_WAY');
    const store = api.app.get(ReplicationHealthStore);
    let view = expectOk(await owner.gql(LINK_VIEW, { id: pair.linkId }), 'reading').replicationLink;
    expect(view.health.verdict).toBe('UNKNOWN');
    expect(view.clientSettings.deploymentId).toBe(pair.sourceId);

    await store.record(orgId, pair.targetId, healthReport(pair.linkId, pair.sourceId, 5));
    await store.record(orgId, pair.sourceId, healthReport(pair.linkId, pair.targetId, 7));
    view = expectOk(await owner.gql(LINK_VIEW, { id: pair.linkId }), 'reading').replicationLink;
    expect(view.health.verdict).toBe('HEALTHY');
    expect(view.health.directions.map((d: { maxLag: number }) => d.maxLag)).toEqual([5, 7]);

    // Failover: lag over the bound is refused (nothing written), force switches anyway and says so.
    await store.record(orgId, pair.targetId, healthReport(pair.linkId, pair.sourceId, 5_000_000));
    const FAILOVER = `mutation($id: ID!, $force: Boolean) { failoverReplicationLink(linkId: $id, force: $force) {
      link { status activeDeploymentId } prechecks { check passed } forced nextStep clientSettings { deploymentId } operations { id } } }`;
    const refused = await unchanged(() => owner.gql(FAILOVER, { id: pair.linkId }));
    expect(reasonOf(refused)).toBe('FAILOVER_PRECHECKS_FAILED');
    expect(refused.errors?.[0]?.extensions.fields?.map((f: { code: string }) => f.code)).toEqual([
      'LAG_WITHIN_BOUND',
    ]);
    const forced = expectOk(
      await owner.gql(FAILOVER, { id: pair.linkId, force: true }),
      'failing over',
    ).failoverReplicationLink;
    expect(forced).toMatchObject({
      link: { status: 'FAILED_OVER', activeDeploymentId: pair.targetId },
      forced: true,
      clientSettings: { deploymentId: pair.targetId },
      operations: [],
    });
    const audit = await api.prisma.auditLog.findFirstOrThrow({
      where: { orgId, action: 'replication_link.failover', targetId: pair.linkId },
    });
    expect(audit.metadata).toMatchObject({ forced: true, failedPrechecks: 'LAG_WITHIN_BOUND' });

    const back = expectOk(
      await owner.gql(
        'mutation($id: ID!) { failbackReplicationLink(linkId: $id) { link { status activeDeploymentId } } }',
        { id: pair.linkId },
      ),
      'failing back',
    ).failbackReplicationLink;
    expect(back.link).toEqual({ status: 'ACTIVE', activeDeploymentId: pair.sourceId });
    view = expectOk(await owner.gql(LINK_VIEW, { id: pair.linkId }), 'reading').replicationLink;
    expect(view.steps.map((s: { action: string }) => s.action)).toEqual(
      expect.arrayContaining(['CREATE', 'PRECHECKS', 'FAILOVER', 'SWITCH_CLIENTS', 'RESUME']),
    );

    const source = await api.prisma.deployment.findUniqueOrThrow({ where: { id: pair.sourceId } });
    const destroy = await unchanged(() =>
      owner.gql(
        'mutation($id: ID!, $name: String!) { destroyDeployment(deploymentId: $id, confirmName: $name) { deployment { id } } }',
        {
          id: source.id,
          name: source.name,
        },
      ),
    );
    expect({ code: codeOf(destroy), reason: reasonOf(destroy) }).toEqual({
      code: 'CONFLICT',
      reason: 'DEPLOYMENT_HAS_REPLICATION_LINKS',
    });
  });

  it("keeps organizations apart: another organization's principal gets NOT_FOUND on every path", async () => {
    const pair = await linkedPair(api, owner, accountId, 'ACTIVE');
    const other = api.client();
    await other.signup();
    const id = pair.linkId;
    const calls: [string, Record<string, unknown>][] = [
      ['query($id: ID!) { replicationLink(linkId: $id) { id } }', { id }],
      [
        'mutation($id: ID!) { updateReplicationLink(linkId: $id, input: { topics: ["x"] }) { link { id } } }',
        { id },
      ],
      ['mutation($id: ID!) { deleteReplicationLink(linkId: $id) { link { id } } }', { id }],
      ['mutation($id: ID!) { retryReplicationLink(linkId: $id) { link { id } } }', { id }],
      ['mutation($id: ID!) { failoverReplicationLink(linkId: $id, force: true) { link { id } } }', { id }],
      ['mutation($id: ID!) { failbackReplicationLink(linkId: $id, force: true) { link { id } } }', { id }],
    ];
    for (const [query, variables] of calls) {
      const result = await unchanged(() => other.gql(query, variables));
      expect({ query, code: codeOf(result) }).toEqual({ query, code: 'NOT_FOUND' });
    }
    const listed = expectOk(await other.gql('{ replicationLinks { id } }'), 'listing').replicationLinks;
    expect(listed).toEqual([]);
    const byDeployment = await other.gql('query($d: ID!) { replicationLinks(deploymentId: $d) { id } }', {
      d: pair.sourceId,
    });
    expect(codeOf(byDeployment)).toBe('NOT_FOUND');
    // Their own deployments linked to ours: ours are not found for them.
    const theirAccount = await linkCloudAccount(other);
    const theirs = await mirrorableDeployment(api, other, theirAccount, LINK_REGIONS[1]);
    const create = await unchanged(() =>
      other.gql(CREATE_LINK, {
        input: {
          sourceDeploymentId: pair.sourceId,
          targetDeploymentId: theirs.id,
          mode: 'ONE_WAY',
          topics: ['o'],
          consumerGroups: ['g'],
        },
      }),
    );
    expect(reasonOf(create)).toBe('DEPLOYMENT_NOT_FOUND');
  });

  it('deletes a link whose other region is gone only when forced, on the deployment still running', async () => {
    const pair = await linkedPair(api, owner, accountId, 'ACTIVE');
    await api.prisma.deployment.update({ where: { id: pair.sourceId }, data: { status: 'FAILED' } });
    const DELETE = `mutation($id: ID!, $force: Boolean) { deleteReplicationLink(linkId: $id, force: $force) {
      link { status } operations { deploymentId } } }`;
    const refused = await unchanged(() => owner.gql(DELETE, { id: pair.linkId }));
    expect(reasonOf(refused)).toBe('DEPLOYMENT_NOT_RUNNING');
    const forced = expectOk(
      await owner.gql(DELETE, { id: pair.linkId, force: true }),
      'deleting',
    ).deleteReplicationLink;
    expect(forced).toEqual({ link: { status: 'DELETING' }, operations: [{ deploymentId: pair.targetId }] });
  });

  it('lets VIEWERs read, MEMBERs change links and only ADMINs fail over', async () => {
    const pair = await linkedPair(api, owner, accountId, 'ACTIVE');
    const viewer = await joinAs(api, owner, orgId, 'VIEWER');
    const member = await joinAs(api, owner, orgId, 'MEMBER');
    expect(
      expectOk(await viewer.client.gql(LINK_VIEW, { id: pair.linkId }), 'viewer reads').replicationLink.id,
    ).toBe(pair.linkId);
    const update =
      'mutation($id: ID!) { updateReplicationLink(linkId: $id, input: { consumerGroups: ["*"] }) { link { status } } }';
    expect(codeOf(await unchanged(() => viewer.client.gql(update, { id: pair.linkId })))).toBe('FORBIDDEN');
    expect(
      codeOf(
        await unchanged(() =>
          member.client.gql('mutation($id: ID!) { failoverReplicationLink(linkId: $id) { forced } }', {
            id: pair.linkId,
          }),
        ),
      ),
    ).toBe('FORBIDDEN');
    const updated = expectOk(
      await member.client.gql(update, { id: pair.linkId }),
      'member updates',
    ).updateReplicationLink;
    expect(updated.link.status).toBe('UPDATING');
    await settleLink(api, pair.linkId, 'ACTIVE');
  });

  it('succeeds, as generated calls, on replicationCallFixtures (what the tenant-isolation and roles suites use)', async () => {
    const fixtures = await replicationCallFixtures(api, owner);
    const operations = (await fetchOperations(owner)).filter((op) => /replicationlink/i.test(op.name));
    expect(operations.map((op) => op.name).sort()).toEqual([
      'Mutation.createReplicationLink',
      'Mutation.deleteReplicationLink',
      'Mutation.failbackReplicationLink',
      'Mutation.failoverReplicationLink',
      'Mutation.retryReplicationLink',
      'Mutation.updateReplicationLink',
      'Query.replicationLink',
      'Query.replicationLinks',
    ]);
    const deploymentId = (await api.prisma.deployment.findFirstOrThrow({ where: { orgId } })).id;
    for (const op of operations) {
      const call = callFor(op, {
        ids: { ...fixtures.ids, deploymentId },
        perOperation: fixtures.perOperation,
      });
      const result = await owner.gql(call.query, call.variables);
      expect({ op: op.name, errors: result.errors ?? [] }).toEqual({ op: op.name, errors: [] });
    }
  });
});
