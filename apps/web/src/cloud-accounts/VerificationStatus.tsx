import { Alert, Badge, Button, Code, Group, Stack, Text } from '@mantine/core';
import { IconAlertTriangle, IconCircleCheck, IconClockHour4, IconFlask } from '@tabler/icons-react';
import { RelativeTime } from '../components/RelativeTime';
import type { CloudAccountStatus } from '../generated/graphql';

export interface Verification {
  status: CloudAccountStatus;
  simulated: boolean;
  checkedAt?: string | null;
  verifiedAt?: string | null;
  failureCode?: string | null;
  failureReason?: string | null;
}

const STATUS = {
  VERIFIED: { color: 'teal', label: 'Verified' },
  FAILED: { color: 'red', label: 'Verification failed' },
  PENDING: { color: 'gray', label: 'Not verified yet' },
} as const;

export function VerificationBadge({ verification }: { verification: Verification }) {
  const { color, label } = STATUS[verification.status];
  return (
    <Group gap={6} wrap="nowrap">
      <Badge
        color={color}
        variant="light"
        data-testid="verification-status"
        data-status={verification.status}
      >
        {label}
      </Badge>
      {verification.simulated && verification.status !== 'PENDING' && (
        <Badge color="grape" variant="light" leftSection={<IconFlask size={12} aria-hidden />}>
          Simulated check
        </Badge>
      )}
    </Group>
  );
}

/** The outcome of the last check, in words: what was checked, and on failure what to fix. */
export function VerificationResult(props: {
  verification: Verification;
  onVerify?: () => void;
  verifying?: boolean;
}) {
  const { verification } = props;
  const verifyButton = props.onVerify && (
    <Button
      size="xs"
      variant={verification.status === 'VERIFIED' ? 'default' : 'filled'}
      onClick={props.onVerify}
      loading={props.verifying}
    >
      {verification.status === 'PENDING' ? 'Verify now' : 'Verify again'}
    </Button>
  );
  if (verification.status === 'VERIFIED') {
    return (
      <Alert
        color="teal"
        variant="light"
        icon={<IconCircleCheck size={18} aria-hidden />}
        title={
          verification.simulated
            ? 'Verified by the local engine (simulated)'
            : 'Verified: Streamplane can deploy into this account'
        }
        data-testid="verification-result"
      >
        <Stack gap={6}>
          {verification.simulated ? (
            <Text size="sm">
              This Streamplane runs the <strong>local engine</strong>: no cloud was called. The check only
              confirmed that the details fit together, so “verified” means well-formed, not working.
              Deployments into this account are simulations; nothing is created in any cloud.
            </Text>
          ) : (
            <Text size="sm">Streamplane signed in with the credentials and could read the account.</Text>
          )}
          <Group justify="space-between">
            <Text size="xs" c="dimmed">
              Last checked <RelativeTime value={verification.checkedAt} />
            </Text>
            {verifyButton}
          </Group>
        </Stack>
      </Alert>
    );
  }
  if (verification.status === 'FAILED') {
    return (
      <Alert
        color="red"
        variant="light"
        icon={<IconAlertTriangle size={18} aria-hidden />}
        title="Verification failed — what to fix"
        data-testid="verification-result"
      >
        <Stack gap={6}>
          <Text size="sm">{verification.failureReason ?? 'The check did not succeed.'}</Text>
          {verification.failureCode && (
            <Text size="xs" c="dimmed">
              Code <Code>{verification.failureCode}</Code>
            </Text>
          )}
          <Group justify="space-between">
            <Text size="xs" c="dimmed">
              Last checked <RelativeTime value={verification.checkedAt} />
            </Text>
            {verifyButton}
          </Group>
        </Stack>
      </Alert>
    );
  }
  return (
    <Alert
      color="gray"
      variant="light"
      icon={<IconClockHour4 size={18} aria-hidden />}
      title="Not verified yet"
      data-testid="verification-result"
    >
      <Group justify="space-between">
        <Text size="sm">Grant the access below, then verify. Deployments need a verified account.</Text>
        {verifyButton}
      </Group>
    </Alert>
  );
}
