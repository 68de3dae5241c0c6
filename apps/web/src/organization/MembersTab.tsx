import { Badge, Button, Card, Group, Modal, Select, Stack, Table, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { toApiError, type ApiError } from '../api/api-error';
import { unwrap } from '../api/forms';
import { assignableRoles, can, canManageMember } from '../auth/permissions';
import { useSession, useViewer } from '../auth/session';
import { ErrorAlert } from '../components/ErrorAlert';
import { QueryView } from '../components/QueryView';
import { RelativeTime } from '../components/RelativeTime';
import type { MembersQuery, Role } from '../generated/graphql';
import { changeMemberRoleMutation, membersQuery, removeMemberMutation } from './organization.graphql';

type Member = MembersQuery['members'][number];

export const ROLE_HELP: Record<Role, string> = {
  OWNER: 'Everything, including managing owners and admins',
  ADMIN: 'Manage members, cloud accounts, destroy deployments, approve upgrades, see invoices',
  MEMBER: 'Order, scale and retry deployments; create API tokens',
  VIEWER: 'Read only',
};

const ROLE_COLOR: Record<Role, string> = { OWNER: 'indigo', ADMIN: 'blue', MEMBER: 'teal', VIEWER: 'gray' };

export function RoleBadge({ role }: { role: Role }) {
  return (
    <Badge color={ROLE_COLOR[role]} variant="light">
      {role.toLowerCase()}
    </Badge>
  );
}

export function MembersTab() {
  const [result, reexecute] = useQuery({ query: membersQuery });
  return (
    <QueryView
      result={result}
      retry={() => reexecute({ requestPolicy: 'network-only' })}
      loadingLabel="Loading members…"
    >
      {({ members }) => (
        <Card p={0}>
          <Table.ScrollContainer minWidth={640}>
            <Table aria-label="Members">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Joined</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {members.map((member) => (
                  <MemberRow key={member.id} member={member} />
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
    </QueryView>
  );
}

function MemberRow({ member }: { member: Member }) {
  const { role, reloadViewer } = useSession();
  const viewer = useViewer();
  const [, change] = useMutation(changeMemberRoleMutation);
  const [removing, setRemoving] = useState(false);
  const [error, setError] = useState<ApiError>();
  const self = member.user.id === viewer.user.id;
  const manageable =
    role !== undefined &&
    can(role, 'Mutation.changeMemberRole') &&
    canManageMember(role, member.role) &&
    !self;
  const changeRole = async (next: string | null) => {
    if (!next || next === member.role) return;
    setError(undefined);
    try {
      unwrap(await change({ memberId: member.id, role: next as Role }));
      notifications.show({ color: 'teal', message: `${member.user.name} is now ${next.toLowerCase()}.` });
      reloadViewer();
    } catch (caught) {
      setError(toApiError(caught));
    }
  };
  return (
    <Table.Tr data-testid={`member-${member.user.email}`}>
      <Table.Td>
        <Text size="sm" fw={500}>
          {member.user.name}{' '}
          {self && (
            <Text span c="dimmed" size="xs">
              (you)
            </Text>
          )}
        </Text>
        <Text size="xs" c="dimmed">
          {member.user.email}
        </Text>
        {error && <ErrorAlert error={error} />}
      </Table.Td>
      <Table.Td>
        {manageable && role ? (
          <Select
            size="xs"
            w={140}
            aria-label={`Role of ${member.user.name}`}
            value={member.role}
            allowDeselect={false}
            data={assignableRoles(role).map((value) => ({ value, label: value.toLowerCase() }))}
            onChange={(value) => void changeRole(value)}
          />
        ) : (
          <RoleBadge role={member.role} />
        )}
      </Table.Td>
      <Table.Td>
        <Text size="sm">
          <RelativeTime value={member.joinedAt} />
        </Text>
      </Table.Td>
      <Table.Td ta="right">
        {manageable && (
          <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving(true)}>
            Remove
          </Button>
        )}
        <Modal opened={removing} onClose={() => setRemoving(false)} title={`Remove ${member.user.name}?`}>
          {removing && <RemoveMember member={member} onDone={() => setRemoving(false)} />}
        </Modal>
      </Table.Td>
    </Table.Tr>
  );
}

function RemoveMember({ member, onDone }: { member: Member; onDone: () => void }) {
  const [state, remove] = useMutation(removeMemberMutation);
  const [error, setError] = useState<ApiError>();
  const run = async () => {
    setError(undefined);
    try {
      unwrap(await remove({ memberId: member.id }));
      notifications.show({ message: `${member.user.name} was removed.` });
      onDone();
    } catch (caught) {
      setError(toApiError(caught));
    }
  };
  return (
    <Stack gap="md">
      <Text size="sm">
        {member.user.email} loses access to this organization at once: their sessions in it end, and their
        live views stop.
      </Text>
      {error && <ErrorAlert error={error} />}
      <Group justify="flex-end">
        <Button variant="default" onClick={onDone}>
          Cancel
        </Button>
        <Button color="red" onClick={() => void run()} loading={state.fetching}>
          Remove member
        </Button>
      </Group>
    </Stack>
  );
}
