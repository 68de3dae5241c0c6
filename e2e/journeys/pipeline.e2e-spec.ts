// Journey 5: a pipeline on a local deployment — built stage by stage in the dashboard (MQTT source → filter
// → Kafka sink), deployed through the queue, and watched live: the simulated agent's checkpoints move the
// throughput and lag on the page, which is never reloaded.
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
import { untilFigureMoves, untilPipelineStatus } from '../support/pipelines';

describe('journey 5: a pipeline, built, deployed and watched live', () => {
  const journey = new Journey('5-pipeline');
  const member = newPerson('builder');
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
    ...journey.step('a local deployment runs', async () => {
      await signUp(page, member);
      const accountId = await apiConnectVerifiedAwsAccount(context, 'Plant floor');
      const deploymentId = await apiOrderDeployment(context, accountId, 'plant');
      await page.goto(`/deployments/${deploymentId}`);
      await heading(page, 'plant');
      await untilStatus(page, 'RUNNING');
    }),
  );

  it(
    ...journey.step('builds an MQTT → filter → Kafka pipeline, checked before it is sent', async () => {
      await page.getByRole('tab', { name: 'Pipelines' }).click();
      await page.getByText('No pipelines on this deployment yet.').waitFor();
      await page.getByRole('link', { name: 'New pipeline' }).click();
      await heading(page, 'New pipeline');
      // Sent as it stands, the first draft is refused here, field by field, before anything reaches the api.
      await page.getByRole('button', { name: 'Create and deploy' }).click();
      await page.getByText('An mqtt:// or mqtts:// URL with a host.').waitFor();
      await page.getByText(/fields need fixing/).waitFor();
      await journey.screenshot(page, 'builder-checked');

      await page.getByLabel('Pipeline name').fill('telemetry');
      await page.getByLabel('Broker URL').fill('mqtts://broker.plant.example:8883');
      await page.getByLabel('Condition 1 field').fill('temperature');
      await page.getByLabel('Topic to write').fill('alerts');
      await page
        .getByTestId('stage-1-topics')
        .getByText('Reads telemetry.ingest → writes telemetry.filter')
        .waitFor();
      await journey.screenshot(page, 'builder-filled');
      await page.getByRole('button', { name: 'Create and deploy' }).click();
      await heading(page, 'telemetry');
      await markPage(page);
    }),
  );

  it(
    ...journey.step(
      'deploys it: the operation runs on the deployment, the pipeline becomes RUNNING',
      async () => {
        await page.getByText('Simulated figures.').waitFor();
        await untilPipelineStatus(page, 'RUNNING');
        await journey.screenshot(page, 'pipeline-running');
      },
    ),
  );

  it(
    ...journey.step('watches throughput and lag move with the agent’s checkpoints', async () => {
      const throughput = await untilFigureMoves(page, 'pipeline-throughput');
      // Simulated consumers commit every 5 s, as real ones do: the uncommitted part of the flow is lag.
      const lag = await untilFigureMoves(page, 'pipeline-lag');
      expect(throughput.next).not.toBe(throughput.first);
      expect(lag.next).not.toBe(lag.first);
      await page.getByTestId('live-chart').waitFor({ timeout: 60_000 });
      expect(await stillSamePage(page)).toBe(true);
      await page.mouse.move(0, 0); // no chart tooltip in the picture
      await journey.screenshot(page, 'pipeline-live');
    }),
    5 * 60_000,
  );

  it(
    ...journey.step('pauses and resumes it, each change an operation followed on the page', async () => {
      await page.getByRole('button', { name: 'Pause' }).click();
      await untilPipelineStatus(page, 'PAUSED');
      await journey.screenshot(page, 'pipeline-paused');
      await page.getByRole('button', { name: 'Resume' }).click();
      await untilPipelineStatus(page, 'RUNNING');
      expect(await stillSamePage(page)).toBe(true);
    }),
  );

  it(
    ...journey.step('the deployment lists it with its figures', async () => {
      await page.getByRole('link', { name: '← plant' }).click();
      await heading(page, 'plant');
      // The link opens the deployment on its Pipelines tab.
      await page.getByRole('tab', { name: 'Pipelines', selected: true }).waitFor();
      await page.getByTestId('pipeline-row-telemetry').getByText('Running').waitFor();
      await journey.screenshot(page, 'deployment-pipelines');
      expect(journey.consoleErrors).toEqual([]);
    }),
  );
});
