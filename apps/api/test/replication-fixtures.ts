import { ReplicationHealthStore } from '@streamplane/replication';
import { randomUUID } from 'node:crypto';
import type { ApiClient, TestApi } from './harness';
import { expectOk } from './harness';
import { awsSpec, connectAwsAccount, runningDeployment, verifyCloudAccount } from './fixtures';

/** The regions the replication fixtures' cloud account allows: one link's two ends. */
export const LINK_REGIONS = ['eu-west-1', 'us-east-1'] as const;

const zonesOf = (region: string): [string, string, string] => [`${region}a`, `${region}b`, `${region}c`];

export interface LinkedPair {
  linkId: string;
  sourceId: string;
  targetId: string;
}

/**
 * A RUNNING deployment as the worker leaves it, with the external listener on and its outputs (what a link's
 * other side mirrors from), in `region`.
 */
export async function mirrorableDeployment(
  api: TestApi,
  client: ApiClient,
  cloudAccountId: string,
  region: string,
  options: { external?: boolean; clientAuthentication?: 'scram-sha-512' | 'mtls' } = {},
): Promise<{ id: string; name: string }> {
  const external = options.external ?? true;
  const deployment = await runningDeployment(
    api,
    client,
    cloudAccountId,
    awsSpec({
      region,
      zones: zonesOf(region),
      listeners: { internal: true, external },
      clientAuthentication: options.clientAuthentication ?? 'scram-sha-512',
    }),
  );
  await api.prisma.deployment.update({
    where: { id: deployment.id },
    data: {
      outputs: {
        bootstrapInternal: 'streamplane-kafka-bootstrap.kafka.svc:9093',
        ...(external ? { bootstrapExternal: `${deployment.name}.example.invalid:9094` } : {}),
      },
    },
  });
  return deployment;
}

/** A cloud account (connected and verified by `owner`) allowing both link regions. */
export async function linkCloudAccount(owner: ApiClient): Promise<string> {
  const account = await connectAwsAccount(owner, { allowedRegions: [...LINK_REGIONS] });
  await verifyCloudAccount(owner, account.id);
  return account.id;
}

export const CREATE_LINK = `mutation($input: CreateReplicationLinkInput!) {
  createReplicationLink(input: $input) { link { id status mode topics consumerGroups activeDeploymentId } operations { id type deploymentId status } }
}`;

/**
 * What the provisioner does when every operation of the link's last change succeeded, written directly (no
 * worker runs in the api's tests): operations SUCCEEDED, each side's applied state the change's, the link in
 * `status`.
 */
export async function settleLink(
  api: TestApi,
  linkId: string,
  status: 'ACTIVE' | 'FAILED_OVER' | 'FAILED',
): Promise<void> {
  const link = await api.prisma.replicationLink.findUniqueOrThrow({ where: { id: linkId } });
  const now = new Date();
  const failed = status === 'FAILED';
  await api.prisma.operation.updateMany({
    where: { replicationLinkId: linkId, active: true },
    data: failed
      ? {
          status: 'FAILED',
          active: null,
          startedAt: now,
          finishedAt: now,
          errorCode: 'RESOURCE_FAILED',
          errorMessage: 'set by the test',
        }
      : { status: 'SUCCEEDED', active: null, startedAt: now, finishedAt: now },
  });
  const applied = failed
    ? {}
    : Object.fromEntries(
        [link.sourceDeploymentId, link.targetDeploymentId].map((id) => [
          id,
          { generation: link.generation, spec: link.spec },
        ]),
      );
  await api.prisma.replicationLink.update({ where: { id: linkId }, data: { status, applied } });
}

/** A link created through the api between two new deployments, settled to `status`. */
export async function linkedPair(
  api: TestApi,
  client: ApiClient,
  cloudAccountId: string,
  status: 'ACTIVE' | 'FAILED' | 'FAILED_OVER',
  mode: 'ONE_WAY' | 'TWO_WAY' = 'ONE_WAY',
): Promise<LinkedPair> {
  const source = await mirrorableDeployment(api, client, cloudAccountId, LINK_REGIONS[0]);
  const target = await mirrorableDeployment(api, client, cloudAccountId, LINK_REGIONS[1]);
  const created = expectOk(
    await client.gql(CREATE_LINK, {
      input: {
        sourceDeploymentId: source.id,
        targetDeploymentId: target.id,
        mode,
        topics: ['orders'],
        consumerGroups: ['billing-*'],
      },
    }),
    'creating a replication link',
  ).createReplicationLink as { link: { id: string } };
  await settleLink(api, created.link.id, status === 'FAILED_OVER' ? 'ACTIVE' : status);
  if (status === 'FAILED_OVER') {
    await api.prisma.replicationLink.update({
      where: { id: created.link.id },
      data: { status: 'FAILED_OVER', activeDeploymentId: target.id },
    });
  }
  return { linkId: created.link.id, sourceId: source.id, targetId: target.id };
}

/** A fresh health report of the direction `from` → `to`, as the agent on `to` sends it (lag `lag`). */
export function healthReport(linkId: string, from: string, lag = 0) {
  return {
    linkId,
    observedAt: new Date().toISOString(),
    sourceDeploymentId: from,
    topics: [{ topic: 'orders', lag }],
    lastCheckpointAgeSeconds: 10,
    lastHeartbeatAgeSeconds: null,
  };
}

/**
 * Replication fixtures for the generated-call suites (tenant isolation, roles): a link in the state each
 * mutation succeeds on, and two linkable deployments for createReplicationLink. For the lead to merge into
 * deploymentCallFixtures (fixtures.ts).
 */
export async function replicationCallFixtures(api: TestApi, owner: ApiClient) {
  const accountId = await linkCloudAccount(owner);
  const active = await linkedPair(api, owner, accountId, 'ACTIVE');
  const toUpdate = await linkedPair(api, owner, accountId, 'ACTIVE');
  const toDelete = await linkedPair(api, owner, accountId, 'ACTIVE');
  const toRetry = await linkedPair(api, owner, accountId, 'FAILED');
  const toFailover = await linkedPair(api, owner, accountId, 'ACTIVE', 'TWO_WAY');
  const toFailback = await linkedPair(api, owner, accountId, 'FAILED_OVER', 'TWO_WAY');
  const orgId = (await api.prisma.replicationLink.findUniqueOrThrow({ where: { id: active.linkId } })).orgId;
  const store = api.app.get(ReplicationHealthStore);
  await store.record(orgId, toFailover.targetId, healthReport(toFailover.linkId, toFailover.sourceId));
  await store.record(orgId, toFailback.sourceId, healthReport(toFailback.linkId, toFailback.targetId));
  const free = [
    await mirrorableDeployment(api, owner, accountId, LINK_REGIONS[0]),
    await mirrorableDeployment(api, owner, accountId, LINK_REGIONS[1]),
  ];
  return {
    ids: { linkId: active.linkId },
    perOperation: {
      'Mutation.createReplicationLink': {
        ids: { sourceDeploymentId: free[0].id, targetDeploymentId: free[1].id },
        args: { input: { mode: 'ONE_WAY', topics: ['orders'], consumerGroups: ['*'] } },
      },
      'Mutation.updateReplicationLink': {
        ids: { linkId: toUpdate.linkId },
        args: { input: { topics: [`t-${randomUUID().slice(0, 8)}`] } },
      },
      'Mutation.deleteReplicationLink': { ids: { linkId: toDelete.linkId } },
      'Mutation.retryReplicationLink': { ids: { linkId: toRetry.linkId } },
      'Mutation.failoverReplicationLink': { ids: { linkId: toFailover.linkId } },
      'Mutation.failbackReplicationLink': { ids: { linkId: toFailback.linkId } },
    },
  };
}
