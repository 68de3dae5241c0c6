// Journey 3: scale a deployment, approve a Kafka upgrade into a window, destroy it — each change followed
// live on the deployment page, which is never reloaded.
import type { BrowserContext, Page } from 'playwright-core';
import { Journey } from '../support/browser';
import {
  apiConnectVerifiedAwsAccount,
  apiOrderDeployment,
  heading,
  markPage,
  newPerson,
  signUp,
  stillSamePage,
  untilStatus,
} from '../support/dashboard';

describe('journey 3: scale, upgrade and destroy, followed live', () => {
  const journey = new Journey('3-change-live');
  const owner = newPerson('admin');
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
    ...journey.step('a deployment on an older Kafka runs', async () => {
      await signUp(page, owner);
      const accountId = await apiConnectVerifiedAwsAccount(context, 'Staging');
      // 4.3.0 is supported but not the newest: Streamplane proposes the upgrade to 4.3.1.
      const deploymentId = await apiOrderDeployment(context, accountId, 'events', '4.3.0');
      await page.goto(`/deployments/${deploymentId}`);
      await heading(page, 'events');
      await markPage(page);
      await untilStatus(page, 'RUNNING');
    }),
  );

  it(
    ...journey.step('scales to four brokers after previewing the change and its cost', async () => {
      await page.getByRole('button', { name: 'Scale' }).click();
      const dialog = page.getByRole('dialog', { name: 'Scale the deployment' });
      await dialog.getByRole('textbox', { name: 'Brokers' }).fill('4');
      await dialog.getByRole('button', { name: 'Preview change' }).click();
      await dialog.getByTestId('change-preview').getByText('brokers: 3 → 4').waitFor();
      await journey.screenshot(page, 'scale-preview');
      await dialog.getByRole('button', { name: 'Apply change' }).click();
      await untilStatus(page, 'UPDATING', 30_000);
      await page
        .locator('[data-testid=operation-progress]')
        .getByRole('heading', { name: 'Scale' })
        .waitFor();
      await journey.screenshot(page, 'scaling');
      await untilStatus(page, 'RUNNING');
      await page.getByText('Kafka 4.3.0 · 4 brokers').waitFor();
      expect(await stillSamePage(page)).toBe(true);
      await journey.screenshot(page, 'scaled');
    }),
  );

  it(
    ...journey.step(
      'approves the proposed upgrade for as soon as possible, and watches it roll',
      async () => {
        const proposal = page.locator('[data-testid=upgrade-proposal][data-state=PROPOSED]');
        await proposal.getByText('Kafka 4.3.0 → 4.3.1').waitFor({ timeout: 60_000 });
        await journey.screenshot(page, 'upgrade-proposed');
        await proposal.getByRole('button', { name: 'Approve…' }).click();
        const dialog = page.getByRole('dialog', { name: 'Upgrade to Kafka 4.3.1' });
        await dialog.getByText('As soon as possible').click();
        await dialog.getByRole('button', { name: 'Approve upgrade' }).click();
        await page.locator('[data-testid=upgrade-proposal][data-state=SCHEDULED]').waitFor();
        await journey.screenshot(page, 'upgrade-scheduled');
        await untilStatus(page, 'UPDATING', 90_000);
        await page
          .locator('[data-testid=operation-progress]')
          .getByRole('heading', { name: 'Kafka upgrade' })
          .waitFor();
        await journey.screenshot(page, 'upgrading');
        await untilStatus(page, 'RUNNING', 120_000);
        await page.getByText('Kafka 4.3.1 · 4 brokers').waitFor();
        await page.locator('[data-testid=upgrade-proposal][data-state=DONE]').waitFor();
        expect(await stillSamePage(page)).toBe(true);
        await journey.screenshot(page, 'upgraded');
      },
    ),
  );

  it(
    ...journey.step(
      'rotates the agent token, revoking the old one; the update that delivers it runs live',
      async () => {
        await page.getByRole('button', { name: 'Rotate agent token…' }).click();
        const dialog = page.getByRole('dialog', { name: 'Rotate the agent token' });
        await dialog.getByLabel(/Stop the current token at once/).check();
        await dialog.getByRole('button', { name: 'Rotate token' }).click();
        await dialog.waitFor({ state: 'hidden' });
        await page
          .locator('[data-testid=operation-progress]')
          .getByRole('heading', { name: 'Update' })
          .waitFor();
        await untilStatus(page, 'RUNNING', 120_000);
        await page
          .locator('[data-testid=operation-progress][data-operation-status=SUCCEEDED]')
          .waitFor({ timeout: 60_000 });
        expect(await stillSamePage(page)).toBe(true);
        await journey.screenshot(page, 'agent-token-rotated');
      },
    ),
  );

  it(
    ...journey.step('destroys it after typing its name, told what is kept', async () => {
      await page.getByRole('button', { name: 'Destroy' }).click();
      const dialog = page.getByRole('dialog', { name: 'Destroy events?' });
      await dialog.getByText('What is kept').waitFor();
      const destroyButton = dialog.getByRole('button', { name: 'Destroy deployment' });
      expect(await destroyButton.isDisabled()).toBe(true);
      await dialog.getByRole('textbox', { name: /to confirm/ }).fill('events');
      await journey.screenshot(page, 'destroy-confirm');
      await destroyButton.click();
      await dialog.getByTestId('destroy-result').waitFor();
      await dialog.getByText(/4 broker volumes of 500 GiB/).waitFor();
      await journey.screenshot(page, 'destroy-kept');
      await dialog.getByRole('button', { name: 'Done' }).click();
      await untilStatus(page, 'DESTROYED');
      expect(await stillSamePage(page)).toBe(true);
      expect(await page.getByRole('button', { name: 'Destroy' }).count()).toBe(0);
      await journey.screenshot(page, 'destroyed');
      expect(journey.consoleErrors).toEqual([]);
    }),
  );
});
