import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { Role } from '../generated/graphql';
import { NOW } from '../test/fixtures';
import { fakeSession, FakeApi, renderPage } from '../test/render';
import { ReplicationPage } from './ReplicationPage';

const settings = {
  deploymentId: 'dep-west',
  deploymentName: 'orders-west',
  bootstrapServers: 'kafka.west.example.com:9094',
  bootstrapInternal: 'streamplane-kafka-bootstrap.kafka.svc:9093',
  topics: [{ selection: 'orders', consumeOnActive: ['orders', 'orders-east.orders'] }],
  notes: ['Consumer groups resume at the offsets the checkpoint connector synced.'],
};

function link(overrides: Record<string, unknown> = {}) {
  return {
    id: 'link-1',
    sourceDeploymentId: 'dep-east',
    targetDeploymentId: 'dep-west',
    mode: 'ONE_WAY',
    topicNaming: 'PREFIXED',
    topics: ['orders'],
    consumerGroups: ['*'],
    status: 'ACTIVE',
    statusMessage: null,
    activeDeploymentId: 'dep-east',
    generation: 1,
    flows: [{ fromDeploymentId: 'dep-east', toDeploymentId: 'dep-west', paused: false }],
    steps: [
      { at: NOW, action: 'CREATE', detail: 'Mirroring orders-east → orders-west set up.', operationIds: [] },
    ],
    health: {
      verdict: 'LAGGING',
      directions: [
        {
          fromDeploymentId: 'dep-east',
          toDeploymentId: 'dep-west',
          paused: false,
          verdict: 'LAGGING',
          observedAt: NOW,
          ageSeconds: 5,
          maxLag: 25_000,
          totalLag: 25_000,
          lastCheckpointAgeSeconds: 12,
          topics: [{ topic: 'orders', lag: 25_000 }],
        },
      ],
    },
    clientSettings: settings,
    operations: [],
    createdAt: NOW,
    updatedAt: NOW,
    ...overrides,
  };
}

const deployments = [
  {
    id: 'dep-east',
    name: 'orders-east',
    status: 'RUNNING',
    region: 'us-east-1',
    simulated: true,
    spec: { externalListener: true, clientAuthentication: 'SCRAM_SHA_512' },
  },
  {
    id: 'dep-west',
    name: 'orders-west',
    status: 'RUNNING',
    region: 'us-west-2',
    simulated: true,
    spec: { externalListener: true, clientAuthentication: 'SCRAM_SHA_512' },
  },
];

function open(
  role: Role,
  failover?: (variables: Record<string, unknown>) => { data?: unknown; errors?: unknown[] },
) {
  const api = new FakeApi({
    ReplicationLinks: { data: { replicationLinks: [link()] } },
    LinkableDeployments: { data: { deployments } },
    FailoverReplicationLink: (variables) => failover?.(variables) ?? { data: null },
  });
  renderPage({
    route: '/replication',
    path: '/replication',
    element: <ReplicationPage />,
    api,
    session: fakeSession(role),
  });
  return api;
}

describe('the replication page', () => {
  it('shows each link’s direction, regions, health per topic and where clients belong', async () => {
    open('VIEWER');
    const card = await screen.findByRole('article', { name: 'Link orders-east and orders-west' });
    expect(within(card).getByText(/us-east-1 → us-west-2/)).toBeInTheDocument();
    expect(within(card).getAllByText('Lagging').length).toBeGreaterThan(0);
    expect(within(card).getByText('25000 msg behind')).toBeInTheDocument();
    expect(within(card).getByTestId('link-active')).toHaveTextContent('orders-east');
    expect(within(card).queryByRole('button', { name: /Fail over/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'New link' })).toBeNull();
  });

  it('walks an admin through a failover: pre-checks, a refusal that can be forced, then the client settings', async () => {
    const api = open('ADMIN', (variables) =>
      variables.force
        ? {
            data: {
              failoverReplicationLink: {
                link: {
                  id: 'link-1',
                  status: 'FAILING_OVER',
                  activeDeploymentId: 'dep-west',
                  steps: [
                    { at: NOW, action: 'CREATE', detail: 'Mirroring set up.', operationIds: [] },
                    {
                      at: NOW,
                      action: 'FAILOVER',
                      detail: 'Mirroring into orders-west paused (forced).',
                      operationIds: ['op-9'],
                    },
                  ],
                },
                operations: [{ id: 'op-9', deploymentId: 'dep-west', status: 'QUEUED' }],
                prechecks: [
                  {
                    check: 'LAG_WITHIN_BOUND',
                    passed: false,
                    detail: 'Largest topic lag 25000 messages (at most 1000).',
                  },
                ],
                forced: true,
                nextStep: 'Move clients to orders-west.',
                clientSettings: settings,
              },
            },
          }
        : {
            errors: [
              {
                message: 'Pre-checks failed',
                extensions: {
                  code: 'CONFLICT',
                  reason: 'FAILOVER_PRECHECKS_FAILED',
                  fields: [
                    {
                      field: 'prechecks',
                      code: 'LAG_WITHIN_BOUND',
                      message: 'Largest topic lag 25000 messages (at most 1000).',
                    },
                  ],
                },
              },
            ],
          },
    );
    fireEvent.click(await screen.findByRole('button', { name: 'Fail over…' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByRole('table', { name: /Pre-checks/ })).toHaveTextContent('25000 messages');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Continue' }));
    fireEvent.click(within(dialog).getByRole('button', { name: 'Fail over' }));
    expect(await within(dialog).findByText(/Mirroring has caught up/)).toBeInTheDocument();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Force fail over' }));
    const result = await within(dialog).findByTestId('switch-result');
    expect(within(result).getByText('Switched past failed pre-checks')).toBeInTheDocument();
    expect(within(result).getByLabelText('Client settings for orders-west')).toHaveTextContent(
      'bootstrap.servers=kafka.west.example.com:9094',
    );
    expect(within(result).getByText('Mirroring into orders-west paused (forced).')).toBeInTheDocument();
    await waitFor(() => expect(api.calls('FailoverReplicationLink')).toBe(2));
    expect(
      api.requests.filter((r) => r.operationName === 'FailoverReplicationLink').map((r) => r.variables.force),
    ).toEqual([false, true]);
  });
});
