import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cloudAccountSecretContext, FakeAwsSts } from '@streamplane/cloud-accounts';
import { loadConfig, type AppConfig } from '@streamplane/config';
import { PrismaService } from '@streamplane/db';
import { defaultSpec, type DeploymentSpec } from '@streamplane/deployment-spec';
import { stackEngineFor } from '@streamplane/deployments';
import { CredentialCipher } from '@streamplane/secrets';
import { startProvisioner, type Provisioner } from '../src/create-provisioner';
import type { RecordedRun } from './pulumi-engine-fake-runner';
import { addOperation, enqueue, operationIn, testQueue, type TestQueue } from './provisioner-fixtures';

/**
 * The provisioner with CLOUD_ENGINE=pulumi, end to end except for the Pulumi CLI and the cloud: the real
 * queue, PostgreSQL, Redis, credential decryption, STS client and PulumiStackEngine (which forks its run
 * process), with a fake run process that records what the CLI would be given, and a fake STS over HTTP.
 */
jest.setTimeout(60_000);

const FAKE_RUNNER = { modulePath: path.join(__dirname, 'pulumi-engine-fake-runner.ts') };
const PASSPHRASE = 'pulumi-state-passphrase-for-this-test';
const STREAMPLANE_AWS_SECRET = 'streamplane-own-aws-secret-for-this-test';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/streamplane-provisioner';

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

describe('provisioner on the pulumi engine: each run gets the credentials of its own deployment', () => {
  let workRoot: string;
  let config: AppConfig;
  let prisma: PrismaService;
  let queue: TestQueue;
  let provisioner: Provisioner;
  let sts: FakeAwsSts;
  let cipher: CredentialCipher;
  const logLines: string[] = [];
  const log = () => logLines.join('');

  beforeAll(async () => {
    workRoot = mkdtempSync(path.join(tmpdir(), 'sp-pulumi-'));
    sts = await FakeAwsSts.start();
    config = loadConfig({
      ...process.env,
      REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}pulumi:`,
      LOG_LEVEL: 'trace',
      CLOUD_ENGINE: 'pulumi',
      STREAMPLANE_AWS_ACCOUNT_ID: '999999999999',
      PULUMI_BACKEND_URL: `file://${path.join(workRoot, 'state')}`,
      PULUMI_SECRETS_PROVIDER: 'passphrase',
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_WORK_ROOT: workRoot,
      AWS_STS_ENDPOINT: sts.url,
      AWS_ACCESS_KEY_ID: sts.callerAccessKeyId,
      AWS_SECRET_ACCESS_KEY: STREAMPLANE_AWS_SECRET,
    });
    prisma = new PrismaService(config);
    queue = testQueue(config);
    cipher = new CredentialCipher(config.cloud.credentialsKeyring);
    // The configured engine, built by the provisioner's own factory, with only its run process replaced.
    provisioner = await startProvisioner(config, {
      engine: stackEngineFor(config, { runner: FAKE_RUNNER }),
      logDestination: { write: (line: string) => logLines.push(line) },
    });
  });

  afterAll(async () => {
    await provisioner?.close();
    await queue?.close();
    await prisma?.$disconnect();
    await sts?.close();
    rmSync(workRoot, { recursive: true, force: true });
  });

  async function makeOrg(): Promise<string> {
    const suffix = randomUUID().slice(0, 8);
    const org = await prisma.organization.create({ data: { name: `Org ${suffix}`, slug: `org-${suffix}` } });
    return org.id;
  }

  /** An Azure account as connectAzureAccount stores it: the secret sealed to the account's id. */
  async function makeAzureAccount(orgId: string) {
    const account = {
      id: randomUUID(),
      tenantId: randomUUID(),
      clientId: randomUUID(),
      subscriptionId: randomUUID(),
      secret: `azure-client-secret-${randomUUID()}`,
    };
    const sealed = cipher.encrypt(
      account.secret,
      cloudAccountSecretContext(account.id, 'azure-client-secret'),
    );
    await prisma.cloudAccount.create({
      data: {
        id: account.id,
        orgId,
        provider: 'AZURE',
        name: `azure ${account.id.slice(0, 8)}`,
        status: 'VERIFIED',
        azureTenantId: account.tenantId,
        azureClientId: account.clientId,
        azureSubscriptionId: account.subscriptionId,
        secretCiphertext: Buffer.from(sealed.ciphertext),
        secretKeyId: sealed.keyId,
      },
    });
    return account;
  }

  async function makeAwsAccount(orgId: string, externalId = `streamplane-${randomUUID()}`) {
    const account = await prisma.cloudAccount.create({
      data: {
        orgId,
        provider: 'AWS',
        name: `aws ${randomUUID().slice(0, 8)}`,
        status: 'VERIFIED',
        awsAccountId: '123456789012',
        awsRoleArn: ROLE_ARN,
        awsExternalId: externalId,
      },
    });
    return { id: account.id, externalId };
  }

  /** A PENDING deployment on the pulumi engine and its QUEUED CREATE operation, enqueued like the api does. */
  async function orderDeployment(orgId: string, cloudAccountId: string, cloud: 'azure' | 'aws') {
    const spec: DeploymentSpec = { ...defaultSpec(cloud), name: `k-${randomUUID().slice(0, 8)}` };
    const id = randomUUID();
    const stackName = `dep-${id}`;
    await prisma.deployment.create({
      data: {
        id,
        orgId,
        cloudAccountId,
        name: spec.name,
        cloud: cloud === 'azure' ? 'AZURE' : 'AWS',
        region: spec.region,
        zones: spec.zones,
        kafkaVersion: spec.kafkaVersion,
        controllers: spec.controllers,
        brokers: spec.brokers,
        nodeSize: spec.nodeSize,
        storagePerBrokerGiB: spec.storagePerBrokerGiB,
        externalListener: spec.listeners.external,
        clientAuthentication: 'SCRAM_SHA_512',
        spec: JSON.parse(JSON.stringify(spec)),
        engine: 'pulumi',
        stackName,
      },
    });
    const target = { orgId, deploymentId: id };
    const operationId = await addOperation(prisma, target, 'CREATE', spec, 1);
    await enqueue(queue, target, operationId);
    return { deploymentId: id, operationId, stackName };
  }

  const recordedRun = (stackName: string): RecordedRun | undefined => {
    const file = path.join(workRoot, stackName, 'recorded-run.json');
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as RecordedRun) : undefined;
  };

  const sessionsAudited = (cloudAccountId: string) =>
    prisma.auditLog.findMany({ where: { action: 'cloud_account.session', targetId: cloudAccountId } });

  it("Azure: the run's CLI gets ARM_* of the deployment's account, nothing of another organization's", async () => {
    const [orgA, orgB] = [await makeOrg(), await makeOrg()];
    const mine = await makeAzureAccount(orgA);
    const theirs = await makeAzureAccount(orgB);
    const { deploymentId, operationId, stackName } = await orderDeployment(orgA, mine.id, 'azure');

    const operation = await operationIn(prisma, operationId, ['SUCCEEDED', 'FAILED']);
    expect(operation).toMatchObject({ status: 'SUCCEEDED', errorCode: null });
    const deployment = await prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    expect(deployment).toMatchObject({ status: 'RUNNING', outputs: { clusterName: 'aks-recorded' } });

    const run = recordedRun(stackName)!;
    expect(run).toMatchObject({ operation: 'up', stackName, credentialsCloud: 'azure' });
    expect(run.cliEnvironment).toMatchObject({
      ARM_TENANT_ID: sha256(mine.tenantId),
      ARM_CLIENT_ID: sha256(mine.clientId),
      ARM_CLIENT_SECRET: sha256(mine.secret),
      ARM_SUBSCRIPTION_ID: sha256(mine.subscriptionId),
      AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: sha256(mine.secret),
      PULUMI_CONFIG_PASSPHRASE: sha256(PASSPHRASE),
    });
    const given = Object.values(run.cliEnvironment);
    for (const value of [theirs.secret, theirs.clientId, theirs.tenantId, theirs.subscriptionId]) {
      expect(given).not.toContain(sha256(value));
    }
    expect(Object.keys(run.cliEnvironment).filter((name) => name.startsWith('AWS_'))).toEqual([]);
    // The run process itself inherits none of the provisioner's secrets; the customer's go to the CLI only.
    for (const name of ['DATABASE_URL', 'AUTH_SECRET', 'CREDENTIALS_ENCRYPTION_KEYS', 'ARM_CLIENT_SECRET']) {
      expect(run.runProcessEnvironment).not.toContain(name);
    }

    // Handing the secret to the run is audited in the deployment's organization, by the system.
    const audited = await sessionsAudited(mine.id);
    expect(audited).toEqual([
      expect.objectContaining({
        orgId: orgA,
        actorType: 'SYSTEM',
        metadata: {
          purpose: 'provision',
          deploymentId,
          run: 'up',
          kind: 'azure-client-credentials',
          principal: mine.clientId,
          sessionName: `streamplane-up-${deploymentId}`,
          expiresAt: null,
        },
      }),
    ]);
    expect(await sessionsAudited(theirs.id)).toEqual([]);

    // The run's diagnostic quoted the secret: the log has it redacted, and no secret anywhere.
    expect(log()).toContain('provider said: invalid client secret [redacted]');
    expect(log()).toContain('Cloud credentials issued for a run');
    for (const secret of [mine.secret, theirs.secret, PASSPHRASE]) expect(log()).not.toContain(secret);
  });

  it("refuses a deployment whose cloud account is another organization's: FAILED, nothing run, nothing issued", async () => {
    const [orgA, orgB] = [await makeOrg(), await makeOrg()];
    const theirs = await makeAzureAccount(orgB);
    // The api never writes this (createDeployment checks the account's organization); the worker must not trust it.
    const { deploymentId, operationId, stackName } = await orderDeployment(orgA, theirs.id, 'azure');

    const operation = await operationIn(prisma, operationId, ['SUCCEEDED', 'FAILED']);
    expect(operation).toMatchObject({ status: 'FAILED', errorCode: 'INVALID_REQUEST' });
    expect(operation.errorMessage).toContain(
      `deployment ${deploymentId} is not in the deployment's organization`,
    );
    expect(recordedRun(stackName)).toBeUndefined();
    expect(await sessionsAudited(theirs.id)).toEqual([]);
    expect(log()).not.toContain(theirs.secret);
  });

  it("AWS: the role is assumed with the account's external id; its session reaches the run and is audited", async () => {
    const orgId = await makeOrg();
    const account = await makeAwsAccount(orgId);
    sts.addRole({ roleArn: ROLE_ARN, externalId: account.externalId });
    const { deploymentId, operationId, stackName } = await orderDeployment(orgId, account.id, 'aws');

    const operation = await operationIn(prisma, operationId, ['SUCCEEDED', 'FAILED']);
    expect(operation).toMatchObject({ status: 'SUCCEEDED', errorCode: null });

    const sessionName = `streamplane-up-${deploymentId}`;
    const assumeCalls = sts.calls.filter((call) => call.params.RoleSessionName === sessionName);
    expect(assumeCalls).toEqual([
      expect.objectContaining({
        action: 'AssumeRole',
        accessKeyId: sts.callerAccessKeyId, // as Streamplane
        params: expect.objectContaining({
          RoleArn: ROLE_ARN,
          ExternalId: account.externalId,
          DurationSeconds: '3600',
        }),
      }),
    ]);
    const issued = sts.issued.find((session) => session.sessionName === sessionName)!;
    const run = recordedRun(stackName)!;
    expect(run).toMatchObject({ operation: 'up', credentialsCloud: 'aws' });
    expect(run.cliEnvironment).toMatchObject({
      AWS_ACCESS_KEY_ID: sha256(issued.accessKeyId),
      AWS_SECRET_ACCESS_KEY: sha256(issued.secretAccessKey),
      AWS_SESSION_TOKEN: sha256(issued.sessionToken),
      AWS_REGION: sha256('us-east-1'),
    });
    // Never Streamplane's own key, never anything Azure.
    expect(Object.values(run.cliEnvironment)).not.toContain(sha256(STREAMPLANE_AWS_SECRET));
    expect(Object.keys(run.cliEnvironment).filter((name) => /^(ARM|AAD)_/.test(name))).toEqual([]);

    expect(await sessionsAudited(account.id)).toEqual([
      expect.objectContaining({
        orgId,
        actorType: 'SYSTEM',
        metadata: {
          purpose: 'provision',
          deploymentId,
          run: 'up',
          kind: 'aws-assume-role',
          principal: ROLE_ARN,
          sessionName,
          expiresAt: expect.any(String),
        },
      }),
    ]);
    for (const secret of [issued.secretAccessKey, issued.sessionToken, STREAMPLANE_AWS_SECRET]) {
      expect(log()).not.toContain(secret);
    }
    expect(log()).toContain('provider said: invalid client secret [redacted]');
  });

  it('AWS: a role that no longer accepts the external id fails the operation at once (not retried), nothing run', async () => {
    const orgId = await makeOrg();
    const account = await makeAwsAccount(orgId);
    const otherRole = 'arn:aws:iam::123456789012:role/streamplane-provisioner-revoked';
    await prisma.cloudAccount.update({ where: { id: account.id }, data: { awsRoleArn: otherRole } });
    sts.addRole({ roleArn: otherRole, externalId: 'streamplane-some-other-external-id' });
    const { deploymentId, operationId, stackName } = await orderDeployment(orgId, account.id, 'aws');

    const operation = await operationIn(prisma, operationId, ['SUCCEEDED', 'FAILED']);
    expect(operation).toMatchObject({ status: 'FAILED', errorCode: 'CREDENTIALS_REJECTED' });
    expect(operation.errorMessage).toContain(otherRole);
    expect(operation.errorMessage).not.toContain('will retry');
    // One AssumeRole: the job was not retried (it has 3 attempts for transient failures).
    const sessionName = `streamplane-up-${deploymentId}`;
    expect(sts.calls.filter((call) => call.params.RoleSessionName === sessionName)).toHaveLength(1);
    expect(recordedRun(stackName)).toBeUndefined();
    expect(await sessionsAudited(account.id)).toEqual([]);
  });

  it('refuses to start on the pulumi engine without its settings, naming each missing variable', async () => {
    const unconfigured = loadConfig({
      ...process.env,
      CLOUD_ENGINE: 'pulumi',
      STREAMPLANE_AWS_ACCOUNT_ID: '999999999999',
      PULUMI_SECRETS_PROVIDER: 'passphrase',
    });
    await expect(startProvisioner(unconfigured)).rejects.toThrow(
      /PULUMI_BACKEND_URL: is required[\s\S]*PULUMI_CONFIG_PASSPHRASE: is required/,
    );
  });
});
