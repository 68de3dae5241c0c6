// Journey 6: disaster recovery between two local deployments in different regions — a one-way link made
// in the dashboard, its health shown, then the guided failover and failback: pre-checks, the switch, and
// the client settings to move to, each step recorded on the link.
import type { BrowserContext, Page } from 'playwright-core';
import { Journey } from '../support/browser';
import { choose, heading, navigate, newPerson, signUp } from '../support/dashboard';
import {
  apiConnectTwoRegionAccount,
  apiOrderExternalDeployment,
  apiUntilRunning,
} from '../support/replication';

describe('journey 6: a replication link, failed over and back', () => {
  const journey = new Journey('6-replication');
  const admin = newPerson('recovery');
  let page: Page;
  let context: BrowserContext;
  const link = () => page.getByRole('article', { name: 'Link orders-east and orders-west' });
  const untilLinkStatus = (status: string, timeout = 120_000) =>
    page.locator(`article[data-status=${status}]`).waitFor({ timeout });

  beforeAll(async () => {
    await journey.start();
    ({ page, context } = await journey.person());
  });
  afterAll(async () => {
    await context?.close();
    await journey.stop();
  });

  it(
    ...journey.step('two deployments run in different regions', async () => {
      await signUp(page, admin);
      const accountId = await apiConnectTwoRegionAccount(context, 'Two regions');
      const east = await apiOrderExternalDeployment(context, accountId, 'orders-east', 'us-east-1');
      const west = await apiOrderExternalDeployment(context, accountId, 'orders-west', 'eu-west-1');
      await apiUntilRunning(context, [east, west]);
    }),
  );

  it(
    ...journey.step('links them one way from the Replication page', async () => {
      await navigate(page, 'Replication');
      await heading(page, 'Replication');
      await page.getByText('No replication links yet').waitFor();
      await page.getByRole('button', { name: 'New link' }).click();
      const dialog = page.getByRole('dialog', { name: 'New replication link' });
      await choose(page, 'Source (primary)', 'orders-east — us-east-1');
      await choose(page, 'Target (standby)', 'orders-west — eu-west-1');
      await dialog.getByRole('textbox', { name: 'Topics to mirror' }).fill('orders, payments.*');
      await journey.screenshot(page, 'create-link');
      await dialog.getByRole('button', { name: 'Create link' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await link().waitFor();
      await untilLinkStatus('ACTIVE');
      await journey.screenshot(page, 'link-active');
    }),
  );

  it(
    ...journey.step('shows the standby’s health once its agent reports it', async () => {
      // The simulated agent of the target reports replication health each round; the page re-reads the
      // links now and then, so this waits without reloading.
      await link()
        .locator('[data-testid=link-direction] [data-testid=link-verdict]:not([data-verdict=UNKNOWN])')
        .first()
        .waitFor({ timeout: 90_000 });
      await link()
        .getByRole('table', { name: /Lag per topic/ })
        .waitFor();
      await journey.screenshot(page, 'link-health');
    }),
  );

  it(
    ...journey.step('fails over: pre-checks shown, forced past them, client settings to copy', async () => {
      await link().getByRole('button', { name: 'Fail over…' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByText('Pre-checks', { exact: true }).first().waitFor();
      await dialog.getByRole('button', { name: 'Continue' }).click();
      await dialog.getByRole('button', { name: 'Fail over', exact: true }).click();
      // With no health report from the standby yet, the api refuses; the journey forces it, as a person
      // whose primary region is gone would.
      const forced = dialog.getByRole('button', { name: 'Force fail over' });
      const result = dialog.getByTestId('switch-result');
      await forced.or(result).waitFor();
      if (await forced.isVisible()) {
        await journey.screenshot(page, 'failover-prechecks-failed');
        await forced.click();
      }
      await result.waitFor();
      await result.getByText(/bootstrap\.servers=/).waitFor();
      await journey.screenshot(page, 'failover-client-settings');
      await dialog.getByRole('button', { name: 'Done' }).click();
      await untilLinkStatus('FAILED_OVER');
      await link().getByTestId('link-active').getByText('orders-west').waitFor();
      await journey.screenshot(page, 'failed-over');
    }),
  );

  it(
    ...journey.step('fails back in two steps: mirroring reversed, then clients moved back', async () => {
      await link().getByRole('button', { name: 'Fail back…' }).click();
      let dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Continue' }).click();
      await dialog.getByRole('button', { name: 'Start failback' }).click();
      await dialog.getByTestId('switch-result').waitFor();
      await dialog.getByRole('button', { name: 'Done' }).click();
      await untilLinkStatus('FAILING_BACK');
      await link().getByRole('button', { name: 'Finish failback…' }).click({ timeout: 120_000 });
      dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Continue' }).click();
      await dialog.getByRole('button', { name: 'Fail back', exact: true }).click();
      const forced = dialog.getByRole('button', { name: 'Force fail back' });
      const result = dialog.getByTestId('switch-result');
      await forced.or(result).waitFor();
      if (await forced.isVisible()) await forced.click();
      await result.waitFor();
      await dialog.getByRole('button', { name: 'Done' }).click();
      await untilLinkStatus('ACTIVE');
      await link().getByTestId('link-active').getByText('orders-east').waitFor();
      await link().getByRole('button', { name: /Steps/ }).click();
      await journey.screenshot(page, 'back-to-primary');
      expect(journey.consoleErrors).toEqual([]);
    }),
  );
});
