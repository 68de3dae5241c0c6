import { randomUUID } from 'node:crypto';
import { DeploymentEventBus } from '../src/subscriptions/deployment-event-bus';
import { connectAwsAccount, createToken, joinAs } from './fixtures';
import { expectOk, startTestApi, type ApiClient, type SignedUp, type TestApi } from './harness';
import {
  DEPLOYMENT_EVENTS,
  DEPLOYMENTS_CHANGED,
  EventPublisher,
  events,
  makeDeployment,
  SocketRefused,
  SubscriptionSocket,
  whenLive,
  type LiveSubscription,
} from './subscription-client';

/**
 * GraphQL subscriptions over graphql-transport-ws against the running api and the real Redis: events a
 * publisher (the provisioner) sends on an organization's channel reach that organization's subscribers on
 * every api replica, and nobody else's.
 */

/** The re-check interval these tests run with; a revoked credential must stop a socket within it (+ slack). */
const REAUTH_SECONDS = 1;
const PUBLIC_URL = 'http://console.streamplane.test';

const probeOf = (sub: LiveSubscription) =>
  sub.events.filter((e) => e.data && Object.values(e.data as object)[0]?.message !== 'probe');

describe('deployment subscriptions', () => {
  let api: TestApi;
  let publisher: EventPublisher;
  let ownerA: ApiClient;
  let orgA: SignedUp;
  let tokenA: string;
  let deploymentA: string;
  let otherDeploymentA: string;
  let orgB: SignedUp;
  let tokenB: string;
  let deploymentB: string;
  const sockets: SubscriptionSocket[] = [];

  async function socketFor(token: string): Promise<SubscriptionSocket> {
    const socket = await SubscriptionSocket.bearer(api.baseUrl, token);
    sockets.push(socket);
    return socket;
  }

  const orgIdA = () => orgA.organization.id;
  const orgIdB = () => orgB.organization.id;
  const probeA = () => publisher.publish(events.status(orgIdA(), deploymentA, 'PENDING', 'probe'));
  const probeB = () => publisher.publish(events.status(orgIdB(), deploymentB, 'PENDING', 'probe'));

  beforeAll(async () => {
    api = await startTestApi({
      GRAPHQL_SUBSCRIPTION_REAUTH_SECONDS: String(REAUTH_SECONDS),
      PUBLIC_URL,
    });
    publisher = new EventPublisher(api);

    ownerA = api.client();
    orgA = await ownerA.signup({ organizationName: `Org A ${randomUUID().slice(0, 8)}` });
    tokenA = (await createToken(ownerA, ['READ'])).secret;
    const accountA = await connectAwsAccount(ownerA);
    deploymentA = await makeDeployment(api.prisma, orgIdA(), accountA.id);
    otherDeploymentA = await makeDeployment(api.prisma, orgIdA(), accountA.id);

    const ownerB = api.client();
    orgB = await ownerB.signup({ organizationName: `Org B ${randomUUID().slice(0, 8)}` });
    tokenB = (await createToken(ownerB, ['ADMIN'])).secret;
    deploymentB = await makeDeployment(api.prisma, orgIdB(), (await connectAwsAccount(ownerB)).id);
  });

  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()));
    await publisher?.close();
    await api?.close();
  });

  it("delivers an organization's events to its subscribers, in order, and reports the latency", async () => {
    const socket = await socketFor(tokenA);
    const perDeployment = socket.subscribe(DEPLOYMENT_EVENTS, { deploymentId: deploymentA });
    const list = socket.subscribe(DEPLOYMENTS_CHANGED);
    await whenLive(perDeployment, probeA);
    await whenLive(list, probeA);

    const operationId = randomUUID();
    const sent = [
      events.operation(orgIdA(), deploymentA, 'QUEUED', operationId),
      events.status(orgIdA(), deploymentA, 'PROVISIONING'),
      events.operation(orgIdA(), deploymentA, 'RUNNING', operationId),
      ...Array.from({ length: 20 }, (_, i) =>
        events.resource(orgIdA(), deploymentA, operationId, `vpc-${i}`),
      ),
      events.status(orgIdA(), otherDeploymentA, 'RUNNING'), // another deployment of A: the list only
      events.operation(orgIdA(), deploymentA, 'SUCCEEDED', operationId),
      events.status(orgIdA(), deploymentA, 'RUNNING'),
    ];
    const publishedAt: number[] = [];
    for (const event of sent) {
      publishedAt.push(Date.now());
      await publisher.publish(event);
    }

    const forDeployment = sent.filter((e) => e.deploymentId === deploymentA);
    const forList = sent.filter((e) => e.kind !== 'RESOURCE');
    await perDeployment.until(() => probeOf(perDeployment).length >= forDeployment.length);
    await list.until(() => probeOf(list).length >= forList.length);

    const received = probeOf(perDeployment).map((e) => e.data.deploymentEvents);
    expect(received).toHaveLength(forDeployment.length);
    expect(received.map((e) => [e.__typename, e.kind, e.deploymentId, e.status ?? e.name])).toEqual(
      forDeployment.map((e) => [
        {
          DEPLOYMENT_STATUS: 'DeploymentStatusChanged',
          OPERATION: 'OperationChanged',
          RESOURCE: 'ResourceProgress',
        }[e.kind],
        e.kind,
        e.deploymentId,
        e.kind === 'RESOURCE' ? e.name : e.status,
      ]),
    );
    expect(received[3]).toMatchObject({
      __typename: 'ResourceProgress',
      operationId,
      resourceType: 'aws:ec2/vpc:Vpc',
      action: 'create',
      state: 'SUCCEEDED',
      name: 'vpc-0',
    });
    const listed = probeOf(list).map((e) => e.data.deploymentsChanged);
    expect(listed.map((e) => [e.kind, e.deploymentId])).toEqual(forList.map((e) => [e.kind, e.deploymentId]));

    const latencies = perDeployment.received
      .slice(-forDeployment.length)
      .map((r, i) => r.at - publishedAt[sent.indexOf(forDeployment[i])])
      .sort((a, b) => a - b);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    console.log(
      `publish → subscriber latency over ${latencies.length} events: p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${latencies.at(-1)} ms`,
    );

    // The active-subscriptions gauge counts them, and goes back down when the socket closes.
    const metrics = async () => String((await api.client().request('GET', '/metrics')).body);
    expect(await metrics()).toMatch(
      /streamplane_graphql_subscriptions_active\{subscription="deploymentEvents"\} [1-9]/,
    );
    await socket.close();
    await waitFor(async () =>
      /streamplane_graphql_subscriptions_active\{subscription="deploymentEvents"\} 0/.test(await metrics()),
    );
  });

  it("never delivers A's events to B", async () => {
    const socket = await socketFor(tokenB);
    const list = socket.subscribe(DEPLOYMENTS_CHANGED);
    const own = socket.subscribe(DEPLOYMENT_EVENTS, { deploymentId: deploymentB });
    await whenLive(list, probeB);
    await whenLive(own, probeB);

    for (let i = 0; i < 10; i++) {
      await publisher.publish(events.status(orgIdA(), deploymentA, 'UPDATING', `secret of A ${i}`));
      // A publisher bug (an event of A on B's channel) must not leak either.
      await publisher.publishRaw(orgIdB(), JSON.stringify(events.status(orgIdA(), deploymentA, 'FAILED')));
    }
    // Redis delivers to one connection in publication order: once B's sentinel arrives, anything of A would have.
    await publisher.publish(events.status(orgIdB(), deploymentB, 'RUNNING', 'sentinel'));
    await list.until(() => probeOf(list).some((e) => e.data.deploymentsChanged.message === 'sentinel'));
    await own.until(() => probeOf(own).some((e) => e.data.deploymentEvents.message === 'sentinel'));

    const text = JSON.stringify([list.events, own.events]);
    expect(text).not.toContain(orgIdA());
    expect(text).not.toContain(deploymentA);
    expect(text).not.toContain('secret of A');
    expect(api.logs.join('\n')).toContain(
      "Dropped a deployment event published on another organization's channel",
    );
  });

  it("refuses B's subscription to A's deployment with NOT_FOUND, and delivers nothing", async () => {
    for (const socket of [
      await socketFor(tokenB),
      await SubscriptionSocket.browser(await signedInAs(orgB), PUBLIC_URL),
    ]) {
      sockets.push(socket);
      const sub = socket.subscribe(DEPLOYMENT_EVENTS, { deploymentId: deploymentA });
      await sub.until(() => sub.ending !== undefined, 5_000, 'the refusal');
      expect(sub.ending).toMatchObject({
        kind: 'error',
        errors: [{ extensions: { code: 'NOT_FOUND', reason: 'DEPLOYMENT_NOT_FOUND' } }],
      });
      await publisher.publish(events.status(orgIdA(), deploymentA, 'RUNNING'));
      const bogus = socket.subscribe(DEPLOYMENT_EVENTS, { deploymentId: 'not-a-uuid' });
      await bogus.until(() => bogus.ending !== undefined, 5_000, 'the refusal');
      expect(bogus.ending).toMatchObject({
        kind: 'error',
        errors: [{ extensions: { code: 'BAD_USER_INPUT' } }],
      });
      expect(sub.events).toEqual([]);
      expect(socket.isOpen).toBe(true); // a refused subscription is not a refused connection
    }
  });

  it('refuses sockets without valid credentials, with the reason', async () => {
    const refusal = async (open: Promise<SubscriptionSocket>) => {
      const error = await open.then(
        (socket) => {
          sockets.push(socket);
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SocketRefused);
      return (error as SocketRefused).closed;
    };
    expect(await refusal(SubscriptionSocket.open(api.baseUrl))).toEqual({
      code: 4403,
      reason: expect.stringMatching(/^NOT_AUTHENTICATED: /),
    });
    expect(await refusal(SubscriptionSocket.bearer(api.baseUrl, 'sp_pat_nope_nope'))).toMatchObject({
      code: 4403,
      reason: expect.stringMatching(/^TOKEN_INVALID: /),
    });
    expect(await refusal(SubscriptionSocket.bearer(api.baseUrl, 'not-a-token'))).toMatchObject({
      code: 4403,
      reason: expect.stringMatching(/^TOKEN_INVALID: /),
    });

    // A browser session: from our own page it works; from another origin (cross-site websocket hijacking),
    // or without echoing the CSRF cookie, it does not.
    const browser = await signedInAs(orgA);
    const fromOurPage = await SubscriptionSocket.browser(browser, PUBLIC_URL);
    sockets.push(fromOurPage);
    const sub = fromOurPage.subscribe(DEPLOYMENTS_CHANGED);
    await whenLive(sub, probeA);
    expect(await refusal(SubscriptionSocket.browser(browser, 'https://evil.streamplane.test'))).toMatchObject(
      {
        code: 4403,
        reason: expect.stringMatching(/^ORIGIN_NOT_ALLOWED: /),
      },
    );
    expect(await refusal(SubscriptionSocket.browser(browser, PUBLIC_URL, {}))).toMatchObject({
      code: 4403,
      reason: expect.stringMatching(/^CSRF_TOKEN_MISMATCH: /),
    });
  });

  it(`stops a revoked API token's socket within the re-check interval (${REAUTH_SECONDS} s)`, async () => {
    const token = await createToken(ownerA, ['READ']);
    const socket = await socketFor(token.secret);
    const sub = socket.subscribe(DEPLOYMENTS_CHANGED);
    await whenLive(sub, probeA);

    expectOk(
      await ownerA.gql('mutation($id: ID!) { revokeApiToken(tokenId: $id) { id } }', { id: token.id }),
      'revoking',
    );
    const revokedAt = Date.now();
    const closed = await socket.closed;
    const after = Date.now() - revokedAt;
    expect(closed).toEqual({ code: 4403, reason: expect.stringMatching(/^TOKEN_REVOKED: /) });
    expect(after).toBeLessThan(REAUTH_SECONDS * 1000 + 1_000);
    console.log(`revoked API token: socket closed ${after} ms after the revocation`);

    const count = sub.events.length;
    await publisher.publish(events.status(orgIdA(), deploymentA, 'RUNNING', 'after revocation'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sub.events).toHaveLength(count);
  });

  it("stops a removed member's socket within the re-check interval", async () => {
    const member = await joinAs(api, ownerA, orgIdA(), 'VIEWER');
    const socket = await SubscriptionSocket.browser(member.client, PUBLIC_URL);
    sockets.push(socket);
    const sub = socket.subscribe(DEPLOYMENT_EVENTS, { deploymentId: deploymentA }); // VIEWERs may watch
    await whenLive(sub, probeA);

    expectOk(
      await ownerA.gql('mutation($id: ID!) { removeMember(memberId: $id) { id } }', {
        id: member.membershipId,
      }),
      'removing the member',
    );
    const removedAt = Date.now();
    const closed = await socket.closed;
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(/^(NO_ORGANIZATION|SESSION_ENDED): /);
    expect(Date.now() - removedAt).toBeLessThan(REAUTH_SECONDS * 1000 + 1_000);
  });

  it('drops malformed messages and keeps delivering the good ones', async () => {
    const socket = await socketFor(tokenA);
    const sub = socket.subscribe(DEPLOYMENT_EVENTS, { deploymentId: deploymentA });
    await whenLive(sub, probeA);
    await publisher.publishRaw(orgIdA(), 'not json at all');
    await publisher.publishRaw(
      orgIdA(),
      JSON.stringify({ ...events.status(orgIdA(), deploymentA, 'EXPLODED') }),
    );
    await publisher.publishRaw(orgIdA(), JSON.stringify({ kind: 'RESOURCE', orgId: orgIdA() }));
    await publisher.publish(events.status(orgIdA(), deploymentA, 'RUNNING', 'good'));
    await sub.until(() => probeOf(sub).length > 0);
    expect(probeOf(sub).map((e) => e.data.deploymentEvents.message)).toEqual(['good']);
    expect(sub.ending).toBeUndefined();
    const dropped = api.logs.filter((line) => line.includes('Dropped a malformed deployment event'));
    expect(dropped.length).toBeGreaterThanOrEqual(3);
    expect(dropped.join('\n')).toContain('status');
  });

  it('subscribes an organization channel while it has subscribers here, and unsubscribes after the last', async () => {
    const bus = api.app.get(DeploymentEventBus);
    // A fresh organization, so that no other test's socket holds its channel.
    const owner = api.client();
    const org = await owner.signup({ organizationName: `Org C ${randomUUID().slice(0, 8)}` });
    const token = (await createToken(owner, ['READ'])).secret;
    const orgId = org.organization.id;
    const probe = () => publisher.publish(events.status(orgId, randomUUID(), 'PENDING', 'probe'));
    expect(await publisher.subscribersOf(orgId)).toBe(0);

    const first = await socketFor(token);
    const second = await socketFor(token);
    const subs = [first.subscribe(DEPLOYMENTS_CHANGED), first.subscribe(DEPLOYMENTS_CHANGED)];
    subs.push(second.subscribe(DEPLOYMENTS_CHANGED));
    for (const sub of subs) await whenLive(sub, probe);
    expect(await publisher.subscribersOf(orgId)).toBe(1); // one connection per replica, not per socket
    expect(bus.organizations).toContain(orgId);

    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await publisher.subscribersOf(orgId)).toBe(1);
    await second.close();
    await waitFor(async () => (await publisher.subscribersOf(orgId)) === 0);
    expect(bus.organizations).not.toContain(orgId);
  });

  it('any replica serves: two api instances both deliver an event published once', async () => {
    const replica = await startTestApi({ GRAPHQL_SUBSCRIPTION_REAUTH_SECONDS: String(REAUTH_SECONDS) });
    try {
      const here = await socketFor(tokenA);
      const there = await SubscriptionSocket.bearer(replica.baseUrl, tokenA);
      sockets.push(there);
      const subs = [
        here.subscribe(DEPLOYMENT_EVENTS, { deploymentId: deploymentA }),
        there.subscribe(DEPLOYMENT_EVENTS, { deploymentId: deploymentA }),
      ];
      for (const sub of subs) await whenLive(sub, probeA);
      expect(await publisher.subscribersOf(orgIdA())).toBeGreaterThanOrEqual(2);

      await publisher.publish(events.status(orgIdA(), deploymentA, 'RUNNING', 'published once'));
      for (const sub of subs) {
        await sub.until(() => probeOf(sub).length > 0);
        expect(probeOf(sub).map((e) => e.data.deploymentEvents.message)).toEqual(['published once']);
      }
      await there.close();
    } finally {
      await replica.close();
    }
  });

  /** A fresh browser session of `org`'s OWNER. */
  async function signedInAs(org: SignedUp): Promise<ApiClient> {
    const client = api.client();
    const login = await client.login(org.email, org.password);
    if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
    return client;
  }
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
