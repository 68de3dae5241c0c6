import { List, Stack, Text } from '@mantine/core';
import { CopyBlock } from '../components/CopyBlock';
import type { ClientSettingsFieldsFragment } from '../generated/graphql';

/** The Kafka client properties for the active side, as a block to copy, and what to know about them. */
export function clientProperties(settings: ClientSettingsFieldsFragment): string {
  const lines = [
    `# Connect to ${settings.deploymentName}`,
    `bootstrap.servers=${settings.bootstrapServers ?? settings.bootstrapInternal ?? '<no bootstrap address yet>'}`,
    'security.protocol=SASL_SSL',
    'sasl.mechanism=SCRAM-SHA-512',
    '',
    '# Topics to consume there',
    ...settings.topics.map((topic) => `#   ${topic.selection}: ${topic.consumeOnActive.join(', ')}`),
  ];
  return lines.join('\n');
}

export function ClientSettingsView(props: { settings: ClientSettingsFieldsFragment }) {
  const { settings } = props;
  return (
    <Stack gap="xs" data-testid="client-settings">
      <CopyBlock
        label={`Client settings for ${settings.deploymentName}`}
        description={
          settings.bootstrapServers
            ? 'The external listener of the active deployment.'
            : 'No external listener: clients inside its cluster use the internal address.'
        }
        value={clientProperties(settings)}
      />
      {settings.notes.length > 0 && (
        <List size="sm" spacing={4}>
          {settings.notes.map((note) => (
            <List.Item key={note}>
              <Text size="sm">{note}</Text>
            </List.Item>
          ))}
        </List>
      )}
    </Stack>
  );
}
