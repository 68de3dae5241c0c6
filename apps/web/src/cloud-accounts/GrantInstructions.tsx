import { Group, List, Stack, Text, Title } from '@mantine/core';
import { CopyBlock, CopyValue } from '../components/CopyBlock';
import type { CloudProvider } from '../generated/graphql';

export interface Grant {
  steps: string[];
  awsTrustPolicy?: string | null;
  awsPermissionPolicy?: string | null;
  azureRoleDefinition?: string | null;
  azureScope?: string | null;
  azureRoleAssignmentCondition?: string | null;
}

function pretty(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

/** Exactly what to create in the cloud, with everything ready to copy. */
export function GrantInstructions(props: {
  provider: CloudProvider;
  grant: Grant;
  externalId?: string | null;
  roleArn?: string | null;
}) {
  const { grant } = props;
  return (
    <Stack gap="md">
      <div>
        <Title order={3} size="h5" mb={6}>
          Steps
        </Title>
        <List type="ordered" spacing={6} size="sm">
          {grant.steps.map((step) => (
            <List.Item key={step}>{step}</List.Item>
          ))}
        </List>
      </div>
      {props.provider === 'AWS' && (
        <>
          {props.externalId && (
            <Group gap="xs">
              <Text size="sm" fw={600}>
                External id
              </Text>
              <CopyValue label="external id" value={props.externalId} />
              <Text size="xs" c="dimmed">
                (not a secret; the trust policy requires it)
              </Text>
            </Group>
          )}
          {grant.awsTrustPolicy && (
            <CopyBlock
              label="Trust policy"
              description={`Who may assume ${props.roleArn ?? 'the role'}: Streamplane, with the external id.`}
              value={pretty(grant.awsTrustPolicy)}
            />
          )}
          {grant.awsPermissionPolicy && (
            <CopyBlock
              label="Permission policy"
              description="What the role may do: build and remove Streamplane's resources, nothing else."
              value={pretty(grant.awsPermissionPolicy)}
            />
          )}
        </>
      )}
      {props.provider === 'AZURE' && (
        <>
          {grant.azureScope && (
            <Group gap="xs">
              <Text size="sm" fw={600}>
                Assign at scope
              </Text>
              <CopyValue label="scope" value={grant.azureScope} />
            </Group>
          )}
          {grant.azureRoleDefinition && (
            <CopyBlock label="Custom role definition" value={pretty(grant.azureRoleDefinition)} />
          )}
          {grant.azureRoleAssignmentCondition && (
            <CopyBlock
              label="Role assignment condition"
              description="Keeps the role from assigning any role but the built-in ones a deployment needs."
              value={grant.azureRoleAssignmentCondition}
            />
          )}
        </>
      )}
    </Stack>
  );
}
