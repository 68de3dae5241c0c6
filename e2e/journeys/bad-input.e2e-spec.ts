// Journey 4: bad input in every form. Where only the api can tell (a taken name, an existing member, a
// used-up link), the form shows the api's reason as what to do; where the form can tell, it says so before
// sending anything. Either way nothing is created: the tables forms write to stay exactly as they were.
import type { BrowserContext, Page } from 'playwright-core';
import { Journey } from '../support/browser';
import {
  apiConnectVerifiedAwsAccount,
  apiOrderDeployment,
  chooseMulti,
  gql,
  heading,
  navigate,
  newPerson,
  signIn,
  signUp,
  untilStatus,
} from '../support/dashboard';
import { tableDigests } from '../support/database';

describe('journey 4: bad input shows the reason, and nothing is created', () => {
  const journey = new Journey('4-bad-input');
  const owner = newPerson('owner');
  let page: Page;
  let context: BrowserContext;
  let strangerPage: Page;
  let strangerContext: BrowserContext;
  let deploymentId: string;

  /** Runs `act`, then checks that no table a form writes to changed. */
  async function nothingCreated(act: () => Promise<void>): Promise<void> {
    const before = await tableDigests();
    await act();
    expect(await tableDigests()).toEqual(before);
  }

  const alert = (target: Page) => target.getByRole('alert').first();

  beforeAll(async () => {
    await journey.start();
    ({ page, context } = await journey.person());
    ({ page: strangerPage, context: strangerContext } = await journey.person());
    await signUp(page, owner);
    const accountId = await apiConnectVerifiedAwsAccount(context, 'Production');
    deploymentId = await apiOrderDeployment(context, accountId, 'orders');
    await page.goto(`/deployments/${deploymentId}`);
    await untilStatus(page, 'RUNNING');
  });
  afterAll(async () => {
    await context?.close();
    await strangerContext?.close();
    await journey.stop();
  });

  it(
    ...journey.step('sign-up with an email that has an account', async () => {
      await nothingCreated(async () => {
        await strangerPage.goto('/sign-up');
        await strangerPage.getByLabel('Your name').fill('Someone Else');
        await strangerPage.getByLabel('Work email').fill(owner.email);
        await strangerPage.getByLabel('Organization name').fill('Another Org');
        await strangerPage.getByRole('textbox', { name: 'Password' }).fill('another long passphrase');
        await strangerPage.getByRole('button', { name: 'Create account' }).click();
        await alert(strangerPage)
          .getByText('An account with this email exists already. Sign in instead.')
          .waitFor();
      });
      await journey.screenshot(strangerPage, 'sign-up-email-taken');
    }),
  );

  it(
    ...journey.step('sign-in with a wrong password', async () => {
      await nothingCreated(async () => {
        await strangerPage.goto('/sign-in');
        await signIn(strangerPage, owner.email, 'not the password at all');
        await alert(strangerPage)
          .getByText('The email or password is not correct. Check both, or create an account.')
          .waitFor();
      });
      await journey.screenshot(strangerPage, 'sign-in-wrong-password');
    }),
  );

  it(
    ...journey.step('connecting a cloud account under a name already used', async () => {
      await page.goto('/cloud-accounts/connect');
      await page.getByRole('button', { name: 'Continue' }).click();
      await nothingCreated(async () => {
        await page.getByRole('textbox', { name: 'Name' }).fill('Production');
        await page.getByLabel('IAM role ARN').fill('arn:aws:iam::210987654321:role/streamplane');
        await chooseMulti(page, 'Regions deployments may use', ['eu-west-1']);
        await page.getByRole('button', { name: 'Connect and show what to grant' }).click();
        await alert(page)
          .getByText('Another cloud account has this name. Choose a different name.')
          .waitFor();
      });
      await journey.screenshot(page, 'connect-name-taken');
      // What only the form can tell: it says so and sends nothing.
      await nothingCreated(async () => {
        await page.getByLabel('IAM role ARN').fill('arn:aws:iam::123:role/too-short-account');
        await page.getByRole('button', { name: 'Connect and show what to grant' }).click();
        await page.getByText(/Enter an IAM role ARN, like/).waitFor();
      });
    }),
  );

  it(
    ...journey.step('ordering a deployment under a name already used', async () => {
      await navigate(page, 'Overview');
      await page.getByRole('link', { name: 'New deployment' }).click();
      await heading(page, 'New deployment');
      await nothingCreated(async () => {
        await page.getByRole('textbox', { name: 'Name' }).fill('Bad_Name');
        await page.getByRole('button', { name: 'Preview plan and cost' }).click();
        await page
          .getByText(
            'Must be lower-case letters, digits and hyphens, start with a letter and end with a letter or digit',
          )
          .waitFor();
        await page.getByRole('textbox', { name: 'Name' }).fill('orders');
        await page.getByRole('button', { name: 'Preview plan and cost' }).click();
        await page.getByTestId('plan-preview').waitFor();
        await page.getByRole('button', { name: 'Order deployment' }).click();
        await alert(page)
          .getByText('A deployment with this name exists already. Choose a different name.')
          .waitFor();
      });
      await journey.screenshot(page, 'order-name-taken');
    }),
  );

  it(
    ...journey.step('scaling without a change, and removing a cloud account in use', async () => {
      await page.goto(`/deployments/${deploymentId}`);
      await page.getByRole('button', { name: 'Scale' }).click();
      const dialog = page.getByRole('dialog', { name: 'Scale the deployment' });
      await nothingCreated(async () => {
        await dialog.getByRole('button', { name: 'Preview change' }).click();
        await dialog.getByText('Change the brokers or the storage').waitFor();
        await dialog.getByRole('textbox', { name: /Storage per broker/ }).fill('100');
        await dialog.getByRole('button', { name: 'Preview change' }).click();
        await dialog.getByText(/Storage can only grow/).waitFor();
      });
      await journey.screenshot(page, 'scale-refused');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await page.getByRole('link', { name: 'Production' }).click();
      await heading(page, 'Production');
      await nothingCreated(async () => {
        await page.getByRole('button', { name: 'Remove' }).click();
        await page.getByRole('dialog').getByRole('button', { name: 'Remove account' }).click();
        await alert(page)
          .getByText('Deployments use this cloud account. Destroy them before removing it.')
          .waitFor();
      });
      await journey.screenshot(page, 'remove-account-in-use');
      await page.getByRole('dialog').getByRole('button', { name: 'Keep it' }).click();
    }),
  );

  it(
    ...journey.step('inviting someone who is a member already, and a used-up invitation link', async () => {
      await navigate(page, 'Organization');
      await page.getByRole('tab', { name: 'Invitations' }).click();
      await nothingCreated(async () => {
        await page.getByRole('textbox', { name: 'Email' }).fill(owner.email);
        await page.getByRole('button', { name: 'Create invitation' }).click();
        await alert(page)
          .getByText(/This person is a member already/)
          .waitFor();
      });
      await journey.screenshot(page, 'invite-member-already');
      await nothingCreated(async () => {
        await page.goto('/invitations/accept?token=not-a-real-invitation-token');
        await page.getByRole('button', { name: 'Join organization' }).click();
        await alert(page)
          .getByText(/^This invitation is not valid: it was withdrawn/)
          .waitFor();
      });
      await journey.screenshot(page, 'invitation-not-valid');
    }),
  );

  it(
    ...journey.step('an API token expiring in the past', async () => {
      await page.goto('/organization/api-tokens');
      await nothingCreated(async () => {
        await page.getByRole('textbox', { name: 'Name' }).fill('ci');
        await page.getByLabel('Expires (optional)').fill('2020-01-01');
        await page.getByRole('button', { name: 'Create token' }).click();
        await page.getByText('Choose a date in the future').waitFor();
      });
      await journey.screenshot(page, 'token-expiry-past');
      // The api refuses the same when asked directly: the form's rule is the api's.
      const refused = await gql(
        context,
        `mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { secret } }`,
        { input: { name: 'ci', scopes: ['READ'], expiresAt: '2020-01-01T00:00:00Z' } },
      );
      expect(refused.errors?.[0]?.extensions.code).toBe('BAD_USER_INPUT');
      expect(journey.consoleErrors).toEqual([]);
    }),
  );
});
