import { Alert, Button, Code, Group, List, Modal, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useState } from 'react';
import { useMutation } from 'urql';
import { toApiError, type ApiError } from '../../api/api-error';
import { unwrap } from '../../api/forms';
import { ErrorAlert } from '../../components/ErrorAlert';
import type { DestroyDeploymentMutation } from '../../generated/graphql';
import { destroyDeploymentMutation } from '../deployments.graphql';

type Result = DestroyDeploymentMutation['destroyDeployment'];

/** Destroy, after typing the deployment's name; says what is kept before and after. */
export function DestroyModal(props: {
  opened: boolean;
  onClose: () => void;
  deployment: {
    id: string;
    name: string;
    brokers: number;
    storagePerBrokerGiB: number;
    cloudAccountName?: string;
    simulated: boolean;
  };
}) {
  const [state, destroy] = useMutation(destroyDeploymentMutation);
  const [typed, setTyped] = useState('');
  const [error, setError] = useState<ApiError>();
  const [result, setResult] = useState<Result>();
  const { deployment } = props;
  const matches = typed.trim() === deployment.name;
  const run = async () => {
    setError(undefined);
    try {
      setResult(
        unwrap(await destroy({ deploymentId: deployment.id, confirmName: typed.trim() })).destroyDeployment,
      );
    } catch (caught) {
      setError(toApiError(caught));
    }
  };
  const close = () => {
    setTyped('');
    setError(undefined);
    setResult(undefined);
    props.onClose();
  };
  return (
    <Modal opened={props.opened} onClose={close} title={`Destroy ${deployment.name}?`} size="lg">
      {result ? (
        <Stack gap="md">
          <Alert color="orange" variant="light" title="Destroying" data-testid="destroy-result">
            <Text size="sm">The DESTROY operation is queued; follow it on this page.</Text>
          </Alert>
          <Text size="sm" fw={600}>
            Kept
          </Text>
          <List size="sm" spacing={4}>
            <List.Item>
              {result.retainedVolumes.brokers} broker volumes of {result.retainedVolumes.storagePerBrokerGiB}{' '}
              GiB ({result.retainedVolumes.totalGiB} GiB in all). {result.retainedVolumes.note}
            </List.Item>
            <List.Item>The cloud account stays connected.</List.Item>
          </List>
          <Group justify="flex-end">
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <Stack gap="md">
          <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} aria-hidden />}>
            <Text size="sm">
              {deployment.simulated
                ? 'The simulated cluster and every simulated resource of it are removed.'
                : 'The Kafka cluster, its Kubernetes cluster, networks and load balancers are deleted from your cloud account. Clients lose their connection.'}
            </Text>
          </Alert>
          <div>
            <Text size="sm" fw={600} mb={4}>
              What is kept
            </Text>
            <List size="sm" spacing={4}>
              <List.Item>
                The broker volumes: {deployment.brokers} × {deployment.storagePerBrokerGiB} GiB, retained so
                no data is lost by accident. Delete them in your cloud when you no longer need them (they keep
                costing storage).
              </List.Item>
              <List.Item>
                The cloud account{deployment.cloudAccountName ? ` ${deployment.cloudAccountName}` : ''} stays
                connected.
              </List.Item>
              <List.Item>The deployment's history (operations, audit log) stays readable here.</List.Item>
            </List>
          </div>
          <TextInput
            label={
              <>
                Type <Code>{deployment.name}</Code> to confirm
              </>
            }
            value={typed}
            onChange={(event) => setTyped(event.currentTarget.value)}
            autoComplete="off"
            data-autofocus
            error={typed && !matches ? 'This is not the deployment’s name' : undefined}
          />
          {error && <ErrorAlert error={error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Keep it
            </Button>
            <Button color="red" disabled={!matches} onClick={() => void run()} loading={state.fetching}>
              Destroy deployment
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
