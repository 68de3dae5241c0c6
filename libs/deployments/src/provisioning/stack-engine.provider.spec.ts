import { ConfigError, loadConfig } from '@streamplane/config';
import { defaultSpec } from '@streamplane/deployment-spec';
import { PulumiStackEngine } from '@streamplane/provisioning';
import { stackEngineFor } from './stack-engine.provider';

const base = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/streamplane',
  AUTH_SECRET: 'x'.repeat(32),
  CREDENTIALS_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
};
const pulumi = {
  ...base,
  CLOUD_ENGINE: 'pulumi',
  STREAMPLANE_AWS_ACCOUNT_ID: '123456789012',
  PULUMI_BACKEND_URL: 'azblob://stacks?storage_account=spstate',
  PULUMI_SECRETS_PROVIDER: 'passphrase',
  PULUMI_CONFIG_PASSPHRASE: 'state-passphrase-0123456789',
  PULUMI_HOME: '/var/lib/streamplane/pulumi-home',
  PULUMI_COMMAND_ROOT: '/opt/pulumi',
  PULUMI_WORK_ROOT: '/var/lib/streamplane/stacks',
  PULUMI_BACKEND_ENV: 'AZURE_STORAGE_KEY',
  AZURE_STORAGE_KEY: 'storage-key-of-streamplane',
};

describe('stackEngineFor', () => {
  it('builds the local engine by default', () => {
    expect(stackEngineFor(loadConfig(base))).toMatchObject({ kind: 'local', simulated: true });
  });

  it('builds the pulumi engine from its configuration, without any customer credentials', () => {
    const engine = stackEngineFor(loadConfig(pulumi));
    expect(engine).toBeInstanceOf(PulumiStackEngine);
    expect(engine).toMatchObject({ kind: 'pulumi', simulated: false });
    // What a run's CLI would be given, once the provisioner has added the deployment's credentials.
    const spec = (engine as PulumiStackEngine).runSpecFor('up', {
      stackName: 'dep-1',
      input: {
        deploymentId: '6d1f3c2a-8e4b-4f7a-9c21-5b0e7d9a1f34',
        spec: defaultSpec('azure'),
        agent: {
          image: 'agent:1',
          controlPlaneUrl: 'http://localhost:3000',
          token: 'spa_test_token_0123456789',
        },
      },
      credentials: {
        cloud: 'azure',
        tenantId: '11111111-1111-4111-8111-111111111111',
        clientId: '22222222-2222-4222-8222-222222222222',
        clientSecret: 'client-secret',
        subscriptionId: '33333333-3333-4333-8333-333333333333',
      },
      onEvent: () => undefined,
    });
    expect(spec.workspace).toMatchObject({
      workDir: '/var/lib/streamplane/stacks/dep-1',
      pulumiHome: '/var/lib/streamplane/pulumi-home',
      pulumiCommandRoot: '/opt/pulumi',
      secretsProvider: 'passphrase',
      projectSettings: { backend: { url: 'azblob://stacks?storage_account=spstate' } },
      envVars: {
        PULUMI_BACKEND_URL: 'azblob://stacks?storage_account=spstate',
        PULUMI_CONFIG_PASSPHRASE: 'state-passphrase-0123456789',
        AZURE_STORAGE_KEY: 'storage-key-of-streamplane',
        ARM_CLIENT_ID: '22222222-2222-4222-8222-222222222222',
      },
    });
  });

  it('refuses to build the pulumi engine without its settings, naming each missing variable', () => {
    const config = loadConfig({
      ...base,
      CLOUD_ENGINE: 'pulumi',
      STREAMPLANE_AWS_ACCOUNT_ID: '123456789012',
    });
    expect(() => stackEngineFor(config)).toThrow(ConfigError);
    expect(() => stackEngineFor(config)).toThrow(
      /PULUMI_BACKEND_URL: is required[\s\S]*PULUMI_SECRETS_PROVIDER/,
    );
  });
});
