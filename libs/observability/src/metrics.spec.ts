import { GRAPHQL_OPERATION_NAMES, Metrics } from './metrics';
import type { JobCountsSource } from './metrics-sampling';

const line = (text: string, series: string): string | undefined =>
  text.split('\n').find((l) => l.startsWith(`${series} `));

describe('Metrics', () => {
  it('counts ingested events by outcome, and rejected ones by reason', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.recordIngest({
      accepted: ['a', 'b'],
      duplicates: ['c'],
      rejected: [{ reason: 'TOO_OLD' }, { reason: 'TOO_OLD' }, { reason: 'UNKNOWN_DIMENSION' }],
    });
    metrics.recordIngest({ accepted: ['d'], duplicates: [], rejected: [] });
    const text = await metrics.registry.metrics();
    expect(line(text, 'streamplane_ingest_events_total{outcome="accepted"}')).toMatch(/ 3$/);
    expect(line(text, 'streamplane_ingest_events_total{outcome="duplicate"}')).toMatch(/ 1$/);
    expect(line(text, 'streamplane_ingest_events_total{outcome="rejected",reason="TOO_OLD"}')).toMatch(/ 2$/);
    expect(
      line(text, 'streamplane_ingest_events_total{outcome="rejected",reason="UNKNOWN_DIMENSION"}'),
    ).toMatch(/ 1$/);
  });

  it('samples queue depth per queue and state at scrape, and leaves out a queue it cannot read', async () => {
    const metrics = new Metrics({ defaultMetrics: false, sampleTimeoutMs: 50 });
    expect(await metrics.registry.metrics()).not.toContain('streamplane_queue_jobs');
    let waiting = 3;
    const provisioning: JobCountsSource = {
      name: 'provisioning',
      getJobCounts: (...states) => {
        expect(states).toEqual(['waiting', 'active', 'delayed', 'failed']);
        return Promise.resolve({ waiting, active: 1, delayed: 0, failed: 2 });
      },
    };
    const broken: JobCountsSource = {
      name: 'billing',
      getJobCounts: () => new Promise(() => undefined), // Redis gone: never answers
    };
    metrics.observeQueue(provisioning);
    metrics.observeQueue(broken);

    let text = await metrics.registry.metrics();
    expect(line(text, 'streamplane_queue_jobs{queue="provisioning",state="waiting"}')).toMatch(/ 3$/);
    expect(line(text, 'streamplane_queue_jobs{queue="provisioning",state="failed"}')).toMatch(/ 2$/);
    expect(text).not.toContain('queue="billing"');
    // Counted during this scrape; exported by the next one.
    expect((await metrics.sampleErrors.get()).values).toEqual([
      expect.objectContaining({ labels: { source: 'queue' }, value: 1 }),
    ]);

    waiting = 7;
    text = await metrics.registry.metrics();
    expect(line(text, 'streamplane_queue_jobs{queue="provisioning",state="waiting"}')).toMatch(/ 7$/);
  });

  it('reads the roll-up lag at scrape, NaN when it cannot, and exports it only where observed', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    expect(await metrics.registry.metrics()).not.toContain('streamplane_billing_rollup_lag_seconds');
    let lag: Promise<number> = Promise.resolve(42.5);
    metrics.observeRollupLag(() => lag);
    expect(line(await metrics.registry.metrics(), 'streamplane_billing_rollup_lag_seconds')).toMatch(
      / 42.5$/,
    );
    lag = Promise.reject(new Error('connection refused'));
    expect(line(await metrics.registry.metrics(), 'streamplane_billing_rollup_lag_seconds')).toMatch(
      / nan$/i,
    );
  });

  it('lists every series it can export, registered in this process or not', () => {
    const names = new Metrics().exportableSeriesNames();
    expect(names).toEqual(
      expect.arrayContaining([
        'streamplane_http_request_duration_seconds_bucket',
        'streamplane_queue_jobs',
        'streamplane_billing_rollup_lag_seconds',
        'streamplane_job_duration_seconds_count',
        'streamplane_operations_total',
        'streamplane_process_cpu_seconds_total',
      ]),
    );
    expect(names).not.toContain('streamplane_job_duration_seconds');
  });
});

describe('GraphQL operation names (chosen by clients)', () => {
  it('keeps at most GRAPHQL_OPERATION_NAMES distinct names, and only name-like ones; the rest count as _other', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    for (let i = 0; i < GRAPHQL_OPERATION_NAMES + 50; i++) {
      metrics.graphqlOperations.inc({ type: 'query', operation: `Op${i}`, outcome: 'success' });
      metrics.graphqlDuration.observe({ type: 'query', operation: `Op${i}` }, 0.01);
    }
    metrics.graphqlOperations.inc({ type: 'query', operation: 'Op0', outcome: 'success' });
    const text = await metrics.registry.metrics();
    const operations = (series: string) =>
      new Set([...text.matchAll(new RegExp(`^${series}\\{[^}]*operation="([^"]+)"`, 'gm'))].map((m) => m[1]));
    expect(operations('streamplane_graphql_operations_total').size).toBe(GRAPHQL_OPERATION_NAMES + 1);
    expect(operations('streamplane_graphql_operation_duration_seconds_count').size).toBe(
      GRAPHQL_OPERATION_NAMES + 1,
    );
    expect(
      line(text, 'streamplane_graphql_operations_total{type="query",operation="Op0",outcome="success"}'),
    ).toMatch(/ 2$/);
    expect(
      line(text, 'streamplane_graphql_operations_total{type="query",operation="_other",outcome="success"}'),
    ).toMatch(/ 50$/);
  });

  it('never keeps a name that is not one (too long, or not a GraphQL name)', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.graphqlOperations.inc({ type: 'query', operation: 'x'.repeat(65), outcome: 'error' });
    metrics.graphqlOperations.inc({ type: 'query', operation: 'anonymous', outcome: 'error' });
    const text = await metrics.registry.metrics();
    expect(text).toContain('operation="_other"');
    expect(text).toContain('operation="anonymous"');
    expect(text).not.toContain('x'.repeat(65));
  });
});
