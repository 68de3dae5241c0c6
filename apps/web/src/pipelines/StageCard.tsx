import {
  ActionIcon,
  Badge,
  Button,
  Card,
  Group,
  List,
  Select,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { IconArrowDown, IconArrowUp, IconBraces, IconForms, IconTrash } from '@tabler/icons-react';
import type { PipelineStageCatalogQuery } from '../generated/graphql';
import { hasForm, OptionsJsonEditor, shownByForm, StageOptionsForm } from './StageOptionsForm';
import {
  defaultOptions,
  stageOptions,
  type FieldErrors,
  type StageDraft,
  type StageRole,
  type StageTopics,
} from './stage-builder';

type Kind = PipelineStageCatalogQuery['pipelineStageCatalog'][number];

const ROLE_COLOR: Record<StageRole, string> = { source: 'teal', transform: 'indigo', sink: 'orange' };

/** One stage of the builder: its name, kind, options (form or JSON), and the topics it reads and writes. */
export function StageCard(props: {
  index: number;
  stage: StageDraft;
  role: StageRole;
  kinds: Kind[];
  topics: StageTopics;
  errors: FieldErrors;
  canMoveUp: boolean;
  canMoveDown: boolean;
  onChange: (stage: StageDraft) => void;
  onRemove?: () => void;
  onMove: (by: -1 | 1) => void;
}) {
  const { stage, errors, index } = props;
  const kind = props.kinds.find((entry) => entry.kind === stage.kind);
  const label = `Stage ${index + 1}`;
  const jsonMode = stage.optionsJson !== undefined || !hasForm(stage.kind);
  const describe = (name: string) => kind?.options.find((option) => option.name === name)?.description;
  const set = (change: Partial<StageDraft>) => props.onChange({ ...stage, ...change });
  const otherErrors = Object.entries(errors).filter(
    ([key]) =>
      key !== 'name' &&
      key !== 'kind' &&
      key !== 'outputTopic' &&
      !(!jsonMode && shownByForm(stage.kind, key)),
  );
  const ownTopic = props.topics.created;
  return (
    <Card
      withBorder
      p="md"
      data-testid={`stage-${index}`}
      aria-label={`${label}: ${stage.name || 'unnamed'}`}
      component="section"
    >
      <Group justify="space-between" mb="sm" wrap="nowrap">
        <Group gap="xs">
          <Badge color={ROLE_COLOR[props.role]} variant="light">
            {index + 1} · {props.role}
          </Badge>
          {kind && (
            <Text size="sm" fw={600}>
              {kind.title}
            </Text>
          )}
        </Group>
        <Group gap={4}>
          {props.role === 'transform' && (
            <>
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={`Move ${label} up`}
                disabled={!props.canMoveUp}
                onClick={() => props.onMove(-1)}
              >
                <IconArrowUp size={16} />
              </ActionIcon>
              <ActionIcon
                variant="subtle"
                color="gray"
                aria-label={`Move ${label} down`}
                disabled={!props.canMoveDown}
                onClick={() => props.onMove(1)}
              >
                <IconArrowDown size={16} />
              </ActionIcon>
            </>
          )}
          {props.onRemove && (
            <Tooltip label="Remove this stage" withArrow>
              <ActionIcon
                variant="subtle"
                color="red"
                aria-label={`Remove ${label}`}
                onClick={props.onRemove}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          )}
        </Group>
      </Group>
      <Stack gap="sm">
        <Group grow align="flex-start">
          <TextInput
            label={`${label} name`}
            description="Lower-case letters, digits and -; unique in the pipeline."
            value={stage.name}
            onChange={(event) => set({ name: event.currentTarget.value })}
            error={errors.name}
            required
          />
          <Select
            label={`${label} kind`}
            description={kind?.description}
            data={props.kinds.map((entry) => ({
              value: entry.kind,
              label: `${entry.title} (${entry.kind})`,
            }))}
            value={stage.kind}
            onChange={(value) =>
              value && set({ kind: value, options: defaultOptions(value), optionsJson: undefined })
            }
            allowDeselect={false}
            error={errors.kind}
          />
        </Group>
        {jsonMode ? (
          <>
            {kind && kind.options.length > 0 && (
              <List size="xs" c="dimmed" spacing={2}>
                {kind.options.map((option) => (
                  <List.Item key={option.name}>
                    <strong>{option.name}</strong> ({option.type}
                    {option.required ? ', required' : ''}
                    {option.secret ? ', sealed' : ''}): {option.description}
                  </List.Item>
                ))}
              </List>
            )}
            <OptionsJsonEditor
              stageLabel={label}
              value={stage.optionsJson ?? JSON.stringify(stage.options, null, 2)}
              onChange={(value) => set({ optionsJson: value })}
              error={errors.options}
            />
          </>
        ) : (
          <StageOptionsForm
            kind={stage.kind}
            options={stage.options}
            errors={errors}
            describe={describe}
            stageLabel={label}
            onChange={(options) => set({ options })}
          />
        )}
        {otherErrors.length > 0 && (
          <List size="sm" c="red" role="alert" aria-label={`${label} problems`}>
            {otherErrors.map(([key, message]) => (
              <List.Item key={key}>
                {key.replace(/^options\.?/, '') || 'options'}: {message}
              </List.Item>
            ))}
          </List>
        )}
        {hasForm(stage.kind) && (
          <Group>
            {jsonMode ? (
              <Button
                size="xs"
                variant="subtle"
                leftSection={<IconForms size={14} />}
                disabled={!stageOptions(stage)}
                onClick={() => set({ options: stageOptions(stage) ?? stage.options, optionsJson: undefined })}
              >
                Back to the form
              </Button>
            ) : (
              <Button
                size="xs"
                variant="subtle"
                color="gray"
                leftSection={<IconBraces size={14} />}
                onClick={() => set({ optionsJson: JSON.stringify(stage.options, null, 2) })}
              >
                Edit as JSON
              </Button>
            )}
          </Group>
        )}
        {props.role !== 'sink' && stage.kind !== 'source.kafka' && (
          <TextInput
            label="Writes topic"
            description="Leave empty for the default name. Created with the pipeline’s topic settings."
            placeholder={props.topics.output}
            value={stage.outputTopic}
            onChange={(event) => set({ outputTopic: event.currentTarget.value })}
            error={errors.outputTopic}
          />
        )}
        <Text size="xs" c="dimmed" data-testid={`stage-${index}-topics`}>
          {props.topics.input
            ? `Reads ${props.topics.input}`
            : props.role === 'source'
              ? 'Receives from outside'
              : ''}
          {props.topics.output ? ` → writes ${props.topics.output}${ownTopic ? ' (new topic)' : ''}` : ''}
          {props.topics.deadLetter ? ` · invalid messages to ${props.topics.deadLetter}` : ''}
        </Text>
      </Stack>
    </Card>
  );
}
