import { Alert, Anchor, Button, Card, Group, Stack, Table, Text, Title } from '@mantine/core';
import { IconPlus, IconTimeline } from '@tabler/icons-react';
import { useCallback, useEffect } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { useRereadOnReconnect } from '../api/use-live';
import { can } from '../auth/permissions';
import { useSession } from '../auth/session';
import { QueryView } from '../components/QueryView';
import { RelativeTime } from '../components/RelativeTime';
import type { DeploymentStatus } from '../generated/graphql';
import { formatLag, formatRate } from './pipeline-live';
import { deploymentPipelinesQuery } from './pipelines.graphql';
import { PipelineStatusBadge } from './PipelineStatusBadge';

/** Figures are re-read now and then: the list has no subscription of its own (each pipeline page has). */
const REREAD_EVERY_MS = 10_000;

/** The deployment page's Pipelines tab: each pipeline with its status, throughput and lag. */
export function PipelinesPanel(props: {
  deploymentId: string;
  status: DeploymentStatus;
  simulated: boolean;
}) {
  const { role } = useSession();
  const [result, reread] = useQuery({
    query: deploymentPipelinesQuery,
    variables: { deploymentId: props.deploymentId },
  });
  const rereadNow = useCallback(() => reread({ requestPolicy: 'network-only' }), [reread]);
  useRereadOnReconnect(rereadNow);
  useEffect(() => {
    const timer = setInterval(rereadNow, REREAD_EVERY_MS);
    return () => clearInterval(timer);
  }, [rereadNow]);
  const running = props.status === 'RUNNING';
  return (
    <Card p="lg">
      <Group justify="space-between" mb="md">
        <div>
          <Title order={2} size="h4">
            Pipelines
          </Title>
          <Text size="sm" c="dimmed">
            Data moving from a source through transforms to a sink, each stage on its own topic
            {props.simulated ? ' (figures simulated by the local engine’s agent)' : ''}.
          </Text>
        </div>
        {can(role, 'Mutation.createPipeline') && running && (
          <Button
            component={Link}
            to={`/deployments/${props.deploymentId}/pipelines/new`}
            leftSection={<IconPlus size={16} aria-hidden />}
          >
            New pipeline
          </Button>
        )}
      </Group>
      {can(role, 'Mutation.createPipeline') && !running && (
        <Alert color="gray" variant="light" mb="md">
          New pipelines can be created once the deployment is running.
        </Alert>
      )}
      <QueryView result={result} retry={rereadNow} loadingLabel="Loading the pipelines…">
        {(data) =>
          data.pipelines.length === 0 ? (
            <Stack align="center" py="lg" gap={4}>
              <IconTimeline size={28} aria-hidden color="var(--mantine-color-gray-5)" />
              <Text size="sm" c="dimmed">
                No pipelines on this deployment yet.
              </Text>
            </Stack>
          ) : (
            <>
              <Table.ScrollContainer minWidth={720}>
                <Table aria-label="Pipelines" verticalSpacing="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Pipeline</Table.Th>
                      <Table.Th>Status</Table.Th>
                      <Table.Th>Stages</Table.Th>
                      <Table.Th ta="right">Throughput</Table.Th>
                      <Table.Th ta="right">Lag</Table.Th>
                      <Table.Th>Last report</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {data.pipelines.map((pipeline) => (
                      <Table.Tr key={pipeline.id} data-testid={`pipeline-row-${pipeline.name}`}>
                        <Table.Td>
                          <Anchor component={Link} to={`/pipelines/${pipeline.id}`} fw={600}>
                            {pipeline.name}
                          </Anchor>
                          {pipeline.description && (
                            <Text size="xs" c="dimmed" lineClamp={1}>
                              {pipeline.description}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <PipelineStatusBadge status={pipeline.status} />
                        </Table.Td>
                        <Table.Td>
                          <Text size="xs" c="dimmed">
                            {pipeline.stages.map((stage) => stage.kind.split('.')[1]).join(' → ')}
                          </Text>
                        </Table.Td>
                        <Table.Td ta="right">
                          {pipeline.totals.observedAt ? formatRate(pipeline.totals.throughputPerSec) : '—'}
                        </Table.Td>
                        <Table.Td ta="right">
                          {pipeline.totals.observedAt ? formatLag(pipeline.totals.totalLag) : '—'}
                        </Table.Td>
                        <Table.Td>
                          <RelativeTime value={pipeline.totals.observedAt} />
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
              <Text size="sm" c="dimmed" mt="sm" data-testid="deployment-connected-assets">
                Connected assets this month: <strong>{data.deployment.connectedAssets.count}</strong> devices
              </Text>
            </>
          )
        }
      </QueryView>
    </Card>
  );
}
