import { screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Role } from '../generated/graphql';
import { deploymentPageAnswers, operation, pipeline, proposal } from '../test/fixtures';
import { fakeSession, FakeApi, renderPage } from '../test/render';
import { DeploymentPage } from './DeploymentPage';

function open(
  role: Role,
  answers = deploymentPageAnswers({ proposals: [proposal()] }),
  path = '/deployments/dep-1',
) {
  const api = new FakeApi(answers);
  renderPage({
    route: '/deployments/:deploymentId',
    path,
    element: <DeploymentPage />,
    api,
    session: fakeSession(role),
  });
  return api;
}

describe('the deployment page, by role', () => {
  it('shows a viewer no button they cannot use', async () => {
    open('VIEWER');
    await screen.findByRole('heading', { level: 1, name: 'orders' });
    await screen.findByText('Kafka 4.3.0 → 4.3.1');
    expect(screen.queryByRole('button', { name: /scale/i })).toBeNull();
    expect(screen.queryByRole('button', { name: /destroy/i })).toBeNull();
    expect(screen.queryByRole('button', { name: /approve/i })).toBeNull();
    expect(screen.queryByRole('button', { name: /decline/i })).toBeNull();
    expect(screen.queryByRole('button', { name: /rotate agent token/i })).toBeNull();
    expect(screen.getByText('An admin decides.')).toBeInTheDocument();
  });

  it('lets a member scale, but not destroy or decide upgrades', async () => {
    open('MEMBER');
    await screen.findByRole('button', { name: /scale/i });
    await screen.findByText('Kafka 4.3.0 → 4.3.1');
    expect(screen.queryByRole('button', { name: /destroy/i })).toBeNull();
    expect(screen.queryByRole('button', { name: /approve/i })).toBeNull();
    expect(screen.queryByRole('button', { name: /rotate agent token/i })).toBeNull();
  });

  it('gives an admin destroy and the upgrade decision', async () => {
    open('ADMIN');
    await screen.findByRole('button', { name: /destroy/i });
    expect(await screen.findByRole('button', { name: /approve/i })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /decline/i })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /rotate agent token/i })).toBeInTheDocument();
  });

  it('offers retry on the failed latest operation to members only', async () => {
    const answers = deploymentPageAnswers({
      deployment: { status: 'FAILED', statusMessage: 'The EKS cluster did not become ready.' },
      operations: [
        operation({ status: 'FAILED', errorCode: 'ENGINE_FAILED', errorMessage: 'quota exceeded' }),
      ],
    });
    open('MEMBER', answers);
    await screen.findByText('The EKS cluster did not become ready.');
    screen.getByRole('tab', { name: /operations/i }).click();
    expect(await screen.findByRole('button', { name: 'Retry' })).toBeInTheDocument();
    expect(screen.getByText('quota exceeded')).toBeInTheDocument();
  });

  it('marks a local-engine deployment as simulated', async () => {
    open('VIEWER');
    await screen.findByText(/Simulated deployment\./);
    await waitFor(() => expect(screen.getAllByText('Simulated').length).toBeGreaterThan(0));
  });
});

describe('the deployment page’s pipelines', () => {
  const withPipelines = (status = 'RUNNING') => ({
    ...deploymentPageAnswers({ deployment: { status } }),
    DeploymentPipelines: {
      data: {
        pipelines: [
          {
            ...pipeline({
              totals: { throughputPerSec: 61.5, totalLag: 90, observedAt: '2026-11-22T10:00:00.000Z' },
            }),
          },
        ],
        deployment: { id: 'dep-1', connectedAssets: { count: 56, periodStart: '2026-11-01T00:00:00.000Z' } },
      },
    },
  });

  it('lists them with status, throughput and lag on the tab the address names', async () => {
    open('VIEWER', withPipelines(), '/deployments/dep-1?tab=pipelines');
    const row = await screen.findByTestId('pipeline-row-telemetry');
    expect(row).toHaveTextContent('Running');
    expect(row).toHaveTextContent('61.5 msg/s');
    expect(row).toHaveTextContent('90 msg');
    expect(screen.getByTestId('deployment-connected-assets')).toHaveTextContent('56 devices');
    expect(screen.queryByRole('link', { name: /new pipeline/i })).toBeNull();
  });

  it('offers a member a new pipeline only while the deployment runs', async () => {
    open('MEMBER', withPipelines(), '/deployments/dep-1?tab=pipelines');
    expect(await screen.findByRole('link', { name: /new pipeline/i })).toHaveAttribute(
      'href',
      '/deployments/dep-1/pipelines/new',
    );
  });

  it('tells a member why there is no new pipeline while the deployment changes', async () => {
    open('MEMBER', withPipelines('UPDATING'), '/deployments/dep-1?tab=pipelines');
    expect(
      await screen.findByText('New pipelines can be created once the deployment is running.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /new pipeline/i })).toBeNull();
  });
});
