import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import { ProvisioningError, ProvisioningErrorCode } from '../provisioning.errors';
import { SecretValue } from '../secret-value';
import type { AzureCredentials, StackRunResult } from '../stack-engine';
import { makeInput, makeRequest } from '../testing/factories';
import { PulumiStackEngine } from './pulumi-stack-engine';
import type { PulumiEngineConfig } from './workspace-options';

const AZURE: AzureCredentials = {
  cloud: 'azure',
  tenantId: '11111111-1111-4111-8111-111111111111',
  clientId: '22222222-2222-4222-8222-222222222222',
  clientSecret: 'client-secret-value-never-logged',
  subscriptionId: '33333333-3333-4333-8333-333333333333',
};

const fakeRunner = { modulePath: path.join(__dirname, 'testing', 'fake-runner.ts') };

function engineWith(extra: Partial<PulumiEngineConfig> = {}) {
  const logs: { level: string; message: string }[] = [];
  const engine = new PulumiStackEngine({
    backendUrl: 'file:///var/lib/streamplane/state',
    secretsProvider: 'passphrase',
    passphrase: 'state-passphrase-for-tests',
    runner: fakeRunner,
    log: (level, message) => logs.push({ level, message }),
    ...extra,
  });
  return { engine, logs };
}

const request = (stackName: string, extra = {}) =>
  makeRequest(stackName, makeInput('azure'), { credentials: AZURE, ...extra });

async function failure(promise: Promise<unknown>): Promise<ProvisioningError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProvisioningError);
  return error as ProvisioningError;
}

describe('PulumiStackEngine: the run process and its IPC protocol (fake runner, no Pulumi CLI)', () => {
  const saved = { DATABASE_URL: process.env.DATABASE_URL, AUTH_SECRET: process.env.AUTH_SECRET };
  beforeAll(() => {
    process.env.DATABASE_URL = 'postgresql://streamplane:db-password@db/streamplane';
    process.env.AUTH_SECRET = 'an-auth-secret-the-run-process-must-not-see';
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  describe('a successful run', () => {
    let run: {
      req: ReturnType<typeof request>;
      result: StackRunResult;
      logs: { level: string; message: string }[];
    };
    beforeAll(async () => {
      const { engine, logs } = engineWith();
      const req = request('fake-success');
      run = { req, result: await engine.up(req), logs };
    }, 15_000);

    it('relays events with a running sequence, returns outputs with secrets kept secret, and ignores foreign messages', () => {
      const { req, result, logs } = run;
      expect(req.events.map((e) => [e.sequence, e.name, e.state])).toEqual([
        [1, 'rg', 'in_progress'],
        [2, 'rg', 'succeeded'],
      ]);
      expect(result).toMatchObject({ engine: 'pulumi', simulated: false, summary: { created: 1, same: 1 } });
      expect(result.outputs.clusterName).toBe('aks-1');
      expect(result.outputs.kubeconfig).toBeInstanceOf(SecretValue);
      expect((result.outputs.kubeconfig as SecretValue).reveal()).toBe('apiVersion: v1');
      expect(JSON.stringify(result)).not.toContain('apiVersion: v1');
      // The child's log line mentioned the client secret: the parent's log only ever sees it redacted.
      expect(logs.map((l) => l.message).join('\n')).toContain('[redacted]');
      expect(JSON.stringify(logs)).not.toContain(AZURE.clientSecret);
    });

    it('gives the run process the credentials over IPC and only an allow-listed environment', () => {
      const seenEnvironment = run.result.outputs.seenEnvironment as string[];
      const seenSpec = run.result.outputs.seenSpec as Record<string, unknown>;
      for (const name of ['DATABASE_URL', 'AUTH_SECRET', 'ARM_CLIENT_SECRET', 'PULUMI_CONFIG_PASSPHRASE']) {
        expect(seenEnvironment).not.toContain(name);
      }
      expect(seenEnvironment).toContain('PATH');
      expect(seenSpec).toMatchObject({
        operation: 'up',
        credentialsCloud: 'azure',
        token: 'spa_test_agent_token_0123456789abcdef',
        config: { 'azure-native:location': 'westeurope' },
        previousRunInterrupted: false,
      });
      // The CLI (not the run process) gets them, for this run only.
      expect(seenSpec.envVarNames).toEqual(
        expect.arrayContaining([
          'ARM_CLIENT_ID',
          'ARM_CLIENT_SECRET',
          'PULUMI_BACKEND_URL',
          'PULUMI_CONFIG_PASSPHRASE',
        ]),
      );
    });
  });

  it('returns a preview plan', async () => {
    const { engine } = engineWith();
    const req = request('fake-preview');
    const result = await engine.preview(req);
    expect(result.plan).toEqual([expect.objectContaining({ name: 'rg', operation: 'create' })]);
    expect(req.events[0]).toMatchObject({ state: 'pending', sequence: 1 });
  }, 15_000);

  it("turns the child's error message into the same ProvisioningError", async () => {
    const { engine } = engineWith();
    const error = await failure(engine.up(request('fake-resource-failure')));
    expect(error.code).toBe(ProvisioningErrorCode.RESOURCE_FAILED);
    expect(error.retryable).toBe(false);
    expect(error.resource).toMatchObject({
      name: 'rg',
      type: 'azure-native:resources:ResourceGroup',
      message: 'quota exceeded',
    });
  }, 15_000);

  it('reports a run process that dies without a result as ENGINE_CRASHED (retryable)', async () => {
    const { engine } = engineWith();
    const req = request('fake-crash');
    const error = await failure(engine.up(req));
    expect(error.code).toBe(ProvisioningErrorCode.ENGINE_CRASHED);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('code 3');
    expect(req.events).toHaveLength(1);
  }, 15_000);

  it('forwards cancellation; the run stops at a consistent point and reports CANCELLED', async () => {
    const { engine } = engineWith();
    const controller = new AbortController();
    const req = makeRequest('fake-slow', makeInput('azure'), {
      credentials: AZURE,
      signal: controller.signal,
    });
    const onEvent = req.onEvent;
    req.onEvent = (event) => {
      onEvent(event);
      if (event.sequence === 2) controller.abort();
    };
    const started = Date.now();
    const error = await failure(engine.up(req));
    expect(error.code).toBe(ProvisioningErrorCode.CANCELLED);
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 15_000);

  it('kills a run that does not stop within the grace period, with its whole process group', async () => {
    const { engine } = engineWith({ cancelGraceMs: 300 });
    const controller = new AbortController();
    const req = makeRequest('fake-stubborn', makeInput('azure'), {
      credentials: AZURE,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    const error = await failure(engine.up(req));
    expect(error.code).toBe(ProvisioningErrorCode.CANCELLED);
    expect(error.message).toMatch(/killed/);
  }, 15_000);

  it('refuses a second operation on a stack this process is already running (CONCURRENT_UPDATE)', async () => {
    const { engine } = engineWith({ cancelGraceMs: 100 });
    const controller = new AbortController();
    const first = engine.up(
      makeRequest('fake-slow', makeInput('azure'), { credentials: AZURE, signal: controller.signal }),
    );
    const second = await failure(engine.up(request('fake-slow')));
    expect(second.code).toBe(ProvisioningErrorCode.CONCURRENT_UPDATE);
    expect(second.retryable).toBe(true);
    controller.abort();
    await expect(first).rejects.toMatchObject({ code: ProvisioningErrorCode.CANCELLED });
  }, 15_000);

  it('refuses requests it cannot run before starting any process', async () => {
    const { engine } = engineWith({ runner: { modulePath: '/nonexistent/runner.js' } });
    const noCredentials = makeRequest('dep-1', makeInput('azure'));
    expect((await failure(engine.up(noCredentials))).code).toBe(ProvisioningErrorCode.INVALID_REQUEST);
    const outputToken = makeRequest(
      'dep-1',
      { ...makeInput('azure'), agent: { ...makeInput('azure').agent, token: pulumi.output('t') } },
      { credentials: AZURE },
    );
    expect((await failure(engine.up(outputToken))).code).toBe(ProvisioningErrorCode.INVALID_REQUEST);
    const wrongCloud = makeRequest('dep-1', makeInput('aws'), { credentials: AZURE });
    expect((await failure(engine.up(wrongCloud))).code).toBe(ProvisioningErrorCode.INVALID_REQUEST);
  });

  it('refuses an unusable configuration when it is built', () => {
    expect(() => new PulumiStackEngine({ backendUrl: 'ftp://x', secretsProvider: 'passphrase' })).toThrow(
      /backendUrl[\s\S]*passphrase: required/,
    );
  });
});

describe('PulumiStackEngine with the real run process', () => {
  it('runs stack-runner.main with the real program up to the Automation API, which reports the missing CLI', async () => {
    // Everything before the CLI runs here: fork, IPC, loading `deploymentProgram` from @streamplane/infra
    // (by its path alias), building the workspace. The Automation API then looks for the `pulumi` binary.
    const { engine } = engineWith({
      runner: undefined,
      workRoot: path.join(tmpdir(), `streamplane-pulumi-spec-${process.pid}`),
    });
    const error = await failure(engine.up(request('dep-no-cli')));
    expect(error.code).toBe(ProvisioningErrorCode.ENGINE_UNAVAILABLE);
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/ENOENT: pulumi/);
    expect(error.message).not.toContain(AZURE.clientSecret);
  }, 20_000);
});
