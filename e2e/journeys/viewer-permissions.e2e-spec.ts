// Journey 2: an owner invites someone as VIEWER; they join through the link, see the deployment but no
// button they cannot use, and the api refuses the mutation anyway.
import type { BrowserContext, Page } from 'playwright-core';
import { Journey } from '../support/browser';
import {
  apiConnectVerifiedAwsAccount,
  apiOrderDeployment,
  choose,
  gql,
  heading,
  navigate,
  newPerson,
  signUp,
  untilStatus,
} from '../support/dashboard';

describe('journey 2: a viewer sees no button they cannot use', () => {
  const journey = new Journey('2-viewer-permissions');
  const owner = newPerson('owner');
  const viewer = newPerson('viewer');
  let ownerPage: Page;
  let ownerContext: BrowserContext;
  let viewerPage: Page;
  let viewerContext: BrowserContext;
  let deploymentId: string;
  let invitationLink: string;

  beforeAll(async () => {
    await journey.start();
    ({ page: ownerPage, context: ownerContext } = await journey.person());
    ({ page: viewerPage, context: viewerContext } = await journey.person());
  });
  afterAll(async () => {
    await ownerContext?.close();
    await viewerContext?.close();
    await journey.stop();
  });

  it(
    ...journey.step('the owner has a deployment', async () => {
      await signUp(ownerPage, owner);
      const accountId = await apiConnectVerifiedAwsAccount(ownerContext, 'Production');
      deploymentId = await apiOrderDeployment(ownerContext, accountId, 'payments');
      await ownerPage.goto(`/deployments/${deploymentId}`);
      await untilStatus(ownerPage, 'RUNNING');
    }),
  );

  it(
    ...journey.step('invites the viewer and gets a link to pass on', async () => {
      await navigate(ownerPage, 'Organization');
      await ownerPage.getByRole('tab', { name: 'Invitations' }).click();
      await ownerPage.getByRole('textbox', { name: 'Email' }).fill(viewer.email);
      await choose(ownerPage, 'Role', 'viewer');
      await ownerPage.getByRole('button', { name: 'Create invitation' }).click();
      const created = ownerPage.getByTestId('invitation-link');
      await created.waitFor();
      invitationLink = (await created.locator('code').textContent()) ?? '';
      expect(invitationLink).toMatch(/\/invitations\/accept\?token=/);
      await ownerPage.getByRole('table', { name: 'Pending invitations' }).getByText(viewer.email).waitFor();
      await journey.screenshot(ownerPage, 'owner-invited-viewer');
    }),
  );

  it(
    ...journey.step('creates an API token, shown once, and finds both in the audit log', async () => {
      await ownerPage.getByRole('tab', { name: 'API tokens' }).click();
      await ownerPage.getByRole('textbox', { name: 'Name' }).fill('ci-deploy');
      await ownerPage.getByRole('button', { name: 'Create token' }).click();
      const secret = ownerPage.getByTestId('api-token-secret');
      await secret.getByText(/^sp_pat_[0-9a-f]{12}_/).waitFor();
      await ownerPage.getByRole('table', { name: 'API tokens' }).getByText('ci-deploy').waitFor();
      await journey.screenshot(ownerPage, 'owner-api-token-once');
      await secret.getByRole('button', { name: 'I have stored it' }).click();
      expect(await ownerPage.getByText(/^sp_pat_[0-9a-f]{12}_\S{20,}/).count()).toBe(0);
      await ownerPage.getByRole('tab', { name: 'Audit log' }).click();
      await ownerPage.getByRole('combobox', { name: 'Action' }).fill('invitation.create');
      await ownerPage.keyboard.press('Escape');
      const log = ownerPage.getByRole('table', { name: 'Audit log' });
      // Filtered: only that action is listed (the other entry goes away once the filter applies).
      await log.getByText('api_token.create').first().waitFor({ state: 'detached' });
      await log.getByText('invitation.create').first().waitFor();
      await journey.screenshot(ownerPage, 'owner-audit-log');
    }),
  );

  it(
    ...journey.step('the viewer opens the link, signs up with the invited email and joins', async () => {
      await viewerPage.goto(invitationLink);
      await heading(viewerPage, 'You are invited to Streamplane');
      await journey.screenshot(viewerPage, 'invitation-signed-out');
      await viewerPage.getByRole('link', { name: 'Create an account' }).click();
      await viewerPage.getByLabel('Your name').fill(viewer.name);
      await viewerPage.getByLabel('Work email').fill(viewer.email);
      await viewerPage.getByLabel('Organization name').fill(viewer.organization);
      await viewerPage.getByRole('textbox', { name: 'Password' }).fill(viewer.password);
      await viewerPage.getByRole('button', { name: 'Create account' }).click();
      await heading(viewerPage, 'Join an organization');
      await journey.screenshot(viewerPage, 'invitation-join');
      await viewerPage.getByRole('button', { name: 'Join organization' }).click();
      await heading(viewerPage, 'Deployments');
      await viewerPage
        .getByRole('button', { name: new RegExp(`Organization: ${owner.organization}`) })
        .waitFor();
      await viewerPage.locator('[data-testid=deployment-row-payments] [data-status=RUNNING]').waitFor();
      expect(await viewerPage.getByRole('link', { name: 'New deployment' }).count()).toBe(0);
      await journey.screenshot(viewerPage, 'viewer-overview');
    }),
  );

  it(
    ...journey.step('the deployment page shows the viewer no scale or destroy button', async () => {
      await viewerPage.getByRole('link', { name: 'payments' }).click();
      await heading(viewerPage, 'payments');
      await viewerPage.getByText('Endpoints').waitFor();
      expect(await viewerPage.getByRole('button', { name: /destroy/i }).count()).toBe(0);
      expect(await viewerPage.getByRole('button', { name: /scale/i }).count()).toBe(0);
      await journey.screenshot(viewerPage, 'viewer-deployment');
      await navigate(viewerPage, 'Organization');
      await viewerPage.getByRole('table', { name: 'Members' }).getByText(owner.email).waitFor();
      const tabs = await viewerPage.getByRole('tab').allTextContents();
      expect(tabs).toEqual(['Members', 'Settings']);
      expect(await viewerPage.getByRole('combobox', { name: /Role of/ }).count()).toBe(0);
      expect(await viewerPage.getByRole('button', { name: 'Remove' }).count()).toBe(0);
      await journey.screenshot(viewerPage, 'viewer-organization');
    }),
  );

  it(
    ...journey.step('the api refuses the viewer’s destroy anyway, and nothing happens', async () => {
      const refused = await gql(
        viewerContext,
        `mutation($id: ID!, $name: String!) { destroyDeployment(deploymentId: $id, confirmName: $name) { deployment { id } } }`,
        { id: deploymentId, name: 'payments' },
      );
      expect(refused.data ?? null).toBeNull();
      expect(refused.errors?.[0]?.extensions).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'INSUFFICIENT_ROLE',
      });
      const still = await gql(ownerContext, `query($id: ID!) { deployment(deploymentId: $id) { status } }`, {
        id: deploymentId,
      });
      expect(still.data.deployment.status).toBe('RUNNING');
      expect(journey.consoleErrors).toEqual([]);
    }),
  );
});
