import { Anchor, Box, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Logo } from '../components/Logo';

/** The frame of the signed-out pages: the mark, a title, one card. */
export function AuthLayout(props: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <Center mih="100vh" p="md" component="main">
      <Stack w="100%" maw={420} gap="lg">
        <Group justify="center">
          <Logo size="lg" />
        </Group>
        <Paper withBorder shadow="xs" p="xl">
          <Stack gap="md">
            <div>
              <Title order={1} size="h3">
                {props.title}
              </Title>
              {props.subtitle && (
                <Text size="sm" c="dimmed" mt={4}>
                  {props.subtitle}
                </Text>
              )}
            </div>
            {props.children}
          </Stack>
        </Paper>
        {props.footer && (
          <Box ta="center" fz="sm">
            {props.footer}
          </Box>
        )}
        <Text ta="center" size="xs" c="dimmed">
          Managed Apache Kafka® in your own cloud account.{' '}
          <Anchor href="https://kafka.apache.org" size="xs" target="_blank" rel="noreferrer">
            About Kafka
          </Anchor>
        </Text>
      </Stack>
    </Center>
  );
}
