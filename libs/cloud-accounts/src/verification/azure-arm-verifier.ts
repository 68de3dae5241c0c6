import { Logger } from '@nestjs/common';
import {
  failed,
  VerificationFailureCode as Code,
  type AzureVerificationTarget,
  type CloudSession,
  type VerificationResult,
} from './cloud-account-verifier';

export interface AzureArmVerifierOptions {
  /** Microsoft Entra ID, e.g. https://login.microsoftonline.com */
  authorityHost: string;
  /** Azure Resource Manager, e.g. https://management.azure.com */
  resourceManagerUrl: string;
}

/** The token's audience: Azure Resource Manager (public cloud). */
export const ARM_SCOPE = 'https://management.azure.com/.default';
const SUBSCRIPTION_API_VERSION = '2022-12-01';
const RESOURCE_GROUP_API_VERSION = '2021-04-01';
/** Subscription states in which resources can still be created. */
const USABLE_STATES = new Set(['Enabled', 'Warned']);

interface TokenError {
  error?: string;
  error_codes?: number[];
  error_description?: string;
}

interface ArmError {
  error?: { code?: string; message?: string };
}

/**
 * Verifies an Azure service principal with plain HTTPS, as documented by Microsoft: the OAuth 2.0
 * client-credentials grant at Entra ID for a Resource Manager token, then a read of the subscription (and of
 * the resource group, when the account is limited to one). No Azure SDK: two requests do not justify one,
 * and `fetch` keeps the secret's path short — it goes into one form body and nowhere else.
 */
export class AzureArmVerifier {
  private readonly logger = new Logger(AzureArmVerifier.name);

  constructor(private readonly options: AzureArmVerifierOptions) {}

  async verify(target: AzureVerificationTarget, signal: AbortSignal): Promise<VerificationResult> {
    const signIn = await this.requestToken(target, signal);
    if ('failure' in signIn) return signIn.failure;
    const { token, session } = signIn;
    const sessions = [session];

    const subscriptionUrl = `${this.options.resourceManagerUrl}/subscriptions/${target.subscriptionId}`;
    const subscription = await this.armGet(
      `${subscriptionUrl}?api-version=${SUBSCRIPTION_API_VERSION}`,
      token,
      signal,
    );
    if ('failure' in subscription) return failed(Code.CLOUD_UNAVAILABLE, subscription.failure, sessions);
    const scope = target.resourceGroup
      ? `/subscriptions/${target.subscriptionId}/resourceGroups/${target.resourceGroup}`
      : `/subscriptions/${target.subscriptionId}`;
    if (subscription.status === 403) {
      return failed(
        Code.AZURE_SUBSCRIPTION_ACCESS_DENIED,
        `The app ${target.clientId} signed in but has no access to subscription ${target.subscriptionId}. ` +
          `Create the Streamplane role shown with this account and assign it to the app at ${scope}.`,
        sessions,
      );
    }
    if (subscription.status === 404 || subscription.status === 401) {
      const code = (subscription.body as ArmError).error?.code;
      const otherTenant = code === 'InvalidAuthenticationTokenTenant';
      return failed(
        Code.AZURE_SUBSCRIPTION_NOT_FOUND,
        otherTenant
          ? `Subscription ${target.subscriptionId} belongs to another tenant than ${target.tenantId}. ` +
              'Connect it with a service principal of the tenant that owns it.'
          : `Subscription ${target.subscriptionId} was not found in tenant ${target.tenantId}. Check the ` +
              'subscription id, and that it belongs to that tenant.',
        sessions,
      );
    }
    if (subscription.status !== 200) {
      return failed(
        Code.CLOUD_UNAVAILABLE,
        unavailable('Azure Resource Manager', subscription.status),
        sessions,
      );
    }
    const state = (subscription.body as { state?: string }).state ?? 'unknown';
    if (!USABLE_STATES.has(state)) {
      return failed(
        Code.AZURE_SUBSCRIPTION_DISABLED,
        `Subscription ${target.subscriptionId} is ${state}: nothing can be deployed to it until it is Enabled again.`,
        sessions,
      );
    }

    if (target.resourceGroup) {
      const group = await this.armGet(
        `${subscriptionUrl}/resourcegroups/${encodeURIComponent(target.resourceGroup)}` +
          `?api-version=${RESOURCE_GROUP_API_VERSION}`,
        token,
        signal,
      );
      if ('failure' in group) return failed(Code.CLOUD_UNAVAILABLE, group.failure, sessions);
      if (group.status === 404) {
        return failed(
          Code.AZURE_RESOURCE_GROUP_NOT_FOUND,
          `Resource group ${target.resourceGroup} does not exist in subscription ${target.subscriptionId}. ` +
            'Create it (in a region you allow), or connect the account without a resource-group limit.',
          sessions,
        );
      }
      if (group.status === 403) {
        return failed(
          Code.AZURE_RESOURCE_GROUP_ACCESS_DENIED,
          `The app ${target.clientId} cannot read resource group ${target.resourceGroup}. Assign the ` +
            `Streamplane role to the app at ${scope}.`,
          sessions,
        );
      }
      if (group.status !== 200) {
        return failed(Code.CLOUD_UNAVAILABLE, unavailable('Azure Resource Manager', group.status), sessions);
      }
    }
    return { ok: true, simulated: false, sessions };
  }

  private async requestToken(
    target: AzureVerificationTarget,
    signal: AbortSignal,
  ): Promise<{ token: string; session: CloudSession } | { failure: VerificationResult }> {
    const url = `${this.options.authorityHost}/${encodeURIComponent(target.tenantId)}/oauth2/v2.0/token`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: target.clientId,
          client_secret: target.clientSecret,
          scope: ARM_SCOPE,
        }),
        signal,
      });
    } catch (error) {
      this.logger.warn(
        { cloudAccountId: target.cloudAccountId, error: networkError(error) },
        'Entra ID unreachable',
      );
      return {
        failure: failed(Code.CLOUD_UNAVAILABLE, unavailable('Microsoft Entra ID', networkError(error))),
      };
    }
    const body = (await response.json().catch(() => ({}))) as TokenError & {
      access_token?: string;
      expires_in?: number;
    };
    if (response.ok && body.access_token) {
      const expiresAt =
        typeof body.expires_in === 'number'
          ? new Date(Date.now() + body.expires_in * 1000).toISOString()
          : null;
      return {
        token: body.access_token,
        session: {
          kind: 'azure-client-credentials',
          principal: target.clientId,
          sessionName: ARM_SCOPE,
          expiresAt,
        },
      };
    }
    if (response.status >= 500 || response.ok) {
      return { failure: failed(Code.CLOUD_UNAVAILABLE, unavailable('Microsoft Entra ID', response.status)) };
    }
    return { failure: this.signInFailure(body, target) };
  }

  /** Entra ID's AADSTS codes, turned into what the person should change. */
  private signInFailure(body: TokenError, target: AzureVerificationTarget): VerificationResult {
    const aadsts = body.error_codes?.[0] ?? Number(/AADSTS(\d+)/.exec(body.error_description ?? '')?.[1]);
    switch (aadsts) {
      case 90002:
      case 900023:
        return failed(
          Code.AZURE_TENANT_NOT_FOUND,
          `Tenant ${target.tenantId} was not found. Use the Directory (tenant) ID shown on the app's overview page.`,
        );
      case 700016:
        return failed(
          Code.AZURE_APP_NOT_FOUND,
          `No application with client id ${target.clientId} exists in tenant ${target.tenantId}. Use the ` +
            "Application (client) ID shown on the app's overview page, and check the tenant.",
        );
      case 7000215:
        return failed(
          Code.AZURE_CLIENT_SECRET_INVALID,
          `Azure rejected the client secret for app ${target.clientId}. Copy the secret's Value (not its ` +
            'Secret ID) from Certificates & secrets, or create a new one, and connect the account again.',
        );
      case 7000222:
        return failed(
          Code.AZURE_CLIENT_SECRET_EXPIRED,
          `The client secret for app ${target.clientId} has expired. Create a new one under Certificates & ` +
            'secrets and connect the account again.',
        );
      default:
        return failed(
          Code.AZURE_SIGN_IN_FAILED,
          `Azure refused the sign-in of app ${target.clientId} in tenant ${target.tenantId}` +
            `${Number.isFinite(aadsts) ? ` (AADSTS${aadsts})` : body.error ? ` (${body.error})` : ''}. ` +
            'Check the tenant id, client id and secret.',
        );
    }
  }

  private async armGet(
    url: string,
    token: string,
    signal: AbortSignal,
  ): Promise<{ status: number; body: unknown } | { failure: string }> {
    try {
      const response = await fetch(url, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        signal,
      });
      return { status: response.status, body: await response.json().catch(() => ({})) };
    } catch (error) {
      this.logger.warn({ error: networkError(error) }, 'Azure Resource Manager unreachable');
      return { failure: unavailable('Azure Resource Manager', networkError(error)) };
    }
  }
}

function unavailable(service: string, detail: string | number): string {
  const what = typeof detail === 'number' ? `HTTP ${detail}` : detail;
  return `${service} did not answer as expected (${what}). This is usually temporary: verify again in a few minutes.`;
}

/** A network failure in a few words: the error's name and cause code, never its URL or body. */
function networkError(error: unknown): string {
  const name = error instanceof Error ? error.name : 'error';
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
  return typeof cause === 'string' ? `${name}: ${cause}` : name;
}
