import { Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

export function PageHeader(props: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  badges?: ReactNode;
}) {
  return (
    <Group justify="space-between" align="flex-start" mb="lg" wrap="nowrap">
      <Stack gap={4}>
        <Group gap="sm" align="center">
          <Title order={1} size="h2">
            {props.title}
          </Title>
          {props.badges}
        </Group>
        {props.description && (
          <Text c="dimmed" size="sm" maw={720}>
            {props.description}
          </Text>
        )}
      </Stack>
      {props.actions && <Group gap="sm">{props.actions}</Group>}
    </Group>
  );
}
