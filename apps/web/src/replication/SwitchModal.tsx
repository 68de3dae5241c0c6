import {
  Alert,
  Badge,
  Button,
  Checkbox,
  Group,
  List,
  Modal,
  Stack,
  Stepper,
  Table,
  Text,
  ThemeIcon,
} from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconX } from '@tabler/icons-react';
import { useState } from 'react';
import { useMutation } from 'urql';
import { toApiError, type ApiError } from '../api/api-error';
import { unwrap } from '../api/forms';
import { ErrorAlert } from '../components/ErrorAlert';
import { RelativeTime } from '../components/RelativeTime';
import type { ReplicationLinksQuery, SwitchFieldsFragment } from '../generated/graphql';
import { ClientSettingsView } from './ClientSettingsView';
import { failbackReplicationLinkMutation, failoverReplicationLinkMutation } from './replication.graphql';

type Link = ReplicationLinksQuery['replicationLinks'][number];
type Direction = Link['health']['directions'][number];

const CHECK_LABEL: Record<string, string> = {
  HEALTH_REPORTED: 'The receiving side has reported health',
  HEALTH_FRESH: 'Its latest report is recent',
  LAG_WITHIN_BOUND: 'Mirroring has caught up (lag within the bound)',
  CHECKPOINT_FRESH: 'Consumer offsets were checkpointed recently',
};

/**
 * The guided failover (or failback): what the api will check, shown from the latest health; confirm;
 * then where clients go, copyable, and the steps recorded. A refused pre-check can be forced, said so.
 */
export function SwitchModal(props: {
  kind: 'failover' | 'failback';
  link: Link;
  names: Record<string, string>;
  opened: boolean;
  onClose: () => void;
  onSwitched: () => void;
}) {
  const { link, names, kind } = props;
  const [step, setStep] = useState(0);
  const [sourceUnreachable, setSourceUnreachable] = useState(false);
  const [error, setError] = useState<ApiError>();
  const [result, setResult] = useState<SwitchFieldsFragment>();
  const [failoverState, failover] = useMutation(failoverReplicationLinkMutation);
  const [failbackState, failback] = useMutation(failbackReplicationLinkMutation);
  const sending = failoverState.fetching || failbackState.fetching;
  // Failover moves clients from the source to the target; failback from the target to the source.
  const from = kind === 'failover' ? link.sourceDeploymentId : link.targetDeploymentId;
  const to = kind === 'failover' ? link.targetDeploymentId : link.sourceDeploymentId;
  const across = link.health.directions.find((d) => d.fromDeploymentId === from && d.toDeploymentId === to);
  const reversingFirst = kind === 'failback' && link.mode === 'ONE_WAY' && link.status === 'FAILED_OVER';
  const failedChecks = error?.reason === 'FAILOVER_PRECHECKS_FAILED' ? error.fields : [];

  const run = async (force: boolean) => {
    setError(undefined);
    try {
      setResult(
        kind === 'failover'
          ? unwrap(
              await failover({
                linkId: link.id,
                force,
                sourceUnreachable: link.mode === 'TWO_WAY' ? sourceUnreachable : false,
              }),
            ).failoverReplicationLink
          : unwrap(await failback({ linkId: link.id, force })).failbackReplicationLink,
      );
      setStep(2);
      props.onSwitched();
    } catch (caught) {
      setError(toApiError(caught));
    }
  };
  const close = () => {
    setStep(0);
    setError(undefined);
    setResult(undefined);
    props.onClose();
  };
  const verb = kind === 'failover' ? 'Fail over' : reversingFirst ? 'Start failback' : 'Fail back';

  return (
    <Modal
      opened={props.opened}
      onClose={close}
      size="xl"
      // From and to by the kind of switch, not by the link's active side (it changes as the switch is made).
      title={`${verb}: ${names[from]} → ${names[to]}`}
    >
      <Stepper active={step} size="sm" mb="md" allowNextStepsSelect={false}>
        <Stepper.Step label="Pre-checks" description="Is the other side caught up?" />
        <Stepper.Step label="Confirm" description="Switch" />
        <Stepper.Step label="Move clients" description="Settings and steps" />
      </Stepper>
      {step === 0 && (
        <Stack gap="sm">
          <Text size="sm">
            {kind === 'failover'
              ? `Clients move from ${names[from]} to ${names[to]}. The api checks that mirroring into ${names[to]} has caught up before it switches.`
              : reversingFirst
                ? `Failback has two steps: first mirroring is reversed (${names[from]} → ${names[to]}) until ${names[to]} has caught up; then, called again, clients move back and the original direction is restored.`
                : `Clients move back from ${names[from]} to ${names[to]}.`}
          </Text>
          <PrecheckPreview direction={across} needed={!reversingFirst} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button onClick={() => setStep(1)}>Continue</Button>
          </Group>
        </Stack>
      )}
      {step === 1 && (
        <Stack gap="sm">
          <Alert color="yellow" variant="light" icon={<IconAlertTriangle size={18} aria-hidden />}>
            {kind === 'failover' && link.mode === 'ONE_WAY'
              ? `Mirroring into ${names[to]} stops. Records written to ${names[from]} after this are not copied to ${names[to]}; stop producers on ${names[from]} first if it still runs.`
              : kind === 'failover'
                ? 'Both directions keep mirroring; clients move to the other side.'
                : reversingFirst
                  ? `Keep clients on ${names[from]} until the reversed mirroring reports it caught up.`
                  : `Stop producers on ${names[from]} before moving them back.`}
          </Alert>
          {kind === 'failover' && link.mode === 'TWO_WAY' && (
            <Checkbox
              label={`${names[from]}’s region is unreachable`}
              description="Pauses mirroring from it, so nothing half-written comes back when it returns."
              checked={sourceUnreachable}
              onChange={(event) => setSourceUnreachable(event.currentTarget.checked)}
            />
          )}
          {failedChecks.length > 0 ? (
            <Alert color="red" variant="light" title="The pre-checks failed" role="alert">
              <List size="sm" spacing={4}>
                {failedChecks.map((check) => (
                  <List.Item key={check.code ?? check.message}>
                    <strong>{CHECK_LABEL[check.code ?? ''] ?? check.code}</strong>: {check.message}
                  </List.Item>
                ))}
              </List>
              <Text size="sm" mt="xs">
                Wait for mirroring to catch up and try again — or, if {names[from]} is gone and cannot catch
                up, force the switch: records not yet mirrored will not be on {names[to]}. A forced switch is
                recorded as such.
              </Text>
            </Alert>
          ) : (
            error && <ErrorAlert error={error} />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setStep(0)}>
              Back
            </Button>
            {failedChecks.length > 0 && (
              <Button color="red" variant="light" onClick={() => void run(true)} loading={sending}>
                Force {verb.toLowerCase()}
              </Button>
            )}
            <Button
              onClick={() => void run(false)}
              loading={sending}
              color={kind === 'failover' ? 'orange' : undefined}
            >
              {verb}
            </Button>
          </Group>
        </Stack>
      )}
      {step === 2 && result && (
        <Stack gap="sm" data-testid="switch-result">
          <Alert
            color={result.forced ? 'orange' : 'teal'}
            variant="light"
            title={result.forced ? 'Switched past failed pre-checks' : 'Switching'}
          >
            <Text size="sm">{result.nextStep}</Text>
          </Alert>
          {result.prechecks.length > 0 && (
            <List size="sm" spacing={4}>
              {result.prechecks.map((check) => (
                <List.Item
                  key={check.check}
                  icon={
                    <ThemeIcon size={18} radius="xl" color={check.passed ? 'teal' : 'red'}>
                      {check.passed ? <IconCheck size={12} /> : <IconX size={12} />}
                    </ThemeIcon>
                  }
                >
                  {CHECK_LABEL[check.check] ?? check.check}: {check.detail}
                </List.Item>
              ))}
            </List>
          )}
          <ClientSettingsView settings={result.clientSettings} />
          <StepsTable steps={result.link.steps} />
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}

/** What the api will check, as the latest health report shows it now. */
function PrecheckPreview(props: { direction?: Direction; needed: boolean }) {
  const d = props.direction;
  if (!props.needed) return null;
  if (!d || !d.observedAt) {
    return (
      <Alert color="gray" variant="light">
        No health report for this direction yet: the pre-checks will fail unless forced.
      </Alert>
    );
  }
  return (
    <Table withTableBorder verticalSpacing={6} aria-label="Pre-checks, from the latest health report">
      <Table.Tbody>
        <Table.Tr>
          <Table.Td>Latest report</Table.Td>
          <Table.Td>
            <RelativeTime value={d.observedAt} />
          </Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Td>Largest topic lag</Table.Td>
          <Table.Td>{d.maxLag ?? '—'} messages</Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Td>Last consumer-offset checkpoint</Table.Td>
          <Table.Td>
            {d.lastCheckpointAgeSeconds === null ? 'never' : `${d.lastCheckpointAgeSeconds} s ago`}
          </Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Td>Verdict</Table.Td>
          <Table.Td>
            <Badge
              color={d.verdict === 'HEALTHY' ? 'teal' : d.verdict === 'LAGGING' ? 'yellow' : 'gray'}
              variant="light"
            >
              {d.verdict.toLowerCase()}
            </Badge>
          </Table.Td>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );
}

export function StepsTable(props: { steps: { at: string; action: string; detail: string }[] }) {
  if (props.steps.length === 0) return null;
  return (
    <Table verticalSpacing={4} aria-label="Steps done">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>When</Table.Th>
          <Table.Th>Step</Table.Th>
          <Table.Th>What happened</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {[...props.steps].reverse().map((step, index) => (
          <Table.Tr key={`${step.at}-${index}`}>
            <Table.Td>
              <RelativeTime value={step.at} />
            </Table.Td>
            <Table.Td>
              <Badge variant="outline" color="gray" size="sm">
                {step.action.toLowerCase().replace(/_/g, ' ')}
              </Badge>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{step.detail}</Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
