import {
  Badge,
  Button,
  Card,
  Group,
  Progress,
  ScrollArea,
  SegmentedControl,
  Stack,
  Table,
  Text,
  Timeline,
  Title,
} from '@mantine/core';
import { IconCheck, IconClock, IconPlayerPlay, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { formatDuration, RelativeTime } from '../../components/RelativeTime';
import type { OperationsQuery, OperationStatus } from '../../generated/graphql';
import {
  countResources,
  resourceStateLabel,
  type OperationResources,
  type OperationRow,
  type ResourceRow,
} from '../live-state';
import { OperationStatusBadge } from '../StatusBadge';

type Operation = OperationsQuery['operations']['items'][number];

export const OPERATION_TITLE = {
  CREATE: 'Create',
  UPDATE: 'Update',
  SCALE: 'Scale',
  UPGRADE: 'Kafka upgrade',
  DESTROY: 'Destroy',
  PREVIEW: 'Preview',
  PIPELINE: 'Pipeline change',
  REPLICATION: 'Replication change',
} as const;

const STATE_COLOR = { PENDING: 'gray', IN_PROGRESS: 'blue', SUCCEEDED: 'teal', FAILED: 'red' } as const;

type Filter = 'all' | 'active' | 'failed';

/** The operation on display: its timeline, and each resource as the events move it. */
export function OperationProgress(props: {
  operation: Operation;
  live?: OperationRow;
  resources: OperationResources;
  /** The operation's stored events are still being read. */
  loading?: boolean;
}) {
  const { operation, resources } = props;
  // The live event is newer than the row until the row is re-read.
  const rowAt = operation.finishedAt ?? operation.startedAt ?? operation.queuedAt;
  const status: OperationStatus =
    props.live && Date.parse(props.live.at) > Date.parse(rowAt) ? props.live.status : operation.status;
  const counts = countResources(resources);
  const done = counts.succeeded + counts.failed;
  const [filter, setFilter] = useState<Filter>('all');
  const finished = status === 'SUCCEEDED' || status === 'CANCELLED';
  const [expanded, setExpanded] = useState(!finished);
  const rows = resources.order
    .map((urn) => resources.resources[urn])
    .filter(
      (row) =>
        filter === 'all' ||
        (filter === 'failed'
          ? row.state === 'FAILED'
          : row.state === 'IN_PROGRESS' || row.state === 'PENDING'),
    );
  const running = status === 'RUNNING';
  return (
    <Card p="lg" data-testid="operation-progress" data-operation-status={status}>
      <Group justify="space-between" mb="md">
        <Group gap="sm">
          <Title order={2} size="h4">
            {OPERATION_TITLE[operation.type]}
          </Title>
          <OperationStatusBadge status={status} />
          {operation.attempt > 1 && (
            <Badge variant="outline" color="gray" size="sm">
              attempt {operation.attempt}
            </Badge>
          )}
        </Group>
        <Text size="sm" c="dimmed">
          {operation.startedAt
            ? `${running ? 'Running for' : 'Took'} ${formatDuration(operation.startedAt, running ? null : operation.finishedAt)}`
            : ''}
        </Text>
      </Group>
      <Group align="flex-start" gap="xl" wrap="wrap">
        <Timeline
          active={timelineStep(status, operation)}
          bulletSize={22}
          lineWidth={2}
          miw={220}
          aria-label="Operation timeline"
        >
          <Timeline.Item bullet={<IconClock size={12} aria-hidden />} title="Queued">
            <Text size="xs" c="dimmed">
              <RelativeTime value={operation.queuedAt} />
              {operation.notBefore && Date.parse(operation.notBefore) > Date.now() && (
                <>
                  {' '}
                  · starts <RelativeTime value={operation.notBefore} />
                </>
              )}
            </Text>
          </Timeline.Item>
          <Timeline.Item bullet={<IconPlayerPlay size={12} aria-hidden />} title="Started">
            <Text size="xs" c="dimmed">
              {operation.startedAt ? <RelativeTime value={operation.startedAt} /> : 'not yet'}
            </Text>
          </Timeline.Item>
          <Timeline.Item bullet={<Text size="xs">{counts.total}</Text>} title="Resources">
            <Text size="xs" c="dimmed">
              {done} of {counts.total} done{counts.inProgress ? `, ${counts.inProgress} in progress` : ''}
              {counts.failed ? `, ${counts.failed} failed` : ''}
            </Text>
          </Timeline.Item>
          <Timeline.Item
            bullet={
              status === 'FAILED' || status === 'CANCELLED' ? (
                <IconX size={12} aria-hidden />
              ) : (
                <IconCheck size={12} aria-hidden />
              )
            }
            color={status === 'FAILED' ? 'red' : status === 'CANCELLED' ? 'orange' : undefined}
            title={
              status === 'SUCCEEDED'
                ? 'Succeeded'
                : status === 'FAILED'
                  ? 'Failed'
                  : status === 'CANCELLED'
                    ? 'Cancelled'
                    : 'Finished'
            }
          >
            <Text size="xs" c={status === 'FAILED' ? 'red.8' : 'dimmed'}>
              {operation.finishedAt ? <RelativeTime value={operation.finishedAt} /> : 'not yet'}
            </Text>
          </Timeline.Item>
        </Timeline>
        <Stack gap="xs" style={{ flex: 1, minWidth: 320 }}>
          <Progress.Root size="lg" aria-label={`${done} of ${counts.total} resources done`}>
            <Progress.Section
              value={counts.total ? (counts.succeeded / counts.total) * 100 : 0}
              color="teal"
            />
            <Progress.Section value={counts.total ? (counts.failed / counts.total) * 100 : 0} color="red" />
            <Progress.Section
              value={counts.total ? (counts.inProgress / counts.total) * 100 : 0}
              color="blue"
              animated={running}
              striped
            />
          </Progress.Root>
          <Group justify="space-between">
            <Group gap="xs">
              <Legend color="teal" label={`${counts.succeeded} done`} />
              <Legend color="blue" label={`${counts.inProgress} in progress`} />
              <Legend color="gray" label={`${counts.pending} waiting`} />
              {counts.failed > 0 && <Legend color="red" label={`${counts.failed} failed`} />}
            </Group>
            <SegmentedControl
              size="xs"
              value={filter}
              onChange={(value) => setFilter(value)}
              data={[
                { value: 'all', label: 'All' },
                { value: 'active', label: 'Not done' },
                { value: 'failed', label: 'Failed' },
              ]}
              aria-label="Show resources"
            />
          </Group>
          {props.loading && counts.total === 0 ? (
            <Text size="sm" c="dimmed" py="sm" role="status">
              Loading the resources…
            </Text>
          ) : expanded || !finished ? (
            <ResourceTable
              rows={rows}
              empty={
                counts.total === 0
                  ? running
                    ? 'Waiting for the first resource…'
                    : 'No resource events.'
                  : 'None.'
              }
            />
          ) : (
            <Button variant="subtle" size="xs" onClick={() => setExpanded(true)} w="fit-content">
              Show the {counts.total} resources
            </Button>
          )}
        </Stack>
      </Group>
    </Card>
  );
}

function timelineStep(status: OperationStatus, operation: Operation): number {
  if (status === 'SUCCEEDED' || status === 'FAILED' || status === 'CANCELLED') return 3;
  if (status === 'RUNNING') return 2;
  return operation.startedAt ? 1 : 0;
}

function Legend({ color, label }: { color: string; label: string }) {
  return (
    <Group gap={4} wrap="nowrap">
      <span
        style={{ width: 8, height: 8, borderRadius: 4, background: `var(--mantine-color-${color}-6)` }}
        aria-hidden
      />
      <Text size="xs" c="dimmed">
        {label}
      </Text>
    </Group>
  );
}

function ResourceTable({ rows, empty }: { rows: ResourceRow[]; empty: string }) {
  if (rows.length === 0) {
    return (
      <Text size="sm" c="dimmed" py="sm">
        {empty}
      </Text>
    );
  }
  return (
    <ScrollArea.Autosize mah={360} type="auto">
      <Table fz="xs" verticalSpacing={3} stickyHeader aria-label="Resources of the operation" aria-live="off">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Resource</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th w={100}>State</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={row.urn} data-state={row.state}>
              <Table.Td>
                <Text size="xs" fw={500}>
                  {row.name}
                </Text>
                {row.state === 'FAILED' && row.message && (
                  <Text size="xs" c="red.8">
                    {row.message}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="xs" c="dimmed" className="sp-mono">
                  {row.type}
                </Text>
              </Table.Td>
              <Table.Td>
                <Badge
                  size="xs"
                  variant="light"
                  color={STATE_COLOR[row.state]}
                  tt="none"
                  style={{ whiteSpace: 'nowrap' }}
                >
                  {resourceStateLabel(row)}
                </Badge>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea.Autosize>
  );
}
