import type { PrismaService } from '@streamplane/db';
import { defaultSpec } from '@streamplane/deployment-spec';
import { channelFor, columnsOf, type DeploymentEvent } from '@streamplane/deployments';
import { pipelineChannelFor, type PipelineLiveEvent } from '@streamplane/pipelines';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import type { ApiClient, GqlResult, TestApi } from './harness';

/**
 * A graphql-transport-ws client spoken directly over Node's WebSocket (no client library), the way a
 * dashboard or an automation script would, plus what tests need around it: a Redis publisher on the
 * organizations' channels and deployment rows to subscribe to.
 */

export interface Closed {
  code: number;
  reason: string;
}

export interface SocketOptions {
  /** The connection_init payload, e.g. `{ authorization: 'Bearer …' }`. */
  payload?: Record<string, unknown>;
  /** Extra headers of the upgrade request (Origin, Cookie). */
  headers?: Record<string, string>;
}

export class SubscriptionSocket {
  readonly closed: Promise<Closed>;
  private readonly subscriptions = new Map<string, LiveSubscription>();

  private constructor(private readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => {
      ws.addEventListener('close', (event) => {
        for (const sub of this.subscriptions.values()) sub.settle({ kind: 'closed' });
        resolve({ code: event.code, reason: event.reason });
      });
    });
    ws.addEventListener('message', (event) => this.onMessage(String(event.data)));
  }

  /** Opens a socket and initialises it: resolves on connection_ack, rejects with the close code otherwise. */
  static async open(baseUrl: string, options: SocketOptions = {}): Promise<SubscriptionSocket> {
    const init = {
      protocols: ['graphql-transport-ws'],
      headers: options.headers ?? {},
    } as unknown as string[]; // Node's WebSocket (undici) takes { protocols, headers }; the DOM types do not know it
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/graphql`, init);
    const socket = new SubscriptionSocket(ws);
    const acked = new Promise<void>((resolve) => {
      ws.addEventListener('message', (event) => {
        if ((JSON.parse(String(event.data)) as { type: string }).type === 'connection_ack') resolve();
      });
    });
    await new Promise<void>((resolve, reject) => {
      ws.addEventListener('open', () => resolve());
      ws.addEventListener('error', () => reject(new Error('the websocket could not be opened')));
    });
    ws.send(JSON.stringify({ type: 'connection_init', payload: options.payload ?? {} }));
    const outcome = await Promise.race([acked.then(() => undefined), socket.closed]);
    if (outcome) throw new SocketRefused(outcome);
    return socket;
  }

  static async bearer(baseUrl: string, token: string): Promise<SubscriptionSocket> {
    return SubscriptionSocket.open(baseUrl, { payload: { authorization: `Bearer ${token}` } });
  }

  /** A browser's socket: its cookies, its page's Origin, and the CSRF cookie echoed in the payload. */
  static async browser(
    client: ApiClient,
    origin: string,
    payload: Record<string, unknown> = { csrfToken: client.cookies.get('sp_csrf') },
  ): Promise<SubscriptionSocket> {
    const cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return SubscriptionSocket.open(client.baseUrl, { headers: { cookie, origin }, payload });
  }

  subscribe(query: string, variables: Record<string, unknown> = {}): LiveSubscription {
    const id = randomUUID();
    const subscription = new LiveSubscription();
    this.subscriptions.set(id, subscription);
    this.ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
    return subscription;
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  async close(): Promise<Closed> {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
    return this.closed;
  }

  private onMessage(text: string): void {
    const message = JSON.parse(text) as { type: string; id?: string; payload?: any };
    if (message.type === 'ping') {
      this.ws.send(JSON.stringify({ type: 'pong' }));
      return;
    }
    const subscription = message.id ? this.subscriptions.get(message.id) : undefined;
    if (!subscription) return;
    switch (message.type) {
      case 'next':
        subscription.receive(message.payload);
        break;
      case 'error':
        subscription.settle({ kind: 'error', errors: message.payload });
        break;
      case 'complete':
        subscription.settle({ kind: 'complete' });
        break;
    }
  }
}

export class SocketRefused extends Error {
  constructor(readonly closed: Closed) {
    super(`the socket was closed: ${closed.code} ${closed.reason}`);
  }
}

type Ending = { kind: 'error'; errors: any[] } | { kind: 'complete' } | { kind: 'closed' };

/** One subscription: what it received (with arrival times), and how it ended, if it did. */
export class LiveSubscription {
  readonly received: { payload: any; at: number }[] = [];
  ending?: Ending;
  private readonly waiters: (() => void)[] = [];

  receive(payload: any): void {
    this.received.push({ payload, at: Date.now() });
    this.wake();
  }

  settle(ending: Ending): void {
    this.ending ??= ending;
    this.wake();
  }

  /** The data of each `next`, in order. */
  get events(): any[] {
    return this.received.map((r) => r.payload);
  }

  /** Resolves once `predicate` holds (checked on each message); rejects after `timeoutMs`. */
  async until(predicate: () => boolean, timeoutMs = 5_000, what = 'the expected messages'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `timed out waiting for ${what}; received ${JSON.stringify(this.events)}, ending ${JSON.stringify(this.ending)}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

/** Publishes events the way the provisioner does: JSON on the organization's channel. */
export class EventPublisher {
  private readonly redis: Redis;

  constructor(private readonly api: TestApi) {
    this.redis = new Redis(api.config.redis.url);
  }

  async publish(event: DeploymentEvent): Promise<void> {
    await this.redis.publish(channelFor(this.api.config, event.orgId), JSON.stringify(event));
  }

  /** A pipeline event, on the organization's pipeline channel (as PipelineLivePublisher does). */
  async publishPipeline(event: PipelineLiveEvent): Promise<void> {
    await this.redis.publish(pipelineChannelFor(this.api.config, event.orgId), JSON.stringify(event));
  }

  async publishRaw(orgId: string, message: string): Promise<void> {
    await this.redis.publish(channelFor(this.api.config, orgId), message);
  }

  /** How many Redis connections (all api replicas) are subscribed to an organization's channel. */
  async subscribersOf(orgId: string): Promise<number> {
    const [, count] = (await this.redis.pubsub('NUMSUB', channelFor(this.api.config, orgId))) as [
      string,
      number,
    ];
    return Number(count);
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

/**
 * A deployment row of `orgId`, as the api writes one when it accepts an order (default AWS spec, PENDING),
 * written directly: these tests are about the live view, not about ordering.
 */
export async function makeDeployment(
  prisma: PrismaService,
  orgId: string,
  cloudAccountId: string,
): Promise<string> {
  const id = randomUUID();
  await prisma.deployment.create({
    data: {
      id,
      orgId,
      cloudAccountId,
      ...columnsOf({ ...defaultSpec('aws'), name: `dep-${id.slice(0, 8)}` }),
      engine: 'local',
      stackName: `dep-${id}`,
    },
  });
  return id;
}

let sequence = 0;

/** Events of the contract, for `deploymentId` of `orgId`. */
export const events = {
  status(
    orgId: string,
    deploymentId: string,
    status: string,
    message: string | null = null,
  ): DeploymentEvent {
    return {
      kind: 'DEPLOYMENT_STATUS',
      orgId,
      deploymentId,
      at: new Date().toISOString(),
      status: status as 'RUNNING',
      generation: 1,
      observedGeneration: status === 'RUNNING' ? 1 : 0,
      message,
    };
  },
  operation(
    orgId: string,
    deploymentId: string,
    status: string,
    operationId = randomUUID(),
  ): DeploymentEvent {
    return {
      kind: 'OPERATION',
      orgId,
      deploymentId,
      at: new Date().toISOString(),
      operationId,
      type: 'CREATE',
      status: status as 'RUNNING',
      attempt: 1,
      error: null,
    };
  },
  resource(orgId: string, deploymentId: string, operationId: string, name: string): DeploymentEvent {
    return {
      kind: 'RESOURCE',
      orgId,
      deploymentId,
      at: new Date().toISOString(),
      operationId,
      sequence: ++sequence,
      urn: `urn:pulumi:dep::streamplane::aws:ec2/vpc:Vpc::${name}`,
      type: 'aws:ec2/vpc:Vpc',
      name,
      operation: 'create',
      state: 'succeeded',
      message: null,
    };
  },
};

/** A pipeline status event of `pipelineId` (of `deploymentId`, `orgId`). */
export function pipelineStatusEvent(
  orgId: string,
  deploymentId: string,
  pipelineId: string,
  message: string | null = null,
): PipelineLiveEvent {
  return {
    kind: 'PIPELINE_STATUS',
    orgId,
    deploymentId,
    pipelineId,
    at: new Date().toISOString(),
    status: 'RUNNING',
    generation: 1,
    appliedGeneration: 1,
    message,
  };
}

/** Every field of PipelineStatusEvent, for the pipelineStatus subscription's selections. */
export const PIPELINE_EVENT_FIELDS = `
  __typename kind pipelineId deploymentId at status generation appliedGeneration message
  checkpoint { stage sequence state messagesPerSec lag lastOffset assetsSeen error observedAt }`;

/** Every field of every DeploymentEvent type, for subscriptions' selections. */
export const EVENT_FIELDS = `
  __typename kind deploymentId at
  ... on DeploymentStatusChanged { status generation observedGeneration message }
  ... on OperationChanged { operationId type status attempt error }
  ... on ResourceProgress { operationId sequence urn resourceType name action state message }`;

export const DEPLOYMENT_EVENTS = `subscription($deploymentId: ID!) { deploymentEvents(deploymentId: $deploymentId) { ${EVENT_FIELDS} } }`;
export const DEPLOYMENTS_CHANGED = `subscription { deploymentsChanged { ${EVENT_FIELDS} } }`;

/**
 * Publishes `probe()` every 50 ms until `subscription` has received something: the subscribe step (guard,
 * ownership check, Redis SUBSCRIBE) has no acknowledgement in the protocol, so this is how a test knows the
 * subscription is live. Returns what it received, which the caller may ignore.
 */
export async function whenLive(
  subscription: LiveSubscription,
  probe: () => Promise<void>,
  timeoutMs = 5_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (subscription.received.length === 0 && !subscription.ending) {
    if (Date.now() > deadline) throw new Error('the subscription never became live');
    await probe();
    await subscription.until(() => subscription.received.length > 0, 50).catch(() => undefined);
  }
  if (subscription.ending) throw new Error(`the subscription ended: ${JSON.stringify(subscription.ending)}`);
}

/**
 * One generated call (graphql-calls.ts) of a subscription, as `client` (its bearer token, or its browser
 * session from our own page), in the shape of an HTTP GraphQL result: the first event as `data`, or the
 * refusal as `errors`. Nothing within `settleMs` is `data: undefined` with no errors: the subscription was
 * accepted and is live, which for another organization's ids is a failure.
 */
export async function subscribeOnce(
  api: TestApi,
  client: ApiClient,
  call: { query: string; variables: Record<string, unknown> },
  options: { settleMs?: number; whileWaiting?: () => Promise<void> } = {},
): Promise<GqlResult> {
  const socket = client.bearer
    ? await SubscriptionSocket.bearer(api.baseUrl, client.bearer)
    : await SubscriptionSocket.browser(client, new URL(api.config.http.publicUrl).origin);
  try {
    const sub = socket.subscribe(call.query, call.variables);
    const deadline = Date.now() + (options.settleMs ?? 1_000);
    while (!sub.ending && sub.received.length === 0 && Date.now() < deadline) {
      await options.whileWaiting?.();
      await sub.until(() => !!sub.ending || sub.received.length > 0, 50).catch(() => undefined);
    }
    if (sub.ending?.kind === 'error') return { status: 200, data: undefined, errors: sub.ending.errors };
    return { status: 200, data: sub.events[0]?.data, errors: sub.events[0]?.errors };
  } finally {
    await socket.close();
  }
}
