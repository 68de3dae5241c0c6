import { Anchor, Button, Card, EmptyState, Group, Table, Text } from '@mantine/core';
import { IconBrandAws, IconBrandAzure, IconCloud, IconPlus } from '@tabler/icons-react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { can } from '../auth/permissions';
import { useSession } from '../auth/session';
import { PageHeader } from '../components/PageHeader';
import { QueryView } from '../components/QueryView';
import { RelativeTime } from '../components/RelativeTime';
import { cloudAccountsQuery } from './cloud-accounts.graphql';
import { VerificationBadge } from './VerificationStatus';

export function CloudAccountsPage() {
  const { role } = useSession();
  const [result, reexecute] = useQuery({ query: cloudAccountsQuery });
  const canConnect = can(role, 'Mutation.connectAwsAccount');
  return (
    <>
      <PageHeader
        title="Cloud accounts"
        description="The AWS accounts and Azure subscriptions Streamplane deploys into. Credentials are encrypted and never shown again."
        actions={
          canConnect && (
            <Button
              component={Link}
              to="/cloud-accounts/connect"
              leftSection={<IconPlus size={16} aria-hidden />}
            >
              Connect a cloud account
            </Button>
          )
        }
      />
      <QueryView
        result={result}
        retry={() => reexecute({ requestPolicy: 'network-only' })}
        loadingLabel="Loading cloud accounts…"
      >
        {({ cloudAccounts }) =>
          cloudAccounts.length === 0 ? (
            <Card p="xl">
              <EmptyState
                icon={<IconCloud size={28} aria-hidden />}
                title="No cloud account connected"
                description={
                  canConnect
                    ? 'Connect an AWS account or Azure subscription to deploy Kafka into it.'
                    : 'Ask an admin of your organization to connect one.'
                }
              >
                {canConnect && (
                  <Button component={Link} to="/cloud-accounts/connect">
                    Connect a cloud account
                  </Button>
                )}
              </EmptyState>
            </Card>
          ) : (
            <Card p={0}>
              <Table.ScrollContainer minWidth={700}>
                <Table aria-label="Cloud accounts">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Cloud</Table.Th>
                      <Table.Th>Account</Table.Th>
                      <Table.Th>Regions</Table.Th>
                      <Table.Th>Verification</Table.Th>
                      <Table.Th>Connected</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {cloudAccounts.map((account) => (
                      <Table.Tr key={account.id}>
                        <Table.Td>
                          <Anchor component={Link} to={`/cloud-accounts/${account.id}`} fw={600}>
                            {account.name}
                          </Anchor>
                        </Table.Td>
                        <Table.Td>
                          <Group gap={6} wrap="nowrap">
                            {account.provider === 'AWS' ? (
                              <IconBrandAws size={18} aria-hidden />
                            ) : (
                              <IconBrandAzure size={18} aria-hidden />
                            )}
                            <Text size="sm">{account.provider === 'AWS' ? 'AWS' : 'Azure'}</Text>
                          </Group>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm" className="sp-mono">
                            {account.aws?.accountId ?? account.azure?.subscriptionId}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{account.allowedRegions.join(', ')}</Text>
                        </Table.Td>
                        <Table.Td>
                          <VerificationBadge verification={account.verification} />
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">
                            <RelativeTime value={account.createdAt} />
                          </Text>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Card>
          )
        }
      </QueryView>
    </>
  );
}
