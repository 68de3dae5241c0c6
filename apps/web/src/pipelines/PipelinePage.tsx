import { Alert, Anchor, Button, Card, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import {
  IconAlertTriangle,
  IconFlask,
  IconPencil,
  IconPlayerPause,
  IconPlayerPlay,
  IconRocket,
  IconTrash,
} from '@tabler/icons-react';
import { useEffect, useState, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { toApiError, type ApiError } from '../api/api-error';
import { unwrap } from '../api/forms';
import { can } from '../auth/permissions';
import { useSession } from '../auth/session';
import { ErrorAlert } from '../components/ErrorAlert';
import { PageHeader } from '../components/PageHeader';
import { LoadingState } from '../components/QueryView';
import { formatDuration, RelativeTime } from '../components/RelativeTime';
import { resourcesOf } from '../deployments/live-state';
import { OperationProgress } from '../deployments/page/OperationProgress';
import { OperationStatusBadge, SimulatedBadge } from '../deployments/StatusBadge';
import type { PipelineStatus } from '../generated/graphql';
import { DeletePipelineModal } from './page/DeletePipelineModal';
import { LiveChart } from './page/LiveChart';
import { StageFlow } from './page/StageFlow';
import { usePipelineLive } from './page/use-pipeline-live';
import { formatLag, formatRate, totalsOf } from './pipeline-live';
import {
  deployPipelineMutation,
  pausePipelineMutation,
  pipelineDeploymentQuery,
  resumePipelineMutation,
} from './pipelines.graphql';
import { isPipelineBusy, PipelineStatusBadge } from './PipelineStatusBadge';

const ASSETS_EVERY_MS = 30_000;

/** Statuses in which the stage runners run (or were asked to), so checkpoints mean something. */
const LIVE_STATUSES: PipelineStatus[] = [
  'RUNNING',
  'PAUSING',
  'PAUSED',
  'RESUMING',
  'UPDATING',
  'DELETING',
  'FAILED',
];

export function PipelinePage() {
  const { pipelineId = '' } = useParams();
  const { role } = useSession();
  const { pipeline, live, operations, historyLoading, reread } = usePipelineLive(pipelineId);
  const row = pipeline.data?.pipeline;
  const [deployment, rereadDeployment] = useQuery({
    query: pipelineDeploymentQuery,
    variables: { deploymentId: row?.deploymentId ?? '' },
    pause: !row,
  });
  // Connected assets are counted as usage arrives: read them again now and then.
  useEffect(() => {
    const timer = setInterval(() => rereadDeployment({ requestPolicy: 'network-only' }), ASSETS_EVERY_MS);
    return () => clearInterval(timer);
  }, [rereadDeployment]);
  const [deleting, deleteModal] = useDisclosure(false);
  const [actionError, setActionError] = useState<ApiError>();
  const [, deploy] = useMutation(deployPipelineMutation);
  const [, pause] = useMutation(pausePipelineMutation);
  const [, resume] = useMutation(resumePipelineMutation);
  const [running, setRunning] = useState<string>();

  if (!row) {
    if (pipeline.error) return <ErrorAlert error={pipeline.error} onRetry={reread} />;
    return <LoadingState label="Loading the pipeline…" />;
  }
  const owner = deployment.data?.deployment;
  // A status event is newer than the row until the row is re-read.
  const status =
    live.status && Date.parse(live.status.at) >= Date.parse(row.updatedAt) ? live.status.status : row.status;
  const busy = isPipelineBusy(status);
  const gone = status === 'DELETED' || status === 'DELETING';
  const mayChange = can(role, 'Mutation.deployPipeline');
  const deploymentRunning = owner?.status === 'RUNNING';
  const stages = row.stages.map((stage) => stage.name);
  const totals = totalsOf(stages, live.checkpoints);
  const hasFigures = Object.keys(live.checkpoints).length > 0;
  const showLive = LIVE_STATUSES.includes(status) || hasFigures;
  const latest = row.operations[0];
  const newestReport = Object.values(live.checkpoints).reduce<string | null>(
    (newest, checkpoint) => (!newest || checkpoint.observedAt > newest ? checkpoint.observedAt : newest),
    null,
  );

  const act = async (what: string, run: () => Promise<void>) => {
    setActionError(undefined);
    setRunning(what);
    try {
      await run();
      reread();
    } catch (caught) {
      setActionError(toApiError(caught));
    } finally {
      setRunning(undefined);
    }
  };
  const whyDisabled = busy
    ? 'Wait for the running change to finish'
    : !deploymentRunning
      ? 'The deployment is not running'
      : undefined;
  const createdTopics = row.stages.flatMap((stage, index) =>
    index === row.stages.length - 1 || stage.kind === 'source.kafka'
      ? []
      : [stage.outputTopic, stage.deadLetterTopic].filter((topic): topic is string => Boolean(topic)),
  );

  return (
    <>
      <Anchor component={Link} to={`/deployments/${row.deploymentId}?tab=pipelines`} size="sm" c="dimmed">
        ← {owner?.name ?? 'Deployment'}
      </Anchor>
      <PageHeader
        title={row.name}
        badges={
          <>
            <PipelineStatusBadge status={status} />
            {owner?.simulated && <SimulatedBadge what="pipeline" />}
          </>
        }
        description={row.description ?? `${row.stages.length} stages on ${owner?.name ?? 'its deployment'}`}
        actions={
          mayChange &&
          !gone && (
            <>
              {(status === 'DRAFT' || status === 'FAILED') && (
                <Button
                  leftSection={<IconRocket size={16} aria-hidden />}
                  disabled={Boolean(whyDisabled)}
                  title={whyDisabled}
                  loading={running === 'deploy'}
                  onClick={() =>
                    void act('deploy', async () => {
                      unwrap(await deploy({ pipelineId: row.id }));
                      notifications.show({ color: 'blue', message: `Deploying ${row.name}.` });
                    })
                  }
                >
                  {status === 'FAILED' ? 'Retry deploy' : 'Deploy'}
                </Button>
              )}
              {status === 'RUNNING' && (
                <Button
                  variant="default"
                  leftSection={<IconPlayerPause size={16} aria-hidden />}
                  disabled={Boolean(whyDisabled)}
                  title={whyDisabled}
                  loading={running === 'pause'}
                  onClick={() =>
                    void act('pause', async () => void unwrap(await pause({ pipelineId: row.id })))
                  }
                >
                  Pause
                </Button>
              )}
              {status === 'PAUSED' && (
                <Button
                  leftSection={<IconPlayerPlay size={16} aria-hidden />}
                  disabled={Boolean(whyDisabled)}
                  title={whyDisabled}
                  loading={running === 'resume'}
                  onClick={() =>
                    void act('resume', async () => void unwrap(await resume({ pipelineId: row.id })))
                  }
                >
                  Resume
                </Button>
              )}
              <Button
                variant="default"
                leftSection={<IconPencil size={16} aria-hidden />}
                component={Link}
                to={`/pipelines/${row.id}/edit`}
                disabled={Boolean(whyDisabled)}
                title={whyDisabled}
              >
                Edit
              </Button>
              <Button
                color="red"
                variant="light"
                leftSection={<IconTrash size={16} aria-hidden />}
                disabled={busy}
                title={busy ? 'Wait for the running change to finish' : undefined}
                onClick={deleteModal.open}
              >
                Delete
              </Button>
            </>
          )
        }
      />
      <Stack gap="lg">
        {owner?.simulated && (
          <Alert color="grape" variant="light" icon={<IconFlask size={18} aria-hidden />} p="sm">
            <Text size="sm">
              <strong>Simulated figures.</strong> This pipeline runs on a local-engine deployment: the
              throughput, lag and devices below come from the simulated agent’s traffic model, not from real
              messages.
            </Text>
          </Alert>
        )}
        {status === 'FAILED' && (
          <Alert
            color="red"
            variant="light"
            icon={<IconAlertTriangle size={18} aria-hidden />}
            title="The last change failed"
          >
            <Text size="sm">{row.statusMessage ?? 'See the operations below for the error.'}</Text>
            {mayChange && (
              <Text size="sm" mt={4}>
                Fix the cause, then retry the deploy: it applies the pipeline’s desired state again.
              </Text>
            )}
          </Alert>
        )}
        {actionError && <ErrorAlert error={actionError} />}

        <SimpleGrid cols={{ base: 2, md: 4 }}>
          <Figure
            label="Throughput (sink)"
            testId="pipeline-throughput"
            value={showLive && hasFigures ? formatRate(totals.throughput) : '—'}
          />
          <Figure
            label="Total lag"
            testId="pipeline-lag"
            value={showLive && hasFigures ? formatLag(totals.lag) : '—'}
          />
          <Figure
            label="Connected assets this month"
            testId="connected-assets"
            value={owner ? String(owner.connectedAssets.count) : '—'}
            hint="Distinct devices the deployment’s MQTT sources saw."
          />
          <Figure
            label="Last report"
            testId="last-report"
            value={newestReport ? <RelativeTime value={newestReport} /> : 'none yet'}
          />
        </SimpleGrid>

        <Card p="lg">
          <Title order={2} size="h4" mb="sm">
            Stages
          </Title>
          <StageFlow stages={row.stages} checkpoints={live.checkpoints} live={showLive} />
        </Card>

        {showLive && (
          <Card p="lg">
            <Title order={2} size="h4" mb="sm">
              Last minutes
            </Title>
            <LiveChart samples={live.samples} />
          </Card>
        )}

        {latest &&
          (isPipelineBusy(status) ||
            latest.status === 'FAILED' ||
            latest.status === 'RUNNING' ||
            latest.status === 'QUEUED') && (
            <OperationProgress
              key={latest.id}
              operation={latest}
              live={operations.operations[latest.id]}
              resources={resourcesOf(operations, latest.id)}
              loading={historyLoading}
            />
          )}

        <Card p="lg">
          <Title order={2} size="h4" mb="sm">
            Operations
          </Title>
          {row.operations.length === 0 ? (
            <Text size="sm" c="dimmed">
              None yet: a draft is deployed with “Deploy”.
            </Text>
          ) : (
            <Table.ScrollContainer minWidth={560}>
              <Table aria-label="Pipeline operations" verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Change</Table.Th>
                    <Table.Th>Queued</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Duration</Table.Th>
                    <Table.Th>Error</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {row.operations.map((operation) => {
                    const liveRow = operations.operations[operation.id];
                    const opStatus =
                      liveRow &&
                      Date.parse(liveRow.at) >
                        Date.parse(operation.finishedAt ?? operation.startedAt ?? operation.queuedAt)
                        ? liveRow.status
                        : operation.status;
                    return (
                      <Table.Tr key={operation.id}>
                        <Table.Td>{operation.change ?? '—'}</Table.Td>
                        <Table.Td>
                          <RelativeTime value={operation.queuedAt} />
                          {operation.attempt > 1 ? ` · attempt ${operation.attempt}` : ''}
                        </Table.Td>
                        <Table.Td>
                          <OperationStatusBadge status={opStatus} />
                        </Table.Td>
                        <Table.Td>
                          {operation.startedAt
                            ? formatDuration(operation.startedAt, operation.finishedAt)
                            : '—'}
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" c="red.8">
                            {operation.errorMessage ?? ''}
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
        </Card>

        <Card p="lg">
          <Title order={2} size="h4" mb="xs">
            Topic settings
          </Title>
          <Text size="sm">
            {row.topics.partitions} partitions · replication factor {row.topics.replicationFactor} · retention{' '}
            {row.topics.retentionHours} h · cleanup {row.topics.cleanupPolicy}
          </Text>
          <Text size="xs" c="dimmed" mt={4}>
            Generation {row.generation}, applied {row.appliedGeneration || 'never'}.
          </Text>
        </Card>
      </Stack>
      <DeletePipelineModal
        opened={deleting}
        onClose={deleteModal.close}
        pipeline={{ id: row.id, name: row.name, deployed: row.appliedGeneration > 0, topics: createdTopics }}
        onDeleted={reread}
      />
    </>
  );
}

function Figure(props: { label: string; value: ReactNode; testId: string; hint?: string }) {
  return (
    <Card p="md" title={props.hint}>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {props.label}
      </Text>
      <Text size="xl" fw={700} data-testid={props.testId} aria-live="off">
        {props.value}
      </Text>
    </Card>
  );
}
