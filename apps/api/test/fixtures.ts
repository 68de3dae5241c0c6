import type { PrismaService } from '@streamplane/db';
import { defaultSpec, supportedKafkaVersions, type DeploymentSpec } from '@streamplane/deployment-spec';
import { UpgradesService } from '@streamplane/deployments';
import { randomUUID } from 'node:crypto';
import type { CallFixtures } from './graphql-calls';
import { expectOk, uniqueEmail, type ApiClient, type SignedUp, type TestApi } from './harness';

/**
 * People, invitations, API tokens, cloud accounts and deployments in an organization, set up through the api
 * as a user would (where a worker would have moved a deployment on, as the rows it would write). These are
 * fixtures: each throws unless its calls succeed, so a test fails at the step that broke, not later.
 */

/** An API token created by `client` with `scopes`; its secret is shown once, here. */
export async function createToken(
  client: ApiClient,
  scopes: string[],
  name = `token ${randomUUID().slice(0, 8)}`,
): Promise<{ id: string; prefix: string; secret: string; name: string }> {
  const data = expectOk(
    await client.gql(
      'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { secret apiToken { id prefix } } }',
      { input: { name, scopes } },
    ),
    'creating an API token',
  );
  const { apiToken, secret } = data.createApiToken as {
    apiToken: { id: string; prefix: string };
    secret: string;
  };
  return { id: apiToken.id, prefix: apiToken.prefix, secret, name };
}

/** `inviter` invites `email` as `role`: the invitation, and the token its link carries. */
export async function invite(
  inviter: ApiClient,
  email: string,
  role: string,
): Promise<{ invitationId: string; token: string }> {
  const invited = expectOk(
    await inviter.gql(
      'mutation($input: InviteMemberInput!) { inviteMember(input: $input) { link invitation { id } } }',
      { input: { email, role } },
    ),
    `inviting ${email} as ${role}`,
  );
  const token = new URL(invited.inviteMember.link as string).searchParams.get('token');
  if (!token) throw new Error(`the invitation link has no token: ${invited.inviteMember.link}`);
  return { invitationId: invited.inviteMember.invitation.id, token };
}

export interface Joined {
  /** Signed in, and acting in the organization joined. */
  client: ApiClient;
  /** The sign-up, which also made the person an organization of their own. */
  signedUp: SignedUp;
  email: string;
  /** The membership in the organization joined. */
  membershipId: string;
}

/**
 * A new person in `inviter`'s organization `orgId` as `role`, the way people join: invited by email, signed
 * up with that email, the invitation accepted, and the session switched into the organization.
 */
export async function joinAs(api: TestApi, inviter: ApiClient, orgId: string, role: string): Promise<Joined> {
  const email = uniqueEmail(role.toLowerCase());
  const { token } = await invite(inviter, email, role);
  const client = api.client();
  const signedUp = await client.signup({ email, organizationName: `Own org of ${email}` });
  expectOk(
    await client.gql('mutation($token: String!) { acceptInvitation(token: $token) { role } }', { token }),
    `accepting the invitation as ${role}`,
  );
  const switched = await client.post('/v1/auth/switch-organization', { organizationId: orgId });
  if (switched.status !== 200) throw new Error(`switching failed: ${JSON.stringify(switched.body)}`);
  return { client, signedUp, email, membershipId: await membershipIdOf(inviter, email) };
}

/** The id of `email`'s membership in the organization `client` acts in. */
export async function membershipIdOf(client: ApiClient, email: string): Promise<string> {
  const members = expectOk(await client.gql('{ members { id user { email } } }'), 'listing members');
  const membership = (members.members as { id: string; user: { email: string } }[]).find(
    (m) => m.user.email === email,
  );
  if (!membership) throw new Error(`${email} is not a member: ${JSON.stringify(members.members)}`);
  return membership.id;
}

/** An AWS cloud account connected by `client` (an ADMIN or OWNER), with its generated external id. */
export async function connectAwsAccount(
  client: ApiClient,
  overrides: { name?: string; roleArn?: string; allowedRegions?: string[] } = {},
): Promise<{ id: string; name: string; roleArn: string; externalId: string }> {
  const input = {
    name: `AWS ${randomUUID().slice(0, 8)}`,
    roleArn: 'arn:aws:iam::123456789012:role/streamplane-provisioner',
    allowedRegions: ['eu-west-1'],
    ...overrides,
  };
  const data = expectOk(
    await client.gql(
      'mutation($input: ConnectAwsAccountInput!) { connectAwsAccount(input: $input) { id name aws { roleArn externalId } } }',
      { input },
    ),
    'connecting an AWS account',
  );
  const account = data.connectAwsAccount as {
    id: string;
    name: string;
    aws: { roleArn: string; externalId: string };
  };
  return {
    id: account.id,
    name: account.name,
    roleArn: account.aws.roleArn,
    externalId: account.aws.externalId,
  };
}

/** The GraphQL shape (DeploymentSpecInput) of a spec. */
export function specInput(spec: DeploymentSpec) {
  return {
    name: spec.name,
    cloud: spec.cloud === 'aws' ? 'AWS' : 'AZURE',
    region: spec.region,
    zones: spec.zones,
    kafkaVersion: spec.kafkaVersion,
    controllers: spec.controllers,
    brokers: spec.brokers,
    nodeSize: spec.nodeSize,
    storagePerBrokerGiB: spec.storagePerBrokerGiB,
    listeners: spec.listeners,
    clientAuthentication: spec.clientAuthentication === 'mtls' ? 'MTLS' : 'SCRAM_SHA_512',
    tags: Object.entries(spec.tags).map(([key, value]) => ({ key, value })),
  };
}

/** A valid AWS spec in eu-west-1 (the region connectAwsAccount allows), with a unique name. */
export function awsSpec(overrides: Partial<DeploymentSpec> = {}): DeploymentSpec {
  return {
    ...defaultSpec('aws'),
    name: `kafka-${randomUUID().slice(0, 8)}`,
    region: 'eu-west-1',
    zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    ...overrides,
  };
}

/** `accountId` verified by `client` (an ADMIN or OWNER); the test environment's verification is simulated. */
export async function verifyCloudAccount(client: ApiClient, accountId: string): Promise<void> {
  expectOk(
    await client.gql('mutation($id: ID!) { verifyCloudAccount(cloudAccountId: $id) { id } }', {
      id: accountId,
    }),
    'verifying a cloud account',
  );
}

/**
 * A deployment ordered by `client` (a MEMBER or above) through the api: PENDING, with its CREATE operation
 * QUEUED (no provisioner runs in the api's tests, so nothing takes it off the queue).
 */
export async function orderDeployment(
  client: ApiClient,
  cloudAccountId: string,
  spec = awsSpec(),
): Promise<{ id: string; name: string; operationId: string }> {
  const created = expectOk(
    await client.gql(
      'mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { deployment { id name } operation { id } } }',
      { input: { cloudAccountId, spec: specInput(spec) } },
    ),
    'ordering a deployment',
  ).createDeployment as { deployment: { id: string; name: string }; operation: { id: string } };
  return { id: created.deployment.id, name: created.deployment.name, operationId: created.operation.id };
}

/**
 * How the provisioner would finish a deployment's CREATE operation, written to the database directly (no
 * worker runs here): SUCCEEDED and the deployment RUNNING, or FAILED and the deployment FAILED.
 */
export async function finishCreate(
  prisma: PrismaService,
  deployment: { id: string; operationId: string },
  outcome: 'SUCCEEDED' | 'FAILED',
): Promise<void> {
  const finishedAt = new Date();
  await prisma.$transaction([
    prisma.operation.update({
      where: { id: deployment.operationId },
      data:
        outcome === 'SUCCEEDED'
          ? { status: 'SUCCEEDED', active: null, startedAt: finishedAt, finishedAt }
          : {
              status: 'FAILED',
              active: null,
              startedAt: finishedAt,
              finishedAt,
              errorCode: 'PROVISIONING_FAILED',
              errorMessage: 'failed (set by the test, as the worker would)',
            },
    }),
    prisma.deployment.update({
      where: { id: deployment.id },
      data: outcome === 'SUCCEEDED' ? { status: 'RUNNING', observedGeneration: 1 } : { status: 'FAILED' },
    }),
  ]);
}

/** A RUNNING deployment: ordered through the api, its CREATE operation finished as the worker would. */
export async function runningDeployment(
  api: TestApi,
  client: ApiClient,
  cloudAccountId: string,
  spec = awsSpec(),
): Promise<{ id: string; name: string; operationId: string }> {
  const deployment = await orderDeployment(client, cloudAccountId, spec);
  await finishCreate(api.prisma, deployment, 'SUCCEEDED');
  return deployment;
}

/**
 * Deployments of an organization in every state the deployment operations need to succeed on, each
 * operation that changes state with an object of its own, so that one call never spoils another.
 */
export interface DeploymentFixtures {
  /** VERIFIED, used by the deployments below (so not deletable). */
  cloudAccount: { id: string; name: string; roleArn: string; externalId: string };
  /** VERIFIED and used by nothing: deleting it would succeed. */
  unusedCloudAccount: { id: string; name: string; roleArn: string; externalId: string };
  /** RUNNING on the default Kafka version, no operation active: reads, previews, scaling, subscriptions. */
  running: { id: string; name: string; operationId: string };
  /** RUNNING, to be destroyed. */
  toDestroy: { id: string; name: string; operationId: string };
  /** RUNNING, no operation active: its agent token rotated (which queues an UPDATE). */
  toRotate: { id: string; name: string; operationId: string };
  /** PENDING, its CREATE operation QUEUED: cancellable. */
  queued: { id: string; name: string; operationId: string };
  /** FAILED, its CREATE operation FAILED (and the latest): retryable. */
  failed: { id: string; name: string; operationId: string };
  /** RUNNING on an older Kafka, with a PROPOSED upgrade: approvable. */
  toApprove: { id: string; name: string; operationId: string; proposalId: string };
  /** RUNNING on an older Kafka, with a PROPOSED upgrade: declinable. */
  toDecline: { id: string; name: string; operationId: string; proposalId: string };
  /** A valid spec for a new deployment in `cloudAccount` (its name is taken by no deployment). */
  newSpec: DeploymentSpec;
  /** Pipelines, each in a state its calls succeed on, on deployments of their own where a call queues an operation. */
  pipelines: PipelineFixtures;
}

/** Pipelines of an organization, each in a state one pipeline call succeeds on. */
export interface PipelineFixtures {
  /** RUNNING (as the worker leaves it) on a deployment of its own: reads, subscriptions, pausing. */
  running: { id: string; name: string; deploymentId: string };
  /** PAUSED on a deployment of its own: resuming. */
  paused: { id: string; name: string; deploymentId: string };
  /** DRAFT on a deployment of its own: deploying. */
  toDeploy: { id: string; name: string; deploymentId: string };
  /** DRAFTs on the `running` deployment: updated and deleted without an operation. */
  toUpdate: { id: string; name: string; deploymentId: string };
  toDelete: { id: string; name: string; deploymentId: string };
}

/** A valid pipeline spec (GraphQL PipelineSpecInput): HTTP in, a filter, a Kafka topic out. */
export function pipelineSpecInput(name = `p-${randomUUID().slice(0, 8)}`) {
  return {
    name,
    topics: { partitions: 3 },
    stages: [
      { name: 'ingest', kind: 'source.http', options: { path: '/in' } },
      {
        name: 'keep',
        kind: 'transform.filter',
        options: { predicates: [{ field: 'temperature', op: 'gt', value: 20 }] },
      },
      { name: 'out', kind: 'sink.kafka', options: { topic: `${name}-hot` } },
    ],
  };
}

const CREATE_PIPELINE = `mutation($input: CreatePipelineInput!) {
  createPipeline(input: $input) { pipeline { id name deploymentId } } }`;

/** A DRAFT pipeline created by `client` through the api. */
export async function createDraftPipeline(
  client: ApiClient,
  deploymentId: string,
): Promise<{ id: string; name: string; deploymentId: string }> {
  return expectOk(
    await client.gql(CREATE_PIPELINE, { input: { deploymentId, spec: pipelineSpecInput() } }),
    'creating a pipeline',
  ).createPipeline.pipeline;
}

/** How the provisioner leaves a pipeline it deployed (RUNNING) or paused, written to the database directly. */
export async function settlePipeline(
  prisma: PrismaService,
  pipelineId: string,
  state: 'ACTIVE' | 'PAUSED',
): Promise<void> {
  const row = await prisma.pipeline.findUniqueOrThrow({ where: { id: pipelineId } });
  await prisma.pipeline.update({
    where: { id: pipelineId },
    data: {
      status: state === 'ACTIVE' ? 'RUNNING' : 'PAUSED',
      desiredState: state,
      appliedState: state,
      appliedSpec: row.spec as object,
      appliedGeneration: row.generation,
    },
  });
}

async function setUpPipelines(
  api: TestApi,
  client: ApiClient,
  cloudAccountId: string,
  runningId: string,
): Promise<PipelineFixtures> {
  const onItsOwn = async () =>
    createDraftPipeline(client, (await runningDeployment(api, client, cloudAccountId)).id);
  const running = await onItsOwn();
  await settlePipeline(api.prisma, running.id, 'ACTIVE');
  const paused = await onItsOwn();
  await settlePipeline(api.prisma, paused.id, 'PAUSED');
  return {
    running,
    paused,
    toDeploy: await onItsOwn(),
    toUpdate: await createDraftPipeline(client, runningId),
    toDelete: await createDraftPipeline(client, runningId),
  };
}

/** Sets up DeploymentFixtures in the organization `client` (an OWNER or ADMIN) acts in. */
export async function setUpDeployments(api: TestApi, client: ApiClient): Promise<DeploymentFixtures> {
  // Names and role ARNs of their own, so that a test can look for them where they must not be.
  const uniqueAccount = () => {
    const suffix = randomUUID().slice(0, 8);
    return { name: `AWS ${suffix}`, roleArn: `arn:aws:iam::123456789012:role/streamplane-${suffix}` };
  };
  const cloudAccount = await connectAwsAccount(client, uniqueAccount());
  await verifyCloudAccount(client, cloudAccount.id);
  const unusedCloudAccount = await connectAwsAccount(client, uniqueAccount());
  await verifyCloudAccount(client, unusedCloudAccount.id);

  const running = await runningDeployment(api, client, cloudAccount.id);
  const toDestroy = await runningDeployment(api, client, cloudAccount.id);
  const toRotate = await runningDeployment(api, client, cloudAccount.id);
  const queued = await orderDeployment(client, cloudAccount.id);
  const failed = await orderDeployment(client, cloudAccount.id);
  await finishCreate(api.prisma, failed, 'FAILED');

  // Streamplane proposes upgrades itself (a system job): ask it to, for two deployments on an older Kafka.
  const older = supportedKafkaVersions().find((v) => v !== defaultSpec('aws').kafkaVersion);
  if (!older) throw new Error('no Kafka version older than the default to upgrade from');
  const toApprove = await runningDeployment(api, client, cloudAccount.id, awsSpec({ kafkaVersion: older }));
  const toDecline = await runningDeployment(api, client, cloudAccount.id, awsSpec({ kafkaVersion: older }));
  const proposals = await api.app.get(UpgradesService).proposeUpgrades();
  const proposalOf = (deploymentId: string) => {
    const proposal = proposals.find((p) => p.deploymentId === deploymentId && p.state === 'PROPOSED');
    if (!proposal)
      throw new Error(`no upgrade was proposed for ${deploymentId}: ${JSON.stringify(proposals)}`);
    return proposal.id;
  };

  return {
    cloudAccount,
    unusedCloudAccount,
    running,
    toDestroy,
    toRotate,
    queued,
    failed,
    toApprove: { ...toApprove, proposalId: proposalOf(toApprove.id) },
    toDecline: { ...toDecline, proposalId: proposalOf(toDecline.id) },
    newSpec: awsSpec(),
    pipelines: await setUpPipelines(api, client, cloudAccount.id, running.id),
  };
}

/**
 * The ids and argument values with which every deployment operation would succeed on `fixtures`, for
 * generated calls (see CallFixtures in graphql-calls.ts).
 */
export function deploymentCallFixtures(fixtures: DeploymentFixtures): Required<CallFixtures> {
  const windowStart = new Date(Date.now() + 2 * 3600_000);
  return {
    ids: {
      cloudAccountId: fixtures.cloudAccount.id,
      deploymentId: fixtures.running.id,
      operationId: fixtures.running.operationId,
      proposalId: fixtures.toApprove.proposalId,
      pipelineId: fixtures.pipelines.running.id,
    },
    perOperation: {
      'Mutation.deleteCloudAccount': { ids: { cloudAccountId: fixtures.unusedCloudAccount.id } },
      'Mutation.createDeployment': { args: { input: { spec: specInput(fixtures.newSpec) } } },
      'Query.previewChange': { args: { change: { brokers: 4 } } },
      'Mutation.scaleDeployment': { args: { change: { brokers: 4 } } },
      'Mutation.destroyDeployment': {
        ids: { deploymentId: fixtures.toDestroy.id },
        args: { confirmName: fixtures.toDestroy.name },
      },
      'Mutation.rotateAgentToken': { ids: { deploymentId: fixtures.toRotate.id } },
      'Mutation.cancelOperation': { ids: { operationId: fixtures.queued.operationId } },
      'Mutation.retryOperation': { ids: { operationId: fixtures.failed.operationId } },
      'Mutation.approveUpgrade': {
        ids: { proposalId: fixtures.toApprove.proposalId },
        args: {
          window: {
            start: windowStart.toISOString(),
            end: new Date(windowStart.getTime() + 2 * 3600_000).toISOString(),
          },
        },
      },
      'Mutation.declineUpgrade': { ids: { proposalId: fixtures.toDecline.proposalId } },
      'Mutation.createPipeline': { args: { input: { spec: pipelineSpecInput() } } },
      'Mutation.updatePipeline': {
        ids: { pipelineId: fixtures.pipelines.toUpdate.id },
        args: { spec: { stages: pipelineSpecInput(fixtures.pipelines.toUpdate.name).stages } },
      },
      'Mutation.deployPipeline': { ids: { pipelineId: fixtures.pipelines.toDeploy.id } },
      'Mutation.resumePipeline': { ids: { pipelineId: fixtures.pipelines.paused.id } },
      'Mutation.deletePipeline': { ids: { pipelineId: fixtures.pipelines.toDelete.id } },
    },
  };
}
