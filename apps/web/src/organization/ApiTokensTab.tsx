import {
  Alert,
  Badge,
  Button,
  Card,
  Checkbox,
  EmptyState,
  Group,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { IconKey } from '@tabler/icons-react';
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { toApiError } from '../api/api-error';
import { unwrap, useFormSubmit } from '../api/forms';
import { atLeast, grantableScopes } from '../auth/permissions';
import { useSession, useViewer } from '../auth/session';
import { nameProblem } from '../auth/validation';
import { CopyValue } from '../components/CopyBlock';
import { ErrorAlert } from '../components/ErrorAlert';
import { QueryView } from '../components/QueryView';
import { RelativeTime } from '../components/RelativeTime';
import type { ApiTokenScope } from '../generated/graphql';
import { apiTokensQuery, createApiTokenMutation, revokeApiTokenMutation } from './organization.graphql';

const SCOPE_HELP: Record<ApiTokenScope, string> = {
  READ: 'read everything a viewer can',
  WRITE: 'also order, scale and retry deployments',
  ADMIN: 'also what admins do (destroy, members, cloud accounts)',
};

export function ApiTokensTab() {
  const { role } = useSession();
  const viewer = useViewer();
  const [result, reexecute] = useQuery({ query: apiTokensQuery });
  const [, revoke] = useMutation(revokeApiTokenMutation);
  const reread = () => reexecute({ requestPolicy: 'network-only' });
  const revokeOne = async (id: string, name: string) => {
    try {
      unwrap(await revoke({ tokenId: id }));
      notifications.show({ message: `Token “${name}” revoked: it stops working at once.` });
    } catch (error) {
      notifications.show({ color: 'red', title: 'Could not revoke', message: toApiError(error).message });
    }
  };
  return (
    <Stack gap="lg">
      <CreateTokenForm onCreated={reread} />
      <QueryView result={result} retry={reread} loadingLabel="Loading API tokens…">
        {({ apiTokens }) =>
          apiTokens.length === 0 ? (
            <Card p="lg">
              <EmptyState
                size="sm"
                icon={<IconKey size={24} aria-hidden />}
                title="No API tokens"
                description="Tokens let scripts and CI use the GraphQL API."
              />
            </Card>
          ) : (
            <Card p={0}>
              <Table.ScrollContainer minWidth={720}>
                <Table aria-label="API tokens">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Scopes</Table.Th>
                      <Table.Th>Last used</Table.Th>
                      <Table.Th>Expires</Table.Th>
                      <Table.Th />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {apiTokens.map((token) => {
                      const mayRevoke =
                        !token.revokedAt &&
                        (token.createdById === viewer.user.id || (role && atLeast(role, 'ADMIN')));
                      return (
                        <Table.Tr key={token.id} opacity={token.revokedAt ? 0.55 : 1}>
                          <Table.Td>
                            <Text size="sm" fw={500}>
                              {token.name}
                            </Text>
                            <Text size="xs" c="dimmed" className="sp-mono">
                              sp_pat_{token.prefix}_…
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Group gap={4}>
                              {token.scopes.map((scope) => (
                                <Badge key={scope} size="sm" variant="light" color="gray">
                                  {scope.toLowerCase()}
                                </Badge>
                              ))}
                            </Group>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">
                              {token.lastUsedAt ? <RelativeTime value={token.lastUsedAt} /> : 'never'}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">
                              {token.revokedAt ? (
                                'revoked'
                              ) : token.expiresAt ? (
                                <RelativeTime value={token.expiresAt} />
                              ) : (
                                'never'
                              )}
                            </Text>
                          </Table.Td>
                          <Table.Td ta="right">
                            {mayRevoke && (
                              <Button
                                size="xs"
                                variant="subtle"
                                color="red"
                                onClick={() => void revokeOne(token.id, token.name)}
                              >
                                Revoke
                              </Button>
                            )}
                          </Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Card>
          )
        }
      </QueryView>
    </Stack>
  );
}

export function expiryProblem(value: string, now: Date = new Date()): string | null {
  if (!value) return null;
  const date = new Date(`${value}T23:59:59`);
  if (Number.isNaN(date.getTime())) return 'Enter a date';
  if (date.getTime() <= now.getTime() + 60_000) return 'Choose a date in the future';
  if (date.getTime() >= now.getTime() + 366 * 86_400_000) return 'Choose a date within a year';
  return null;
}

function CreateTokenForm({ onCreated }: { onCreated: () => void }) {
  const { role } = useSession();
  const [, create] = useMutation(createApiTokenMutation);
  const [secret, setSecret] = useState<{ name: string; value: string }>();
  const scopes = role ? grantableScopes(role) : [];
  const form = useForm({
    mode: 'controlled',
    initialValues: { name: '', scopes: ['READ'] as string[], expires: '' },
    validate: {
      name: (value: string) => nameProblem(value, 'a name for the token'),
      scopes: (value: string[]) => (value.length === 0 ? 'Choose at least one scope' : null),
      expires: (value: string) => expiryProblem(value),
    },
  });
  const submit = useFormSubmit(form, async (values) => {
    const data = unwrap(
      await create({
        input: {
          name: values.name.trim(),
          scopes: values.scopes as ApiTokenScope[],
          expiresAt: values.expires ? new Date(`${values.expires}T23:59:59`).toISOString() : null,
        },
      }),
    );
    setSecret({ name: data.createApiToken.apiToken.name, value: data.createApiToken.secret });
    form.reset();
    onCreated();
  });
  return (
    <Card p="lg">
      <Title order={2} size="h4" mb="xs">
        Create an API token
      </Title>
      <Text size="sm" c="dimmed" mb="md">
        For scripts and CI: send it as <code>Authorization: Bearer …</code> to the GraphQL API. A token never
        has more rights than you.
      </Text>
      <form onSubmit={submit.onSubmit} noValidate aria-label="Create an API token">
        <Stack gap="sm">
          <Group align="flex-start" gap="sm" grow>
            <TextInput label="Name" placeholder="ci-deploy" required {...form.getInputProps('name')} />
            <TextInput
              label="Expires (optional)"
              type="date"
              description="Within a year; empty: never"
              {...form.getInputProps('expires')}
            />
          </Group>
          <Checkbox.Group label="Scopes" required {...form.getInputProps('scopes')}>
            <Group mt={6} gap="lg">
              {scopes.map((scope) => (
                <Checkbox key={scope} value={scope} label={`${scope.toLowerCase()} — ${SCOPE_HELP[scope]}`} />
              ))}
            </Group>
          </Checkbox.Group>
          {submit.error && <ErrorAlert error={submit.error} />}
          <Group>
            <Button type="submit" loading={form.submitting}>
              Create token
            </Button>
          </Group>
        </Stack>
      </form>
      {secret && (
        <Alert
          mt="md"
          color="yellow"
          variant="light"
          title={`Copy “${secret.name}” now: it is shown only this once`}
          data-testid="api-token-secret"
        >
          <Stack gap={6}>
            <CopyValue label="API token" value={secret.value} />
            <Text size="xs">
              Streamplane keeps only its hash. If you lose it, revoke it and create another.
            </Text>
            <Group>
              <Button size="xs" variant="subtle" onClick={() => setSecret(undefined)}>
                I have stored it
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
    </Card>
  );
}
