import { Badge, Button, Menu, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconCheck, IconSelector } from '@tabler/icons-react';
import { toApiError } from '../api/api-error';
import { describeError } from '../api/error-messages';
import { useSession, useViewer } from '../auth/session';

/** The organization the session acts in, and the others the person belongs to. */
export function OrganizationMenu() {
  const viewer = useViewer();
  const session = useSession();
  const switchTo = async (organizationId: string) => {
    try {
      await session.switchOrganization(organizationId);
    } catch (error) {
      notifications.show({
        color: 'red',
        title: 'Could not switch',
        message: describeError(toApiError(error)).advice,
      });
    }
  };
  return (
    <Menu position="bottom-start" width={280} withinPortal>
      <Menu.Target>
        <Button
          variant="subtle"
          color="dark"
          rightSection={<IconSelector size={14} aria-hidden />}
          aria-label={`Organization: ${viewer.organization.name}. Switch organization`}
          px="xs"
        >
          <Text fw={600} size="sm" truncate maw={220}>
            {viewer.organization.name}
          </Text>
          <Badge ml={8} size="xs" variant="light" color="gray">
            {viewer.role.toLowerCase()}
          </Badge>
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>Your organizations</Menu.Label>
        {viewer.organizations.map(({ organization, role }) => {
          const current = organization.id === viewer.organization.id;
          return (
            <Menu.Item
              key={organization.id}
              onClick={() => (current ? undefined : void switchTo(organization.id))}
              leftSection={current ? <IconCheck size={14} aria-hidden /> : <span style={{ width: 14 }} />}
              rightSection={
                <Text size="xs" c="dimmed">
                  {role.toLowerCase()}
                </Text>
              }
              aria-current={current || undefined}
            >
              {organization.name}
            </Menu.Item>
          );
        })}
      </Menu.Dropdown>
    </Menu>
  );
}
