import { Alert, Button, Group, Modal, NumberInput, Stack, Table, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconInfoCircle } from '@tabler/icons-react';
import { useState } from 'react';
import { useClient, useMutation } from 'urql';
import { toApiError, type ApiError } from '../../api/api-error';
import { unwrap, useFormSubmit } from '../../api/forms';
import { SPEC_LIMITS } from '../../catalog/catalog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { formatSignedUsd, formatUsd } from '../../components/format';
import type { DeploymentChangeInput, PreviewChangeQuery } from '../../generated/graphql';
import { previewChangeQuery, scaleDeploymentMutation } from '../deployments.graphql';

export interface ScaleValues {
  [key: string]: unknown;
  brokers: number | string;
  storagePerBrokerGiB: number | string;
}

/** The rules of a scale change, before asking the api (which checks them again). */
export function scaleProblems(
  values: ScaleValues,
  current: { brokers: number; storagePerBrokerGiB: number },
) {
  const errors: Record<string, string> = {};
  const brokers = Number(values.brokers);
  const storage = Number(values.storagePerBrokerGiB);
  if (!Number.isInteger(brokers) || brokers < SPEC_LIMITS.brokers.min || brokers > SPEC_LIMITS.brokers.max) {
    errors.brokers = `Use ${SPEC_LIMITS.brokers.min} to ${SPEC_LIMITS.brokers.max} brokers`;
  }
  if (!Number.isInteger(storage) || storage > SPEC_LIMITS.storagePerBrokerGiB.max) {
    errors.storagePerBrokerGiB = `Use at most ${SPEC_LIMITS.storagePerBrokerGiB.max} GiB`;
  } else if (storage < current.storagePerBrokerGiB) {
    errors.storagePerBrokerGiB = `Storage can only grow (now ${current.storagePerBrokerGiB} GiB)`;
  }
  if (
    Object.keys(errors).length === 0 &&
    brokers === current.brokers &&
    storage === current.storagePerBrokerGiB
  ) {
    errors.brokers = 'Change the brokers or the storage';
  }
  return errors;
}

export function changeOf(
  values: ScaleValues,
  current: { brokers: number; storagePerBrokerGiB: number },
): DeploymentChangeInput {
  const change: DeploymentChangeInput = {};
  if (Number(values.brokers) !== current.brokers) change.brokers = Number(values.brokers);
  if (Number(values.storagePerBrokerGiB) !== current.storagePerBrokerGiB)
    change.storagePerBrokerGiB = Number(values.storagePerBrokerGiB);
  return change;
}

export function ScaleModal(props: {
  opened: boolean;
  onClose: () => void;
  deploymentId: string;
  current: { brokers: number; storagePerBrokerGiB: number };
}) {
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="Scale the deployment" size="lg">
      {props.opened && <ScaleForm {...props} />}
    </Modal>
  );
}

function ScaleForm(props: {
  onClose: () => void;
  deploymentId: string;
  current: { brokers: number; storagePerBrokerGiB: number };
}) {
  const client = useClient();
  const [, scale] = useMutation(scaleDeploymentMutation);
  const form = useForm<ScaleValues>({
    mode: 'controlled',
    initialValues: { brokers: props.current.brokers, storagePerBrokerGiB: props.current.storagePerBrokerGiB },
    validate: (values) => scaleProblems(values, props.current),
  });
  const [preview, setPreview] = useState<{ key: string; data: PreviewChangeQuery['previewChange'] }>();
  const [previewError, setPreviewError] = useState<ApiError>();
  const [previewing, setPreviewing] = useState(false);
  const key = JSON.stringify([Number(form.values.brokers), Number(form.values.storagePerBrokerGiB)]);
  const current = preview?.key === key;

  const runPreview = async () => {
    if (form.validate().hasErrors) return;
    setPreviewing(true);
    setPreviewError(undefined);
    try {
      const data = unwrap(
        await client
          .query(
            previewChangeQuery,
            { deploymentId: props.deploymentId, change: changeOf(form.values, props.current) },
            { requestPolicy: 'network-only' },
          )
          .toPromise(),
      );
      setPreview({ key, data: data.previewChange });
    } catch (error) {
      setPreviewError(toApiError(error));
    } finally {
      setPreviewing(false);
    }
  };
  const submit = useFormSubmit(form, async (values) => {
    unwrap(await scale({ deploymentId: props.deploymentId, change: changeOf(values, props.current) }));
    notifications.show({
      color: 'blue',
      title: 'Scaling',
      message: 'The change is queued; follow it on this page.',
    });
    props.onClose();
  });
  const shrinking = Number(form.values.brokers) < props.current.brokers;
  return (
    <form onSubmit={submit.onSubmit} noValidate aria-label="Scale">
      <Stack gap="md">
        <Group grow align="flex-start">
          <NumberInput
            clampBehavior="none"
            label="Brokers"
            description={`Now ${props.current.brokers}`}
            min={SPEC_LIMITS.brokers.min}
            max={SPEC_LIMITS.brokers.max}
            allowDecimal={false}
            data-autofocus
            {...form.getInputProps('brokers')}
          />
          <NumberInput
            clampBehavior="none"
            label="Storage per broker (GiB)"
            description={`Now ${props.current.storagePerBrokerGiB}; can only grow`}
            min={props.current.storagePerBrokerGiB}
            max={SPEC_LIMITS.storagePerBrokerGiB.max}
            step={100}
            allowDecimal={false}
            {...form.getInputProps('storagePerBrokerGiB')}
          />
        </Group>
        {shrinking && (
          <Alert color="yellow" variant="light" icon={<IconInfoCircle size={18} aria-hidden />}>
            Removing brokers: a KafkaRebalance first moves every replica off them, then they are removed. This
            takes longer than adding.
          </Alert>
        )}
        {previewError && <ErrorAlert error={previewError} />}
        {preview && (
          <Stack gap="xs" opacity={current ? 1 : 0.5} data-testid="change-preview">
            <Group justify="space-between">
              <Text size="sm">
                {preview.data.changedFields
                  .map((field) => `${field.field}: ${field.from} → ${field.to}`)
                  .join(' · ')}
              </Text>
              <Text size="sm" fw={600}>
                {formatUsd(preview.data.currentMonthlyUsd)} → {formatUsd(preview.data.nextMonthlyUsd)} / month
                ({formatSignedUsd(preview.data.deltaMonthlyUsd)})
              </Text>
            </Group>
            <Text size="xs" c="dimmed">
              {preview.data.addedResources.length} resources added, {preview.data.removedResources.length}{' '}
              removed, {preview.data.unchangedResources} unchanged
            </Text>
            <Table fz="xs" verticalSpacing={3} aria-label="Monthly cost change">
              <Table.Tbody>
                {preview.data.costLines
                  .filter((line) => line.deltaMonthlyUsd !== 0)
                  .map((line) => (
                    <Table.Tr key={line.item}>
                      <Table.Td>{line.description}</Table.Td>
                      <Table.Td ta="right">{formatSignedUsd(line.deltaMonthlyUsd)}</Table.Td>
                    </Table.Tr>
                  ))}
              </Table.Tbody>
            </Table>
          </Stack>
        )}
        {submit.error && <ErrorAlert error={submit.error} />}
        <Group justify="flex-end">
          <Button variant="default" onClick={props.onClose}>
            Cancel
          </Button>
          <Button
            variant={current ? 'default' : 'filled'}
            onClick={() => void runPreview()}
            loading={previewing}
          >
            Preview change
          </Button>
          <Button type="submit" disabled={!current} loading={form.submitting}>
            Apply change
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
