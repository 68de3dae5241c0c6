import { startTestApi, type TestApi } from './harness';
import { deploymentWithAgent, orgWithCloudAccount, postEvents, usageEvent } from './ingest-fixtures';

/** The value of one series in a Prometheus text scrape (0 when it is not there yet). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe('ingest metrics on /metrics', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(() => api?.close());

  it('counts events accepted, acknowledged as duplicates, and rejected by reason', async () => {
    const scrape = async () => (await api.client().request('GET', '/metrics')).body as string;
    const accepted = 'streamplane_ingest_events_total{outcome="accepted"}';
    const duplicate = 'streamplane_ingest_events_total{outcome="duplicate"}';
    const unknown = 'streamplane_ingest_events_total{outcome="rejected",reason="UNKNOWN_DIMENSION"}';
    const before = await scrape();

    const agent = await deploymentWithAgent(api, await orgWithCloudAccount(api));
    const good = [usageEvent(agent, { value: 1 }), usageEvent(agent, { value: 2 })];
    const bad = [
      usageEvent(agent, { dimension: 'no_such_meter' }),
      usageEvent(agent, { dimension: 'nor_this_one' }),
    ];
    const first = await postEvents(api.baseUrl, agent.token, [...good, ...bad]);
    expect(first.status).toBe(200);
    expect(first.body.rejected.map((r: { reason: string }) => r.reason)).toEqual([
      'UNKNOWN_DIMENSION',
      'UNKNOWN_DIMENSION',
    ]);
    await postEvents(api.baseUrl, agent.token, [good[0]]);

    const after = await scrape();
    expect({
      accepted: sample(after, accepted) - sample(before, accepted),
      duplicate: sample(after, duplicate) - sample(before, duplicate),
      unknownDimension: sample(after, unknown) - sample(before, unknown),
    }).toEqual({ accepted: 2, duplicate: 1, unknownDimension: 2 });
  });
});
