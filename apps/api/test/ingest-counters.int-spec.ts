import type { RedisService } from '@streamplane/db';
import {
  IngestRateLimiter,
  MeteringPool,
  MetersService,
  UsageCounters,
  UsageEventStore,
  UsageIngestService,
} from '@streamplane/metering';
import Redis from 'ioredis';
import { startTestApi, type TestApi } from './harness';
import { deploymentWithAgent, orgWithCloudAccount, usageEvent, type AgentFixture } from './ingest-fixtures';

/**
 * Redis failing after the events were committed: the request still succeeds, and the counters that missed
 * the events are rebuilt once Redis answers again. The failure is real — the services' Redis client is
 * disconnected, with no offline queue — not a mock.
 */
describe('usage counters when Redis fails after a commit', () => {
  let api: TestApi;
  let agent: AgentFixture;
  let redis: Redis;
  let counters: UsageCounters;
  let ingest: UsageIngestService;

  beforeAll(async () => {
    api = await startTestApi();
    agent = await deploymentWithAgent(api, await orgWithCloudAccount(api));
    redis = new Redis(api.config.redis.url, {
      keyPrefix: api.config.redis.keyPrefix,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
    });
    await redis.connect();
    const client = redis as unknown as RedisService;
    counters = new UsageCounters(client, api.app.get(MeteringPool));
    ingest = new UsageIngestService(
      api.app.get(MetersService),
      api.app.get(UsageEventStore),
      counters,
      new IngestRateLimiter(client, api.config),
      api.config,
    );
  });

  afterAll(async () => {
    redis?.disconnect();
    await api?.close();
  });

  it('acknowledges the committed events and rebuilds the counters that missed them', async () => {
    const principal = { orgId: agent.orgId, deploymentId: agent.deploymentId, tokenId: agent.tokenId };
    const batch = (values: number[]) => JSON.stringify(values.map((value) => usageEvent(agent, { value })));
    await ingest.ingest(principal, 'batch', batch([1, 2]));
    const built = await counters.periodTotals(agent.orgId, new Date());
    expect(built).toEqual([{ deploymentId: agent.deploymentId, dimension: 'ingress_bytes', quantity: '3' }]);

    const ended = new Promise((resolve) => redis.once('end', resolve));
    redis.disconnect();
    await ended;
    const result = await ingest.ingest(principal, 'batch', batch([10, 20, 30]));

    expect(result.accepted).toHaveLength(3);
    expect(await api.prisma.usageEvent.count({ where: { deploymentId: agent.deploymentId } })).toBe(5);
    expect(api.logs.join('')).toContain('usage counters missed committed events');

    await redis.connect();
    expect(await counters.periodTotals(agent.orgId, new Date())).toEqual([
      { deploymentId: agent.deploymentId, dimension: 'ingress_bytes', quantity: '63' },
    ]);
    // Counting from Redis again.
    await ingest.ingest(principal, 'batch', batch([100]));
    expect(await counters.periodTotals(agent.orgId, new Date())).toEqual([
      { deploymentId: agent.deploymentId, dimension: 'ingress_bytes', quantity: '163' },
    ]);
  });
});
