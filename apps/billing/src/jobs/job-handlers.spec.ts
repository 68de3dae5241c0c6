import { BILLING_JOB_NAMES } from './billing.jobs';
import { handlersByJobName, type BillingJobHandler } from './job-handlers';

const handler = (jobName: string): BillingJobHandler =>
  ({ jobName, handle: () => Promise.resolve() }) as unknown as BillingJobHandler;

describe('handlersByJobName (billing)', () => {
  it('maps every job name of the contract to its one handler', () => {
    const map = handlersByJobName(BILLING_JOB_NAMES, BILLING_JOB_NAMES.map(handler));
    expect([...map.keys()]).toEqual([...BILLING_JOB_NAMES]);
  });

  it('refuses a job name without a handler', () => {
    expect(() => handlersByJobName(BILLING_JOB_NAMES, [handler('usage.rollup')])).toThrow(
      "'invoices.refresh' has no handler; 'invoices.finalize' has no handler",
    );
  });

  it('refuses two handlers for one job name, and a handler for a job the contract does not know', () => {
    expect(() =>
      handlersByJobName(
        ['usage.rollup'],
        [handler('usage.rollup'), handler('usage.rollup'), handler('nope')],
      ),
    ).toThrow("'usage.rollup' has more than one handler; 'nope' is not a billing job");
  });
});
