import { PROVISIONING_JOB_NAMES } from '@streamplane/deployments';
import { handlersByJobName, type ProvisioningJobHandler } from './job-handlers';

const handler = (jobName: string): ProvisioningJobHandler =>
  ({ jobName, handle: () => Promise.resolve() }) as unknown as ProvisioningJobHandler;

describe('handlersByJobName', () => {
  it('maps every job name of the contract to its one handler', () => {
    const map = handlersByJobName(PROVISIONING_JOB_NAMES, [
      handler('operation.run'),
      handler('upgrades.propose'),
    ]);
    expect([...map.keys()]).toEqual([...PROVISIONING_JOB_NAMES]);
  });

  it('refuses a job name without a handler', () => {
    expect(() => handlersByJobName(['operation.run', 'operation.other'], [handler('operation.run')])).toThrow(
      "'operation.other' has no handler",
    );
  });

  it('refuses two handlers for one job name', () => {
    expect(() =>
      handlersByJobName(['operation.run'], [handler('operation.run'), handler('operation.run')]),
    ).toThrow("'operation.run' has more than one handler");
  });

  it('refuses a handler for a job the contract does not know', () => {
    expect(() => handlersByJobName(['operation.run'], [handler('operation.run'), handler('nope')])).toThrow(
      "'nope' is not a provisioning job",
    );
  });
});
