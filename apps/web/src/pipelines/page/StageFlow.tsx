import { Box, Card, Code, Group, ScrollArea, Stack, Text, Tooltip } from '@mantine/core';
import { IconArrowRight } from '@tabler/icons-react';
import { Fragment } from 'react';
import type { PipelineQuery } from '../../generated/graphql';
import { formatLag, formatRate, type Checkpoint } from '../pipeline-live';
import { StageStateBadge } from '../PipelineStatusBadge';

type Stage = PipelineQuery['pipeline']['stages'][number];

const ROLE_COLOR: Record<string, string> = { source: 'teal', transform: 'indigo', sink: 'orange' };

/** The stages left to right, each with the topic it writes and its live figures. */
export function StageFlow(props: {
  stages: Stage[];
  checkpoints: Record<string, Checkpoint>;
  live: boolean;
}) {
  return (
    <ScrollArea type="auto" offsetScrollbars>
      <Group gap={6} wrap="nowrap" align="stretch" py={4} aria-label="Stages, in order" role="list">
        {props.stages.map((stage, index) => {
          const checkpoint = props.checkpoints[stage.name];
          return (
            <Fragment key={stage.name}>
              {index > 0 && (
                <Stack justify="center" c="dimmed" aria-hidden>
                  <IconArrowRight size={18} />
                </Stack>
              )}
              <Card
                withBorder
                p="sm"
                miw={200}
                maw={260}
                role="listitem"
                aria-label={`Stage ${stage.name}`}
                data-testid={`flow-stage-${stage.name}`}
                data-sequence={checkpoint?.sequence ?? ''}
                style={{ borderTop: `3px solid var(--mantine-color-${ROLE_COLOR[stage.role] ?? 'gray'}-5)` }}
              >
                <Group justify="space-between" gap="xs" wrap="nowrap" mb={4}>
                  <Text fw={600} size="sm" truncate>
                    {stage.name}
                  </Text>
                  {props.live && <StageStateBadge state={checkpoint?.state} />}
                </Group>
                <Text size="xs" c="dimmed" mb="xs">
                  {stage.kind}
                </Text>
                {props.live && (
                  <Group gap="md" mb="xs" wrap="nowrap">
                    <Box>
                      <Text size="xs" c="dimmed">
                        Throughput
                      </Text>
                      <Text size="sm" fw={600} data-testid={`stage-throughput-${stage.name}`}>
                        {checkpoint ? formatRate(checkpoint.messagesPerSec) : '—'}
                      </Text>
                    </Box>
                    <Box>
                      <Text size="xs" c="dimmed">
                        Lag
                      </Text>
                      <Text size="sm" fw={600} data-testid={`stage-lag-${stage.name}`}>
                        {checkpoint && stage.role !== 'source' ? formatLag(checkpoint.lag) : '—'}
                      </Text>
                    </Box>
                  </Group>
                )}
                {checkpoint?.assetsSeen != null && (
                  <Text size="xs" c="dimmed">
                    {checkpoint.assetsSeen} devices in the last interval
                  </Text>
                )}
                {checkpoint?.error && (
                  <Text size="xs" c="red" lineClamp={3}>
                    {checkpoint.error}
                  </Text>
                )}
                <Stack gap={2} mt="auto">
                  {stage.outputTopic && (
                    <Tooltip
                      label={
                        stage.role === 'sink'
                          ? 'Writes this topic'
                          : 'Writes this topic (the next stage reads it)'
                      }
                      withArrow
                    >
                      <Text size="xs">
                        → <Code fz={11}>{stage.outputTopic}</Code>
                      </Text>
                    </Tooltip>
                  )}
                  {stage.deadLetterTopic && (
                    <Text size="xs" c="dimmed">
                      invalid → <Code fz={11}>{stage.deadLetterTopic}</Code>
                    </Text>
                  )}
                  {stage.consumerGroup && (
                    <Text size="xs" c="dimmed">
                      group <Code fz={11}>{stage.consumerGroup}</Code>
                    </Text>
                  )}
                </Stack>
              </Card>
            </Fragment>
          );
        })}
      </Group>
    </ScrollArea>
  );
}
