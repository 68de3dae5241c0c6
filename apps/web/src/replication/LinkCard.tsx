import {
  Badge,
  Button,
  Card,
  Code,
  Collapse,
  Group,
  Loader,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  IconArrowBackUp,
  IconArrowRight,
  IconArrowsLeftRight,
  IconRefresh,
  IconSwitchHorizontal,
  IconTrash,
} from '@tabler/icons-react';
import { useState, type ReactNode } from 'react';
import { useMutation } from 'urql';
import { toApiError, type ApiError } from '../api/api-error';
import { unwrap } from '../api/forms';
import { can } from '../auth/permissions';
import { useSession } from '../auth/session';
import { ErrorAlert } from '../components/ErrorAlert';
import { RelativeTime } from '../components/RelativeTime';
import { SimulatedBadge } from '../deployments/StatusBadge';
import type {
  ReplicationHealthVerdict,
  ReplicationLinkStatus,
  ReplicationLinksQuery,
} from '../generated/graphql';
import { ClientSettingsView } from './ClientSettingsView';
import { deleteReplicationLinkMutation, retryReplicationLinkMutation } from './replication.graphql';
import { StepsTable, SwitchModal } from './SwitchModal';

type Link = ReplicationLinksQuery['replicationLinks'][number];
export interface DeploymentInfo {
  name: string;
  region: string;
  simulated: boolean;
}

const STATUS: Record<ReplicationLinkStatus, { color: string; label: string; busy: boolean }> = {
  CREATING: { color: 'blue', label: 'Creating', busy: true },
  ACTIVE: { color: 'teal', label: 'Active', busy: false },
  UPDATING: { color: 'blue', label: 'Updating', busy: true },
  FAILING_OVER: { color: 'orange', label: 'Failing over', busy: true },
  FAILED_OVER: { color: 'orange', label: 'Failed over', busy: false },
  FAILING_BACK: { color: 'yellow', label: 'Failing back', busy: false }, // also its resting state
  DELETING: { color: 'gray', label: 'Deleting', busy: true },
  DELETED: { color: 'gray', label: 'Deleted', busy: false },
  FAILED: { color: 'red', label: 'Failed', busy: false },
};

export const VERDICT: Record<ReplicationHealthVerdict, { color: string; label: string; hint: string }> = {
  HEALTHY: {
    color: 'teal',
    label: 'Healthy',
    hint: 'Fresh report; lag and checkpoint age under the thresholds.',
  },
  LAGGING: { color: 'yellow', label: 'Lagging', hint: 'Lag or checkpoint age over a threshold.' },
  STALE: { color: 'red', label: 'Stale', hint: 'The last report is too old to say anything about now.' },
  UNKNOWN: {
    color: 'gray',
    label: 'No report yet',
    hint: 'The receiving side’s agent has not reported yet.',
  },
};

export function VerdictBadge({ verdict }: { verdict: ReplicationHealthVerdict }) {
  const { color, label, hint } = VERDICT[verdict];
  return (
    <Badge color={color} variant="light" title={hint} data-testid="link-verdict" data-verdict={verdict}>
      {label}
    </Badge>
  );
}

/** One link: its ends and direction(s), health per direction, where clients should be, and its steps. */
export function LinkCard(props: {
  link: Link;
  deployments: Record<string, DeploymentInfo>;
  onChanged: () => void;
}) {
  const { link, deployments } = props;
  const { role } = useSession();
  const [showSteps, steps] = useDisclosure(false);
  const [switching, setSwitching] = useState<'failover' | 'failback'>();
  const [error, setError] = useState<ApiError>();
  const [deleteState, remove] = useMutation(deleteReplicationLinkMutation);
  const [retryState, retry] = useMutation(retryReplicationLinkMutation);
  const name = (id: string) => deployments[id]?.name ?? id.slice(0, 8);
  const names = Object.fromEntries(
    [link.sourceDeploymentId, link.targetDeploymentId].map((id) => [id, name(id)]),
  );
  const source = deployments[link.sourceDeploymentId];
  const target = deployments[link.targetDeploymentId];
  const status = STATUS[link.status];
  const simulated = source?.simulated || target?.simulated;
  const run = async (what: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await what();
      props.onChanged();
    } catch (caught) {
      setError(toApiError(caught));
    }
  };
  const canSwitch = can(role, 'Mutation.failoverReplicationLink');
  // A resting FAILING_BACK (mirroring reversed) takes the next step; only a queued or running operation waits.
  const running = link.operations.filter((op) => op.status === 'QUEUED' || op.status === 'RUNNING');
  const busy = status.busy || running.length > 0;
  const wait = busy ? 'Wait for the running step to finish' : undefined;
  return (
    <Card
      p="lg"
      data-testid={`link-${link.id}`}
      data-status={link.status}
      component="article"
      aria-label={`Link ${names[link.sourceDeploymentId]} and ${names[link.targetDeploymentId]}`}
    >
      <Group justify="space-between" align="flex-start" mb="sm">
        <Stack gap={4}>
          <Group gap="xs">
            <Title order={2} size="h4">
              {name(link.sourceDeploymentId)}
            </Title>
            {link.mode === 'TWO_WAY' ? (
              <IconArrowsLeftRight size={18} aria-label="both ways" />
            ) : (
              <IconArrowRight size={18} aria-label="to" />
            )}
            <Title order={2} size="h4" component="span">
              {name(link.targetDeploymentId)}
            </Title>
          </Group>
          <Text size="sm" c="dimmed">
            {source?.region ?? '?'} {link.mode === 'TWO_WAY' ? '⇄' : '→'} {target?.region ?? '?'} ·{' '}
            {link.mode === 'TWO_WAY' ? 'two way (active-active)' : 'one way (hot standby)'} ·{' '}
            {link.topicNaming === 'PREFIXED' ? 'prefixed topic names' : 'same topic names'}
          </Text>
        </Stack>
        <Group gap="xs">
          <Badge
            color={status.color}
            variant={link.status === 'ACTIVE' ? 'filled' : 'light'}
            leftSection={status.busy ? <Loader size={10} color={status.color} /> : undefined}
            data-testid="link-status"
          >
            {status.label}
          </Badge>
          {link.flows.length > 0 && link.flows.every((flow) => flow.paused) ? (
            // Paused directions are not judged (the api's verdict is then UNKNOWN): say why.
            <Badge color="gray" variant="outline" data-testid="link-verdict" data-verdict="PAUSED">
              mirroring paused
            </Badge>
          ) : (
            <VerdictBadge verdict={link.health.verdict} />
          )}
          {simulated && <SimulatedBadge what="link" />}
        </Group>
      </Group>
      {running.length > 0 && (
        <Text size="sm" c="blue.8" mb="sm" data-testid="link-running">
          <Loader size={10} mr={6} />
          {running.length === 1 ? 'A step is running' : `${running.length} steps are running`} on{' '}
          {running.map((op) => name(op.deploymentId)).join(' and ')}.
        </Text>
      )}
      {link.statusMessage && (
        <Text size="sm" c={link.status === 'FAILED' ? 'red.8' : undefined} mb="sm">
          {link.statusMessage}
        </Text>
      )}
      <Text size="sm" mb="sm">
        Clients belong on <strong data-testid="link-active">{name(link.activeDeploymentId)}</strong>. Mirrors
        topics{' '}
        {link.topics.map((topic) => (
          <Code key={topic} mr={4}>
            {topic}
          </Code>
        ))}
        and the offsets of groups{' '}
        {link.consumerGroups.map((group) => (
          <Code key={group} mr={4}>
            {group}
          </Code>
        ))}
      </Text>
      <SimpleGrid cols={{ base: 1, md: link.health.directions.length > 1 ? 2 : 1 }} mb="sm">
        {link.health.directions.map((direction) => (
          <Card
            withBorder
            p="sm"
            key={`${direction.fromDeploymentId}-${direction.toDeploymentId}`}
            data-testid="link-direction"
          >
            <Group justify="space-between" mb={6}>
              <Text size="sm" fw={600}>
                {name(direction.fromDeploymentId)} → {name(direction.toDeploymentId)}
              </Text>
              {direction.paused ? (
                <Badge color="gray" variant="outline">
                  paused
                </Badge>
              ) : (
                <VerdictBadge verdict={direction.verdict} />
              )}
            </Group>
            <Group gap="xl" mb={6}>
              <Stat
                label="Total lag"
                value={direction.totalLag === null ? '—' : `${direction.totalLag} msg`}
              />
              <Stat
                label="Checkpoint age"
                value={
                  direction.lastCheckpointAgeSeconds === null
                    ? '—'
                    : `${direction.lastCheckpointAgeSeconds} s`
                }
              />
              <Stat label="Reported" value={<RelativeTime value={direction.observedAt} />} />
            </Group>
            {direction.topics.length > 0 && (
              <Table
                verticalSpacing={2}
                fz="xs"
                aria-label={`Lag per topic, ${name(direction.fromDeploymentId)} to ${name(direction.toDeploymentId)}`}
              >
                <Table.Tbody>
                  {direction.topics.map((topic) => (
                    <Table.Tr key={topic.topic}>
                      <Table.Td>
                        <Code fz="xs">{topic.topic}</Code>
                      </Table.Td>
                      <Table.Td ta="right">{topic.lag} msg behind</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Card>
        ))}
      </SimpleGrid>
      {(link.status === 'FAILED_OVER' || link.status === 'FAILING_BACK') && (
        <Stack mb="sm">
          <ClientSettingsView settings={link.clientSettings} />
        </Stack>
      )}
      {error && <ErrorAlert error={error} />}
      <Group justify="space-between">
        <Button variant="subtle" size="xs" onClick={steps.toggle}>
          {showSteps ? 'Hide steps' : `Steps (${link.steps.length})`}
        </Button>
        <Group gap="xs">
          {canSwitch && link.status === 'ACTIVE' && (
            <Button
              size="xs"
              color="orange"
              leftSection={<IconSwitchHorizontal size={14} />}
              disabled={busy}
              title={wait}
              onClick={() => setSwitching('failover')}
            >
              Fail over…
            </Button>
          )}
          {canSwitch && (link.status === 'FAILED_OVER' || link.status === 'FAILING_BACK') && (
            <Button
              size="xs"
              leftSection={<IconArrowBackUp size={14} />}
              disabled={busy}
              title={wait}
              onClick={() => setSwitching('failback')}
            >
              {link.status === 'FAILING_BACK' ? 'Finish failback…' : 'Fail back…'}
            </Button>
          )}
          {can(role, 'Mutation.retryReplicationLink') && link.status === 'FAILED' && (
            <Button
              size="xs"
              variant="light"
              leftSection={<IconRefresh size={14} />}
              loading={retryState.fetching}
              onClick={() => void run(async () => unwrap(await retry({ linkId: link.id })))}
            >
              Retry
            </Button>
          )}
          {can(role, 'Mutation.deleteReplicationLink') && !busy && link.status !== 'DELETED' && (
            <Button
              size="xs"
              variant="light"
              color="red"
              leftSection={<IconTrash size={14} />}
              loading={deleteState.fetching}
              onClick={() => {
                if (
                  window.confirm(
                    `Stop mirroring between ${names[link.sourceDeploymentId]} and ${names[link.targetDeploymentId]}? Mirrored topics are kept.`,
                  )
                )
                  void run(async () => unwrap(await remove({ linkId: link.id })));
              }}
            >
              Delete
            </Button>
          )}
        </Group>
      </Group>
      <Collapse expanded={showSteps}>
        <StepsTable steps={link.steps} />
      </Collapse>
      {switching && (
        <SwitchModal
          kind={switching}
          link={link}
          names={names}
          opened
          onClose={() => setSwitching(undefined)}
          onSwitched={props.onChanged}
        />
      )}
    </Card>
  );
}

function Stat(props: { label: string; value: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed">
        {props.label}
      </Text>
      <Text size="sm" fw={600}>
        {props.value}
      </Text>
    </div>
  );
}
