import { ActionIcon, Button, Code, CopyButton, Group, Paper, ScrollArea, Text, Tooltip } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

/** A copy button that says what it copied (for screen readers too). */
export function CopyAction(props: { value: string; label: string; compact?: boolean }) {
  return (
    <CopyButton value={props.value} timeout={1500}>
      {({ copied, copy }) =>
        props.compact ? (
          <Tooltip label={copied ? 'Copied' : `Copy ${props.label}`} withArrow>
            <ActionIcon
              variant="subtle"
              color={copied ? 'teal' : 'gray'}
              onClick={copy}
              aria-label={copied ? `${props.label} copied` : `Copy ${props.label}`}
            >
              {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
            </ActionIcon>
          </Tooltip>
        ) : (
          <Button
            size="xs"
            variant="light"
            color={copied ? 'teal' : undefined}
            leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />}
            onClick={copy}
            aria-label={copied ? `${props.label} copied` : `Copy ${props.label}`}
          >
            {copied ? 'Copied' : 'Copy'}
          </Button>
        )
      }
    </CopyButton>
  );
}

/** A labelled block of text to copy: a policy, a command, a config snippet. */
export function CopyBlock(props: { label: string; value: string; maxHeight?: number; description?: string }) {
  return (
    <Paper withBorder radius="md" p={0}>
      <Group
        justify="space-between"
        px="sm"
        py={6}
        bg="var(--mantine-color-gray-0)"
        style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}
      >
        <div>
          <Text size="sm" fw={600}>
            {props.label}
          </Text>
          {props.description && (
            <Text size="xs" c="dimmed">
              {props.description}
            </Text>
          )}
        </div>
        <CopyAction value={props.value} label={props.label} />
      </Group>
      <ScrollArea.Autosize mah={props.maxHeight ?? 320} type="auto">
        <Code block style={{ background: 'transparent', fontSize: 12.5 }} aria-label={props.label}>
          {props.value}
        </Code>
      </ScrollArea.Autosize>
    </Paper>
  );
}

/** One value on a line, with a copy button beside it. */
export function CopyValue(props: { label: string; value: string }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Code style={{ wordBreak: 'break-all' }}>{props.value}</Code>
      <CopyAction value={props.value} label={props.label} compact />
    </Group>
  );
}
