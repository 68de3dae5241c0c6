import { Anchor, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconExternalLink } from '@tabler/icons-react';
import { Link } from 'react-router';
import { CopyValue } from '../../components/CopyBlock';
import { RelativeTime } from '../../components/RelativeTime';
import type { DeploymentQuery } from '../../generated/graphql';
import { CLOUD_LABEL } from '../StatusBadge';

type Deployment = DeploymentQuery['deployment'];

function Item(props: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" fw={500}>
        {props.label}
      </Text>
      <Text size="sm" component="div">
        {props.children}
      </Text>
    </div>
  );
}

export function SpecSummary({
  deployment,
  cloudAccountName,
}: {
  deployment: Deployment;
  cloudAccountName?: string;
}) {
  const { spec } = deployment;
  return (
    <Card p="lg">
      <Title order={2} size="h4" mb="md">
        Configuration
      </Title>
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 4 }} spacing="md" verticalSpacing="md">
        <Item label="Cloud and region">
          {CLOUD_LABEL[deployment.cloud]} · {spec.region}
        </Item>
        <Item label="Zones">{spec.zones.join(', ')}</Item>
        <Item label="Kafka">{deployment.kafkaVersion} (KRaft)</Item>
        <Item label="Controllers">{spec.controllers}</Item>
        <Item label="Brokers">
          {spec.brokers} × {spec.nodeSize}
        </Item>
        <Item label="Storage">{spec.storagePerBrokerGiB} GiB per broker</Item>
        <Item label="Client authentication">
          {spec.clientAuthentication === 'MTLS' ? 'Mutual TLS' : 'SCRAM-SHA-512'}
        </Item>
        <Item label="Public listener">{spec.externalListener ? 'On' : 'Off (private network only)'}</Item>
        <Item label="Cloud account">
          <Anchor component={Link} to={`/cloud-accounts/${deployment.cloudAccountId}`} size="sm">
            {cloudAccountName ?? 'View'}
          </Anchor>
        </Item>
        <Item label="Created">
          <RelativeTime value={deployment.createdAt} />
        </Item>
        <Item label="Generation">
          {deployment.observedGeneration} of {deployment.generation} applied
        </Item>
      </SimpleGrid>
    </Card>
  );
}

export function OutputsCard({ deployment }: { deployment: Deployment }) {
  const { outputs } = deployment;
  const any = outputs.bootstrapInternal || outputs.bootstrapExternal || outputs.grafanaUrl;
  return (
    <Card p="lg">
      <Title order={2} size="h4" mb="md">
        Endpoints
      </Title>
      {!any ? (
        <Text size="sm" c="dimmed">
          {deployment.status === 'DESTROYED'
            ? 'Destroyed: no endpoints.'
            : 'Available once the deployment is running.'}
        </Text>
      ) : (
        <Stack gap="sm">
          {outputs.bootstrapExternal && (
            <Item label="Bootstrap (public, TLS)">
              <CopyValue label="public bootstrap address" value={outputs.bootstrapExternal} />
            </Item>
          )}
          {outputs.bootstrapInternal && (
            <Item label="Bootstrap (inside the cluster, TLS)">
              <CopyValue label="internal bootstrap address" value={outputs.bootstrapInternal} />
            </Item>
          )}
          {outputs.grafanaUrl && (
            <Item label="Grafana">
              <Group gap={4}>
                <Anchor href={outputs.grafanaUrl} target="_blank" rel="noreferrer" size="sm">
                  {outputs.grafanaUrl}
                </Anchor>
                <IconExternalLink size={14} aria-hidden />
              </Group>
            </Item>
          )}
          {deployment.simulated && (
            <Text size="xs" c="dimmed">
              Simulated: these addresses end in <code>.invalid</code> and answer nowhere.
            </Text>
          )}
        </Stack>
      )}
    </Card>
  );
}
