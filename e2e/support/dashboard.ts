// What a person does in the dashboard, step by step, as the journeys share it. Locators are by role and
// label (what a screen reader announces), so the journeys also check that the controls are labelled.
import type { APIRequestContext, BrowserContext, Page } from 'playwright-core';
import { randomBytes, randomUUID } from 'node:crypto';

export interface Person {
  name: string;
  email: string;
  password: string;
  organization: string;
}

export function newPerson(label: string): Person {
  const id = randomUUID().slice(0, 8);
  return {
    name: `${label[0].toUpperCase()}${label.slice(1)} Tester`,
    email: `${label}-${id}@example.com`,
    password: `pw-${randomBytes(8).toString('hex')}`,
    organization: `${label[0].toUpperCase()}${label.slice(1)} Org ${id}`,
  };
}

export async function signUp(page: Page, person: Person): Promise<void> {
  await page.goto('/sign-up');
  await page.getByLabel('Your name').fill(person.name);
  await page.getByLabel('Work email').fill(person.email);
  await page.getByLabel('Organization name').fill(person.organization);
  await page.getByRole('textbox', { name: 'Password' }).fill(person.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await heading(page, 'Deployments');
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email').fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Follows a link of the main navigation. */
export async function navigate(page: Page, label: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: label, exact: true })
    .click();
}

/** Waits for a page heading (h1) with this text. */
export async function heading(page: Page, text: string | RegExp, timeout = 15_000): Promise<true> {
  await page.getByRole('heading', { level: 1, name: text }).waitFor({ timeout });
  return true;
}

/** The wizard, AWS, with well-formed details (the local engine calls no cloud), verified. */
export async function connectAwsAccount(page: Page, name: string, regions = ['us-east-1']): Promise<void> {
  await page.goto('/cloud-accounts/connect');
  await page.getByRole('radio', { name: 'Amazon Web Services' }).check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('textbox', { name: 'Name' }).fill(name);
  await page.getByLabel('IAM role ARN').fill('arn:aws:iam::123456789012:role/streamplane-provisioner');
  await chooseMulti(page, 'Regions deployments may use', regions);
  await page.getByRole('button', { name: 'Connect and show what to grant' }).click();
}

/** Picks options of a Mantine MultiSelect (a combobox) by typing and choosing each. */
export async function chooseMulti(page: Page, label: string, values: string[]): Promise<void> {
  const input = page.getByRole('combobox', { name: label });
  for (const value of values) {
    await input.click();
    await input.fill(value);
    await page.getByRole('option', { name: new RegExp(`— ${value}$`) }).click();
  }
  await page.keyboard.press('Escape');
}

/** Picks an option of a Mantine Select. */
export async function choose(page: Page, label: string, option: string | RegExp): Promise<void> {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option }).click();
}

export async function deploymentStatus(page: Page): Promise<string | null> {
  return page.locator('[data-testid=deployment-status]').first().getAttribute('data-status');
}

/** Waits, without reloading, until the deployment page's status badge says `status`. */
export async function untilStatus(page: Page, status: string, timeout = 120_000): Promise<void> {
  await page.locator(`[data-testid=deployment-status][data-status=${status}]`).first().waitFor({ timeout });
}

/**
 * Marks the loaded page; `stillSamePage` then proves that nothing reloaded or navigated away in between
 * (the updates came over the live subscription).
 */
export async function markPage(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as { __journeyMark?: boolean }).__journeyMark = true;
  });
}

export async function stillSamePage(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as { __journeyMark?: boolean }).__journeyMark === true);
}

export interface GqlAnswer {
  data?: any;
  errors?: { message: string; extensions: { code: string; reason: string } }[];
}

/** A GraphQL call with this person's browser session (its cookies and CSRF value), as the page makes them. */
export async function gql(
  context: BrowserContext,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GqlAnswer> {
  const request: APIRequestContext = context.request;
  const csrf = (await context.cookies()).find((cookie) => cookie.name === 'sp_csrf')?.value ?? '';
  const response = await request.post('/graphql', {
    headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
    data: { query, variables },
  });
  return (await response.json()) as GqlAnswer;
}

/** Fixtures through the api (as this person): what a journey needs but is not about. */
export async function apiConnectVerifiedAwsAccount(context: BrowserContext, name: string): Promise<string> {
  const connected = await gql(
    context,
    `mutation($input: ConnectAwsAccountInput!) { connectAwsAccount(input: $input) { id } }`,
    {
      input: {
        name,
        roleArn: 'arn:aws:iam::123456789012:role/streamplane-provisioner',
        allowedRegions: ['us-east-1'],
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

export async function apiOrderDeployment(
  context: BrowserContext,
  cloudAccountId: string,
  name: string,
  kafkaVersion = '4.3.1',
): Promise<string> {
  const spec = {
    name,
    cloud: 'AWS',
    region: 'us-east-1',
    zones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
    kafkaVersion,
    controllers: 3,
    brokers: 3,
    nodeSize: 'r6i.xlarge',
    storagePerBrokerGiB: 500,
    listeners: { internal: true, external: false },
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
