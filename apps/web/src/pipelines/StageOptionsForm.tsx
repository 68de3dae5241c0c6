import {
  ActionIcon,
  Button,
  Group,
  NumberInput,
  PasswordInput,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import type { FieldErrors } from './stage-builder';

type Options = Record<string, unknown>;

interface FormProps {
  options: Options;
  /** This stage's errors, keyed `options.<name>` (and `options.predicates.<i>.field`). */
  errors: FieldErrors;
  onChange: (options: Options) => void;
  /** What the catalog says each option is. */
  describe: (name: string) => string | undefined;
  stageLabel: string;
}

/** The option names each form shows: errors on other options are listed under the form. */
export const FORM_OPTIONS: Record<string, string[]> = {
  'source.mqtt': ['brokerUrl', 'topicFilter', 'qos', 'assetIdFrom', 'username', 'password'],
  'source.http': ['path', 'maxBodyBytes'],
  'source.kafka': ['topic'],
  'sink.kafka': ['topic'],
  'transform.filter': ['match', 'predicates'],
  'transform.dedupe': ['keyField', 'windowSeconds'],
  'sink.http': ['url', 'batchSize'],
  'sink.postgres': ['connectionString', 'table', 'mode'],
  'sink.object-storage': ['bucketUrl', 'prefix', 'format', 'flushSeconds'],
};

export function hasForm(kind: string): boolean {
  return kind in FORM_OPTIONS;
}

/** Whether an error key of the stage is shown by the form itself. */
export function shownByForm(kind: string, key: string): boolean {
  const option = /^options\.([^.]+)/.exec(key)?.[1];
  return option !== undefined && (FORM_OPTIONS[kind] ?? []).includes(option);
}

function text(options: Options, name: string): string {
  const value = options[name];
  return typeof value === 'string' ? value : '';
}

function num(value: string | number): number | string {
  return typeof value === 'number' ? value : value === '' ? '' : Number(value);
}

/** A per-kind form for the common kinds. */
export function StageOptionsForm(props: FormProps & { kind: string }) {
  const { options, errors, onChange, describe } = props;
  const set = (name: string, value: unknown) => onChange({ ...options, [name]: value });
  const field = (name: string, label: string, extra: { placeholder?: string; required?: boolean } = {}) => (
    <TextInput
      label={label}
      description={describe(name)}
      value={text(options, name)}
      onChange={(event) => set(name, event.currentTarget.value)}
      error={errors[`options.${name}`]}
      {...extra}
    />
  );
  const number = (name: string, label: string, min: number, max: number) => (
    <NumberInput
      label={label}
      description={describe(name)}
      value={typeof options[name] === 'number' ? options[name] : ''}
      onChange={(value) => set(name, num(value))}
      min={min}
      max={max}
      allowDecimal={false}
      error={errors[`options.${name}`]}
    />
  );
  const choice = (name: string, label: string, values: string[]) => (
    <Select
      label={label}
      description={describe(name)}
      data={values}
      value={text(options, name) || values[0]}
      onChange={(value) => set(name, value ?? values[0])}
      allowDeselect={false}
      error={errors[`options.${name}`]}
    />
  );

  switch (props.kind) {
    case 'source.mqtt':
      return (
        <Stack gap="sm">
          {field('brokerUrl', 'Broker URL', {
            required: true,
            placeholder: 'e.g. mqtts://broker.example.com:8883',
          })}
          {field('topicFilter', 'Topic filter', { required: true, placeholder: 'e.g. devices/+/telemetry' })}
          <Group grow align="flex-start">
            <Select
              label="QoS"
              description={describe('qos')}
              data={[
                { value: '0', label: '0 — at most once' },
                { value: '1', label: '1 — at least once' },
              ]}
              value={options.qos === 0 ? '0' : '1'}
              onChange={(value) => set('qos', Number(value ?? 1))}
              allowDeselect={false}
              error={errors['options.qos']}
            />
            {field('assetIdFrom', 'Device id from', { placeholder: 'e.g. topic-segment:1' })}
          </Group>
          <Group grow align="flex-start">
            {field('username', 'User name')}
            <PasswordInput
              label="Password"
              description={
                typeof options.password === 'object'
                  ? 'Set (kept sealed); type to replace it.'
                  : describe('password')
              }
              value={text(options, 'password')}
              onChange={(event) => set('password', event.currentTarget.value)}
              error={errors['options.password']}
            />
          </Group>
        </Stack>
      );
    case 'source.http':
      return (
        <Group grow align="flex-start">
          {field('path', 'Path', { required: true, placeholder: 'e.g. /ingest' })}
          {number('maxBodyBytes', 'Largest body (bytes)', 1, 10 * 1024 * 1024)}
        </Group>
      );
    case 'source.kafka':
      return field('topic', 'Topic to read', { required: true, placeholder: 'e.g. orders' });
    case 'sink.kafka':
      return field('topic', 'Topic to write', { required: true, placeholder: 'e.g. telemetry.clean' });
    case 'transform.filter':
      return <FilterForm {...props} />;
    case 'transform.dedupe':
      return (
        <Group grow align="flex-start">
          {field('keyField', 'Key field', { required: true, placeholder: 'e.g. id' })}
          {number('windowSeconds', 'Window (seconds)', 1, 7 * 24 * 3600)}
        </Group>
      );
    case 'sink.http':
      return (
        <Stack gap="sm">
          {field('url', 'Webhook URL', {
            required: true,
            placeholder: 'e.g. https://hooks.example.com/telemetry',
          })}
          {number('batchSize', 'Messages per request', 1, 10_000)}
          <Text size="xs" c="dimmed">
            Request headers (sealed, never shown again): use “Edit as JSON” and add{' '}
            {'{"headers": {"Authorization": "…"}}'}.
          </Text>
        </Stack>
      );
    case 'sink.postgres':
      return (
        <Stack gap="sm">
          <PasswordInput
            label="Connection string"
            required
            description={
              typeof options.connectionString === 'object'
                ? 'Set (kept sealed); type to replace it.'
                : describe('connectionString')
            }
            placeholder="postgresql://user:password@host:5432/db"
            value={text(options, 'connectionString')}
            onChange={(event) => set('connectionString', event.currentTarget.value)}
            error={errors['options.connectionString']}
          />
          <Group grow align="flex-start">
            {field('table', 'Table', { required: true, placeholder: 'e.g. public.readings' })}
            {choice('mode', 'Mode', ['insert', 'upsert'])}
          </Group>
        </Stack>
      );
    case 'sink.object-storage':
      return (
        <Stack gap="sm">
          {field('bucketUrl', 'Bucket URL', { required: true, placeholder: 'e.g. s3://my-bucket' })}
          <Group grow align="flex-start">
            {field('prefix', 'Object name prefix', { placeholder: 'e.g. telemetry/' })}
            {choice('format', 'Format', ['json', 'parquet'])}
            {number('flushSeconds', 'Write a file every (s)', 1, 3600)}
          </Group>
        </Stack>
      );
    default:
      return null;
  }
}

const OPS = [
  { value: 'eq', label: 'equals' },
  { value: 'ne', label: 'differs from' },
  { value: 'gt', label: '>' },
  { value: 'gte', label: '≥' },
  { value: 'lt', label: '<' },
  { value: 'lte', label: '≤' },
  { value: 'contains', label: 'contains' },
  { value: 'exists', label: 'exists' },
];

/** A typed value from what was typed: numbers and true/false as such, the rest as text. */
function parseValue(value: string): unknown {
  if (value === '') return '';
  if (value === 'true' || value === 'false') return value === 'true';
  const asNumber = Number(value);
  return Number.isFinite(asNumber) && /^-?\d/.test(value) ? asNumber : value;
}

function FilterForm(props: FormProps) {
  const { options, errors, onChange, stageLabel } = props;
  const predicates = Array.isArray(options.predicates)
    ? (options.predicates as { field?: string; op?: string; value?: unknown }[])
    : [];
  const setPredicates = (next: typeof predicates) => onChange({ ...options, predicates: next });
  const update = (index: number, change: Partial<(typeof predicates)[number]>) =>
    setPredicates(predicates.map((predicate, i) => (i === index ? { ...predicate, ...change } : predicate)));
  return (
    <Stack gap="xs">
      <Group gap="sm">
        <Text size="sm">Keep messages matching</Text>
        <SegmentedControl
          size="xs"
          aria-label={`${stageLabel}: match`}
          value={options.match === 'any' ? 'any' : 'all'}
          onChange={(value) => onChange({ ...options, match: value })}
          data={[
            { value: 'all', label: 'all conditions' },
            { value: 'any', label: 'any condition' },
          ]}
        />
      </Group>
      {predicates.map((predicate, index) => (
        <Group key={index} align="flex-start" gap="xs" wrap="nowrap">
          <TextInput
            aria-label={`Condition ${index + 1} field`}
            placeholder="field, e.g. temperature"
            value={predicate.field ?? ''}
            onChange={(event) => update(index, { field: event.currentTarget.value })}
            error={errors[`options.predicates.${index}.field`]}
            style={{ flex: 2 }}
          />
          <Select
            aria-label={`Condition ${index + 1} comparison`}
            data={OPS}
            value={predicate.op ?? 'exists'}
            onChange={(op) => update(index, op === 'exists' ? { op, value: undefined } : { op: op ?? 'eq' })}
            allowDeselect={false}
            error={errors[`options.predicates.${index}.op`]}
            style={{ flex: 1 }}
          />
          <TextInput
            aria-label={`Condition ${index + 1} value`}
            placeholder={predicate.op === 'exists' ? '—' : 'value'}
            disabled={predicate.op === 'exists'}
            value={
              predicate.value === undefined
                ? ''
                : typeof predicate.value === 'string'
                  ? predicate.value
                  : JSON.stringify(predicate.value)
            }
            onChange={(event) => update(index, { value: parseValue(event.currentTarget.value) })}
            error={errors[`options.predicates.${index}.value`]}
            style={{ flex: 2 }}
          />
          <ActionIcon
            variant="subtle"
            color="gray"
            mt={4}
            aria-label={`Remove condition ${index + 1}`}
            onClick={() => setPredicates(predicates.filter((_, i) => i !== index))}
          >
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ))}
      {errors['options.predicates'] && (
        <Text size="xs" c="red">
          {errors['options.predicates']}
        </Text>
      )}
      <div>
        <Button
          size="xs"
          variant="subtle"
          leftSection={<IconPlus size={14} />}
          onClick={() => setPredicates([...predicates, { field: '', op: 'gt', value: '' }])}
        >
          Add condition
        </Button>
      </div>
    </Stack>
  );
}

/** The fallback for every kind: its options as JSON, checked as typed. */
export function OptionsJsonEditor(props: {
  value: string;
  error?: string;
  onChange: (value: string) => void;
  stageLabel: string;
}) {
  return (
    <Textarea
      label="Options (JSON)"
      aria-label={`${props.stageLabel} options as JSON`}
      autosize
      minRows={4}
      maxRows={18}
      value={props.value}
      onChange={(event) => props.onChange(event.currentTarget.value)}
      error={props.error}
      styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 12.5 } }}
      spellCheck={false}
    />
  );
}
