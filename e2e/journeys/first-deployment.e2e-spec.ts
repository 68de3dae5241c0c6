// Journey 1: a new customer signs up, connects a cloud account (local engine), previews and orders a
// deployment, and watches it reach RUNNING without reloading; then sees its usage appear.
import type { BrowserContext, Page } from 'playwright-core';
import { Journey } from '../support/browser';
import {
  connectAwsAccount,
  heading,
  markPage,
  navigate,
  newPerson,
  signUp,
  stillSamePage,
  untilStatus,
} from '../support/dashboard';

/** Polls `probe` every 100 ms for up to 10 s; true once it held. */
async function until(probe: () => Promise<boolean>): Promise<boolean> {
  for (let tries = 0; tries < 100; tries++) {
    if (await probe()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe('journey 1: sign up to a running deployment', () => {
  const journey = new Journey('1-first-deployment');
  const owner = newPerson('owner');
  let page: Page;
  let context: BrowserContext;

  beforeAll(async () => {
    await journey.start();
    ({ page, context } = await journey.person());
  });
  afterAll(async () => {
    await context?.close();
    await journey.stop();
  });

  it(
    ...journey.step('signs up and lands on an empty overview with the credits shown', async () => {
      await page.goto('/sign-up');
      await journey.screenshot(page, 'sign-up');
      await signUp(page, owner);
      await page.getByText('No deployments yet').waitFor();
      await journey.screenshot(page, 'overview-empty');
    }),
  );

  it(
    ...journey.step('connects an AWS account: what to grant, then a simulated verification', async () => {
      await connectAwsAccount(page, 'Sandbox (local)');
      await page.getByText('Trust policy').first().waitFor();
      await page.getByRole('button', { name: 'Copy external id' }).first().waitFor();
      await journey.screenshot(page, 'connect-grant');
      await page.getByRole('button', { name: 'I have granted it — verify' }).click();
      const result = page.getByTestId('verification-result');
      await result.getByText('Verified by the local engine (simulated)').waitFor();
      await journey.screenshot(page, 'connect-verified');
    }),
  );

  it(
    ...journey.step('previews the plan and its cost, then orders', async () => {
      await page.getByRole('button', { name: 'Create a deployment' }).click();
      await heading(page, 'New deployment');
      await page.getByRole('textbox', { name: 'Name' }).fill('orders');
      await page.getByRole('button', { name: 'Preview plan and cost' }).click();
      const preview = page.getByTestId('plan-preview');
      await preview.waitFor();
      expect(await page.getByTestId('plan-total').textContent()).toMatch(/^\$[\d,]+\.\d{2}$/);
      await expect(preview.getByText(/resources will be created/).textContent()).resolves.toMatch(
        /^\d+ resources/,
      );
      await preview
        .getByText(/simulated/)
        .first()
        .waitFor();
      await journey.screenshot(page, 'new-deployment-preview');
      await page.getByRole('button', { name: 'Order deployment' }).click();
      await heading(page, 'orders');
    }),
  );

  it(
    ...journey.step('follows the deployment to RUNNING live, without reloading', async () => {
      await markPage(page);
      await page.getByTestId('operation-progress').waitFor();
      // Resources appear and move while the page stays the same.
      await page
        .locator('[data-testid=operation-progress] tr[data-state=SUCCEEDED]')
        .first()
        .waitFor({ timeout: 60_000 });
      await journey.screenshot(page, 'deployment-provisioning');
      await untilStatus(page, 'RUNNING');
      expect(await stillSamePage(page)).toBe(true);
      await page.locator('[data-testid=operation-progress][data-operation-status=SUCCEEDED]').waitFor();
      await page.getByText('Bootstrap (inside the cluster, TLS)').waitFor();
      await page.getByText('Simulated deployment.').waitFor();
      await journey.screenshot(page, 'deployment-running');
      await page.getByRole('tab', { name: 'Connect' }).click();
      await page.getByText('kafkajs').first().waitFor();
      await journey.screenshot(page, 'deployment-connect');
    }),
  );

  it(
    ...journey.step('shows the deployment running on the overview', async () => {
      await navigate(page, 'Overview');
      await page.locator('[data-testid=deployment-row-orders] [data-status=RUNNING]').waitFor();
      await journey.screenshot(page, 'overview-running');
      expect(journey.consoleErrors).toEqual([]);
    }),
  );

  it(
    ...journey.step('sees usage appear for it', async () => {
      await navigate(page, 'Usage');
      await heading(page, 'Usage');
      // The simulated agent reports every few seconds; the page re-reads on its own, nothing is reloaded.
      await page.getByTestId('usage-chart-broker_hours').waitFor({ timeout: 90_000 });
      await page.getByTestId('period-total-broker_hours').waitFor({ timeout: 30_000 });
      await journey.screenshot(page, 'usage');
    }),
  );

  it(
    ...journey.step('sees the sign-up credits and this month’s estimate', async () => {
      await navigate(page, 'Billing');
      await heading(page, 'Billing');
      await page.getByTestId('credit-balance').getByText('of $200.00 granted').waitFor();
      await page.getByTestId('estimate-total').waitFor();
      await page.getByRole('table', { name: 'Unit prices' }).waitFor();
      await page
        .getByTestId('invoices')
        .getByText(/^Draft |No invoices yet/)
        .first()
        .waitFor();
      await journey.screenshot(page, 'billing');
      expect(journey.consoleErrors).toEqual([]);
    }),
  );

  it(
    ...journey.step(
      'an expired access token is renewed unnoticed; an ended session asks to sign in and keeps the page',
      async () => {
        await markPage(page);
        // The 15-minute access token expires: the next request renews the session with the refresh token.
        await context.clearCookies({ name: 'sp_access' });
        await navigate(page, 'Usage');
        await page.getByTestId('usage-chart-broker_hours').waitFor();
        await expect(
          until(async () => (await context.cookies()).some((cookie) => cookie.name === 'sp_access')),
        ).resolves.toBe(true);
        expect(await page.getByRole('dialog', { name: 'Your session has ended' }).count()).toBe(0);
        // The session itself ends (signed out elsewhere, or 30 days passed): a dialog covers the page.
        await context.clearCookies({ name: 'sp_access' });
        await context.clearCookies({ name: 'sp_refresh' });
        await navigate(page, 'Cloud accounts');
        const dialog = page.getByRole('dialog', { name: 'Your session has ended' });
        await dialog.waitFor();
        await page.waitForTimeout(500); // the dialog's fade-in, for the screenshot
        await journey.screenshot(page, 'session-ended');
        await dialog.getByRole('textbox', { name: 'Password' }).fill(owner.password);
        await dialog.getByRole('button', { name: 'Sign in and continue' }).click();
        await dialog.waitFor({ state: 'hidden' });
        await page.getByRole('table', { name: 'Cloud accounts' }).getByText('Sandbox (local)').waitFor();
        expect(await stillSamePage(page)).toBe(true);
        expect(journey.consoleErrors).toEqual([]);
      },
    ),
  );
});
