import { execFileSync } from 'node:child_process';
import type { Cloud } from '@streamplane/deployment-spec';
import { LocalStackEngine } from './local/local-stack-engine';
import { PulumiStackEngine } from './pulumi/pulumi-stack-engine';
import type { CloudCredentials } from './stack-engine';
import { createStackEngine } from './stack-engine.factory';
import { describeStackEngineContract } from './stack-engine.contract';
import { makeInput } from './testing/factories';
import { fixtureProgram } from './testing/fixture-program';

const TEST_CREDENTIALS: Record<Cloud, CloudCredentials> = {
  azure: {
    cloud: 'azure',
    tenantId: 't',
    clientId: 'c',
    clientSecret: 'not-a-real-secret',
    subscriptionId: 's',
  },
  aws: {
    cloud: 'aws',
    accessKeyId: 'ASIA',
    secretAccessKey: 'not-a-real-secret',
    sessionToken: 'not-a-real-token',
  },
};

describeStackEngineContract('local engine (fixture program)', () => ({
  engine: new LocalStackEngine({ program: fixtureProgram }),
  input: (cloud) => makeInput(cloud),
  credentials: (cloud) => TEST_CREDENTIALS[cloud],
  clouds: ['azure', 'aws'],
}));

/**
 * The pulumi engine runs the lifecycle only where it can: a Pulumi CLI on PATH and, because it creates real
 * resources in a real cloud, an explicit opt-in with the cloud account and the state backend to use.
 */
function pulumiUnavailable(): string | undefined {
  try {
    execFileSync('pulumi', ['version'], { stdio: 'ignore' });
  } catch {
    return 'the Pulumi CLI is not installed (these machines cannot download it); option building, error mapping, event translation and the run process are tested in src/pulumi/*.spec.ts';
  }
  if (!process.env.STREAMPLANE_CONTRACT_PULUMI) {
    return 'set STREAMPLANE_CONTRACT_PULUMI to a JSON {"backendUrl","secretsProvider","passphrase"?,"credentials":{...}} to run it against a real cloud (it creates and destroys a Kafka deployment)';
  }
  return undefined;
}

const unavailable = pulumiUnavailable();
const realRun = unavailable
  ? undefined
  : (JSON.parse(process.env.STREAMPLANE_CONTRACT_PULUMI!) as {
      backendUrl: string;
      secretsProvider: string;
      passphrase?: string;
      credentials: CloudCredentials;
    });

describeStackEngineContract('pulumi engine', () => ({
  engine: new PulumiStackEngine({
    backendUrl: realRun?.backendUrl ?? 'file:///tmp/streamplane-contract-state',
    secretsProvider: realRun?.secretsProvider ?? 'passphrase',
    passphrase: realRun ? realRun.passphrase : 'contract-passphrase',
  }),
  input: (cloud) => makeInput(cloud, { deploymentId: '00000000-0000-4000-8000-00000000c0de' }),
  credentials: (cloud) =>
    realRun?.credentials.cloud === cloud ? realRun.credentials : TEST_CREDENTIALS[cloud],
  clouds: [realRun?.credentials.cloud ?? 'azure'],
  unavailable,
  timeoutMs: 90 * 60_000,
}));

describe('createStackEngine', () => {
  it('defaults to the local engine, which says it is a simulation', () => {
    const engine = createStackEngine();
    expect(engine).toBeInstanceOf(LocalStackEngine);
    expect(engine.kind).toBe('local');
    expect(engine.simulated).toBe(true);
  });

  it('builds the pulumi engine from its configuration, and refuses an unusable one', () => {
    const engine = createStackEngine({
      engine: 'pulumi',
      pulumi: { backendUrl: 's3://state', secretsProvider: 'awskms://alias/state?region=eu-west-1' },
    });
    expect(engine).toBeInstanceOf(PulumiStackEngine);
    expect(engine.simulated).toBe(false);
    expect(() =>
      createStackEngine({ engine: 'pulumi', pulumi: { backendUrl: '', secretsProvider: '' } }),
    ).toThrow(/backendUrl/);
  });
});
