import {
  Alert,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  NumberInput,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Textarea,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconArrowUpCircle } from '@tabler/icons-react';
import dayjs from 'dayjs';
import { useMutation } from 'urql';
import { unwrap, useFormSubmit } from '../../api/forms';
import { can } from '../../auth/permissions';
import { useSession } from '../../auth/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatDateTime, RelativeTime } from '../../components/RelativeTime';
import type { UpgradeProposalsQuery, UpgradeProposalState } from '../../generated/graphql';
import { approveUpgradeMutation, declineUpgradeMutation } from '../deployments.graphql';

type Proposal = UpgradeProposalsQuery['upgradeProposals'][number];

const STATE: Record<UpgradeProposalState, { color: string; label: string }> = {
  PROPOSED: { color: 'indigo', label: 'Awaiting your decision' },
  APPROVED: { color: 'blue', label: 'Approved' },
  SCHEDULED: { color: 'blue', label: 'Scheduled' },
  DONE: { color: 'teal', label: 'Done' },
  DECLINED: { color: 'gray', label: 'Declined' },
  EXPIRED: { color: 'gray', label: 'Expired' },
  FAILED: { color: 'red', label: 'Upgrade failed' },
};

export function UpgradeProposals({ proposals }: { proposals: Proposal[] }) {
  if (proposals.length === 0) return null;
  return (
    <Card p="lg">
      <Title order={2} size="h4" mb="xs">
        Kafka upgrades
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Streamplane never upgrades without your consent: approve an upgrade into a maintenance window, or
        decline it.
      </Text>
      <Stack gap="sm">
        {proposals.map((proposal) => (
          <ProposalRow key={proposal.id} proposal={proposal} />
        ))}
      </Stack>
    </Card>
  );
}

function ProposalRow({ proposal }: { proposal: Proposal }) {
  const { role } = useSession();
  const [approving, approve] = useDisclosure(false);
  const [declining, decline] = useDisclosure(false);
  const open = proposal.state === 'PROPOSED';
  const { color, label } = STATE[proposal.state];
  return (
    <Group
      justify="space-between"
      p="sm"
      style={{ border: '1px solid var(--mantine-color-gray-3)', borderRadius: 8 }}
      data-testid="upgrade-proposal"
      data-state={proposal.state}
    >
      <Group gap="sm">
        <IconArrowUpCircle size={22} color="var(--mantine-color-indigo-6)" aria-hidden />
        <div>
          <Text size="sm" fw={600}>
            Kafka {proposal.fromVersion} → {proposal.toVersion}
          </Text>
          <Text size="xs" c="dimmed">
            {proposal.state === 'PROPOSED' && (
              <>
                Proposed <RelativeTime value={proposal.createdAt} />; expires{' '}
                <RelativeTime value={proposal.expiresAt} />
              </>
            )}
            {(proposal.state === 'SCHEDULED' || proposal.state === 'APPROVED') && proposal.windowStart && (
              <>
                Window {formatDateTime(proposal.windowStart)} –{' '}
                {proposal.windowEnd ? formatDateTime(proposal.windowEnd) : ''}
              </>
            )}
            {proposal.state === 'DECLINED' && (
              <>Declined{proposal.declineReason ? `: ${proposal.declineReason}` : ''}</>
            )}
            {proposal.state === 'DONE' && (
              <>
                Upgraded <RelativeTime value={proposal.decidedAt} />
              </>
            )}
          </Text>
        </div>
        <Badge color={color} variant="light">
          {label}
        </Badge>
      </Group>
      {open && can(role, 'Mutation.approveUpgrade') && (
        <Group gap="xs">
          <Button size="xs" variant="default" onClick={decline.open}>
            Decline
          </Button>
          <Button size="xs" onClick={approve.open}>
            Approve…
          </Button>
        </Group>
      )}
      {open && !can(role, 'Mutation.approveUpgrade') && (
        <Text size="xs" c="dimmed">
          An admin decides.
        </Text>
      )}
      <Modal opened={approving} onClose={approve.close} title={`Upgrade to Kafka ${proposal.toVersion}`}>
        {approving && <ApproveForm proposal={proposal} onDone={approve.close} />}
      </Modal>
      <Modal opened={declining} onClose={decline.close} title={`Decline Kafka ${proposal.toVersion}?`}>
        {declining && <DeclineForm proposal={proposal} onDone={decline.close} />}
      </Modal>
    </Group>
  );
}

export interface WindowValues {
  [key: string]: unknown;
  mode: 'soon' | 'choose';
  start: string;
  hours: number | string;
}

/** The api wants a window that starts in the future: "as soon as possible" is in a few seconds, for an hour. */
const SOON_MS = 15_000;

/** The maintenance window chosen in the form. */
export function windowOf(values: WindowValues, now: Date = new Date()): { start: Date; end: Date } {
  const start = values.mode === 'soon' ? new Date(now.getTime() + SOON_MS) : new Date(values.start);
  const hours = values.mode === 'soon' ? 1 : Number(values.hours);
  return { start, end: new Date(start.getTime() + hours * 3_600_000) };
}

export function windowProblems(
  values: WindowValues,
  expiresAt: string,
  now: Date = new Date(),
): Record<string, string> {
  if (values.mode === 'soon') return {};
  const errors: Record<string, string> = {};
  const start = new Date(values.start);
  if (!values.start || Number.isNaN(start.getTime())) errors.start = 'Choose when the window starts';
  else if (start.getTime() <= now.getTime()) errors.start = 'The window must start in the future';
  else if (start.getTime() > Date.parse(expiresAt))
    errors.start = `Start before the proposal expires (${formatDateTime(expiresAt)})`;
  const hours = Number(values.hours);
  if (!Number.isFinite(hours) || hours < 1 || hours > 168)
    errors.hours = 'A window lasts 1 to 168 hours (a week)';
  return errors;
}

function ApproveForm({ proposal, onDone }: { proposal: Proposal; onDone: () => void }) {
  const [, approve] = useMutation(approveUpgradeMutation);
  const form = useForm<WindowValues>({
    mode: 'controlled',
    initialValues: {
      mode: 'soon',
      start: dayjs().add(1, 'day').startOf('hour').hour(2).format('YYYY-MM-DDTHH:mm'),
      hours: 4,
    },
    validate: (values) => windowProblems(values, proposal.expiresAt),
  });
  const submit = useFormSubmit(form, async (values) => {
    const window = windowOf(values);
    unwrap(
      await approve({
        proposalId: proposal.id,
        window: { start: window.start.toISOString(), end: window.end.toISOString() },
      }),
    );
    notifications.show({
      color: 'blue',
      title: 'Upgrade scheduled',
      message: `Kafka ${proposal.toVersion} in the chosen window.`,
    });
    onDone();
  });
  return (
    <form onSubmit={submit.onSubmit} noValidate>
      <Stack gap="md">
        <Text size="sm">
          Brokers restart one at a time, so clients with replication factor 3 keep working. Before rolling,
          the upgrade checks that no partition is under-replicated and every broker is ready; afterwards it
          moves the KRaft metadata version forward.
        </Text>
        <SegmentedControl
          data={[
            { value: 'soon', label: 'As soon as possible' },
            { value: 'choose', label: 'In a maintenance window' },
          ]}
          {...form.getInputProps('mode')}
        />
        {form.values.mode === 'soon' ? (
          <Alert variant="light" color="blue">
            Starts in a few seconds; the window lasts one hour.
          </Alert>
        ) : (
          <Group grow align="flex-start">
            <TextInput
              label="Window starts (your time)"
              type="datetime-local"
              {...form.getInputProps('start')}
            />
            <NumberInput
              clampBehavior="none"
              label="Lasts (hours)"
              min={1}
              max={168}
              allowDecimal={false}
              {...form.getInputProps('hours')}
            />
          </Group>
        )}
        {submit.error && <ErrorAlert error={submit.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={form.submitting}>
            Approve upgrade
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function DeclineForm({ proposal, onDone }: { proposal: Proposal; onDone: () => void }) {
  const [, decline] = useMutation(declineUpgradeMutation);
  const form = useForm({
    mode: 'controlled',
    initialValues: { reason: '' },
    validate: {
      reason: (value: string) => (value.length > 500 ? 'Keep the reason under 500 characters' : null),
    },
  });
  const submit = useFormSubmit(form, async (values) => {
    unwrap(await decline({ proposalId: proposal.id, reason: values.reason.trim() || null }));
    notifications.show({ message: `Kafka ${proposal.toVersion} declined; it will not be proposed again.` });
    onDone();
  });
  return (
    <form onSubmit={submit.onSubmit} noValidate>
      <Stack gap="md">
        <Text size="sm">This version will not be proposed again. A later version may be.</Text>
        <Textarea label="Reason (optional)" autosize minRows={2} {...form.getInputProps('reason')} />
        {submit.error && <ErrorAlert error={submit.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button color="red" variant="light" type="submit" loading={form.submitting}>
            Decline upgrade
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
