// Fixtures for the replication journey (through the api, as this person): two deployments in different
// regions, each with the external listener a replication link mirrors over.
import type { BrowserContext } from 'playwright-core';
import { gql } from './dashboard';

const ZONES: Record<string, string[]> = {
  'us-east-1': ['us-east-1a', 'us-east-1b', 'us-east-1c'],
  'eu-west-1': ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
};

/** A verified AWS account allowed in both regions of the journey. */
export async function apiConnectTwoRegionAccount(context: BrowserContext, name: string): Promise<string> {
  const connected = await gql(
    context,
    `mutation($input: ConnectAwsAccountInput!) { connectAwsAccount(input: $input) { id } }`,
    {
      input: {
        name,
        roleArn: 'arn:aws:iam::123456789012:role/streamplane-provisioner',
        allowedRegions: Object.keys(ZONES),
      },
    },
  );
  const id = connected.data?.connectAwsAccount?.id as string | undefined;
  if (!id) throw new Error(`connectAwsAccount failed: ${JSON.stringify(connected.errors)}`);
  const verified = await gql(
    context,
    `mutation($id: ID!) { verifyCloudAccount(cloudAccountId: $id) { verification { status } } }`,
    { id },
  );
  if (verified.data?.verifyCloudAccount?.verification?.status !== 'VERIFIED') {
    throw new Error(`verifyCloudAccount failed: ${JSON.stringify(verified)}`);
  }
  return id;
}

/** A deployment in `region` with the external listener on (mirroring reads it from the other region). */
export async function apiOrderExternalDeployment(
  context: BrowserContext,
  cloudAccountId: string,
  name: string,
  region: keyof typeof ZONES,
): Promise<string> {
  const spec = {
    name,
    cloud: 'AWS',
    region,
    zones: ZONES[region],
    kafkaVersion: '4.3.1',
    controllers: 3,
    brokers: 3,
    nodeSize: 'r6i.xlarge',
    storagePerBrokerGiB: 500,
    listeners: { internal: true, external: true },
    clientAuthentication: 'SCRAM_SHA_512',
  };
  const created = await gql(
    context,
    `mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { deployment { id } } }`,
    { input: { cloudAccountId, spec } },
  );
  const id = created.data?.createDeployment?.deployment?.id as string | undefined;
  if (!id) throw new Error(`createDeployment failed: ${JSON.stringify(created.errors)}`);
  return id;
}

/** Polls the api until every deployment is RUNNING. */
export async function apiUntilRunning(
  context: BrowserContext,
  ids: string[],
  timeout = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const answer = await gql(context, `query { deployments { id status } }`);
    const rows = (answer.data?.deployments ?? []) as { id: string; status: string }[];
    if (ids.every((id) => rows.find((row) => row.id === id)?.status === 'RUNNING')) return;
    if (Date.now() > deadline) throw new Error(`Not RUNNING in time: ${JSON.stringify(rows)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
