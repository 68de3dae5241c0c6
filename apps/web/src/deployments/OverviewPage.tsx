import { Anchor, Button, Card, EmptyState, Group, List, Stack, Switch, Table, Text } from '@mantine/core';
import { IconCloud, IconPlus, IconServer2 } from '@tabler/icons-react';
import { useCallback, useRef, useState } from 'react';
import { Link } from 'react-router';
import { useQuery, useSubscription } from 'urql';
import { useRereadOnReconnect } from '../api/use-live';
import { currentPeriodEstimateQuery } from '../billing/billing.graphql';
import { spendByDeployment } from '../billing/billing-model';
import { OverviewCredits } from '../billing/OverviewCredits';
import { formatCents } from '../components/format';
import { can } from '../auth/permissions';
import { useSession } from '../auth/session';
import { cloudAccountsQuery } from '../cloud-accounts/cloud-accounts.graphql';
import { PageHeader } from '../components/PageHeader';
import { QueryView } from '../components/QueryView';
import { RelativeTime } from '../components/RelativeTime';
import type { DeploymentsQuery } from '../generated/graphql';
import { deploymentsChangedSubscription, deploymentsQuery } from './deployments.graphql';
import { applyListEvent, type ListRow } from './live-state';
import { CLOUD_LABEL, DeploymentStatusBadge, SimulatedBadge } from './StatusBadge';

type Row = DeploymentsQuery['deployments'][number] & ListRow;

const OPERATION_LABEL = {
  CREATE: 'Creating',
  UPDATE: 'Updating',
  SCALE: 'Scaling',
  UPGRADE: 'Upgrading',
  DESTROY: 'Destroying',
  PREVIEW: 'Previewing',
  PIPELINE: 'Changing a pipeline',
  REPLICATION: 'Changing replication',
} as const;

export function OverviewPage() {
  const { role } = useSession();
  const [result, reexecute] = useQuery({ query: deploymentsQuery });
  const reread = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  useRereadOnReconnect(reread);
  const rows = useLiveRows(result.data, reread);
  const [estimate] = useQuery({ query: currentPeriodEstimateQuery });
  const spend = estimate.data ? spendByDeployment(estimate.data.currentPeriodEstimate.lines) : undefined;

  return (
    <>
      <PageHeader
        title="Deployments"
        description="Kafka clusters running in your cloud accounts. Status updates as it happens."
        actions={
          can(role, 'Mutation.createDeployment') && (
            <Button component={Link} to="/deployments/new" leftSection={<IconPlus size={16} aria-hidden />}>
              New deployment
            </Button>
          )
        }
      />
      <Stack gap="lg">
        <OverviewCredits />
        <QueryView result={result} retry={reread} loadingLabel="Loading deployments…">
          {(data) =>
            data.deployments.length === 0 ? <GettingStarted /> : <DeploymentTable rows={rows} spend={spend} />
          }
        </QueryView>
      </Stack>
    </>
  );
}

function rowsOf(data: DeploymentsQuery | undefined): Row[] {
  return (data?.deployments ?? []).map((row) => ({ ...row, activeOperation: null }));
}

/** The list as last read, with every deploymentsChanged event since applied; a stranger re-reads it. */
function useLiveRows(data: DeploymentsQuery | undefined, reread: () => void): Row[] {
  const [live, setLive] = useState(() => ({ data, rows: rowsOf(data) }));
  const latest = useRef(live);
  let current = live;
  if (live.data !== data) {
    // A new read replaces whatever the events had built (derived state, set during render).
    current = { data, rows: rowsOf(data) };
    setLive(current);
  }
  latest.current = current;
  useSubscription({ query: deploymentsChangedSubscription }, (_previous: unknown, event) => {
    const applied = applyListEvent(latest.current.rows, event.deploymentsChanged);
    latest.current = { data: latest.current.data, rows: applied.rows };
    setLive(latest.current);
    if (applied.unknown) reread();
    return event;
  });
  return current.rows;
}

function DeploymentTable({ rows, spend }: { rows: Row[]; spend?: Map<string, bigint> }) {
  const [showDestroyed, setShowDestroyed] = useState(false);
  const destroyed = rows.filter((row) => row.status === 'DESTROYED');
  const visible = showDestroyed ? rows : rows.filter((row) => row.status !== 'DESTROYED');
  return (
    <Card p={0}>
      <Table.ScrollContainer minWidth={760}>
        <Table aria-label="Deployments">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Kafka</Table.Th>
              <Table.Th>Region</Table.Th>
              <Table.Th>Brokers</Table.Th>
              <Table.Th>Created</Table.Th>
              {spend && <Table.Th ta="right">This month</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {visible.map((row) => (
              <Table.Tr
                key={row.id}
                data-testid={`deployment-row-${row.name}`}
                opacity={row.status === 'DESTROYED' ? 0.6 : 1}
              >
                <Table.Td>
                  <Group gap="xs" wrap="nowrap">
                    <Anchor component={Link} to={`/deployments/${row.id}`} fw={600}>
                      {row.name}
                    </Anchor>
                    {row.simulated && <SimulatedBadge />}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Group gap={6} wrap="nowrap">
                    <DeploymentStatusBadge status={row.status} />
                    {row.activeOperation && (
                      <Text size="xs" c="dimmed">
                        {OPERATION_LABEL[row.activeOperation.type]}
                        {row.activeOperation.status === 'QUEUED' ? ' (queued)' : '…'}
                      </Text>
                    )}
                  </Group>
                  {row.status === 'FAILED' && row.statusMessage && (
                    <Text size="xs" c="red.8" lineClamp={1} maw={260}>
                      {row.statusMessage}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{row.kafkaVersion}</Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {CLOUD_LABEL[row.cloud]} · {row.region}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    {row.brokers} × {row.spec.nodeSize}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {row.spec.storagePerBrokerGiB} GiB each
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">
                    <RelativeTime value={row.createdAt} />
                  </Text>
                </Table.Td>
                {spend && (
                  <Table.Td ta="right">
                    <Text size="sm">{formatCents(spend.get(row.id) ?? 0n)}</Text>
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {destroyed.length > 0 && (
        <Group px="md" py="xs" style={{ borderTop: '1px solid var(--mantine-color-gray-3)' }}>
          <Switch
            size="xs"
            checked={showDestroyed}
            onChange={(event) => setShowDestroyed(event.currentTarget.checked)}
            label={`Show destroyed deployments (${destroyed.length})`}
          />
        </Group>
      )}
    </Card>
  );
}

/** No deployment yet: the two steps to the first one. */
function GettingStarted() {
  const { role } = useSession();
  const [accounts] = useQuery({ query: cloudAccountsQuery });
  const hasVerified = accounts.data?.cloudAccounts.some(
    (account) => account.verification.status === 'VERIFIED',
  );
  const canConnect = can(role, 'Mutation.connectAwsAccount');
  const canOrder = can(role, 'Mutation.createDeployment');
  return (
    <Card p="xl">
      <EmptyState
        icon={<IconServer2 size={28} aria-hidden />}
        title="No deployments yet"
        description={
          canOrder || canConnect
            ? 'Two steps to your first Kafka cluster:'
            : 'When your organization orders a deployment, it appears here.'
        }
      >
        {(canOrder || canConnect) && (
          <Stack align="center" gap="md">
            <List spacing="xs" type="ordered" size="sm" ta="left">
              <List.Item>
                Connect the AWS account or Azure subscription to deploy into{hasVerified ? ' — done.' : '.'}
              </List.Item>
              <List.Item>
                Choose a region, size and Kafka version; see the plan and its monthly cost; order.
              </List.Item>
            </List>
            <Group>
              {canConnect && !hasVerified && (
                <Button
                  component={Link}
                  to="/cloud-accounts/connect"
                  leftSection={<IconCloud size={16} aria-hidden />}
                >
                  Connect a cloud account
                </Button>
              )}
              {canOrder && hasVerified && (
                <Button
                  component={Link}
                  to="/deployments/new"
                  leftSection={<IconPlus size={16} aria-hidden />}
                >
                  New deployment
                </Button>
              )}
              {!canConnect && !hasVerified && (
                <Text size="sm" c="dimmed">
                  Ask an admin of your organization to connect a cloud account first.
                </Text>
              )}
            </Group>
          </Stack>
        )}
      </EmptyState>
    </Card>
  );
}
