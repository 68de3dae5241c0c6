import { Button, Group, Modal, Radio, Select, Stack, Text, Textarea } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from 'urql';
import { unwrap, useFormSubmit } from '../api/forms';
import { ErrorAlert } from '../components/ErrorAlert';
import { createReplicationLinkMutation } from './replication.graphql';
import {
  PATTERN_HINT,
  splitPatterns,
  validateLink,
  type LinkableDeployment,
  type LinkFormValues,
} from './link-form';

/** Two deployments, the direction(s), what to mirror and how remote topics are named. */
export function CreateLinkForm(props: {
  opened: boolean;
  onClose: () => void;
  onCreated: () => void;
  deployments: LinkableDeployment[];
}) {
  const [, create] = useMutation(createReplicationLinkMutation);
  const form = useForm<LinkFormValues>({
    initialValues: {
      sourceDeploymentId: '',
      targetDeploymentId: '',
      mode: 'ONE_WAY',
      topicNaming: 'PREFIXED',
      topics: '*',
      consumerGroups: '*',
    },
    validate: (values) => validateLink(values, props.deployments),
  });
  const { onSubmit, error } = useFormSubmit(
    form,
    async (values) => {
      unwrap(
        await create({
          input: {
            sourceDeploymentId: values.sourceDeploymentId,
            targetDeploymentId: values.targetDeploymentId,
            mode: values.mode,
            topicNaming: values.topicNaming,
            topics: splitPatterns(values.topics),
            consumerGroups: splitPatterns(values.consumerGroups),
          },
        }),
      );
      form.reset();
      props.onClose();
      props.onCreated();
    },
    (apiError) => {
      const errors: Record<string, string> = {};
      for (const problem of apiError.fields) {
        // `input.topics.2` → topics
        const key = problem.field.replace(/^input\./, '').split('.')[0];
        const message = problem.message.charAt(0).toUpperCase() + problem.message.slice(1);
        errors[key] = errors[key] ? `${errors[key]} ${message}` : message;
      }
      return errors;
    },
  );
  const options = props.deployments.map((deployment) => ({
    value: deployment.id,
    label: `${deployment.name} — ${deployment.region}${deployment.status === 'RUNNING' ? '' : ` (${deployment.status.toLowerCase()})`}`,
  }));
  const twoWay = form.values.mode === 'TWO_WAY';
  return (
    <Modal opened={props.opened} onClose={props.onClose} title="New replication link" size="lg">
      <form onSubmit={onSubmit} noValidate>
        <Stack gap="sm">
          <Radio.Group
            label="Mode"
            {...form.getInputProps('mode')}
            onChange={(value) => {
              form.setFieldValue('mode', value as LinkFormValues['mode']);
              if (value === 'TWO_WAY') form.setFieldValue('topicNaming', 'PREFIXED');
            }}
          >
            <Stack gap={6} mt={6}>
              <Radio value="ONE_WAY" label="One way: a primary and a hot standby" />
              <Radio value="TWO_WAY" label="Two way: active-active, each side mirrors the other" />
            </Stack>
          </Radio.Group>
          <Group grow align="flex-start">
            <Select
              label={twoWay ? 'First deployment' : 'Source (primary)'}
              description="Where clients are now."
              data={options}
              searchable
              {...form.getInputProps('sourceDeploymentId')}
            />
            <Select
              label={twoWay ? 'Second deployment' : 'Target (standby)'}
              description="In another region."
              data={options}
              searchable
              {...form.getInputProps('targetDeploymentId')}
            />
          </Group>
          <Textarea
            label="Topics to mirror"
            description={PATTERN_HINT}
            autosize
            minRows={2}
            {...form.getInputProps('topics')}
          />
          <Textarea
            label="Consumer groups whose offsets are synced"
            description={PATTERN_HINT}
            autosize
            minRows={2}
            {...form.getInputProps('consumerGroups')}
          />
          <Radio.Group label="Names of mirrored topics" {...form.getInputProps('topicNaming')}>
            <Stack gap={6} mt={6}>
              <Radio
                value="PREFIXED"
                label="Prefixed: orders on the source is <source>.orders on the target (cannot loop)"
              />
              <Radio
                value="IDENTITY"
                disabled={twoWay}
                label="Same names: orders stays orders (one way only)"
              />
            </Stack>
          </Radio.Group>
          {form.errors.topicNaming && (
            <Text size="xs" c="red">
              {form.errors.topicNaming}
            </Text>
          )}
          {error && <ErrorAlert error={error} title="The link was not created" />}
          <Group justify="flex-end">
            <Button variant="default" onClick={props.onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={form.submitting}>
              Create link
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
