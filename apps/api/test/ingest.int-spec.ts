import { AgentTokensService, UsageCounters, periodStartOf } from '@streamplane/metering';
import { randomBytes, randomUUID } from 'node:crypto';
import { databaseSnapshot, startTestApi, type TestApi } from './harness';
import {
  BATCH,
  deploymentWithAgent,
  orgWithCloudAccount,
  postEvents,
  SINGLE,
  usageEvent,
  type AgentFixture,
  type OrgFixture,
} from './ingest-fixtures';

const HOUR = 3_600_000;

describe('usage ingest: POST /v1/ingest/events', () => {
  let api: TestApi;
  let orgA: OrgFixture;
  let orgB: OrgFixture;

  beforeAll(async () => {
    api = await startTestApi();
    [orgA, orgB] = await Promise.all([orgWithCloudAccount(api), orgWithCloudAccount(api)]);
  });

  afterAll(async () => {
    await api?.close();
  });

  const eventsOf = (deploymentId: string) =>
    api.prisma.usageEvent.findMany({ where: { deploymentId }, orderBy: { eventId: 'asc' } });

  it('counts the same batch sent 10 times in parallel once', async () => {
    const agent = await deploymentWithAgent(api, orgA);
    const batch = Array.from({ length: 200 }, (_, i) =>
      usageEvent(agent, { value: i + 1, dimension: i % 2 === 0 ? 'ingress_bytes' : 'egress_bytes' }),
    );
    const ids = batch.map((e) => e.id).sort();

    const responses = await Promise.all(
      Array.from({ length: 10 }, () => postEvents(api.baseUrl, agent.token, batch)),
    );

    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(response.body.rejected).toEqual([]);
      // Every copy is acknowledged in full: each event either committed by this copy or already there.
      expect([...response.body.accepted, ...response.body.duplicates].sort()).toEqual(ids);
    }
    const accepted = responses.flatMap((r) => r.body.accepted as string[]);
    expect(accepted.sort()).toEqual(ids);

    const rows = await eventsOf(agent.deploymentId);
    expect(rows.map((r) => r.eventId).sort()).toEqual(ids);
    const sum = (dimension: string) =>
      batch
        .filter((e) => e.data.dimension === dimension)
        .reduce((total, e) => total + Number(e.data.value), 0);
    const totals = await api.app.get(UsageCounters).periodTotals(agent.orgId, new Date());
    expect(totals.filter((t) => t.deploymentId === agent.deploymentId)).toEqual([
      { deploymentId: agent.deploymentId, dimension: 'egress_bytes', quantity: String(sum('egress_bytes')) },
      {
        deploymentId: agent.deploymentId,
        dimension: 'ingress_bytes',
        quantity: String(sum('ingress_bytes')),
      },
    ]);
    // And once more, after the counters exist: still counted once.
    const again = await postEvents(api.baseUrl, agent.token, batch);
    expect(again.body.accepted).toEqual([]);
    expect((again.body.duplicates as string[]).sort()).toEqual(ids);
    expect(await api.app.get(UsageCounters).periodTotals(agent.orgId, new Date())).toEqual(totals);
  });

  it('commits the valid events of a mixed batch and gives each invalid one its reason', async () => {
    const agent = await deploymentWithAgent(api, orgA);
    const now = Date.now();
    const good = [
      usageEvent(agent, { value: 10 }),
      usageEvent(agent, { dimension: 'broker_hours', value: 0.25 }),
      usageEvent(agent, { dimension: 'connected_assets', value: 1, key: 'device-1' }),
      usageEvent(agent, { time: new Date(now - HOUR).toISOString().replace('Z', '+00:00'), value: 1 }),
    ];
    const duplicate = { ...good[0] };
    const bad: [unknown, string][] = [
      [{ ...usageEvent(agent), id: undefined }, 'MISSING_ATTRIBUTE'],
      [{ ...usageEvent(agent), specversion: '0.3' }, 'INVALID_ATTRIBUTE'],
      [{ ...usageEvent(agent), source: 'has spaces' }, 'INVALID_ATTRIBUTE'],
      [usageEvent(agent, { type: 'com.example.other' }), 'UNKNOWN_TYPE'],
      [usageEvent(agent, { subject: randomUUID() }), 'SUBJECT_NOT_ALLOWED'],
      [usageEvent(agent, { time: 'yesterday' }), 'INVALID_ATTRIBUTE'],
      [usageEvent(agent, { time: '2026-02-30T00:00:00Z' }), 'INVALID_ATTRIBUTE'],
      [usageEvent(agent, { dimension: 'gpu_hours' }), 'UNKNOWN_DIMENSION'],
      [usageEvent(agent, { value: -1 }), 'INVALID_VALUE'],
      [usageEvent(agent, { value: '12' }), 'INVALID_VALUE'],
      [usageEvent(agent, { dimension: 'connected_assets', value: 1 }), 'MISSING_KEY'],
      [usageEvent(agent, { time: new Date(now - 80 * HOUR) }), 'TOO_OLD'],
      [usageEvent(agent, { time: new Date(now + 3600_000) }), 'IN_FUTURE'],
      [duplicate, 'DUPLICATE_IN_BATCH'],
      ['not an event', 'INVALID_ATTRIBUTE'],
    ];
    // Interleaved, so positions are checked too.
    const batch: unknown[] = [];
    const expected: { index: number; reason: string; id: string | null }[] = [];
    const maxLength = Math.max(good.length, bad.length);
    for (let i = 0; i < maxLength; i++) {
      if (i < good.length) batch.push(good[i]);
      if (i < bad.length) {
        const [event, reason] = bad[i];
        const id =
          typeof event === 'object' && event && 'id' in event ? (event.id as string | undefined) : undefined;
        expected.push({ index: batch.length, reason, id: id ?? null });
        batch.push(event);
      }
    }

    const response = await postEvents(api.baseUrl, agent.token, batch);

    expect(response.status).toBe(200);
    expect(response.body.accepted).toEqual(good.map((e) => e.id));
    expect(response.body.duplicates).toEqual([]);
    expect(response.body.rejected.map(({ index, reason, id }: any) => ({ index, reason, id }))).toEqual(
      expected,
    );
    for (const rejection of response.body.rejected) expect(rejection.message).toEqual(expect.any(String));
    const rows = await eventsOf(agent.deploymentId);
    expect(rows.map((r) => r.eventId).sort()).toEqual(good.map((e) => e.id).sort());
    const broker = rows.find((r) => r.dimension === 'broker_hours')!;
    expect(broker.value.toString()).toBe('0.25');
    expect(rows.find((r) => r.dimension === 'connected_assets')!.uniqueKey).toBe('device-1');
  });

  it('stores ids and keys exactly, whatever characters they hold', async () => {
    const agent = await deploymentWithAgent(api, orgA);
    const awkward = ['NULL', 'a"b', 'back\\slash', '{x,y}', ' spaced ', 'ünïcødé-✓', "it's", 'a\\"b'];
    const events = awkward.map((text, i) =>
      usageEvent(agent, { id: `${text}-${i}`, dimension: 'connected_assets', value: 1, key: text }),
    );
    const response = await postEvents(api.baseUrl, agent.token, events);
    expect(response.body.accepted).toEqual(events.map((e) => e.id));
    const rows = await eventsOf(agent.deploymentId);
    expect(rows.map((r) => [r.eventId, r.uniqueKey]).sort()).toEqual(
      awkward.map((text, i) => [`${text}-${i}`, text]).sort(),
    );
  });

  it('takes a single event as application/cloudevents+json', async () => {
    const agent = await deploymentWithAgent(api, orgA);
    const event = usageEvent(agent, { value: 5 });
    const response = await postEvents(api.baseUrl, agent.token, event, { contentType: SINGLE });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ accepted: [event.id], duplicates: [], rejected: [] });
    const array = await postEvents(api.baseUrl, agent.token, [event], { contentType: SINGLE });
    expect(array.status).toBe(400);
    expect(array.body.error.reason).toBe('INVALID_BATCH');
  });

  it("rejects org A's token sending events for org B's deployment and writes nothing", async () => {
    const agentA = await deploymentWithAgent(api, orgA);
    const agentB = await deploymentWithAgent(api, orgB);
    const before = await databaseSnapshot(api.prisma, ['agent_tokens']);
    const totalsBefore = await api.app.get(UsageCounters).periodTotals(orgB.orgId, new Date());

    const batch = [
      usageEvent(agentB),
      usageEvent(agentB, { source: `/deployments/${agentA.deploymentId}/agent` }),
    ];
    const response = await postEvents(api.baseUrl, agentA.token, batch);

    expect(response.status).toBe(200);
    expect(response.body.accepted).toEqual([]);
    expect(response.body.rejected.map((r: any) => r.reason)).toEqual([
      'SUBJECT_NOT_ALLOWED',
      'SUBJECT_NOT_ALLOWED',
    ]);
    expect(await databaseSnapshot(api.prisma, ['agent_tokens'])).toEqual(before);
    expect(await api.app.get(UsageCounters).periodTotals(orgB.orgId, new Date())).toEqual(totalsBefore);
  });

  it('refuses unknown, malformed, revoked and expired tokens with 401', async () => {
    const agent = await deploymentWithAgent(api, orgA);
    const tokens = api.app.get(AgentTokensService);
    const batch = [usageEvent(agent)];
    const reasonOf = async (token: string | undefined) => {
      const response = await postEvents(api.baseUrl, token, batch);
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('UNAUTHENTICATED');
      return response.body.error.reason as string;
    };

    expect(await reasonOf(undefined)).toBe('AGENT_TOKEN_MISSING');
    expect(await reasonOf('sp_pat_0123456789ab_' + 'x'.repeat(43))).toBe('AGENT_TOKEN_MISSING');
    const unknown = `sp_agt_${randomBytes(6).toString('hex')}_${randomBytes(32).toString('base64url')}`;
    expect(await reasonOf(unknown)).toBe('AGENT_TOKEN_INVALID');
    // The right prefix with another secret.
    expect(
      await reasonOf(
        `${agent.token.slice(0, 'sp_agt_'.length + 13)}${randomBytes(32).toString('base64url')}`,
      ),
    ).toBe('AGENT_TOKEN_INVALID');

    // Rotation: the old token keeps working during its grace period, then expires.
    expect((await postEvents(api.baseUrl, agent.token, [usageEvent(agent)])).status).toBe(200);
    const rotated = await tokens.issue(agent.orgId, agent.deploymentId, { previousGraceMs: 300 });
    expect((await postEvents(api.baseUrl, agent.token, [usageEvent(agent)])).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(await reasonOf(agent.token)).toBe('AGENT_TOKEN_EXPIRED');
    expect((await postEvents(api.baseUrl, rotated.token, [usageEvent(agent)])).status).toBe(200);

    // Rotation without grace revokes at once; revokeAll ends the rest.
    const next = await tokens.issue(agent.orgId, agent.deploymentId, { previousGraceMs: 0 });
    expect(await reasonOf(rotated.token)).toBe('AGENT_TOKEN_REVOKED');
    expect((await postEvents(api.baseUrl, next.token, [usageEvent(agent)])).status).toBe(200);
    expect(await tokens.revokeAll(agent.orgId, agent.deploymentId)).toBe(1);
    expect(await reasonOf(next.token)).toBe('AGENT_TOKEN_REVOKED');
  });

  it("records a token's last use, at most once a minute", async () => {
    const agent = await deploymentWithAgent(api, orgA);
    const lastUsed = async () =>
      (await api.prisma.agentToken.findUniqueOrThrow({ where: { id: agent.tokenId } })).lastUsedAt;
    expect(await lastUsed()).toBeNull();
    expect((await postEvents(api.baseUrl, agent.token, [usageEvent(agent)])).status).toBe(200);
    const deadline = Date.now() + 5000;
    while ((await lastUsed()) === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const first = await lastUsed();
    expect(first).not.toBeNull();
    expect((await postEvents(api.baseUrl, agent.token, [usageEvent(agent)])).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(await lastUsed()).toEqual(first);
  });

  it("issues tokens only for the organization's own deployments", async () => {
    const agentB = await deploymentWithAgent(api, orgB);
    const tokens = api.app.get(AgentTokensService);
    await expect(tokens.issue(orgA.orgId, agentB.deploymentId)).rejects.toMatchObject({
      reason: 'DEPLOYMENT_NOT_FOUND',
    });
    await expect(tokens.issue(orgA.orgId, 'not-a-uuid')).rejects.toMatchObject({
      reason: 'DEPLOYMENT_NOT_FOUND',
    });
    expect(await tokens.revokeAll(orgA.orgId, agentB.deploymentId)).toBe(0);
    expect((await postEvents(api.baseUrl, agentB.token, [usageEvent(agentB)])).status).toBe(200);
    // Stored hashed: the token itself is nowhere in the database.
    const row = await api.prisma.agentToken.findUniqueOrThrow({ where: { id: agentB.tokenId } });
    expect(JSON.stringify(row)).not.toContain(agentB.token.slice('sp_agt_'.length + 13));
  });

  it('accepts a late event within the grace period and marks its hour for another roll-up', async () => {
    const agent = await deploymentWithAgent(api, orgA);
    const late = new Date(Date.now() - 30 * HOUR);
    const hour = new Date(Math.floor(late.getTime() / HOUR) * HOUR);
    // As if the billing worker had rolled the hour up already: a roll-up row, no pending mark.
    await api.prisma.usageHourly.create({
      data: {
        orgId: agent.orgId,
        deploymentId: agent.deploymentId,
        dimension: 'ingress_bytes',
        hour,
        quantity: '100',
        eventCount: 1,
        rolledUpAt: new Date(),
      },
    });

    const event = usageEvent(agent, { time: late, value: 7 });
    const response = await postEvents(api.baseUrl, agent.token, [event]);

    expect(response.body).toEqual({ accepted: [event.id], duplicates: [], rejected: [] });
    const pending = await api.prisma.usagePendingHour.findMany({
      where: { deploymentId: agent.deploymentId },
    });
    expect(pending.map((p) => ({ dimension: p.dimension, hour: p.hour.toISOString() }))).toEqual([
      { dimension: 'ingress_bytes', hour: hour.toISOString() },
    ]);
    const [row] = await eventsOf(agent.deploymentId);
    expect(row.hour.toISOString()).toBe(hour.toISOString());

    // A resend marks nothing new: nothing was inserted.
    await api.prisma.usagePendingHour.deleteMany({ where: { deploymentId: agent.deploymentId } });
    expect((await postEvents(api.baseUrl, agent.token, [event])).body.duplicates).toEqual([event.id]);
    expect(await api.prisma.usagePendingHour.count({ where: { deploymentId: agent.deploymentId } })).toBe(0);
  });

  it('buckets events by UTC hour whatever offset their time is written with', async () => {
    const agent = await deploymentWithAgent(api, orgA);
    const base = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR; // a whole UTC hour
    const at = (ms: number, offset: string) => {
      const sign = offset.startsWith('-') ? -1 : 1;
      const [hh, mm] = offset.slice(1).split(':').map(Number);
      const local = new Date(ms + sign * (hh * 60 + mm) * 60_000).toISOString().slice(0, 23);
      return `${local}${offset}`;
    };
    const events = [
      usageEvent(agent, { time: at(base + 59 * 60_000 + 59_999, '+05:30') }), // hh:59:59.999 UTC
      usageEvent(agent, { time: at(base + HOUR, '-08:00') }), // next hour, exactly
    ];
    expect((await postEvents(api.baseUrl, agent.token, events)).body.accepted).toHaveLength(2);
    const rows = await api.prisma.usageEvent.findMany({ where: { deploymentId: agent.deploymentId } });
    const hourOf = (id: string) => rows.find((r) => r.eventId === id)!.hour.getTime();
    expect(hourOf(events[0].id)).toBe(base);
    expect(hourOf(events[1].id)).toBe(base + HOUR);
  });

  it('refuses other content types with 415 naming the CloudEvents ones', async () => {
    const agent = await deploymentWithAgent(api, orgA);
    for (const contentType of ['application/json', 'text/plain', 'application/x-www-form-urlencoded']) {
      const response = await postEvents(api.baseUrl, agent.token, [usageEvent(agent)], { contentType });
      expect(response.status).toBe(415);
      expect(response.body.error).toMatchObject({
        code: 'UNSUPPORTED_MEDIA_TYPE',
        reason: 'UNSUPPORTED_MEDIA_TYPE',
      });
      expect(response.body.error.message).toContain(BATCH);
      expect(response.body.error.message).toContain(SINGLE);
      expect(response.headers.get('x-request-id')).toBeTruthy();
    }
    // Even before looking at the token.
    expect((await postEvents(api.baseUrl, undefined, [], { contentType: 'application/json' })).status).toBe(
      415,
    );
    expect(await eventsOf(agent.deploymentId)).toEqual([]);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const agent = await deploymentWithAgent(api, orgA);
    const response = await postEvents(api.baseUrl, agent.token, undefined, { rawBody: '[{"id": ' });
    expect(response.status).toBe(400);
    expect(response.body.error.reason).toBe('MALFORMED_JSON');
    const notArray = await postEvents(api.baseUrl, agent.token, { events: [] });
    expect(notArray.status).toBe(400);
    expect(notArray.body.error.reason).toBe('INVALID_BATCH');
  });

  it('keeps periodTotals equal to PostgreSQL after Redis lost the counters', async () => {
    const agent = await deploymentWithAgent(api, orgA);
    const counters = api.app.get(UsageCounters);
    const send = (events: unknown[]) => postEvents(api.baseUrl, agent.token, events);
    await send([
      usageEvent(agent, { value: 1.5, dimension: 'broker_hours' }),
      usageEvent(agent, { value: 0.1, dimension: 'broker_hours' }),
      usageEvent(agent, { value: 0.2, dimension: 'broker_hours' }),
      usageEvent(agent, { value: 1, dimension: 'connected_assets', key: 'sensor-a' }),
      usageEvent(agent, { value: 1, dimension: 'connected_assets', key: 'sensor-b' }),
    ]);
    await counters.periodTotals(agent.orgId, new Date()); // built from PostgreSQL
    await send([
      usageEvent(agent, { value: 1, dimension: 'connected_assets', key: 'sensor-a' }),
      usageEvent(agent, { value: 1, dimension: 'connected_assets', key: 'sensor-c' }),
      usageEvent(agent, { value: 123456789, dimension: 'ingress_bytes' }),
    ]); // added in Redis
    const before = await counters.periodTotals(agent.orgId, new Date());
    const mine = (totals: typeof before) => totals.filter((t) => t.deploymentId === agent.deploymentId);
    expect(mine(before)).toEqual([
      { deploymentId: agent.deploymentId, dimension: 'broker_hours', quantity: '1.8' },
      { deploymentId: agent.deploymentId, dimension: 'connected_assets', quantity: '3' },
      { deploymentId: agent.deploymentId, dimension: 'ingress_bytes', quantity: '123456789' },
    ]);

    await flushWorkerRedis(api);

    const after = await counters.periodTotals(agent.orgId, new Date());
    expect(after).toEqual(before);
    // Rebuilt in Redis, and counting again from there.
    await send([usageEvent(agent, { value: 0.05, dimension: 'broker_hours' })]);
    expect(mine(await counters.periodTotals(agent.orgId, new Date()))[0].quantity).toBe('1.85');
  });

  it('rebuilds the counters correctly while batches keep arriving', async () => {
    const agent = await deploymentWithAgent(api, orgA);
    const counters = api.app.get(UsageCounters);
    let sent = 0;
    const sender = async () => {
      for (let round = 0; round < 15; round++) {
        const batch = Array.from({ length: 20 }, (_, i) =>
          usageEvent(agent, {
            value: round * 100 + i,
            dimension: i % 3 === 0 ? 'egress_bytes' : 'ingress_bytes',
          }),
        );
        const response = await postEvents(api.baseUrl, agent.token, batch);
        sent += response.body.accepted.length;
      }
    };
    const rebuilder = async () => {
      for (let i = 0; i < 10; i++) {
        if (i % 2 === 0) await flushWorkerRedis(api);
        await counters.rebuild(agent.orgId, new Date());
        await counters.periodTotals(agent.orgId, new Date());
      }
    };
    await Promise.all([sender(), sender(), sender(), rebuilder()]);
    expect(sent).toBe(3 * 15 * 20);

    const fromPostgres = await api.prisma.usageEvent.groupBy({
      by: ['dimension'],
      where: {
        orgId: agent.orgId,
        deploymentId: agent.deploymentId,
        hour: { gte: periodStartOf(new Date()) },
      },
      _sum: { value: true },
    });
    const totals = (await counters.periodTotals(agent.orgId, new Date())).filter(
      (t) => t.deploymentId === agent.deploymentId,
    );
    expect(totals.map((t) => [t.dimension, t.quantity])).toEqual(
      fromPostgres
        .sort((a, b) => (a.dimension < b.dimension ? -1 : 1))
        .map((row) => [row.dimension, row._sum.value!.toString()]),
    );
  });
});

describe('usage ingest limits', () => {
  let api: TestApi;
  let org: OrgFixture;
  let agent: AgentFixture;

  beforeAll(async () => {
    api = await startTestApi({
      INGEST_BODY_LIMIT_BYTES: '4096',
      INGEST_MAX_BATCH_EVENTS: '5',
      INGEST_RATE_LIMIT_BATCHES: '3',
      INGEST_RATE_LIMIT_WINDOW_SECONDS: '60',
    });
    org = await orgWithCloudAccount(api);
    agent = await deploymentWithAgent(api, org);
  });

  afterAll(async () => {
    await api?.close();
  });

  it('answers 413 with a typed error for a body over the limit, and for too many events', async () => {
    const big = [usageEvent(agent, { padding: 'x'.repeat(5000) })];
    const tooLarge = await postEvents(api.baseUrl, agent.token, big);
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', reason: 'BODY_TOO_LARGE' });
    expect(tooLarge.body.error.requestId).toEqual(expect.any(String));

    const tooMany = await postEvents(
      api.baseUrl,
      agent.token,
      Array.from({ length: 6 }, () => usageEvent(agent)),
    );
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', reason: 'TOO_MANY_EVENTS' });
    expect(await api.prisma.usageEvent.count({ where: { deploymentId: agent.deploymentId } })).toBe(0);
  });

  it('answers 429 with Retry-After once a deployment spent its budget, without touching other deployments', async () => {
    const limited = await deploymentWithAgent(api, org);
    const other = await deploymentWithAgent(api, org);
    for (let i = 0; i < 3; i++) {
      expect((await postEvents(api.baseUrl, limited.token, [usageEvent(limited)])).status).toBe(200);
    }
    const refused = await postEvents(api.baseUrl, limited.token, [usageEvent(limited)]);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', reason: 'RATE_LIMITED' });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await api.prisma.usageEvent.count({ where: { deploymentId: limited.deploymentId } })).toBe(3);
    expect((await postEvents(api.baseUrl, other.token, [usageEvent(other)])).status).toBe(200);
  });
});

/** "Redis flushed", for this jest worker only: deletes every key under its prefix (Redis is shared). */
export async function flushWorkerRedis(api: TestApi): Promise<void> {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(api.config.redis.url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${api.config.redis.keyPrefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
