import { Anchor, Button, Card, Code, Group, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useMutation } from 'urql';
import { toApiError, type ApiError } from '../../api/api-error';
import { unwrap } from '../../api/forms';
import { can } from '../../auth/permissions';
import { useSession } from '../../auth/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDuration, RelativeTime } from '../../components/RelativeTime';
import type { OperationsQuery } from '../../generated/graphql';
import { cancelOperationMutation, retryOperationMutation } from '../deployments.graphql';
import { OperationStatusBadge } from '../StatusBadge';
import { OPERATION_TITLE } from './OperationProgress';

type Operation = OperationsQuery['operations']['items'][number];

/** Every operation of the deployment, newest first, with its error; retry the latest failed one. */
export function OperationHistory(props: {
  operations: Operation[];
  shownOperationId?: string;
  onShow: (operationId: string) => void;
}) {
  const { role } = useSession();
  const [retryState, retry] = useMutation(retryOperationMutation);
  const [cancelState, cancel] = useMutation(cancelOperationMutation);
  const [error, setError] = useState<ApiError>();
  const latest = props.operations[0];
  const run = async (what: 'retry' | 'cancel', operationId: string) => {
    setError(undefined);
    try {
      if (what === 'retry') {
        unwrap(await retry({ operationId }));
        notifications.show({ color: 'blue', message: 'Retrying: a new attempt is queued.' });
      } else {
        unwrap(await cancel({ operationId }));
        notifications.show({ color: 'orange', message: 'Cancellation requested.' });
      }
    } catch (caught) {
      setError(toApiError(caught));
    }
  };
  return (
    <Card p="lg">
      <Title order={2} size="h4" mb="md">
        Operation history
      </Title>
      {error && <ErrorAlert error={error} />}
      <Table.ScrollContainer minWidth={720}>
        <Table aria-label="Operation history" verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Operation</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Queued</Table.Th>
              <Table.Th>Duration</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {props.operations.map((operation) => {
              const isLatest = operation.id === latest?.id;
              const retryable =
                isLatest && (operation.status === 'FAILED' || operation.status === 'CANCELLED');
              const cancellable =
                (operation.status === 'QUEUED' || operation.status === 'RUNNING') &&
                !operation.cancelRequestedAt;
              return (
                <Table.Tr
                  key={operation.id}
                  data-testid={`operation-${operation.type}`}
                  bg={operation.id === props.shownOperationId ? 'var(--mantine-color-indigo-0)' : undefined}
                >
                  <Table.Td>
                    <Stack gap={2}>
                      <Text size="sm" fw={500}>
                        {OPERATION_TITLE[operation.type]}
                        {operation.attempt > 1 ? ` · attempt ${operation.attempt}` : ''}
                      </Text>
                      {operation.rebalanceFirst && (
                        <Text size="xs" c="dimmed">
                          Rebalances replicas off the removed brokers first
                        </Text>
                      )}
                      {operation.errorMessage && (
                        <Text size="xs" c="red.8">
                          {operation.errorCode && <Code mr={4}>{operation.errorCode}</Code>}
                          {operation.errorMessage}
                        </Text>
                      )}
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <OperationStatusBadge status={operation.status} />
                    {operation.cancelRequestedAt && operation.status === 'RUNNING' && (
                      <Text size="xs" c="dimmed">
                        stopping at the next safe point
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      <RelativeTime value={operation.queuedAt} />
                    </Text>
                    {operation.notBefore && operation.status === 'QUEUED' && (
                      <Text size="xs" c="dimmed">
                        starts <RelativeTime value={operation.notBefore} />
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      {operation.startedAt ? formatDuration(operation.startedAt, operation.finishedAt) : '—'}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      {operation.id !== props.shownOperationId && (
                        <Anchor
                          component="button"
                          type="button"
                          size="sm"
                          onClick={() => props.onShow(operation.id)}
                        >
                          Show resources
                        </Anchor>
                      )}
                      {retryable && can(role, 'Mutation.retryOperation') && (
                        <Button
                          size="xs"
                          onClick={() => void run('retry', operation.id)}
                          loading={retryState.fetching}
                        >
                          Retry
                        </Button>
                      )}
                      {cancellable && can(role, 'Mutation.cancelOperation') && (
                        <Button
                          size="xs"
                          variant="default"
                          onClick={() => void run('cancel', operation.id)}
                          loading={cancelState.fetching}
                        >
                          Cancel
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}
