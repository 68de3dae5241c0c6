import { Metrics } from '@streamplane/observability';
import { startWorkerEndpoints, type WorkerEndpoints } from './worker-endpoints';

// A loopback server on a free port: no service involved.
describe('worker endpoints', () => {
  let endpoints: WorkerEndpoints;
  beforeEach(async () => {
    endpoints = await startWorkerEndpoints({ host: '127.0.0.1', port: 0, checkTimeoutMs: 100 });
  });
  afterEach(() => endpoints.close());

  const get = async (path: string, method = 'GET') => {
    const response = await fetch(`${endpoints.url}${path}`, { method });
    const text = await response.text();
    const isJson = text !== '' && response.headers.get('content-type')?.startsWith('application/json');
    const json = isJson ? JSON.parse(text) : undefined;
    return { status: response.status, text, json, type: response.headers.get('content-type') };
  };

  it('is alive at once, and not ready until the worker has started', async () => {
    expect(endpoints.port).toBeGreaterThan(0);
    expect(await get('/healthz')).toMatchObject({ status: 200, json: { status: 'ok' } });
    expect(await get('/readyz')).toMatchObject({
      status: 503,
      json: { status: 'not_ready', reason: 'starting' },
    });
  });

  it('is ready when every check passes, and says which failed and why otherwise', async () => {
    let redisUp = true;
    endpoints.serve({
      metrics: new Metrics({ defaultMetrics: false }),
      checks: {
        postgres: () => Promise.resolve(),
        redis: () => (redisUp ? Promise.resolve('PONG') : Promise.reject(new Error('ECONNREFUSED'))),
        worker: () => new Promise(() => undefined), // hangs: fails after the check timeout
      },
    });
    const hanging = await get('/readyz');
    expect(hanging).toMatchObject({
      status: 503,
      json: {
        status: 'not_ready',
        checks: { postgres: 'ok', redis: 'ok', worker: 'error: no answer within 100 ms' },
        reason: 'worker: error: no answer within 100 ms',
      },
    });

    endpoints.serve({
      metrics: new Metrics({ defaultMetrics: false }),
      checks: { postgres: () => undefined, worker: () => undefined },
    });
    expect(await get('/readyz')).toEqual(
      expect.objectContaining({
        status: 200,
        json: { status: 'ready', checks: { postgres: 'ok', worker: 'ok' } },
      }),
    );

    redisUp = false;
    endpoints.serve({
      metrics: new Metrics({ defaultMetrics: false }),
      checks: { redis: () => (redisUp ? undefined : Promise.reject(new Error('ECONNREFUSED'))) },
    });
    expect((await get('/readyz')).json).toEqual({
      status: 'not_ready',
      checks: { redis: 'error: ECONNREFUSED' },
      reason: 'redis: error: ECONNREFUSED',
    });
  });

  it('serves the registry as Prometheus text, and the series move', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    endpoints.serve({ metrics, checks: {} });
    metrics.operations.inc({ type: 'create', outcome: 'succeeded' });
    let scrape = await get('/metrics');
    expect(scrape.status).toBe(200);
    expect(scrape.type).toMatch(/^text\/plain/);
    expect(scrape.text).toContain('streamplane_operations_total{type="create",outcome="succeeded"} 1');
    metrics.operations.inc({ type: 'create', outcome: 'succeeded' });
    scrape = await get('/metrics');
    expect(scrape.text).toContain('streamplane_operations_total{type="create",outcome="succeeded"} 2');
  });

  it('turns not ready while stopping, still alive; refuses other paths and methods', async () => {
    endpoints.serve({ metrics: new Metrics({ defaultMetrics: false }), checks: {} });
    expect((await get('/readyz')).status).toBe(200);
    endpoints.stopping();
    expect(await get('/readyz')).toMatchObject({ status: 503, json: { reason: 'stopping' } });
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/healthz', 'HEAD')).status).toBe(200);
    expect((await get('/nope')).status).toBe(404);
    expect((await get('/metrics', 'POST')).status).toBe(405);
  });

  it('refuses to start on a port in use', async () => {
    await expect(startWorkerEndpoints({ host: '127.0.0.1', port: endpoints.port })).rejects.toThrow(
      /EADDRINUSE/,
    );
  });
});
