import { Button, Card, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconArrowsExchange, IconPlus } from '@tabler/icons-react';
import { useCallback, useEffect, useMemo } from 'react';
import { useQuery, useSubscription } from 'urql';
import { useRereadOnReconnect } from '../api/use-live';
import { can } from '../auth/permissions';
import { useSession } from '../auth/session';
import { PageHeader } from '../components/PageHeader';
import { QueryView } from '../components/QueryView';
import { deploymentsChangedSubscription } from '../deployments/deployments.graphql';
import { CreateLinkForm } from './CreateLinkForm';
import { LinkCard, type DeploymentInfo } from './LinkCard';
import { linkableDeploymentsQuery, replicationLinksQuery } from './replication.graphql';

/** Health is reported every few seconds by the agents: the page reads it again now and then. */
const REREAD_EVERY_MS = 15_000;

/** Disaster recovery: replication links between deployments in different regions, their health, failover. */
export function ReplicationPage() {
  const { role } = useSession();
  const [creating, create] = useDisclosure(false);
  const [links, rereadLinks] = useQuery({ query: replicationLinksQuery });
  const [deployments, rereadDeployments] = useQuery({ query: linkableDeploymentsQuery });
  const reread = useCallback(() => {
    rereadLinks({ requestPolicy: 'network-only' });
    rereadDeployments({ requestPolicy: 'network-only' });
  }, [rereadLinks, rereadDeployments]);
  useRereadOnReconnect(reread);
  useEffect(() => {
    const timer = setInterval(() => rereadLinks({ requestPolicy: 'network-only' }), REREAD_EVERY_MS);
    return () => clearInterval(timer);
  }, [rereadLinks]);
  // A link's steps run as REPLICATION operations on its deployments: when one moves, the link did.
  useSubscription({ query: deploymentsChangedSubscription }, (_previous: unknown, data) => {
    const event = data.deploymentsChanged;
    if (event.__typename === 'OperationChanged' && event.type === 'REPLICATION')
      rereadLinks({ requestPolicy: 'network-only' });
    return data;
  });
  const rows = deployments.data?.deployments ?? [];
  const byId = useMemo(
    () =>
      Object.fromEntries(
        rows.map((d) => [
          d.id,
          { name: d.name, region: d.region, simulated: d.simulated } satisfies DeploymentInfo,
        ]),
      ),
    [rows],
  );
  return (
    <>
      <PageHeader
        title="Replication"
        description="Mirror topics and consumer offsets between deployments in different regions with MirrorMaker 2, watch that the standby keeps up, and fail over (and back) step by step."
        actions={
          can(role, 'Mutation.createReplicationLink') && (
            <Button leftSection={<IconPlus size={16} aria-hidden />} onClick={create.open}>
              New link
            </Button>
          )
        }
      />
      <QueryView result={links} retry={reread} loadingLabel="Loading the replication links…">
        {(data) =>
          data.replicationLinks.length === 0 ? (
            <Card p="xl">
              <Stack align="center" gap="xs">
                <IconArrowsExchange size={32} aria-hidden color="var(--mantine-color-gray-5)" />
                <Text fw={600}>No replication links yet</Text>
                <Text size="sm" c="dimmed" ta="center" maw={520}>
                  A link keeps a standby deployment in another region in step with a primary (one way), or two
                  deployments in step with each other (two way). Both need to be running, with the external
                  listener on.
                </Text>
              </Stack>
            </Card>
          ) : (
            <Stack gap="lg">
              {data.replicationLinks.map((link) => (
                <LinkCard key={link.id} link={link} deployments={byId} onChanged={reread} />
              ))}
            </Stack>
          )
        }
      </QueryView>
      {creating && (
        <CreateLinkForm
          opened={creating}
          onClose={create.close}
          onCreated={reread}
          deployments={rows.filter((d) => d.status !== 'DESTROYED')}
        />
      )}
    </>
  );
}
