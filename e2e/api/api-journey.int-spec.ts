/**
 * The Streamplane API as a program of yours would use it: from sign-up to a destroyed deployment.
 *
 * Read it as an example. Each step is one thing a user does, with plain `fetch` and GraphQL documents you can
 * paste into your own code; after step 2 everything goes through an API token (`Authorization: Bearer
 * sp_pat_…`), never the browser session. Live status comes over graphql-transport-ws (the small client in
 * apps/api/test/subscription-client.ts speaks the protocol directly over Node's WebSocket; graphql-ws's
 * `createClient` does the same in yours).
 *
 * It runs in the integration tier (`npx jest -c jest.int.config.js e2e/api`, and `npm test`) against the real
 * api and provisioner, both in this process, on this jest worker's own PostgreSQL database and Redis prefix.
 * The provisioner runs the `local` cloud engine: the real infra program (EKS, Strimzi, monitoring) under
 * Pulumi's runtime mocks, at zero latency — no cloud is touched, and the api says so (`simulated: true`).
 *
 * Two things the test does that your program would not, each marked TEST PLUMBING: it confirms a
 * subscription is live before acting (the protocol has no acknowledgement for `subscribe`), and it plays the
 * deployment's agent, taking the agent token from the control plane's side (in a real cluster the
 * provisioner puts it in the agent's Secret; no API answer ever contains it).
 */
/* eslint-disable @nx/enforce-module-boundaries --
 * e2e/ belongs to the untagged root project; like bench/, it runs the real api and provisioner (relative
 * imports of apps/) on the real libraries. */
import { AgentTokensService } from '@streamplane/metering';
import { LocalStackEngine } from '@streamplane/provisioning';
import { randomUUID } from 'node:crypto';
import { startTestApi, type TestApi } from '../../apps/api/test/harness';
import {
  EventPublisher,
  events,
  SubscriptionSocket,
  whenLive,
  type LiveSubscription,
} from '../../apps/api/test/subscription-client';
import { startProvisioner, type Provisioner } from '../../apps/provisioner/src/create-provisioner';

/** What we order: Kafka 4.3 on AWS in eu-west-1, three brokers spread over three zones. */
const SPEC = {
  name: `orders-${randomUUID().slice(0, 8)}`,
  cloud: 'AWS',
  region: 'eu-west-1',
  zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
  kafkaVersion: '4.3.1',
  controllers: 3,
  brokers: 3,
  nodeSize: 'r6i.xlarge',
  storagePerBrokerGiB: 500,
  listeners: { internal: true, external: true },
  clientAuthentication: 'SCRAM_SHA_512',
  tags: [{ key: 'team', value: 'payments' }],
};

const TOKEN_CACHE_SECONDS = 1;

/** How long a step may wait for the provisioner (the real program, evaluated on a busy 2-core machine). */
const OPERATION_TIMEOUT_MS = 90_000;

describe('the API journey: sign up, token, cloud account, deployment live, usage, scale, destroy', () => {
  let api: TestApi;
  let provisioner: Provisioner;
  const provisionerLogs: string[] = [];

  // What the journey learns as it goes.
  let sessionCookies: string[];
  let apiToken: string;
  let orgId: string;
  let cloudAccountId: string;
  let deploymentId: string;
  let agentToken: string;
  let socket: SubscriptionSocket;
  let deploymentsChanged: LiveSubscription;

  beforeAll(async () => {
    // The api trusts an agent token it has checked for INGEST_TOKEN_CACHE_SECONDS (30 by default): a
    // revocation elsewhere (the provisioner, another replica) reaches it within that time. One second here.
    api = await startTestApi({ INGEST_TOKEN_CACHE_SECONDS: String(TOKEN_CACHE_SECONDS) });
    provisioner = await startProvisioner(api.config, {
      engine: new LocalStackEngine({ latency: 0 }),
      logDestination: { write: (line: string) => void provisionerLogs.push(line) },
    });
  }, 60_000);

  afterAll(async () => {
    await socket?.close();
    await provisioner?.close();
    await api?.close();
  });

  // -------------------------------------------------------------------------------------------------------
  // The calls, as you would write them

  /** A GraphQL call with the API token; returns `data`, or throws with the errors' codes and messages. */
  async function graphql(query: string, variables: Record<string, unknown> = {}): Promise<any> {
    const response = await fetch(`${api.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiToken}` },
      body: JSON.stringify({ query, variables }),
    });
    const body: any = await response.json();
    if (body.errors?.length) {
      // Every error has a code to branch on (extensions.code) and a requestId to quote when asking for help.
      throw new Error(
        body.errors.map((e: any) => `${e.extensions?.code}/${e.extensions?.reason}: ${e.message}`).join('; '),
      );
    }
    return body.data;
  }

  /**
   * The status changes `deploymentsChanged` has delivered for the deployment, in order, each as
   * "STATUS observedGeneration/generation": `generation` is the version of the desired spec (each change
   * bumps it), `observedGeneration` the last one the cloud was brought to. A change is done when the status
   * is RUNNING and the two are equal.
   */
  function statusesOf(id: string): string[] {
    return deploymentsChanged.events
      .map((e) => e.data?.deploymentsChanged)
      .filter((e) => e?.kind === 'DEPLOYMENT_STATUS' && e.deploymentId === id)
      .map((e) => `${e.status} ${e.observedGeneration}/${e.generation}`);
  }

  /**
   * Which of `wanted` arrived after the first `after` status changes, in the order they arrived: the
   * provisioner's changes are in order, while the api's own announcement of an order (PENDING, or the new
   * generation with the status unchanged) may come before or after the provisioner's first.
   */
  function changesOf(id: string, wanted: string[], after = 0): string[] {
    return statusesOf(id)
      .slice(after)
      .filter((s) => wanted.includes(s));
  }

  /** Waits until `deploymentsChanged` delivers `expected` ("RUNNING 2/2", or any "DESTROYED") for the deployment. */
  async function statusArrives(id: string, expected: string): Promise<void> {
    const arrived = () => statusesOf(id).some((s) => s === expected || s.startsWith(`${expected} `));
    const broke = () => statusesOf(id).some((s) => s.startsWith('FAILED '));
    await deploymentsChanged.until(() => arrived() || broke(), OPERATION_TIMEOUT_MS, `${expected} for ${id}`);
    if (!arrived()) {
      const { operations } = await graphql(
        'query($id: ID!) { operations(deploymentId: $id) { items { type status errorCode errorMessage } } }',
        { id },
      );
      throw new Error(
        `the deployment FAILED instead of reaching ${expected}: ${JSON.stringify(operations.items[0])}\n` +
          provisionerLogs.slice(-20).join(''),
      );
    }
  }

  /** A usage CloudEvent as the deployment's agent reports it: bytes received by the brokers at `time`. */
  function usageEvent(id: string, time: string, bytes: number) {
    return {
      specversion: '1.0',
      id, // unique per source: a re-sent event (same source and id) counts once
      source: `/deployments/${deploymentId}/agent`,
      type: 'io.streamplane.usage.v1',
      subject: deploymentId,
      time,
      datacontenttype: 'application/json',
      data: { dimension: 'ingress_bytes', value: bytes },
    };
  }

  /** What the agent does with them: a batch to /v1/ingest/events, with the deployment's agent token. */
  async function sendUsage(batch: unknown[]): Promise<{ status: number; body: any }> {
    const response = await fetch(`${api.baseUrl}/v1/ingest/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/cloudevents-batch+json',
        authorization: `Bearer ${agentToken}`,
      },
      body: JSON.stringify(batch),
    });
    return { status: response.status, body: await response.json() };
  }

  // Steps run in order, each on what the previous ones did; after a failed step the rest are not run.
  let failed: string | undefined;
  function step(name: string, run: () => Promise<void>, timeoutMs = 30_000): void {
    it(
      name,
      async () => {
        if (failed) throw new Error(`not run: the step "${failed}" failed`);
        try {
          await run();
        } catch (error) {
          failed = name;
          throw error;
        }
      },
      timeoutMs,
    );
  }

  // -------------------------------------------------------------------------------------------------------
  // The journey

  step('1. signs up over REST: a user, an organization they own, and a browser session', async () => {
    const response = await fetch(`${api.baseUrl}/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `ops-${randomUUID().slice(0, 8)}@example.com`,
        password: 'correct horse battery staple 42',
        name: 'Ada Ops',
        organizationName: 'Payments Platform',
      }),
    });
    expect(response.status).toBe(201);
    const body: any = await response.json();
    expect(body).toMatchObject({ role: 'OWNER', organization: { name: 'Payments Platform' } });
    orgId = body.organization.id;
    sessionCookies = response.headers.getSetCookie().map((line) => line.split(';')[0]);
  });

  step('2. creates an API token with that session; its secret is shown once', async () => {
    // A session authenticates with its httpOnly cookies, and echoes the CSRF cookie in a header.
    const csrf = sessionCookies.find((c) => c.startsWith('sp_csrf='))!.slice('sp_csrf='.length);
    const created: any = await fetch(`${api.baseUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: sessionCookies.join('; '),
        'x-csrf-token': csrf,
      },
      body: JSON.stringify({
        query: `mutation { createApiToken(input: { name: "automation", scopes: [ADMIN] }) {
          secret apiToken { id prefix scopes } } }`,
      }),
    }).then((r) => r.json());
    expect(created.errors).toBeUndefined();
    apiToken = created.data.createApiToken.secret; // shown this once; store it in your secret manager
    // sp_pat_<prefix>_<secret>: the prefix is what `apiTokens` lists, to recognise the token later.
    expect(apiToken).toMatch(/^sp_pat_[0-9a-f]{12}_/);
    expect(apiToken).toContain(`_${created.data.createApiToken.apiToken.prefix}_`);
  });

  step('3. from now on uses only the API token: it acts as an ADMIN of the organization', async () => {
    const { me } = await graphql('{ me { role organization { id name } } }');
    // An ADMIN-scoped token acts as an ADMIN (never above its creator, the OWNER).
    expect(me).toEqual({ role: 'ADMIN', organization: { id: orgId, name: 'Payments Platform' } });
  });

  step('4. follows the organization’s deployments live (deploymentsChanged)', async () => {
    socket = await SubscriptionSocket.bearer(api.baseUrl, apiToken); // connection_init { authorization }
    deploymentsChanged = socket.subscribe(`subscription {
      deploymentsChanged {
        kind deploymentId at
        ... on DeploymentStatusChanged { status generation observedGeneration message }
        ... on OperationChanged { operationId type status error }
      } }`);
    // TEST PLUMBING: a probe event (for a deployment that does not exist) until one comes through. Your
    // program would instead re-read what it waits for (`deployment(id)`) once it has subscribed.
    const publisher = new EventPublisher(api);
    try {
      await whenLive(deploymentsChanged, () =>
        publisher.publish(events.status(orgId, randomUUID(), 'PENDING', 'probe')),
      );
    } finally {
      await publisher.close();
    }
  });

  step('5. connects an AWS account and verifies it (a shape check under the local engine)', async () => {
    const { connectAwsAccount } = await graphql(
      `
        mutation ($input: ConnectAwsAccountInput!) {
          connectAwsAccount(input: $input) {
            id
            aws {
              accountId
              externalId
            }
            grant {
              awsTrustPolicy
            }
          }
        }
      `,
      {
        input: {
          name: 'payments-prod',
          roleArn: 'arn:aws:iam::123456789012:role/streamplane-provisioner',
          allowedRegions: ['eu-west-1'],
        },
      },
    );
    cloudAccountId = connectAwsAccount.id;
    // The role's trust policy must require the external id Streamplane generated for this account.
    expect(connectAwsAccount.aws.accountId).toBe('123456789012');
    expect(connectAwsAccount.grant.awsTrustPolicy).toContain(connectAwsAccount.aws.externalId);

    const { verifyCloudAccount } = await graphql(
      'mutation($id: ID!) { verifyCloudAccount(cloudAccountId: $id) { verification { status simulated } } }',
      { id: cloudAccountId },
    );
    expect(verifyCloudAccount.verification).toEqual({ status: 'VERIFIED', simulated: true });
  });

  let preview: { resources: { type: string; name: string }[]; cost: { totalMonthlyUsd: number } };

  step('6. previews the deployment: every resource and the monthly cost, nothing created', async () => {
    const data = await graphql(
      `
        query ($spec: DeploymentSpecInput!) {
          previewDeployment(spec: $spec) {
            simulated
            resources {
              type
              name
              operation
            }
            cost {
              totalMonthlyUsd
              lines {
                item
                monthlyUsd
              }
            }
          }
          deployments {
            id
          }
        }
      `,
      { spec: SPEC },
    );
    preview = data.previewDeployment;
    const types = preview.resources.map((r) => r.type);
    expect(types).toEqual(
      expect.arrayContaining(['aws:eks/cluster:Cluster', 'kubernetes:kafka.strimzi.io/v1:Kafka']),
    );
    expect(preview.resources.every((r: any) => r.operation === 'create')).toBe(true);
    expect(preview.cost.totalMonthlyUsd).toBeGreaterThan(0);
    expect(data.deployments).toEqual([]);
  });

  step(
    '7. orders it and waits for RUNNING through the subscription; what was built is what the preview listed',
    async () => {
      const { createDeployment } = await graphql(
        `
          mutation ($input: CreateDeploymentInput!) {
            createDeployment(input: $input) {
              deployment {
                id
                status
                simulated
              }
              operation {
                id
                type
                status
              }
            }
          }
        `,
        { input: { cloudAccountId, spec: SPEC } },
      );
      deploymentId = createDeployment.deployment.id;
      expect(createDeployment).toMatchObject({
        deployment: { status: 'PENDING', simulated: true },
        operation: { type: 'CREATE', status: 'QUEUED' },
      });

      await statusArrives(deploymentId, 'RUNNING 1/1');
      expect(changesOf(deploymentId, ['PROVISIONING 0/1', 'RUNNING 1/1'])).toEqual([
        'PROVISIONING 0/1',
        'RUNNING 1/1',
      ]);

      const { deployment } = await graphql(
        `
          query ($id: ID!) {
            deployment(deploymentId: $id) {
              status
              generation
              observedGeneration
              outputs {
                bootstrapExternal
                grafanaUrl
              }
            }
          }
        `,
        { id: deploymentId },
      );
      expect(deployment).toMatchObject({ status: 'RUNNING', generation: 1, observedGeneration: 1 });
      // A local-engine deployment's endpoints say what they are.
      expect(deployment.outputs.bootstrapExternal).toContain('.local.streamplane.invalid');
      expect(deployment.outputs.grafanaUrl).toContain('.local.streamplane.invalid');

      // The CREATE's resource events, page by page: each previewed resource was created.
      const created = new Set<string>();
      let after: string | null = null;
      do {
        const page: any = await graphql(
          `
            query ($id: ID!, $after: String) {
              resourceEvents(operationId: $id, page: { first: 100, after: $after }) {
                items {
                  type
                  name
                  state
                }
                nextCursor
              }
            }
          `,
          { id: createDeployment.operation.id, after },
        );
        for (const e of page.resourceEvents.items) {
          if (e.state === 'succeeded') created.add(`${e.type} ${e.name}`);
        }
        after = page.resourceEvents.nextCursor;
      } while (after);
      const previewed = preview.resources
        .filter((r) => r.type !== 'pulumi:pulumi:Stack')
        .map((r) => `${r.type} ${r.name}`);
      expect(previewed.filter((r) => !created.has(r))).toEqual([]);
    },
    OPERATION_TIMEOUT_MS + 15_000,
  );

  step(
    '8. the deployment’s agent reports usage; `usage` reads it back, each event counted once',
    async () => {
      // TEST PLUMBING: the token the provisioner handed the deployment's cluster, where the Streamplane agent
      // reads it from its Secret. No API answer ever contains it.
      agentToken = await api.app.get(AgentTokensService).tokenForStack(orgId, deploymentId);

      const time = new Date(Date.now() - 1000).toISOString();
      const batch = [
        usageEvent('evt-1', time, 1_500_000_000),
        usageEvent('evt-2', time, 2_500_000_000),
        usageEvent('evt-3', time, 1_000),
      ];
      expect(await sendUsage(batch)).toEqual({
        status: 200,
        body: { accepted: ['evt-1', 'evt-2', 'evt-3'], duplicates: [], rejected: [] },
      });
      // The agent did not hear back (say) and sends evt-3 again: acknowledged, not counted twice.
      expect(await sendUsage([batch[2]])).toEqual({
        status: 200,
        body: { accepted: [], duplicates: ['evt-3'], rejected: [] },
      });

      const hour = new Date(Math.floor(Date.parse(time) / 3_600_000) * 3_600_000);
      const { usage: report } = await graphql(
        `
          query ($id: ID!, $range: UsageRangeInput!) {
            usage(deploymentId: $id, dimension: "ingress_bytes", granularity: HOUR, range: $range) {
              points {
                bucketStart
                deploymentName
                dimension
                unit
                quantity
              }
            }
          }
        `,
        {
          id: deploymentId,
          range: { from: hour.toISOString(), to: new Date(hour.getTime() + 3_600_000).toISOString() },
        },
      );
      expect(report.points).toEqual([
        {
          bucketStart: hour.toISOString(),
          deploymentName: SPEC.name,
          dimension: 'ingress_bytes',
          unit: 'byte',
          quantity: '4000001000', // exact decimal strings, never floats
        },
      ]);
    },
  );

  step(
    '9. scales to 6 brokers: previews the change, applies it, follows it to RUNNING',
    async () => {
      const { previewChange } = await graphql(
        `
          query ($id: ID!) {
            previewChange(deploymentId: $id, change: { brokers: 6 }) {
              changedFields {
                field
                from
                to
              }
              deltaMonthlyUsd
            }
          }
        `,
        { id: deploymentId },
      );
      expect(previewChange.changedFields).toEqual([{ field: 'brokers', from: '3', to: '6' }]);
      expect(previewChange.deltaMonthlyUsd).toBeGreaterThan(0);

      const seen = statusesOf(deploymentId).length;
      const { scaleDeployment } = await graphql(
        `
          mutation ($id: ID!) {
            scaleDeployment(deploymentId: $id, change: { brokers: 6 }) {
              operation {
                type
                status
              }
              deployment {
                generation
              }
            }
          }
        `,
        { id: deploymentId },
      );
      expect(scaleDeployment).toEqual({
        operation: { type: 'SCALE', status: 'QUEUED' },
        deployment: { generation: 2 },
      });

      await statusArrives(deploymentId, 'RUNNING 2/2');
      // The api announces the new generation at once ("RUNNING 1/2"); the provisioner then applies it.
      expect(changesOf(deploymentId, ['UPDATING 1/2', 'RUNNING 2/2'], seen)).toEqual([
        'UPDATING 1/2',
        'RUNNING 2/2',
      ]);
      const { deployment } = await graphql(
        'query($id: ID!) { deployment(deploymentId: $id) { status brokers generation observedGeneration } }',
        { id: deploymentId },
      );
      expect(deployment).toEqual({ status: 'RUNNING', brokers: 6, generation: 2, observedGeneration: 2 });
    },
    OPERATION_TIMEOUT_MS + 15_000,
  );

  step(
    '10. destroys it: DESTROYING → DESTROYED; volumes and cloud account kept, the agent token revoked',
    async () => {
      const seen = statusesOf(deploymentId).length;
      const { destroyDeployment } = await graphql(
        `
          mutation ($id: ID!, $name: String!) {
            destroyDeployment(deploymentId: $id, confirmName: $name) {
              operation {
                type
                status
              }
              cloudAccountId
              retainedVolumes {
                brokers
                storagePerBrokerGiB
                totalGiB
              }
            }
          }
        `,
        { id: deploymentId, name: SPEC.name }, // the name, typed again: a destroy is never an accident
      );
      expect(destroyDeployment).toEqual({
        operation: { type: 'DESTROY', status: 'QUEUED' },
        cloudAccountId,
        retainedVolumes: { brokers: 6, storagePerBrokerGiB: 500, totalGiB: 3000 },
      });

      await statusArrives(deploymentId, 'DESTROYED');
      expect(changesOf(deploymentId, ['DESTROYING 2/2', 'DESTROYED 2/2'], seen)).toEqual([
        'DESTROYING 2/2',
        'DESTROYED 2/2',
      ]);

      const data = await graphql(
        `
          query ($id: ID!) {
            deployment(deploymentId: $id) {
              status
              destroyedAt
            }
            operations(deploymentId: $id) {
              items {
                type
                status
              }
            }
            cloudAccounts {
              id
            }
          }
        `,
        { id: deploymentId },
      );
      expect(data.deployment.status).toBe('DESTROYED');
      expect(data.deployment.destroyedAt).not.toBeNull();
      // The deployment's history, newest first.
      expect(data.operations.items).toEqual([
        { type: 'DESTROY', status: 'SUCCEEDED' },
        { type: 'SCALE', status: 'SUCCEEDED' },
        { type: 'CREATE', status: 'SUCCEEDED' },
      ]);
      expect(data.cloudAccounts).toEqual([{ id: cloudAccountId }]);

      // The cluster is gone, and so is its agent's right to report usage (within the api's token cache time).
      const report = async () => {
        const late = await sendUsage([usageEvent(`evt-${randomUUID()}`, new Date().toISOString(), 1)]);
        return `${late.status} ${late.body.error?.reason ?? ''}`.trim();
      };
      const deadline = Date.now() + (TOKEN_CACHE_SECONDS + 5) * 1000;
      let answer = await report();
      while (answer === '200' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        answer = await report();
      }
      expect(answer).toBe('401 AGENT_TOKEN_REVOKED');
    },
    OPERATION_TIMEOUT_MS + 15_000,
  );
});
