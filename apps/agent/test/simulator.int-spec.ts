import { AgentTokensService } from '@streamplane/metering';
import { randomUUID } from 'node:crypto';
// The api is another app: the simulator is tested against it running, with its harness and fixtures, so
// the imports are relative (as in apps/api/test/test-provisioner.ts).
// eslint-disable-next-line @nx/enforce-module-boundaries
import {
  awsSpec,
  connectAwsAccount,
  orderDeployment,
  runningDeployment,
  verifyCloudAccount,
} from '../../api/test/fixtures';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { expectOk, startTestApi, type ApiClient, type TestApi } from '../../api/test/harness';
import { startAgentSimulator, type AgentSimulator } from '../src/simulator/create-simulator';
import { SimulatedDeployments } from '../src/simulator/simulated-deployments';
import { lastCompleteInterval, usageEvents, type SimulatedDeployment } from '../src/simulator/usage-model';

/**
 * The simulated agent's loop against the real api: its usage is committed through POST /v1/ingest/events,
 * shows in the usage API, and whatever is sent again — a retry after a lost response, a restarted
 * simulator — is deduplicated, not counted twice.
 */

/** What the injected fetch does to the next requests (the simulator's view of the network). */
let network: 'up' | 'down' | 'lose-next-response' = 'up';
const flakyFetch: typeof fetch = async (input, init) => {
  if (network === 'down') throw new TypeError('fetch failed (simulated outage)');
  const response = await fetch(input, init);
  if (network === 'lose-next-response') {
    network = 'up';
    await response.text(); // the api has answered, so it has committed; the answer never arrives
    throw new TypeError('socket hang up (simulated)');
  }
  return response;
};

const SECONDS = 10;
const USAGE = `query($range: UsageRangeInput!, $dep: ID) {
  usage(range: $range, granularity: HOUR, deploymentId: $dep) { points { bucketStart dimension quantity } }
}`;

let api: TestApi;
let owner: ApiClient;
let orgId: string;
let deployment: SimulatedDeployment & { name: string; operationId: string };
let agent: AgentSimulator;
const logs: string[] = [];
const agents: AgentSimulator[] = [];

function start(): Promise<AgentSimulator> {
  return startAgentSimulator(api.config, {
    autoStart: false,
    controlPlaneUrl: api.baseUrl,
    logDestination: { write: (line: string) => void logs.push(line) },
    client: { fetch: flakyFetch, attempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
    simulator: { intervalSeconds: SECONDS },
  }).then((started) => {
    agents.push(started);
    return started;
  });
}

async function eventsOf(
  deploymentId: string,
): Promise<{ event_id: string; dimension: string; value: string }[]> {
  return api.prisma.$queryRaw`
    SELECT event_id, dimension, value::text AS value FROM usage_events
    WHERE deployment_id = ${deploymentId}::uuid ORDER BY event_id`;
}

/** A moment inside the interval after the one starting at `start`, so that `start`'s interval is reported. */
function reporting(start: Date): Date {
  return new Date(start.getTime() + SECONDS * 1000 + 1234);
}

beforeAll(async () => {
  api = await startTestApi();
  owner = api.client();
  orgId = (await owner.signup()).organization.id;
  const account = await connectAwsAccount(owner);
  await verifyCloudAccount(owner, account.id);
  const running = await runningDeployment(
    api,
    owner,
    account.id,
    awsSpec({ brokers: 3, storagePerBrokerGiB: 500 }),
  );
  deployment = { ...running, orgId, brokers: 3, storagePerBrokerGiB: 500 };
  agent = await start();
});

afterAll(async () => {
  for (const started of agents) await started.close();
  if (api) {
    // The simulator also reported for other files' running local deployments: leave none of it behind.
    await api.prisma.$executeRaw`
      DELETE FROM usage_pending_hours p USING usage_events e
      WHERE e.event_id LIKE 'sim:%' AND p.deployment_id = e.deployment_id AND p.dimension = e.dimension
        AND p.hour = e.hour`;
    await api.prisma.$executeRaw`DELETE FROM usage_events WHERE event_id LIKE 'sim:%'`;
    await api.close();
  }
});

describe('the simulated agent', () => {
  // Ten minutes ago: well inside the api's window for late events, and in the past whenever the test runs.
  const first = lastCompleteInterval(new Date(Date.now() - 10 * 60_000), SECONDS).start;

  it('simulates the running local deployments only', async () => {
    const queued = await orderDeployment(
      owner,
      (await api.prisma.deployment.findUniqueOrThrow({ where: { id: deployment.id } })).cloudAccountId,
    );
    const simulated = await agent.app.get(SimulatedDeployments).simulatedDeployments();
    expect(simulated).toContainEqual({ id: deployment.id, orgId, brokers: 3, storagePerBrokerGiB: 500 });
    expect(simulated.map((d) => d.id)).not.toContain(queued.id);
  });

  it('sends an interval of usage that the api commits, with ids the model gives it', async () => {
    const report = await agent.simulator.tick(reporting(first));
    expect(report.interval.start).toEqual(first);
    expect(report.backlog).toBe(0);
    const expected = usageEvents(deployment, { start: first, seconds: SECONDS });
    const stored = await eventsOf(deployment.id);
    expect(stored.map((e) => e.event_id)).toEqual(expected.map((e) => e.id).sort());
    expect(report.accepted).toBeGreaterThanOrEqual(expected.length);
    expect(stored.find((e) => e.dimension === 'broker_hours')?.value).toBe(
      String(expected.find((e) => e.data.dimension === 'broker_hours')!.data.value),
    );
    // Marked for the roll-up in the same transaction.
    const pending = await api.prisma.usagePendingHour.count({ where: { deploymentId: deployment.id } });
    expect(pending).toBeGreaterThan(0);
  });

  it('shows in the usage API before any roll-up', async () => {
    const hour = new Date(Math.floor(first.getTime() / 3_600_000) * 3_600_000);
    const data = expectOk(
      await owner.gql(USAGE, {
        range: { from: hour.toISOString(), to: new Date(hour.getTime() + 3_600_000).toISOString() },
        dep: deployment.id,
      }),
      'usage',
    );
    const dimensions = (data.usage.points as { dimension: string }[]).map((p) => p.dimension);
    expect(dimensions).toEqual(
      expect.arrayContaining([
        'broker_hours',
        'storage_gb_hours',
        'partition_hours',
        'ingress_bytes',
        'egress_bytes',
      ]),
    );
  });

  it('a restarted simulator resends the same interval: all duplicates, nothing counted twice', async () => {
    const before = await eventsOf(deployment.id);
    const restarted = await start(); // a new process: new token, nothing remembered
    const report = await restarted.simulator.tick(reporting(first));
    const ours = usageEvents(deployment, { start: first, seconds: SECONDS }).length;
    expect(report.duplicates).toBeGreaterThanOrEqual(ours);
    expect(report.backlog).toBe(0);
    expect(await eventsOf(deployment.id)).toEqual(before);
    // The same simulator asked twice for the same moment makes nothing new.
    const again = await agent.simulator.tick(reporting(first));
    expect(again.accepted + again.duplicates).toBe(0);
  });

  it('retries a batch whose response was lost; the api acknowledges it as duplicates', async () => {
    const before = (await eventsOf(deployment.id)).length;
    const next = new Date(first.getTime() + SECONDS * 1000);
    network = 'lose-next-response';
    const report = await agent.simulator.tick(reporting(next));
    expect(network).toBe('up'); // the response was lost once
    const sent = usageEvents(deployment, { start: next, seconds: SECONDS });
    const after = await eventsOf(deployment.id);
    expect(after.length - before).toBe(sent.length);
    expect(report.backlog).toBe(0);
    // The retry found them committed (the lost response's events), possibly beside other deployments'.
    expect(report.duplicates).toBeGreaterThanOrEqual(sent.length);
  });

  it('keeps usage while the api is unreachable and delivers it, in order, when it is back', async () => {
    const down = new Date(first.getTime() + 2 * SECONDS * 1000);
    network = 'down';
    const failed = await agent.simulator.tick(reporting(down));
    expect(failed.accepted + failed.duplicates).toBe(0);
    expect(failed.backlog).toBeGreaterThanOrEqual(
      usageEvents(deployment, { start: down, seconds: SECONDS }).length,
    );
    expect(logs.some((line) => line.includes('kept for the next tick'))).toBe(true);

    network = 'up';
    const back = new Date(down.getTime() + SECONDS * 1000);
    const recovered = await agent.simulator.tick(reporting(back));
    expect(recovered.backlog).toBe(0);
    const ids = new Set((await eventsOf(deployment.id)).map((e) => e.event_id));
    for (const start of [down, back]) {
      for (const e of usageEvents(deployment, { start, seconds: SECONDS })) expect(ids).toContain(e.id);
    }
  });

  it('gets a new token when its token is revoked (as a rotation would)', async () => {
    // Through the api's own service, so that the api forgets the token at once (not after its cache time).
    await api.app.get(AgentTokensService).revokeAll(orgId, deployment.id);
    const tokensBefore = await api.prisma.agentToken.count({ where: { deploymentId: deployment.id } });
    const next = new Date(first.getTime() + 4 * SECONDS * 1000);
    const report = await agent.simulator.tick(reporting(next));
    expect(report.backlog).toBe(0);
    const tokens = await api.prisma.agentToken.findMany({ where: { deploymentId: deployment.id } });
    expect(tokens).toHaveLength(tokensBefore + 1);
    expect(tokens.filter((t) => t.revokedAt === null)).toHaveLength(1);
    const ids = new Set((await eventsOf(deployment.id)).map((e) => e.event_id));
    for (const e of usageEvents(deployment, { start: next, seconds: SECONDS })) expect(ids).toContain(e.id);
  });

  it('picks up a new running deployment and drops a destroyed one', async () => {
    const account = (await api.prisma.deployment.findUniqueOrThrow({ where: { id: deployment.id } }))
      .cloudAccountId;
    const added = await runningDeployment(
      api,
      owner,
      account,
      awsSpec({ name: `added-${randomUUID().slice(0, 8)}` }),
    );
    await api.prisma.deployment.update({
      where: { id: deployment.id },
      data: { status: 'DESTROYED', destroyedAt: new Date() },
    });
    const before = (await eventsOf(deployment.id)).length;
    const next = new Date(first.getTime() + 5 * SECONDS * 1000);
    await agent.simulator.tick(reporting(next));
    expect((await eventsOf(deployment.id)).length).toBe(before);
    expect((await eventsOf(added.id)).length).toBeGreaterThan(0);
    expect(
      logs.some((line) => line.includes('usage simulation stopped') && line.includes(deployment.id)),
    ).toBe(true);
  });

  it('says in every log line that it is a simulation', () => {
    expect(logs.length).toBeGreaterThan(0);
    for (const line of logs) expect(JSON.parse(line)).toMatchObject({ simulation: true });
  });
});
