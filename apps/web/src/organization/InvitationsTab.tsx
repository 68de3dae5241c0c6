import {
  Alert,
  Button,
  Card,
  EmptyState,
  Group,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconMailPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { toApiError } from '../api/api-error';
import { unwrap, useFormSubmit } from '../api/forms';
import { assignableRoles } from '../auth/permissions';
import { useSession } from '../auth/session';
import { emailProblem } from '../auth/validation';
import { CopyValue } from '../components/CopyBlock';
import { ErrorAlert } from '../components/ErrorAlert';
import { QueryView } from '../components/QueryView';
import { RelativeTime } from '../components/RelativeTime';
import type { Role } from '../generated/graphql';
import { RoleBadge, ROLE_HELP } from './MembersTab';
import { invitationsQuery, inviteMemberMutation, revokeInvitationMutation } from './organization.graphql';

export function InvitationsTab() {
  const [result, reexecute] = useQuery({ query: invitationsQuery });
  const [, revoke] = useMutation(revokeInvitationMutation);
  const reread = () => reexecute({ requestPolicy: 'network-only' });
  const revokeOne = async (id: string, email: string) => {
    try {
      unwrap(await revoke({ invitationId: id }));
      notifications.show({ message: `The invitation for ${email} was withdrawn; its link no longer works.` });
      reread();
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not withdraw', message: toApiError(error).message });
    }
  };
  return (
    <Stack gap="lg">
      <InviteForm onInvited={reread} />
      <QueryView result={result} retry={reread} loadingLabel="Loading invitations…">
        {({ invitations }) =>
          invitations.length === 0 ? (
            <Card p="lg">
              <EmptyState
                size="sm"
                title="No pending invitations"
                description="Invitations you send appear here until accepted."
              />
            </Card>
          ) : (
            <Card p={0}>
              <Table aria-label="Pending invitations">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Email</Table.Th>
                    <Table.Th>Role</Table.Th>
                    <Table.Th>Expires</Table.Th>
                    <Table.Th />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {invitations.map((invitation) => (
                    <Table.Tr key={invitation.id}>
                      <Table.Td>{invitation.email}</Table.Td>
                      <Table.Td>
                        <RoleBadge role={invitation.role} />
                      </Table.Td>
                      <Table.Td>
                        {invitation.expired ? (
                          <Text size="sm" c="red.8">
                            expired
                          </Text>
                        ) : (
                          <Text size="sm">
                            <RelativeTime value={invitation.expiresAt} />
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td ta="right">
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          onClick={() => void revokeOne(invitation.id, invitation.email)}
                        >
                          Withdraw
                        </Button>
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Card>
          )
        }
      </QueryView>
    </Stack>
  );
}

function InviteForm({ onInvited }: { onInvited: () => void }) {
  const { role } = useSession();
  const [, invite] = useMutation(inviteMemberMutation);
  const [created, setCreated] = useState<{ email: string; link: string; role: Role }>();
  const roles = role ? assignableRoles(role) : [];
  const form = useForm({
    mode: 'controlled',
    initialValues: { email: '', role: 'MEMBER' as Role },
    validate: {
      email: emailProblem,
      role: (value: Role) => (roles.includes(value) ? null : 'Choose a role'),
    },
  });
  const submit = useFormSubmit(form, async (values) => {
    const data = unwrap(await invite({ input: { email: values.email.trim(), role: values.role } }));
    setCreated({
      email: data.inviteMember.invitation.email,
      link: data.inviteMember.link,
      role: values.role,
    });
    form.reset();
    onInvited();
  });
  return (
    <Card p="lg">
      <Title order={2} size="h4" mb="xs">
        Invite someone
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        Streamplane sends no email: you get a link to pass on. Only the invited address can use it.
      </Text>
      <form onSubmit={submit.onSubmit} noValidate aria-label="Invite a member">
        <Group align="flex-start" gap="sm">
          <TextInput
            label="Email"
            type="email"
            required
            style={{ flex: 1, minWidth: 240 }}
            {...form.getInputProps('email')}
          />
          <Select
            label="Role"
            w={180}
            allowDeselect={false}
            data={roles.map((value) => ({ value, label: value.toLowerCase() }))}
            description={ROLE_HELP[form.values.role]}
            {...form.getInputProps('role')}
          />
          <Button
            type="submit"
            mt={25}
            loading={form.submitting}
            leftSection={<IconMailPlus size={16} aria-hidden />}
          >
            Create invitation
          </Button>
        </Group>
        {submit.error && (
          <Stack mt="sm">
            <ErrorAlert error={submit.error} />
          </Stack>
        )}
      </form>
      {created && (
        <Alert
          mt="md"
          color="teal"
          variant="light"
          title={`Invitation for ${created.email} (${created.role.toLowerCase()})`}
          data-testid="invitation-link"
        >
          <Stack gap={6}>
            <Text size="sm">
              Send them this link. Creating another invitation for the same address replaces it.
            </Text>
            <CopyValue label="invitation link" value={created.link} />
          </Stack>
        </Alert>
      )}
    </Card>
  );
}
