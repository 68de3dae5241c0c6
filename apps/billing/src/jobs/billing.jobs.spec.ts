import { loadConfig } from '@streamplane/config';
import { BILLING_JOB_NAMES, billingQueueOptions, billingSchedules } from './billing.jobs';

const env = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/streamplane',
  AUTH_SECRET: 'x'.repeat(32),
  CREDENTIALS_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
};

describe('billing job schedules', () => {
  it('rolls up every minute, refreshes drafts every 15 minutes and finalizes hourly by default', () => {
    expect(billingSchedules(loadConfig(env))).toEqual({
      'usage.rollup': { every: 60_000 },
      'invoices.refresh': { every: 900_000 },
      'invoices.finalize': { every: 3_600_000 },
    });
  });

  it('takes each interval from its variable, and has a schedule for every job name', () => {
    const schedules = billingSchedules(
      loadConfig({
        ...env,
        BILLING_ROLLUP_INTERVAL_SECONDS: '5',
        BILLING_INVOICE_REFRESH_INTERVAL_SECONDS: '60',
        BILLING_INVOICE_FINALIZE_INTERVAL_SECONDS: '600',
      }),
    );
    expect(Object.keys(schedules).sort()).toEqual([...BILLING_JOB_NAMES].sort());
    expect(schedules['usage.rollup']).toEqual({ every: 5000 });
    expect(schedules['invoices.refresh']).toEqual({ every: 60_000 });
    expect(schedules['invoices.finalize']).toEqual({ every: 600_000 });
  });

  it('refuses a roll-up interval, batch size or concurrency out of range, naming the variable', () => {
    expect(() => loadConfig({ ...env, BILLING_ROLLUP_INTERVAL_SECONDS: '0' })).toThrow(
      /BILLING_ROLLUP_INTERVAL_SECONDS/,
    );
    expect(() => loadConfig({ ...env, BILLING_ROLLUP_BATCH_SIZE: 'lots' })).toThrow(
      /BILLING_ROLLUP_BATCH_SIZE/,
    );
    expect(() => loadConfig({ ...env, BILLING_ROLLUP_CONCURRENCY: '99' })).toThrow(
      /BILLING_ROLLUP_CONCURRENCY/,
    );
  });

  it('keeps its queue under the configured Redis key prefix', () => {
    expect(billingQueueOptions(loadConfig({ ...env, REDIS_KEY_PREFIX: 'env1:' })).prefix).toBe('env1:bull');
  });
});
