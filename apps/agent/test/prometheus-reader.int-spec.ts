import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROMETHEUS_QUERIES, PrometheusReader } from '../src/prometheus/prometheus-reader';

/** The Prometheus reader against a real HTTP server speaking Prometheus' /api/v1/query, and without one. */
describe('reading the in-cluster Prometheus', () => {
  let server: Server;
  let baseUrl: string;
  let failing = new Set<string>();
  const asked: string[] = [];

  const vector = (result: unknown[]) =>
    JSON.stringify({ status: 'success', data: { resultType: 'vector', result } });
  const answers: Record<string, string> = {
    [PROMETHEUS_QUERIES.bytesIn]: vector([{ metric: {}, value: [1, '1234.5'] }]),
    [PROMETHEUS_QUERIES.bytesOut]: vector([{ metric: {}, value: [1, '4000'] }]),
    [PROMETHEUS_QUERIES.underReplicated]: vector([]), // no series: none under-replicated
    [PROMETHEUS_QUERIES.offline]: vector([{ metric: {}, value: [1, '2'] }]),
    [PROMETHEUS_QUERIES.storage]: vector([{ metric: {}, value: [1, 'NaN'] }]),
    [PROMETHEUS_QUERIES.assets(60)]: vector([
      { metric: { pipeline_id: 'p1', asset_id: 'dev-1' }, value: [1, '1'] },
      { metric: { pipeline_id: 'p1', asset_id: 'dev-2' }, value: [1, '1'] },
      { metric: { pipeline_id: 'p2', asset_id: 'dev-9' }, value: [1, '1'] },
    ]),
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      const query = new URL(request.url!, 'http://x').searchParams.get('query')!;
      asked.push(query);
      if (failing.has(query)) {
        response.writeHead(422, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'parse error' }));
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(answers[query] ?? vector([]));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('reads bytes in and out, partition counts and the devices MQTT sources saw', async () => {
    const readings = await new PrometheusReader(`${baseUrl}/`).read(60);
    expect(readings).toEqual({
      bytesInPerSec: 1234.5,
      bytesOutPerSec: 4000,
      underReplicatedPartitions: 0,
      offlinePartitions: 2,
      storageBytes: null, // NaN is no reading
      assetsByPipeline: new Map([
        ['p1', ['dev-1', 'dev-2']],
        ['p2', ['dev-9']],
      ]),
    });
    expect(asked).toContain('sum(rate(kafka_server_brokertopicmetrics_bytesin_total[5m]))');
  });

  it('gives null for a query Prometheus refuses, and the others still', async () => {
    failing = new Set([PROMETHEUS_QUERIES.bytesOut]);
    const errors: string[] = [];
    const readings = await new PrometheusReader(baseUrl, { timeoutMs: 2_000 }, (_q, e) =>
      errors.push(e),
    ).read(60);
    expect(readings.bytesOutPerSec).toBeNull();
    expect(readings.bytesInPerSec).toBe(1234.5);
    expect(errors).toEqual(['HTTP 422: parse error']);
    failing = new Set();
  });

  it('gives nulls, not an error, when Prometheus is down', async () => {
    const down = new PrometheusReader('http://127.0.0.1:1', { timeoutMs: 2_000 });
    expect(await down.read(60)).toEqual({
      bytesInPerSec: null,
      bytesOutPerSec: null,
      underReplicatedPartitions: null,
      offlinePartitions: null,
      storageBytes: null,
      assetsByPipeline: null,
    });
  });
});
