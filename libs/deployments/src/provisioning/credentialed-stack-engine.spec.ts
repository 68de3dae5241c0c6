import { defaultSpec } from '@streamplane/deployment-spec';
import {
  ProvisioningError,
  ProvisioningErrorCode,
  emptySummary,
  type AzureCredentials,
  type StackEngine,
  type StackRequest,
} from '@streamplane/provisioning';
import { CredentialedStackEngine, type RunCredentialsSource } from './credentialed-stack-engine';

const DEPLOYMENT = {
  id: '6d1f3c2a-8e4b-4f7a-9c21-5b0e7d9a1f34',
  orgId: '0c6f2c4e-5b1a-4c1e-9a43-5f5b8d1b2c3d',
  cloudAccountId: '5b0e7d9a-1f34-4f7a-9c21-6d1f3c2a8e4b',
  cloud: 'AZURE' as const,
  stackName: 'dep-6d1f3c2a-8e4b-4f7a-9c21-5b0e7d9a1f34',
};
const CREDENTIALS: AzureCredentials = {
  cloud: 'azure',
  tenantId: '11111111-1111-4111-8111-111111111111',
  clientId: '22222222-2222-4222-8222-222222222222',
  clientSecret: 'client-secret-of-this-deployment',
  subscriptionId: '33333333-3333-4333-8333-333333333333',
};

function request(stackName = DEPLOYMENT.stackName): StackRequest {
  return {
    stackName,
    input: {
      deploymentId: DEPLOYMENT.id,
      spec: defaultSpec('azure'),
      agent: {
        image: 'agent:1',
        controlPlaneUrl: 'http://localhost:3000',
        token: 'spa_test_token_0123456789',
      },
    },
    onEvent: () => undefined,
  };
}

function setup(credentials: RunCredentialsSource['credentials'] = () => Promise.resolve(CREDENTIALS)) {
  const received: StackRequest[] = [];
  const run = (r: StackRequest) => {
    received.push(r);
    return Promise.resolve({
      engine: 'pulumi' as const,
      simulated: false,
      summary: emptySummary(),
      outputs: {},
      durationMs: 1,
    });
  };
  const inner: StackEngine = {
    kind: 'pulumi',
    simulated: false,
    up: run,
    destroy: run,
    refresh: run,
    preview: (r) => run(r).then((result) => ({ ...result, plan: [] })),
  };
  const asked: { deploymentId: string; operation: string }[] = [];
  const source: RunCredentialsSource = {
    deployment: (id) => Promise.resolve(id === DEPLOYMENT.id ? DEPLOYMENT : undefined),
    credentials: (deployment, run) => {
      asked.push({ deploymentId: deployment.id, operation: run.operation });
      return credentials(deployment, run);
    },
  };
  return { engine: new CredentialedStackEngine(inner, source), received, asked };
}

describe('CredentialedStackEngine', () => {
  it('gives every kind of run the credentials of its own deployment, fetched for that run', async () => {
    const { engine, received, asked } = setup();
    expect(engine).toMatchObject({ kind: 'pulumi', simulated: false });
    await engine.preview(request());
    await engine.up(request());
    await engine.refresh(request());
    await engine.destroy(request());
    expect(asked).toEqual(
      ['preview', 'up', 'refresh', 'destroy'].map((operation) => ({
        deploymentId: DEPLOYMENT.id,
        operation,
      })),
    );
    for (const r of received) expect(r.credentials).toEqual(CREDENTIALS);
  });

  it("refuses a stack that is not the deployment's own, before any credentials are fetched", async () => {
    const { engine, received, asked } = setup();
    const error = await engine.up(request('dep-someone-elses-stack')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ProvisioningErrorCode.INVALID_REQUEST, retryable: false });
    expect(asked).toEqual([]);
    expect(received).toEqual([]);
  });

  it('does not run when the credentials cannot be had, and passes their error on as it is', async () => {
    const rejected = new ProvisioningError(ProvisioningErrorCode.CREDENTIALS_REJECTED, 'role denied');
    const { engine, received } = setup(() => Promise.reject(rejected));
    await expect(engine.up(request())).rejects.toBe(rejected);
    expect(received).toEqual([]);
  });
});
