import { RollupService } from '@streamplane/billing';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import {
  awsSpec,
  connectAwsAccount,
  createToken,
  joinAs,
  runningDeployment,
  verifyCloudAccount,
} from './fixtures';
import {
  describeResult,
  expectOk,
  startTestApi,
  type ApiClient,
  type SignedUp,
  type TestApi,
} from './harness';

/**
 * The usage API: `meters`, `usage` and `currentPeriodUsage` over GraphQL and `GET /v1/usage.csv`. Usage is
 * written straight into usage_hourly / usage_events / usage_pending_hours, the way ingest and the roll-up
 * leave it, so each case states exactly what is stored and what the api must answer.
 *
 * The database's time zone is set far from UTC for this file (Asia/Kathmandu, +05:45), so a bucket cut
 * in the session's time zone instead of UTC would show.
 */

const USAGE = `query($range: UsageRangeInput!, $g: UsageGranularity!, $dim: String, $dep: ID) {
  usage(range: $range, granularity: $g, dimension: $dim, deploymentId: $dep) {
    from to granularity points { bucketStart deploymentId deploymentName dimension unit quantity }
  }
}`;
const CURRENT = `{ currentPeriodUsage { periodStart periodEnd totals { deploymentId deploymentName dimension unit quantity } } }`;

/** Test meters beside the seeded ones (which are all SUM or UNIQUE_COUNT); removed afterwards. */
const PEAK = `test_peak_${randomUUID().slice(0, 8)}`; // MAX
const TOPICS = `test_topics_${randomUUID().slice(0, 8)}`; // LATEST
const QUOTED = `test_quoted_${randomUUID().slice(0, 8)}`; // SUM, a unit that needs CSV quoting
const QUOTED_UNIT = 'GB, "decimal"';

interface Point {
  bucketStart: string;
  deploymentId: string;
  deploymentName: string;
  dimension: string;
  unit: string;
  quantity: string;
}

let api: TestApi;
let db: Client;
let databaseName: string;
let orgA: SignedUp;
let ownerA: ApiClient;
let viewerA: ApiClient;
let readTokenA: ApiClient;
/** Two deployments of A, named so that `alpha` sorts before `beta`. */
let alpha: { id: string; name: string };
let beta: { id: string; name: string };
let orgB: SignedUp;
let ownerB: ApiClient;
let deploymentOfB: { id: string; name: string };
const orgIds: string[] = [];

async function hourly(
  deployment: { id: string },
  orgId: string,
  dimension: string,
  hour: string,
  quantity: string,
) {
  await db.query(
    `INSERT INTO usage_hourly (org_id, deployment_id, dimension, hour, quantity, event_count, rolled_up_at)
     VALUES ($1, $2, $3, $4, $5, 1, now())`,
    [orgId, deployment.id, dimension, hour, quantity],
  );
}

/** An accepted event, as ingest commits it: the event and its hour marked for the roll-up. */
async function event(
  deployment: { id: string },
  orgId: string,
  dimension: string,
  time: string,
  value: string,
  key?: string,
) {
  await db.query(
    `INSERT INTO usage_events (source, event_id, org_id, deployment_id, dimension, value, unique_key, time, hour)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, date_trunc('hour', $8::timestamptz, 'UTC'))`,
    [
      `/deployments/${deployment.id}/agent`,
      randomUUID(),
      orgId,
      deployment.id,
      dimension,
      value,
      key ?? null,
      time,
    ],
  );
  await db.query(
    `INSERT INTO usage_pending_hours (org_id, deployment_id, dimension, hour)
     VALUES ($1, $2, $3, date_trunc('hour', $4::timestamptz, 'UTC'))
     ON CONFLICT (deployment_id, dimension, hour) DO UPDATE SET marked_at = now()`,
    [orgId, deployment.id, dimension, time],
  );
}

async function usage(client: ApiClient, variables: Record<string, unknown>): Promise<Point[]> {
  const result = await client.gql(USAGE, variables);
  return expectOk(result, `usage ${JSON.stringify(variables)}`).usage.points as Point[];
}

/** `points` as "bucket dimension = quantity" lines, for readable comparisons. */
function lines(points: Point[], deployment?: { id: string }): string[] {
  return points
    .filter((p) => !deployment || p.deploymentId === deployment.id)
    .map((p) => `${p.bucketStart} ${p.dimension} = ${p.quantity}`);
}

function range(from: string, to: string) {
  return { from, to };
}

beforeAll(async () => {
  db = new Client({ connectionString: process.env.DATABASE_URL });
  await db.connect();
  databaseName = (await db.query<{ name: string }>('SELECT current_database() AS name')).rows[0].name;
  await db.query(`ALTER DATABASE "${databaseName}" SET timezone TO 'Asia/Kathmandu'`);
  await db.query(`SET timezone TO 'Asia/Kathmandu'`);
  await db.query(
    `INSERT INTO meters (dimension, display_name, unit, aggregation, description) VALUES
       ($1, 'Peak storage (test)', 'GB', 'MAX', 'test meter'),
       ($2, 'Topics (test)', 'topic', 'LATEST', 'test meter'),
       ($3, 'Quoted (test)', $4, 'SUM', 'test meter')`,
    [PEAK, TOPICS, QUOTED, QUOTED_UNIT],
  );

  api = await startTestApi();
  ownerA = api.client();
  orgA = await ownerA.signup({ organizationName: `Usage A ${randomUUID().slice(0, 8)}` });
  viewerA = (await joinAs(api, ownerA, orgA.organization.id, 'VIEWER')).client;
  readTokenA = api.client().withBearer((await createToken(ownerA, ['READ'])).secret);
  const accountA = await connectAwsAccount(ownerA);
  await verifyCloudAccount(ownerA, accountA.id);
  const suffix = randomUUID().slice(0, 8);
  alpha = await runningDeployment(api, ownerA, accountA.id, awsSpec({ name: `alpha-${suffix}` }));
  beta = await runningDeployment(api, ownerA, accountA.id, awsSpec({ name: `beta-${suffix}` }));

  ownerB = api.client();
  orgB = await ownerB.signup({ organizationName: `Usage B ${randomUUID().slice(0, 8)}` });
  const accountB = await connectAwsAccount(ownerB);
  await verifyCloudAccount(ownerB, accountB.id);
  deploymentOfB = await runningDeployment(api, ownerB, accountB.id);
  orgIds.push(orgA.organization.id, orgB.organization.id);
});

afterAll(async () => {
  if (db) {
    // Leave nothing pending for other files' roll-ups, and the database as it was.
    for (const table of ['usage_pending_hours', 'usage_hourly', 'usage_events']) {
      await db.query(`DELETE FROM ${table} WHERE org_id = ANY($1::uuid[])`, [orgIds]);
    }
    await db.query('DELETE FROM meters WHERE dimension = ANY($1)', [[PEAK, TOPICS, QUOTED]]);
    await db.query(`ALTER DATABASE "${databaseName}" RESET timezone`);
    await db.end();
  }
  await api?.close();
});

describe('meters', () => {
  it('lists every dimension with its unit and aggregation, to a VIEWER', async () => {
    const data = expectOk(
      await viewerA.gql('{ meters { dimension displayName unit aggregation description } }'),
      'meters',
    );
    const meters = data.meters as { dimension: string; unit: string; aggregation: string }[];
    expect(meters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ dimension: 'broker_hours', unit: 'broker-hour', aggregation: 'SUM' }),
        expect.objectContaining({ dimension: 'ingress_bytes', unit: 'byte', aggregation: 'SUM' }),
        expect.objectContaining({
          dimension: 'connected_assets',
          unit: 'asset',
          aggregation: 'UNIQUE_COUNT',
        }),
        expect.objectContaining({ dimension: PEAK, aggregation: 'MAX' }),
        expect.objectContaining({ dimension: TOPICS, aggregation: 'LATEST' }),
      ]),
    );
    expect(meters.map((m) => m.dimension)).toEqual(
      expect.arrayContaining([
        'broker_hours',
        'storage_gb_hours',
        'ingress_bytes',
        'egress_bytes',
        'partition_hours',
        'pipeline_hours',
        'connected_assets',
      ]),
    );
  });
});

describe('usage: aggregation per meter across hour, day and month boundaries (UTC)', () => {
  // Four rolled-up hours around midnight UTC of 31 October → 1 November 2026 (05:45 in Kathmandu).
  const HOURS = [
    '2026-10-31T22:00:00.000Z',
    '2026-10-31T23:00:00.000Z',
    '2026-11-01T00:00:00.000Z',
    '2026-11-01T01:00:00.000Z',
  ];
  const RANGE = range('2026-10-31T22:00:00Z', '2026-11-01T02:00:00Z');

  beforeAll(async () => {
    const org = orgA.organization.id;
    const values: Record<string, string[]> = {
      broker_hours: ['3', '3', '3', '2.5'], // SUM
      [PEAK]: ['10', '40', '25', '5'], // MAX
      [TOPICS]: ['7', '9', '4', '6'], // LATEST
    };
    for (const [dimension, quantities] of Object.entries(values)) {
      for (const [i, hour] of HOURS.entries()) await hourly(alpha, org, dimension, hour, quantities[i]);
    }
    // UNIQUE_COUNT from the events: device a in three hours, b once on the 31st, c once on the 1st.
    for (const [time, device] of [
      ['2026-10-31T22:10:00Z', 'dev-a'],
      ['2026-10-31T22:20:00Z', 'dev-b'],
      ['2026-10-31T22:40:00Z', 'dev-a'],
      ['2026-10-31T23:30:00Z', 'dev-a'],
      ['2026-11-01T00:05:00Z', 'dev-c'],
      ['2026-11-01T01:40:00Z', 'dev-a'],
    ]) {
      await event(alpha, org, 'connected_assets', time, '1', device);
    }
  });

  it('HOUR: each hour as stored, distinct devices per hour', async () => {
    const points = await usage(ownerA, { range: RANGE, g: 'HOUR', dep: alpha.id });
    expect(lines(points).sort()).toEqual(
      [
        `${HOURS[0]} broker_hours = 3`,
        `${HOURS[1]} broker_hours = 3`,
        `${HOURS[2]} broker_hours = 3`,
        `${HOURS[3]} broker_hours = 2.5`,
        `${HOURS[0]} ${PEAK} = 10`,
        `${HOURS[1]} ${PEAK} = 40`,
        `${HOURS[2]} ${PEAK} = 25`,
        `${HOURS[3]} ${PEAK} = 5`,
        `${HOURS[0]} ${TOPICS} = 7`,
        `${HOURS[1]} ${TOPICS} = 9`,
        `${HOURS[2]} ${TOPICS} = 4`,
        `${HOURS[3]} ${TOPICS} = 6`,
        `${HOURS[0]} connected_assets = 2`,
        `${HOURS[1]} connected_assets = 1`,
        `${HOURS[2]} connected_assets = 1`,
        `${HOURS[3]} connected_assets = 1`,
      ].sort(),
    );
    expect(points.find((p) => p.dimension === 'broker_hours')).toMatchObject({
      deploymentId: alpha.id,
      deploymentName: alpha.name,
      unit: 'broker-hour',
    });
  });

  it.each([
    ['DAY', '2026-10-31T00:00:00.000Z', '2026-11-01T00:00:00.000Z'],
    ['MONTH', '2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z'],
  ])(
    '%s: SUM adds, MAX takes the largest, LATEST the last hour, UNIQUE_COUNT distinct keys',
    async (g, first, second) => {
      const points = await usage(ownerA, { range: RANGE, g, dep: alpha.id });
      expect(lines(points).sort()).toEqual(
        [
          `${first} broker_hours = 6`,
          `${second} broker_hours = 5.5`,
          `${first} ${PEAK} = 40`,
          `${second} ${PEAK} = 25`,
          `${first} ${TOPICS} = 9`,
          `${second} ${TOPICS} = 6`,
          `${first} connected_assets = 2`, // a, b
          `${second} connected_assets = 2`, // c, a
        ].sort(),
      );
    },
  );

  it('counts only the part of a bucket inside the range', async () => {
    const points = await usage(ownerA, {
      range: range('2026-10-31T23:00:00Z', '2026-11-01T01:00:00Z'),
      g: 'DAY',
      dep: alpha.id,
    });
    expect(lines(points).sort()).toEqual(
      [
        '2026-10-31T00:00:00.000Z broker_hours = 3',
        '2026-11-01T00:00:00.000Z broker_hours = 3',
        `2026-10-31T00:00:00.000Z ${PEAK} = 40`,
        `2026-11-01T00:00:00.000Z ${PEAK} = 25`,
        `2026-10-31T00:00:00.000Z ${TOPICS} = 9`,
        `2026-11-01T00:00:00.000Z ${TOPICS} = 4`,
        '2026-10-31T00:00:00.000Z connected_assets = 1',
        '2026-11-01T00:00:00.000Z connected_assets = 1',
      ].sort(),
    );
  });

  it('widens a range to whole hours, half-open, and says so', async () => {
    const result = expectOk(
      await ownerA.gql(USAGE, {
        range: range('2026-10-31T23:59:59+05:45', '2026-11-01T00:00:01Z'),
        g: 'HOUR',
        dim: 'broker_hours',
        dep: alpha.id,
      }),
      'usage',
    ).usage;
    // 23:59:59 in Kathmandu is 18:14:59 UTC: from 18:00 UTC to 01:00 UTC.
    expect(result).toMatchObject({
      from: '2026-10-31T18:00:00.000Z',
      to: '2026-11-01T01:00:00.000Z',
      granularity: 'HOUR',
    });
    expect(lines(result.points)).toEqual([
      `${HOURS[0]} broker_hours = 3`,
      `${HOURS[1]} broker_hours = 3`,
      `${HOURS[2]} broker_hours = 3`,
    ]);
  });

  it('filters by dimension, orders by bucket then deployment name, and leaves out empty buckets', async () => {
    await hourly(beta, orgA.organization.id, 'broker_hours', HOURS[1], '4');
    const points = await usage(ownerA, { range: RANGE, g: 'HOUR', dim: 'broker_hours' });
    expect(points.map((p) => `${p.bucketStart} ${p.deploymentName} ${p.quantity}`)).toEqual([
      `${HOURS[0]} ${alpha.name} 3`,
      `${HOURS[1]} ${alpha.name} 3`,
      `${HOURS[1]} ${beta.name} 4`,
      `${HOURS[2]} ${alpha.name} 3`,
      `${HOURS[3]} ${alpha.name} 2.5`,
    ]);
    expect(points.every((p) => p.dimension === 'broker_hours')).toBe(true);
  });
});

describe('usage: hours not rolled up yet', () => {
  const RANGE = range('2026-11-10T00:00:00Z', '2026-11-11T00:00:00Z');

  beforeAll(async () => {
    const org = orgA.organization.id;
    // 02:00 was rolled up at 3; then two more events arrived (late): the hour is pending again.
    await hourly(beta, org, 'broker_hours', '2026-11-10T02:00:00Z', '3');
    await event(beta, org, 'broker_hours', '2026-11-10T02:10:00Z', '3');
    await event(beta, org, 'broker_hours', '2026-11-10T02:20:00Z', '1.25');
    await event(beta, org, 'broker_hours', '2026-11-10T02:50:00Z', '0.75');
    // 03:00 was never rolled up.
    await event(beta, org, 'broker_hours', '2026-11-10T03:00:00Z', '1.5');
    await event(beta, org, 'broker_hours', '2026-11-10T03:59:59.999Z', '1.5');
    // A rolled-up hour that is not pending stays as stored.
    await hourly(beta, org, 'broker_hours', '2026-11-10T04:00:00Z', '3');
    // MAX and LATEST from events: the largest value; the value of the latest event by time (not by arrival).
    for (const [time, value] of [
      ['2026-11-10T02:10:00Z', '3'],
      ['2026-11-10T02:40:00Z', '8'],
      ['2026-11-10T02:20:00Z', '2'],
    ]) {
      await event(beta, org, PEAK, time, value);
    }
    for (const [time, value] of [
      ['2026-11-10T02:10:00Z', '4'],
      ['2026-11-10T02:50:00Z', '7'],
      ['2026-11-10T02:30:00Z', '9'],
    ]) {
      await event(beta, org, TOPICS, time, value);
    }
  });

  it('computes pending hours from their events, replacing an older roll-up of the hour', async () => {
    const points = await usage(ownerA, { range: RANGE, g: 'HOUR', dep: beta.id });
    expect(lines(points).sort()).toEqual(
      [
        '2026-11-10T02:00:00.000Z broker_hours = 5',
        '2026-11-10T03:00:00.000Z broker_hours = 3',
        '2026-11-10T04:00:00.000Z broker_hours = 3',
        `2026-11-10T02:00:00.000Z ${PEAK} = 8`,
        `2026-11-10T02:00:00.000Z ${TOPICS} = 7`,
      ].sort(),
    );
    const day = await usage(ownerA, { range: RANGE, g: 'DAY', dep: beta.id, dim: 'broker_hours' });
    expect(lines(day)).toEqual(['2026-11-10T00:00:00.000Z broker_hours = 11']);
  });

  it('answers the same after the billing worker has rolled the hours up', async () => {
    const before = await usage(ownerA, { range: RANGE, g: 'HOUR', dep: beta.id });
    // The billing worker's own roll-up (libs/billing), to cross-check the two computations.
    await new RollupService(api.config, api.prisma).rollUpPending();
    const pending = await db.query('SELECT 1 FROM usage_pending_hours WHERE deployment_id = $1', [beta.id]);
    expect(pending.rowCount).toBe(0);
    expect(await usage(ownerA, { range: RANGE, g: 'HOUR', dep: beta.id })).toEqual(before);
  });
});

describe('usage: what is refused', () => {
  it.each([
    ['from after to', range('2026-11-02T00:00:00Z', '2026-11-01T00:00:00Z'), 'HOUR', 'INVALID_RANGE'],
    ['an empty range', range('2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z'), 'DAY', 'INVALID_RANGE'],
    ['32 days of hours', range('2026-10-01T00:00:00Z', '2026-11-02T00:00:00Z'), 'HOUR', 'RANGE_TOO_LONG'],
    ['401 days of days', range('2025-10-01T00:00:00Z', '2026-11-06T00:00:00Z'), 'DAY', 'RANGE_TOO_LONG'],
    ['401 days of months', range('2025-10-01T00:00:00Z', '2026-11-05T00:00:01Z'), 'MONTH', 'RANGE_TOO_LONG'],
    ['the year 1', range('0001-01-01T00:00:00Z', '0001-01-02T00:00:00Z'), 'DAY', 'INVALID_RANGE'],
  ])('%s → BAD_USER_INPUT', async (_label, r, g, reason) => {
    const result = await ownerA.gql(USAGE, { range: r, g });
    expect(result.data?.usage ?? null).toBeNull();
    expect(result.errors?.map((e) => e.extensions)).toEqual([
      expect.objectContaining({ code: 'BAD_USER_INPUT', reason }),
    ]);
  });

  it.each([
    ['31 days of hours', range('2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z'), 'HOUR'],
    ['400 days of days', range('2025-10-01T00:00:00Z', '2026-11-05T00:00:00Z'), 'DAY'],
    ['400 days of months', range('2025-10-01T00:00:00Z', '2026-11-05T00:00:00Z'), 'MONTH'],
  ])('accepts the longest range allowed: %s', async (_label, r, g) => {
    const result = await ownerA.gql(USAGE, { range: r, g });
    expect(describeResult(result)).not.toContain('"errors":[{');
    expect(result.data.usage.points.length).toBeGreaterThan(0);
  });

  it('an unknown dimension and a malformed deployment id', async () => {
    const unknown = await ownerA.gql(USAGE, {
      range: range('2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z'),
      g: 'DAY',
      dim: 'nope',
    });
    expect(unknown.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'UNKNOWN_DIMENSION',
    });
    expect(unknown.errors?.[0].message).toContain('broker_hours');
    const malformed = await ownerA.gql(USAGE, {
      range: range('2026-11-01T00:00:00Z', '2026-11-02T00:00:00Z'),
      g: 'DAY',
      dep: 'not-a-uuid',
    });
    expect(malformed.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_INPUT',
    });
    const badDate = await ownerA.gql(USAGE, { range: range('yesterday', '2026-11-02T00:00:00Z'), g: 'DAY' });
    // The DateTime scalar lets an unparsable string through as an invalid Date; the service refuses it.
    expect(badDate.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'INVALID_INPUT',
      fields: [{ field: 'from', message: 'must be a date-time' }],
    });
  });

  it('more points than one answer carries → TOO_MANY_POINTS, pointing at the CSV export', async () => {
    // A third organization with three deployments and every meter's every hour of 31 days (> 20,000 points).
    const owner = api.client();
    const org = await owner.signup({ organizationName: `Usage big ${randomUUID().slice(0, 8)}` });
    orgIds.push(org.organization.id);
    const account = await connectAwsAccount(owner);
    await verifyCloudAccount(owner, account.id);
    const deployments = [];
    for (let i = 0; i < 3; i++) deployments.push(await runningDeployment(api, owner, account.id));
    await db.query(
      `INSERT INTO usage_hourly (org_id, deployment_id, dimension, hour, quantity, event_count, rolled_up_at)
       SELECT $1, d, m.dimension, h, 1, 1, now()
       FROM unnest($2::uuid[]) AS d, meters m,
            generate_series('2026-10-01T00:00:00Z'::timestamptz, '2026-10-31T23:00:00Z', interval '1 hour') AS h
       WHERE m.aggregation <> 'UNIQUE_COUNT'`,
      [org.organization.id, deployments.map((d) => d.id)],
    );
    const result = await owner.gql(USAGE, {
      range: range('2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z'),
      g: 'HOUR',
    });
    expect(result.errors?.map((e) => e.extensions)).toEqual([
      expect.objectContaining({ code: 'BAD_USER_INPUT', reason: 'TOO_MANY_POINTS' }),
    ]);
    expect(result.errors?.[0].message).toContain('/v1/usage.csv');
    // One deployment fits.
    const one = await usage(owner, {
      range: range('2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z'),
      g: 'HOUR',
      dep: deployments[0].id,
    });
    expect(one.length).toBeGreaterThan(744 * 7);
  });
});

describe('usage: who may read it', () => {
  const RANGE = range('2026-10-31T22:00:00Z', '2026-11-01T02:00:00Z');

  it('a VIEWER and a READ-scope token read the same usage as the OWNER', async () => {
    const asOwner = await usage(ownerA, { range: RANGE, g: 'DAY' });
    expect(asOwner.length).toBeGreaterThan(0);
    expect(await usage(viewerA, { range: RANGE, g: 'DAY' })).toEqual(asOwner);
    expect(await usage(readTokenA, { range: RANGE, g: 'DAY' })).toEqual(asOwner);
    expectOk(await viewerA.gql(CURRENT), 'currentPeriodUsage as a VIEWER');
  });

  it('nobody signed in → UNAUTHENTICATED', async () => {
    const result = await api.client().gql(USAGE, { range: RANGE, g: 'DAY' });
    expect(result.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(result.data?.usage ?? null).toBeNull();
  });
});

describe('usage: tenancy', () => {
  const RANGE = range('2026-10-31T22:00:00Z', '2026-11-01T02:00:00Z');

  beforeAll(async () => {
    await hourly(deploymentOfB, orgB.organization.id, 'broker_hours', '2026-10-31T23:00:00Z', '99');
  });

  it("another organization's deployment is refused exactly like one that does not exist", async () => {
    const theirs = await ownerB.gql(USAGE, { range: RANGE, g: 'HOUR', dep: alpha.id });
    const nobody = await ownerB.gql(USAGE, { range: RANGE, g: 'HOUR', dep: randomUUID() });
    for (const result of [theirs, nobody]) {
      expect(result.data?.usage ?? null).toBeNull();
      expect(result.errors?.map((e) => [e.extensions.code, e.extensions.reason, e.message])).toEqual([
        ['NOT_FOUND', 'DEPLOYMENT_NOT_FOUND', 'No such deployment in this organization.'],
      ]);
    }
  });

  it('each organization sees only its own usage', async () => {
    const ofB = await usage(ownerB, { range: RANGE, g: 'HOUR' });
    expect(ofB.map((p) => `${p.deploymentId} ${p.quantity}`)).toEqual([`${deploymentOfB.id} 99`]);
    const ofA = await usage(ownerA, { range: RANGE, g: 'HOUR' });
    expect(ofA.length).toBeGreaterThan(0);
    expect(ofA.some((p) => p.deploymentId === deploymentOfB.id)).toBe(false);
  });

  it("the CSV export refuses another organization's deployment like a random id", async () => {
    const query = `from=2026-10-31T22:00:00Z&to=2026-11-01T02:00:00Z&granularity=HOUR`;
    const theirs = await ownerB.request('GET', `/v1/usage.csv?${query}&deploymentId=${alpha.id}`);
    const nobody = await ownerB.request('GET', `/v1/usage.csv?${query}&deploymentId=${randomUUID()}`);
    for (const result of [theirs, nobody]) {
      expect(result.status).toBe(404);
      expect(result.body.error).toMatchObject({ code: 'NOT_FOUND', reason: 'DEPLOYMENT_NOT_FOUND' });
    }
    const all = await ownerB.request('GET', `/v1/usage.csv?${query}`);
    expect(all.body).not.toContain(alpha.id);
    expect(all.body).toContain(deploymentOfB.id);
  });
});

describe('currentPeriodUsage', () => {
  it("totals this month's usage per deployment and dimension, its own organization's only", async () => {
    // An organization of its own, so that its live counters start from exactly what is written here.
    const owner = api.client();
    const org = (await owner.signup({ organizationName: `Usage now ${randomUUID().slice(0, 8)}` }))
      .organization.id;
    orgIds.push(org);
    const account = await connectAwsAccount(owner);
    await verifyCloudAccount(owner, account.id);
    const first = await runningDeployment(api, owner, account.id);
    const second = await runningDeployment(api, owner, account.id);
    const now = new Date();
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const thisHour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000).toISOString();
    // Earlier this month (rolled up and its events), this hour (pending), and last month (not counted).
    await hourly(first, org, 'ingress_bytes', monthStart.toISOString(), '1000');
    await event(first, org, 'ingress_bytes', monthStart.toISOString(), '1000');
    await db.query('DELETE FROM usage_pending_hours WHERE deployment_id = $1 AND hour = $2', [
      first.id,
      monthStart,
    ]);
    await event(first, org, 'ingress_bytes', thisHour, '234');
    await hourly(first, org, 'ingress_bytes', new Date(monthStart.getTime() - 3_600_000).toISOString(), '5');
    await event(second, org, 'connected_assets', thisHour, '1', 'dev-x');
    await event(second, org, 'connected_assets', thisHour, '1', 'dev-y');
    await event(second, org, 'connected_assets', thisHour, '1', 'dev-x');
    await event(second, org, 'egress_bytes', thisHour, '7.5');
    await event(deploymentOfB, orgB.organization.id, 'egress_bytes', thisHour, '1');

    const current = expectOk(await owner.gql(CURRENT), 'currentPeriodUsage').currentPeriodUsage;
    expect(current.periodStart).toBe(monthStart.toISOString());
    expect(current.periodEnd).toBe(
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString(),
    );
    const totals = (
      current.totals as {
        deploymentId: string;
        deploymentName: string;
        dimension: string;
        quantity: string;
        unit: string;
      }[]
    )
      .map((t) => `${t.deploymentName} ${t.dimension} ${t.quantity} ${t.unit}`)
      .sort();
    expect(totals).toEqual(
      [
        `${first.name} ingress_bytes 1234 byte`,
        `${second.name} connected_assets 2 asset`,
        `${second.name} egress_bytes 7.5 byte`,
      ].sort(),
    );
    // B's own answer holds nothing of this organization.
    const ofB = expectOk(await ownerB.gql(CURRENT), 'currentPeriodUsage of B').currentPeriodUsage;
    expect(JSON.stringify(ofB)).not.toContain(first.id);
    expect(JSON.stringify(ofB)).not.toContain(second.id);
  });
});

describe('GET /v1/usage.csv', () => {
  const QUERY = 'from=2026-10-31T22:00:00Z&to=2026-11-01T02:00:00Z';

  beforeAll(async () => {
    await hourly(alpha, orgA.organization.id, QUOTED, '2026-10-31T22:00:00Z', '1.5');
  });

  it('streams the same series as GraphQL as an RFC 4180 attachment', async () => {
    const response = await ownerA.request('GET', `/v1/usage.csv?${QUERY}&granularity=day`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="streamplane-usage-2026-10-31T22Z-2026-11-01T02Z-day.csv"',
    );
    const text = response.body as string;
    expect(text.endsWith('\r\n')).toBe(true);
    const records = text.split('\r\n').slice(0, -1);
    expect(records[0]).toBe('bucket_start,deployment_id,deployment_name,dimension,unit,quantity');
    const points = await usage(ownerA, {
      range: range('2026-10-31T22:00:00Z', '2026-11-01T02:00:00Z'),
      g: 'DAY',
    });
    expect(records.slice(1)).toEqual(
      points.map((p) =>
        [
          p.bucketStart,
          p.deploymentId,
          p.deploymentName,
          p.dimension,
          p.unit === QUOTED_UNIT ? '"GB, ""decimal"""' : p.unit,
          p.quantity,
        ].join(','),
      ),
    );
    expect(records).toContain(
      `2026-10-31T00:00:00.000Z,${alpha.id},${alpha.name},${QUOTED},"GB, ""decimal""",1.5`,
    );
    expect(records).toContain(
      `2026-10-31T00:00:00.000Z,${alpha.id},${alpha.name},broker_hours,broker-hour,6`,
    );
  });

  it('streams hour by hour over several days in order, filtered like GraphQL', async () => {
    const org = orgA.organization.id;
    for (const hour of ['2026-11-09T23:00:00Z', '2026-10-30T05:00:00Z', '2026-11-02T13:00:00Z']) {
      await hourly(beta, org, QUOTED, hour, '2');
    }
    const response = await ownerA.request(
      'GET',
      `/v1/usage.csv?from=2026-10-30&to=2026-11-11&granularity=HOUR&dimension=${QUOTED}&deploymentId=${beta.id}`,
    );
    expect(response.status).toBe(200);
    const rows = (response.body as string).split('\r\n').slice(1, -1);
    expect(rows).toEqual(
      ['2026-10-30T05:00:00.000Z', '2026-11-02T13:00:00.000Z', '2026-11-09T23:00:00.000Z'].map(
        (hour) => `${hour},${beta.id},${beta.name},${QUOTED},"GB, ""decimal""",2`,
      ),
    );
  });

  it('authenticates like GraphQL: an API token, or the session cookie with its CSRF header', async () => {
    expect((await readTokenA.request('GET', `/v1/usage.csv?${QUERY}&granularity=MONTH`)).status).toBe(200);
    expect((await viewerA.request('GET', `/v1/usage.csv?${QUERY}&granularity=MONTH`)).status).toBe(200);
    const withoutCsrf = await viewerA.request('GET', `/v1/usage.csv?${QUERY}&granularity=MONTH`, {
      headers: { 'x-csrf-token': '' },
    });
    expect(withoutCsrf.status).toBe(403);
    const anonymous = await api.client().request('GET', `/v1/usage.csv?${QUERY}&granularity=MONTH`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['no granularity', QUERY, 'INVALID_INPUT'],
    ['a bad granularity', `${QUERY}&granularity=WEEK`, 'INVALID_INPUT'],
    ['a bad date', 'from=yesterday&to=2026-11-01&granularity=DAY', 'INVALID_INPUT'],
    ['a date-time without offset', 'from=2026-10-01T00:00:00&to=2026-11-01&granularity=DAY', 'INVALID_INPUT'],
    ['an unknown parameter', `${QUERY}&granularity=DAY&format=xlsx`, 'INVALID_INPUT'],
    ['a repeated parameter', `${QUERY}&granularity=DAY&granularity=HOUR`, 'INVALID_INPUT'],
    ['from after to', 'from=2026-11-02&to=2026-11-01&granularity=DAY', 'INVALID_RANGE'],
    ['too long a range', 'from=2026-01-01&to=2026-03-01&granularity=HOUR', 'RANGE_TOO_LONG'],
    ['an unknown dimension', `${QUERY}&granularity=DAY&dimension=nope`, 'UNKNOWN_DIMENSION'],
    ['a malformed deployment id', `${QUERY}&granularity=DAY&deploymentId=42`, 'INVALID_INPUT'],
  ])('%s → 400 with its reason as JSON, no CSV', async (_label, query, reason) => {
    const response = await ownerA.request('GET', `/v1/usage.csv?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.body.error).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason,
      requestId: expect.any(String),
    });
  });
});
