import { Alert, Card, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { CopyBlock } from '../../components/CopyBlock';
import type { DeploymentQuery } from '../../generated/graphql';
import { credentialCommands, javaProperties, kafkajsConfig } from '../client-config';

type Deployment = DeploymentQuery['deployment'];

/** Client configuration to copy: kafkajs and Java properties, with the deployment's TLS and SASL settings. */
export function ConnectPanel({ deployment }: { deployment: Deployment }) {
  const { outputs } = deployment;
  const options = [
    outputs.bootstrapExternal && { value: outputs.bootstrapExternal, label: 'Public listener' },
    outputs.bootstrapInternal && { value: outputs.bootstrapInternal, label: 'Inside the cluster' },
  ].filter((option): option is { value: string; label: string } => Boolean(option));
  const [bootstrap, setBootstrap] = useState(options[0]?.value);
  if (!bootstrap) {
    return (
      <Card p="lg">
        <Text size="sm" c="dimmed">
          Client configuration appears once the deployment is running and has its bootstrap address.
        </Text>
      </Card>
    );
  }
  const target = { bootstrap, authentication: deployment.spec.clientAuthentication };
  return (
    <Card p="lg">
      <Stack gap="md">
        <Title order={2} size="h4">
          Connect a client
        </Title>
        {options.length > 1 && (
          <SegmentedControl
            value={bootstrap}
            onChange={setBootstrap}
            data={options}
            aria-label="Listener"
            w="fit-content"
          />
        )}
        <Text size="sm">
          Every listener is TLS with the cluster's own certificate authority; clients sign in as a KafkaUser
          with{' '}
          {deployment.spec.clientAuthentication === 'MTLS'
            ? 'a client certificate (mutual TLS)'
            : 'SCRAM-SHA-512'}
          . Create a KafkaUser for your application (here <code>my-app</code>), then fetch its credentials:
        </Text>
        {deployment.simulated && (
          <Alert color="grape" variant="light" p="xs">
            <Text size="sm">
              Simulated deployment: the commands and addresses are real in form, but nothing answers.
            </Text>
          </Alert>
        )}
        <CopyBlock label="Credentials (kubectl)" value={credentialCommands(target)} />
        <CopyBlock label="kafkajs" value={kafkajsConfig(target)} />
        <CopyBlock label="Java client properties" value={javaProperties(target)} />
      </Stack>
    </Card>
  );
}
