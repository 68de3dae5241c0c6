import { Button, Card, Checkbox, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconKey } from '@tabler/icons-react';
import { useState } from 'react';
import { useMutation } from 'urql';
import { toApiError, type ApiError } from '../../api/api-error';
import { unwrap } from '../../api/forms';
import { ErrorAlert } from '../../components/ErrorAlert';
import { rotateAgentTokenMutation } from '../deployments.graphql';

/**
 * The in-cluster agent's token (it reports usage and health): admins rotate it, or revoke it at once when it
 * leaked. The token itself is never shown; an UPDATE operation hands the new one to the cluster.
 */
export function AgentTokenCard(props: { deploymentId: string; busy: boolean }) {
  const [opened, { open, close }] = useDisclosure(false);
  return (
    <Card p="lg">
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={2} size="h4" mb={4}>
            Agent token
          </Title>
          <Text size="sm" c="dimmed" maw={640}>
            The Streamplane agent in the cluster reports usage and health with its own token. Rotate it on a
            schedule, or at once if it may have leaked.
          </Text>
        </div>
        <Button
          variant="default"
          leftSection={<IconKey size={16} aria-hidden />}
          onClick={open}
          disabled={props.busy}
        >
          Rotate agent token…
        </Button>
      </Group>
      <Modal opened={opened} onClose={close} title="Rotate the agent token">
        {opened && <RotateForm deploymentId={props.deploymentId} onDone={close} />}
      </Modal>
    </Card>
  );
}

function RotateForm(props: { deploymentId: string; onDone: () => void }) {
  const [state, rotate] = useMutation(rotateAgentTokenMutation);
  const [revokePrevious, setRevokePrevious] = useState(false);
  const [error, setError] = useState<ApiError>();
  const run = async () => {
    setError(undefined);
    try {
      unwrap(await rotate({ deploymentId: props.deploymentId, revokePrevious }));
      notifications.show({
        color: 'blue',
        title: 'Agent token rotated',
        message: 'An update hands the new token to the cluster; follow it on this page.',
      });
      props.onDone();
    } catch (caught) {
      setError(toApiError(caught));
    }
  };
  return (
    <Stack gap="md">
      <Text size="sm">
        A new token is issued and an update hands it to the agent. The current token keeps working for an
        hour, so no usage report is lost meanwhile.
      </Text>
      <Checkbox
        checked={revokePrevious}
        onChange={(event) => setRevokePrevious(event.currentTarget.checked)}
        label="Stop the current token at once (it may have leaked)"
        description="Reports are refused until the update has reached the agent."
      />
      {error && <ErrorAlert error={error} />}
      <Group justify="flex-end">
        <Button variant="default" onClick={props.onDone}>
          Cancel
        </Button>
        <Button
          color={revokePrevious ? 'red' : undefined}
          onClick={() => void run()}
          loading={state.fetching}
        >
          Rotate token
        </Button>
      </Group>
    </Stack>
  );
}
