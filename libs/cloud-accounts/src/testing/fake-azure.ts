import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { closeServer, json, startFakeServer, type FakeRequest, type FakeResponse } from './fake-http-server';

/**
 * A stand-in for Microsoft Entra ID and Azure Resource Manager for tests, on 127.0.0.1: the OAuth 2.0
 * client-credentials token endpoint (`POST /{tenant}/oauth2/v2.0/token`, answered with Entra's AADSTS error
 * codes) and reads of subscriptions and resource groups with ARM's error bodies. Role assignments are modelled
 * as "which apps may read what". Not for production use.
 */
export interface FakeAzureApp {
  tenantId: string;
  clientId: string;
  secret: string;
  secretExpired?: boolean;
}

export interface FakeAzureSubscription {
  subscriptionId: string;
  tenantId: string;
  state?: 'Enabled' | 'Warned' | 'PastDue' | 'Disabled' | 'Deleted';
  /** Apps with a role assigned at the subscription. */
  assignedApps: string[];
  /** Resource groups, each with the apps assigned a role on it. */
  resourceGroups?: Record<string, string[]>;
}

export interface FakeAzureCall {
  method: string;
  path: string;
  /** For token requests: the client id asked for. */
  clientId?: string;
}

const ARM_SCOPE = 'https://management.azure.com/.default';

export class FakeAzure {
  readonly apps: FakeAzureApp[] = [];
  readonly subscriptions = new Map<string, FakeAzureSubscription>();
  readonly calls: FakeAzureCall[] = [];
  private readonly tokens = new Map<string, FakeAzureApp>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeAzure> {
    const holder: { fake?: FakeAzure } = {};
    const { server, url } = await startFakeServer((request) => holder.fake!.handle(request));
    holder.fake = new FakeAzure(server, url);
    return holder.fake;
  }

  addApp(app: FakeAzureApp): this {
    this.apps.push(app);
    return this;
  }

  addSubscription(subscription: FakeAzureSubscription): this {
    this.subscriptions.set(subscription.subscriptionId, subscription);
    return this;
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  private handle(request: FakeRequest): FakeResponse {
    const path = request.url.pathname;
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (token && request.method === 'POST')
      return this.issueToken(decodeURIComponent(token[1]), request.body);
    this.calls.push({ method: request.method, path });
    if (!request.url.searchParams.get('api-version')) {
      return armError(
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required.',
      );
    }
    const app = this.tokens.get(String(request.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!app) return armError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    const group = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)$/i.exec(path);
    if (group) return this.readResourceGroup(app, group[1], decodeURIComponent(group[2]));
    const subscription = /^\/subscriptions\/([^/]+)$/.exec(path);
    if (subscription) return this.readSubscription(app, subscription[1]);
    return armError(404, 'NotFound', 'No such route in the fake.');
  }

  private issueToken(tenantId: string, body: string): FakeResponse {
    const form = new URLSearchParams(body);
    const clientId = form.get('client_id') ?? '';
    this.calls.push({ method: 'POST', path: `/${tenantId}/oauth2/v2.0/token`, clientId });
    if (form.get('grant_type') !== 'client_credentials')
      return aadError(400, 'unsupported_grant_type', 70003);
    if (!this.apps.some((a) => a.tenantId === tenantId)) return aadError(400, 'invalid_request', 90002);
    const app = this.apps.find((a) => a.tenantId === tenantId && a.clientId === clientId);
    if (!app) return aadError(400, 'unauthorized_client', 700016);
    if (form.get('scope') !== ARM_SCOPE) return aadError(400, 'invalid_scope', 70011);
    if (form.get('client_secret') !== app.secret) return aadError(401, 'invalid_client', 7000215);
    if (app.secretExpired) return aadError(401, 'invalid_client', 7000222);
    const accessToken = randomBytes(32).toString('base64url');
    this.tokens.set(accessToken, app);
    return json(200, {
      token_type: 'Bearer',
      expires_in: 3599,
      ext_expires_in: 3599,
      access_token: accessToken,
    });
  }

  private readSubscription(app: FakeAzureApp, subscriptionId: string): FakeResponse {
    const subscription = this.subscriptions.get(subscriptionId);
    if (!subscription)
      return armError(
        404,
        'SubscriptionNotFound',
        `The subscription '${subscriptionId}' could not be found.`,
      );
    if (subscription.tenantId !== app.tenantId) {
      return armError(401, 'InvalidAuthenticationTokenTenant', 'The access token is from the wrong issuer.');
    }
    const anywhere = [
      ...subscription.assignedApps,
      ...Object.values(subscription.resourceGroups ?? {}).flat(),
    ];
    if (!anywhere.includes(app.clientId)) return authorizationFailed(app, `/subscriptions/${subscriptionId}`);
    return json(200, {
      id: `/subscriptions/${subscriptionId}`,
      subscriptionId,
      tenantId: subscription.tenantId,
      displayName: 'Fake subscription',
      state: subscription.state ?? 'Enabled',
    });
  }

  private readResourceGroup(app: FakeAzureApp, subscriptionId: string, name: string): FakeResponse {
    const subscription = this.subscriptions.get(subscriptionId);
    const scope = `/subscriptions/${subscriptionId}/resourceGroups/${name}`;
    if (!subscription)
      return armError(
        404,
        'SubscriptionNotFound',
        `The subscription '${subscriptionId}' could not be found.`,
      );
    const groupApps = subscription.resourceGroups?.[name];
    const allowed = subscription.assignedApps.includes(app.clientId) || groupApps?.includes(app.clientId);
    if (!allowed) return authorizationFailed(app, scope);
    if (!groupApps)
      return armError(404, 'ResourceGroupNotFound', `Resource group '${name}' could not be found.`);
    return json(200, {
      id: scope,
      name,
      location: 'westeurope',
      properties: { provisioningState: 'Succeeded' },
    });
  }
}

function aadError(status: number, error: string, code: number): FakeResponse {
  return json(status, {
    error,
    error_description: `AADSTS${code}: The fake rejected the request.\r\nTrace ID: ${randomBytes(8).toString('hex')}`,
    error_codes: [code],
    timestamp: new Date().toISOString(),
  });
}

function armError(status: number, code: string, message: string): FakeResponse {
  return json(status, { error: { code, message } });
}

function authorizationFailed(app: FakeAzureApp, scope: string): FakeResponse {
  return armError(
    403,
    'AuthorizationFailed',
    `The client '${app.clientId}' with object id '${app.clientId}' does not have authorization to perform action ` +
      `'Microsoft.Resources/subscriptions/read' over scope '${scope}' or the scope is invalid.`,
  );
}
