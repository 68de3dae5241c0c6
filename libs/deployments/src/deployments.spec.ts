import { defaultSpec } from '@streamplane/deployment-spec';
import type { Deployment, Operation } from '@streamplane/db';
import { columnsOf, specOf, stackNameOf } from './deployment-columns';
import { DeploymentError, DeploymentErrorCode } from './deployments.errors';
import { eventsFor } from './operations/operation-dispatcher';
import { nextKafkaVersion } from './upgrades.service';

const spec = (kafkaVersion: string) =>
  columnsOf({ ...defaultSpec('aws'), kafkaVersion }).spec as unknown as Deployment['spec'];

describe('nextKafkaVersion', () => {
  it('proposes the newest supported version one step ahead', () => {
    expect(nextKafkaVersion({ spec: spec('4.2.0'), kafkaVersion: '4.2.0' })).toBe('4.3.1');
    expect(nextKafkaVersion({ spec: spec('4.3.0'), kafkaVersion: '4.3.0' })).toBe('4.3.1');
  });

  it('proposes nothing to a deployment on the newest version', () => {
    expect(nextKafkaVersion({ spec: spec('4.3.1'), kafkaVersion: '4.3.1' })).toBeUndefined();
  });
});

describe('deployment columns', () => {
  it('mirror the spec, and read back to the same spec', () => {
    const columns = columnsOf(defaultSpec('azure'));
    expect(columns).toMatchObject({ cloud: 'AZURE', clientAuthentication: 'SCRAM_SHA_512', brokers: 3 });
    expect(specOf({ spec: columns.spec as unknown as Deployment['spec'] })).toEqual(defaultSpec('azure'));
    expect(stackNameOf('0b7e')).toBe('dep-0b7e');
  });
});

describe('live events of an accepted change', () => {
  it('carry the organization and both the deployment status and the operation', () => {
    const at = new Date('2026-11-22T00:00:00Z');
    const deployment = {
      id: 'd',
      orgId: 'o',
      status: 'PENDING',
      generation: 1,
      observedGeneration: 0,
      statusMessage: null,
      updatedAt: at,
    } as Deployment;
    const operation = {
      id: 'op',
      type: 'CREATE',
      status: 'QUEUED',
      attempt: 1,
      errorMessage: null,
      updatedAt: at,
    } as Operation;
    expect(eventsFor(deployment, operation)).toEqual([
      expect.objectContaining({
        kind: 'DEPLOYMENT_STATUS',
        orgId: 'o',
        deploymentId: 'd',
        status: 'PENDING',
      }),
      expect.objectContaining({
        kind: 'OPERATION',
        orgId: 'o',
        operationId: 'op',
        status: 'QUEUED',
        type: 'CREATE',
      }),
    ]);
  });
});

describe('deployment errors', () => {
  it('map each code to its kind', () => {
    expect(new DeploymentError(DeploymentErrorCode.OPERATION_IN_PROGRESS, 'x').kind).toBe('CONFLICT');
    expect(new DeploymentError(DeploymentErrorCode.DEPLOYMENT_NOT_FOUND, 'x').kind).toBe('NOT_FOUND');
    expect(new DeploymentError(DeploymentErrorCode.CONFIRMATION_MISMATCH, 'x').kind).toBe('BAD_USER_INPUT');
  });
});
