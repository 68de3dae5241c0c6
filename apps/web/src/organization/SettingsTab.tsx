import { Button, Card, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation } from 'urql';
import { unwrap, useFormSubmit } from '../api/forms';
import { can } from '../auth/permissions';
import { useSession, useViewer } from '../auth/session';
import { nameProblem } from '../auth/validation';
import { CopyValue } from '../components/CopyBlock';
import { ErrorAlert } from '../components/ErrorAlert';
import { updateOrganizationMutation } from './organization.graphql';

export function SettingsTab() {
  const { role, reloadViewer } = useSession();
  const viewer = useViewer();
  const [, update] = useMutation(updateOrganizationMutation);
  const editable = can(role, 'Mutation.updateOrganization');
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: viewer.organization.name },
    validate: { name: (value: string) => nameProblem(value, 'a name for the organization') },
  });
  const submit = useFormSubmit(form, async (values) => {
    unwrap(await update({ input: { name: values.name.trim() } }));
    notifications.show({ color: 'teal', message: 'Organization renamed.' });
    reloadViewer();
  });
  return (
    <Card p="lg" maw={640}>
      <Title order={2} size="h4" mb="md">
        Organization
      </Title>
      <Stack gap="md">
        {editable ? (
          <form onSubmit={submit.onSubmit} noValidate aria-label="Rename the organization">
            <Group align="flex-end">
              <TextInput label="Name" style={{ flex: 1 }} {...form.getInputProps('name')} />
              <Button
                type="submit"
                loading={form.submitting}
                disabled={form.values.name.trim() === viewer.organization.name}
              >
                Rename
              </Button>
            </Group>
            {submit.error && <ErrorAlert error={submit.error} />}
          </form>
        ) : (
          <div>
            <Text size="xs" c="dimmed">
              Name
            </Text>
            <Text size="sm">{viewer.organization.name}</Text>
          </div>
        )}
        <div>
          <Text size="xs" c="dimmed">
            Organization id (for support and the API)
          </Text>
          <CopyValue label="organization id" value={viewer.organization.id} />
        </div>
        <div>
          <Text size="xs" c="dimmed">
            Your role
          </Text>
          <Text size="sm">{viewer.role.toLowerCase()}</Text>
        </div>
      </Stack>
    </Card>
  );
}
