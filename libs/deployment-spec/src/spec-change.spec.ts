import { ErrorKind } from '@streamplane/errors';
import { defaultSpec } from './default-spec';
import type { DeploymentSpec } from './deployment-spec';
import { DeploymentSpecError, DeploymentSpecErrorCode as Code } from './deployment-spec.errors';
import { specChangeProblems, validateSpecChange } from './spec-change';

const current: DeploymentSpec = {
  ...defaultSpec('aws'),
  brokers: 6,
  kafkaVersion: '4.2.1',
  storagePerBrokerGiB: 1000,
};

describe('validateSpecChange', () => {
  it.each<[string, Partial<DeploymentSpec>]>([
    ['nothing', {}],
    ['more brokers', { brokers: 9 }],
    ['fewer brokers', { brokers: 3 }],
    ['a bigger node size', { nodeSize: 'r6i.2xlarge' }],
    ['more storage', { storagePerBrokerGiB: 2000 }],
    ['the external listener', { listeners: { internal: true, external: true } }],
    ['tags', { tags: { team: 'data' } }],
    ['a patch upgrade', { kafkaVersion: '4.2.1' }],
    ['the next minor version', { kafkaVersion: '4.3.1' }],
  ])('allows %s', (_, change) => {
    expect(() => validateSpecChange(current, { ...current, ...change })).not.toThrow();
  });

  it.each<[string, Partial<DeploymentSpec>, Code[]]>([
    ['a new name', { name: 'other-kafka' }, [Code.NAME_CHANGED]],
    [
      'another region',
      { region: 'us-east-2', zones: ['us-east-2a', 'us-east-2b', 'us-east-2c'] },
      [Code.REGION_CHANGED, Code.ZONES_CHANGED],
    ],
    ['another zone', { zones: ['us-east-1a', 'us-east-1b', 'us-east-1d'] }, [Code.ZONES_CHANGED]],
    [
      'the same zones in another order',
      { zones: ['us-east-1c', 'us-east-1b', 'us-east-1a'] },
      [Code.ZONES_CHANGED],
    ],
    ['five controllers', { controllers: 5 }, [Code.CONTROLLERS_CHANGED]],
    ['mTLS instead of SCRAM', { clientAuthentication: 'mtls' }, [Code.CLIENT_AUTHENTICATION_CHANGED]],
    ['less storage', { storagePerBrokerGiB: 999 }, [Code.STORAGE_DECREASED]],
    ['an older patch version', { kafkaVersion: '4.2.0' }, [Code.KAFKA_DOWNGRADE]],
  ])('refuses %s', (_, change, codes) => {
    expect(specChangeProblems(current, { ...current, ...change }).map((problem) => problem.code)).toEqual(
      codes,
    );
  });

  it('refuses a move to another cloud, naming everything that would move', () => {
    expect(specChangeProblems(current, defaultSpec('azure')).map(({ code }) => code)).toEqual([
      Code.CLOUD_CHANGED,
      Code.REGION_CHANGED,
      Code.ZONES_CHANGED,
      Code.STORAGE_DECREASED,
    ]);
  });

  it('refuses going back a minor version', () => {
    const latest = { ...current, kafkaVersion: '4.3.1' };
    expect(specChangeProblems(latest, { ...latest, kafkaVersion: '4.2.1' })).toEqual([
      { field: 'kafkaVersion', code: Code.KAFKA_DOWNGRADE, message: 'cannot go back from 4.3.1 to 4.2.1' },
    ]);
  });

  it('refuses skipping a minor version, and allows the one step', () => {
    // A deployment still on 4.1 (supported by an older Strimzi) must pass through 4.2 on its way to 4.3.
    const old = { ...current, kafkaVersion: '4.1.0' };
    expect(specChangeProblems(old, { ...old, kafkaVersion: '4.3.0' })).toEqual([
      {
        field: 'kafkaVersion',
        code: Code.KAFKA_VERSION_SKIPPED,
        message: 'cannot upgrade from 4.1.0 to 4.3.0 in one step: upgrade to 4.2 first',
      },
    ]);
    expect(specChangeProblems(old, { ...old, kafkaVersion: '4.2.1' })).toEqual([]);
  });

  it('throws one CONFLICT error listing every refused change', () => {
    const next: DeploymentSpec = { ...current, controllers: 5, storagePerBrokerGiB: 500, brokers: 12 };
    let thrown: unknown;
    try {
      validateSpecChange(current, next);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DeploymentSpecError);
    const error = thrown as DeploymentSpecError;
    expect(error.kind).toBe(ErrorKind.CONFLICT);
    expect(error.reason).toBe(Code.SPEC_CHANGE_NOT_ALLOWED);
    expect(error.details.fields?.map((problem) => problem.code)).toEqual([
      Code.CONTROLLERS_CHANGED,
      Code.STORAGE_DECREASED,
    ]);
    expect(error.message).toContain('storagePerBrokerGiB: cannot shrink from 1000 GiB');
  });
});
