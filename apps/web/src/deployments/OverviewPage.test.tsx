import { act, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { deployment, NOW } from '../test/fixtures';
import { fakeSession, FakeApi, renderPage } from '../test/render';
import { OverviewPage } from './OverviewPage';

const listed = (overrides: Record<string, unknown>) => {
  const { outputs: _outputs, engine: _engine, ...row } = deployment(overrides);
  return row;
};

function answers(rows: unknown[]) {
  return {
    Deployments: { data: { deployments: rows } },
    CloudAccounts: { data: { cloudAccounts: [] } },
    CreditBalance: { errors: [{ message: 'x', extensions: { code: 'INTERNAL', reason: 'INTERNAL' } }] },
    CurrentPeriodEstimate: {
      errors: [{ message: 'x', extensions: { code: 'INTERNAL', reason: 'INTERNAL' } }],
    },
  };
}

describe('the overview', () => {
  it('updates a deployment’s status from the live subscription, without reading the list again', async () => {
    const api = new FakeApi(answers([listed({ status: 'PROVISIONING' })]));
    renderPage({ route: '/', path: '/', element: <OverviewPage />, api, session: fakeSession('VIEWER') });
    const badge = await screen.findByText('Provisioning');
    expect(badge.closest('[data-status]')).toHaveAttribute('data-status', 'PROVISIONING');
    await waitFor(() => expect(api.subscribed('DeploymentsChanged')).toBe(1));
    const reads = api.calls('Deployments');
    act(() =>
      api.emit('DeploymentsChanged', {
        deploymentsChanged: {
          __typename: 'DeploymentStatusChanged',
          kind: 'DEPLOYMENT_STATUS',
          deploymentId: 'dep-1',
          at: '2026-11-22T10:05:00.000Z',
          status: 'RUNNING',
          generation: 1,
          observedGeneration: 1,
          message: null,
        },
      }),
    );
    expect(await screen.findByText('Running')).toBeInTheDocument();
    expect(api.calls('Deployments')).toBe(reads);
  });

  it('reads the list again when an event names a deployment it does not show (ordered elsewhere)', async () => {
    const api = new FakeApi(answers([listed({})]));
    renderPage({ route: '/', path: '/', element: <OverviewPage />, api, session: fakeSession('VIEWER') });
    await screen.findByText('orders');
    await waitFor(() => expect(api.subscribed('DeploymentsChanged')).toBe(1));
    act(() =>
      api.emit('DeploymentsChanged', {
        deploymentsChanged: {
          __typename: 'DeploymentStatusChanged',
          kind: 'DEPLOYMENT_STATUS',
          deploymentId: 'dep-new',
          at: NOW,
          status: 'PENDING',
          generation: 1,
          observedGeneration: 0,
          message: null,
        },
      }),
    );
    await waitFor(() => expect(api.calls('Deployments')).toBe(2));
  });

  it('offers a viewer no way to order, and says who can', async () => {
    const api = new FakeApi(answers([]));
    renderPage({ route: '/', path: '/', element: <OverviewPage />, api, session: fakeSession('VIEWER') });
    expect(
      await screen.findByText('When your organization orders a deployment, it appears here.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /new deployment/i })).toBeNull();
  });

  it('tells the first steps to an owner with nothing yet', async () => {
    const api = new FakeApi(answers([]));
    renderPage({ route: '/', path: '/', element: <OverviewPage />, api, session: fakeSession('OWNER') });
    expect(await screen.findByRole('link', { name: /connect a cloud account/i })).toBeInTheDocument();
  });
});
