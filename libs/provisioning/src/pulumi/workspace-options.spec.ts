import { ProvisioningErrorCode } from '../provisioning.errors';
import type { AwsCredentials, AzureCredentials } from '../stack-engine';
import { makeInput, makeRequest } from '../testing/factories';
import { PulumiStackEngine } from './pulumi-stack-engine';
import type { PulumiEngineConfig } from './workspace-options';
import { buildWorkspaceSpec, childEnvironment, configProblems } from './workspace-options';

const azure: AzureCredentials = {
  cloud: 'azure',
  tenantId: 'tenant-1',
  clientId: 'client-1',
  clientSecret: 'azure-client-secret',
  subscriptionId: 'sub-1',
};
const aws: AwsCredentials = {
  cloud: 'aws',
  accessKeyId: 'ASIAEXAMPLE',
  secretAccessKey: 'aws-secret-access-key',
  sessionToken: 'aws-session-token',
};

const kmsConfig: PulumiEngineConfig = {
  backendUrl: 's3://streamplane-state/stacks?region=eu-west-1',
  secretsProvider: 'awskms://alias/streamplane-state?region=eu-west-1',
  workRoot: '/var/lib/streamplane/pulumi',
  backendEnv: { AWS_SHARED_CREDENTIALS_FILE: '/etc/streamplane/aws-state-credentials' },
};

describe('pulumi engine: workspace options', () => {
  it('Azure: backend and secrets provider from configuration, the service principal for this run only', () => {
    const spec = buildWorkspaceSpec(
      {
        backendUrl: 'azblob://stacks?storage_account=spstate',
        secretsProvider: 'azurekeyvault://sp.vault.azure.net/keys/state',
      },
      makeRequest('dep-1', makeInput('azure'), { credentials: azure }),
    );
    expect(spec.projectSettings).toEqual({
      name: 'streamplane',
      runtime: 'nodejs',
      backend: { url: 'azblob://stacks?storage_account=spstate' },
    });
    expect(spec.secretsProvider).toBe('azurekeyvault://sp.vault.azure.net/keys/state');
    expect(spec.envVars).toEqual({
      PULUMI_BACKEND_URL: 'azblob://stacks?storage_account=spstate',
      PULUMI_SKIP_UPDATE_CHECK: 'true',
      PULUMI_SKIP_CONFIRMATIONS: 'true',
      ARM_CLIENT_ID: 'client-1',
      ARM_CLIENT_SECRET: 'azure-client-secret',
      ARM_TENANT_ID: 'tenant-1',
      ARM_SUBSCRIPTION_ID: 'sub-1',
      // kubelogin, which the AKS kubeconfig runs, signs in as the same service principal.
      AAD_LOGIN_METHOD: 'spn',
      AAD_SERVICE_PRINCIPAL_CLIENT_ID: 'client-1',
      AAD_SERVICE_PRINCIPAL_CLIENT_SECRET: 'azure-client-secret',
    });
    expect(spec.workDir).toMatch(/streamplane-pulumi\/dep-1$/);
  });

  it("AWS: the assumed role's temporary credentials and the region, beside the backend's own settings", () => {
    const spec = buildWorkspaceSpec(kmsConfig, makeRequest('dep-2', makeInput('aws'), { credentials: aws }));
    expect(spec.envVars).toMatchObject({
      PULUMI_BACKEND_URL: 's3://streamplane-state/stacks?region=eu-west-1',
      AWS_SHARED_CREDENTIALS_FILE: '/etc/streamplane/aws-state-credentials',
      AWS_ACCESS_KEY_ID: 'ASIAEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'aws-secret-access-key',
      AWS_SESSION_TOKEN: 'aws-session-token',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
    });
    expect(Object.keys(spec.envVars).some((name) => name.startsWith('ARM_'))).toBe(false);
    expect(spec.workDir).toBe('/var/lib/streamplane/pulumi/dep-2');
  });

  it('passphrase secrets: the passphrase goes to the CLI as PULUMI_CONFIG_PASSPHRASE', () => {
    const spec = buildWorkspaceSpec(
      { backendUrl: 'file:///var/lib/state', secretsProvider: 'passphrase', passphrase: 'correct horse' },
      makeRequest('dep-3', makeInput('azure'), { credentials: azure }),
    );
    expect(spec.envVars.PULUMI_CONFIG_PASSPHRASE).toBe('correct horse');
    expect(spec.secretsProvider).toBe('passphrase');
  });

  it('needs credentials for every operation', () => {
    expect(() => buildWorkspaceSpec(kmsConfig, makeRequest('dep-1', makeInput('aws')))).toThrow(
      expect.objectContaining({ code: ProvisioningErrorCode.INVALID_REQUEST }),
    );
  });

  it('the run spec carries the stack config for the cloud, the request flags and the program', () => {
    const engine = new PulumiStackEngine(kmsConfig);
    const run = engine.runSpecFor(
      'destroy',
      makeRequest('dep-2', makeInput('aws'), {
        credentials: aws,
        previousRunInterrupted: true,
        continueOnError: true,
      }),
    );
    expect(run).toMatchObject({
      operation: 'destroy',
      stackName: 'dep-2',
      projectName: 'streamplane',
      config: { 'aws:region': 'eu-west-1' },
      program: { module: '@streamplane/infra', exportName: 'deploymentProgram' },
      previousRunInterrupted: true,
      continueOnError: true,
      credentials: aws,
    });
    expect(run.input.agent.token).toBe('spa_test_agent_token_0123456789abcdef');
  });

  it.each([
    [{ backendUrl: 'postgres://db', secretsProvider: 'passphrase', passphrase: 'x' }, 'backendUrl'],
    [{ backendUrl: 'file:///s', secretsProvider: 'plaintext' }, 'secretsProvider'],
    [{ backendUrl: 'file:///s', secretsProvider: 'passphrase' }, 'passphrase'],
    [{ ...kmsConfig, backendEnv: { AWS_ACCESS_KEY_ID: 'x' } }, 'backendEnv.AWS_ACCESS_KEY_ID'],
    [{ ...kmsConfig, backendEnv: { ARM_CLIENT_SECRET: 'x' } }, 'backendEnv.ARM_CLIENT_SECRET'],
  ] as [PulumiEngineConfig, string][])('refuses %j naming %s', (config, field) => {
    expect(configProblems(config).join('\n')).toContain(`${field}:`);
  });

  it('accepts the documented backends and secrets providers', () => {
    expect(configProblems(kmsConfig)).toEqual([]);
    expect(
      configProblems({
        backendUrl: 'https://api.pulumi.com',
        secretsProvider: 'azurekeyvault://v.vault.azure.net/keys/k',
      }),
    ).toEqual([]);
  });

  it('the run process inherits only operating-system basics from the worker', () => {
    const env = childEnvironment({
      PATH: '/usr/bin',
      HOME: '/home/worker',
      DATABASE_URL: 'postgresql://x',
      REDIS_URL: 'redis://x',
      AUTH_SECRET: 'x',
      CREDENTIALS_ENCRYPTION_KEYS: 'k1:x',
      AWS_ACCESS_KEY_ID: 'worker-own',
    });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/worker' });
  });
});
