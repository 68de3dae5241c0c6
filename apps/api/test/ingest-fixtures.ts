import { AgentTokensService } from '@streamplane/metering';
import { randomUUID } from 'node:crypto';
import { connectAwsAccount, runningDeployment, verifyCloudAccount } from './fixtures';
import type { ApiClient, TestApi } from './harness';

/** Usage ingest fixtures: an organization with RUNNING deployments and their agent tokens. */

export const BATCH = 'application/cloudevents-batch+json';
export const SINGLE = 'application/cloudevents+json';

export interface AgentFixture {
  orgId: string;
  deploymentId: string;
  token: string;
  tokenId: string;
}

export interface OrgFixture {
  orgId: string;
  owner: ApiClient;
  cloudAccountId: string;
}

/** A new organization (signed up through the api) with a verified AWS account. */
export async function orgWithCloudAccount(api: TestApi): Promise<OrgFixture> {
  const owner = api.client();
  const signedUp = await owner.signup();
  const account = await connectAwsAccount(owner);
  await verifyCloudAccount(owner, account.id);
  return { orgId: signedUp.organization.id, owner, cloudAccountId: account.id };
}

/** A RUNNING deployment of `org` and an agent token issued for it (as the provisioner will on CREATE). */
export async function deploymentWithAgent(api: TestApi, org: OrgFixture): Promise<AgentFixture> {
  const deployment = await runningDeployment(api, org.owner, org.cloudAccountId);
  const issued = await api.app.get(AgentTokensService).issue(org.orgId, deployment.id);
  return { orgId: org.orgId, deploymentId: deployment.id, token: issued.token, tokenId: issued.id };
}

export interface UsageEventOverrides {
  id?: string;
  source?: string;
  subject?: string;
  time?: string | Date;
  type?: string;
  dimension?: string;
  value?: unknown;
  key?: string;
  [attribute: string]: unknown;
}

/** A valid usage CloudEvent of `agent`'s deployment (ingress bytes, now), with overrides. */
export function usageEvent(agent: { deploymentId: string }, overrides: UsageEventOverrides = {}) {
  const { dimension, value, key, time, ...attributes } = overrides;
  return {
    specversion: '1.0',
    id: `evt-${randomUUID()}`,
    source: `/deployments/${agent.deploymentId}/agent`,
    type: 'io.streamplane.usage.v1',
    subject: agent.deploymentId,
    time: time instanceof Date ? time.toISOString() : (time ?? new Date().toISOString()),
    datacontenttype: 'application/json',
    data: {
      dimension: dimension ?? 'ingress_bytes',
      value: value === undefined ? 1024 : value,
      ...(key === undefined ? {} : { key }),
    },
    ...attributes,
  };
}

export interface IngestResponse {
  status: number;
  headers: Headers;
  body: any;
}

/** POST /v1/ingest/events as an agent would (no cookies, no forwarded-for). */
export async function postEvents(
  baseUrl: string,
  token: string | undefined,
  payload: unknown,
  options: { contentType?: string; rawBody?: string } = {},
): Promise<IngestResponse> {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? BATCH };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${baseUrl}/v1/ingest/events`, {
    method: 'POST',
    headers,
    body: options.rawBody ?? JSON.stringify(payload),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    /* keep the text */
  }
  return { status: response.status, headers: response.headers, body };
}
