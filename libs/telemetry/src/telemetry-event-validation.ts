import {
  AGENT_EVENT_TYPES,
  AgentHeartbeat,
  PipelineCheckpoint,
  ReplicationHealth,
  type AgentEventType,
} from '@streamplane/agent-protocol';
import type { RejectedEvent } from '@streamplane/metering';
import { z } from 'zod';

/** A telemetry event that passed validation: its `data` parsed by the schema of its type. */
export type ValidTelemetryEvent =
  | { index: number; id: string; kind: 'heartbeat'; data: AgentHeartbeat }
  | { index: number; id: string; kind: 'pipelineCheckpoint'; data: PipelineCheckpoint }
  | { index: number; id: string; kind: 'replicationHealth'; data: ReplicationHealth };

export interface TelemetryValidationWindow {
  /** The token's deployment: every event's `subject` must be it. */
  deploymentId: string;
  /** `observedAt` later than this (epoch ms) is IN_FUTURE: a fast clock would pin the stored state. */
  latestMs: number;
}

// Same limits as usage events (varchar(255) there; kept alike so an agent has one rule for ids).
const text = z
  .string()
  .min(1)
  .max(255)
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  .regex(/^[^\u0000-\u001f\u007f-\u009f\u2028\u2029]*$/);

/** The CloudEvents 1.0 envelope of a telemetry event (extension attributes allowed, as for usage). */
const Envelope = z.looseObject({
  specversion: z.literal('1.0'),
  id: text,
  source: text,
  type: z.string(),
  subject: z.string().min(1),
  time: z.iso.datetime({ offset: true }),
  datacontenttype: z
    .string()
    .regex(/^application\/json\s*(;.*)?$/i)
    .optional(),
  data: z.unknown(),
});

const SCHEMAS = {
  heartbeat: AgentHeartbeat,
  pipelineCheckpoint: PipelineCheckpoint,
  replicationHealth: ReplicationHealth,
} as const;

/** The telemetry types this control plane stores. */
function kindOf(type: string): keyof typeof SCHEMAS | undefined {
  const known = type as AgentEventType;
  switch (known) {
    case AGENT_EVENT_TYPES.heartbeat:
      return 'heartbeat';
    case AGENT_EVENT_TYPES.pipelineCheckpoint:
      return 'pipelineCheckpoint';
    case AGENT_EVENT_TYPES.replicationHealth:
      return 'replicationHealth';
    case AGENT_EVENT_TYPES.usage: // metering's, never routed here
      return undefined;
    default:
      return undefined; // not an agent event type at all
  }
}

/**
 * Checks each telemetry event on its own (positions are the part's own; the caller maps them to the
 * batch's): envelope, type, subject, then `data` against the agent-protocol schema of its type. The later
 * of two events with the same source and id is DUPLICATE_IN_BATCH.
 */
export function validateTelemetryEvents(
  items: readonly unknown[],
  window: TelemetryValidationWindow,
): { events: ValidTelemetryEvent[]; rejected: RejectedEvent[] } {
  const events: ValidTelemetryEvent[] = [];
  const rejected: RejectedEvent[] = [];
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const reject = (reason: RejectedEvent['reason'], message: string) =>
      rejected.push({ id: idOf(item), index, reason, message });
    const envelope = Envelope.safeParse(item);
    if (!envelope.success) {
      const issue = envelope.error.issues[0];
      const attribute = issue.path.join('.') || 'event';
      const isMissing =
        typeof item === 'object' &&
        item !== null &&
        issue.path.length === 1 &&
        (item as Record<PropertyKey, unknown>)[issue.path[0]] === undefined;
      return reject(
        isMissing ? 'MISSING_ATTRIBUTE' : 'INVALID_ATTRIBUTE',
        isMissing ? `${attribute} is required.` : `${attribute}: ${issue.message}`,
      );
    }
    const event = envelope.data;
    const kind = kindOf(event.type);
    if (!kind) {
      return reject('UNKNOWN_TYPE', `Telemetry of type "${event.type.slice(0, 100)}" is not accepted yet.`);
    }
    if (event.subject !== window.deploymentId) {
      return reject(
        'SUBJECT_NOT_ALLOWED',
        'The subject must be the id of the deployment this agent token belongs to.',
      );
    }
    const data = SCHEMAS[kind].safeParse(event.data);
    if (!data.success) {
      const issue = data.error.issues[0];
      return reject('INVALID_DATA', `data.${issue.path.join('.')}: ${issue.message}`.slice(0, 500));
    }
    if (Date.parse(data.data.observedAt) > window.latestMs) {
      return reject('IN_FUTURE', 'data.observedAt is too far in the future; check the agent clock.');
    }
    const identity = `${event.source}\n${event.id}`;
    if (seen.has(identity)) {
      return reject('DUPLICATE_IN_BATCH', 'An earlier event of this batch has the same source and id.');
    }
    seen.add(identity);
    events.push({ index, id: event.id, kind, data: data.data } as ValidTelemetryEvent);
  });
  return { events, rejected };
}

function idOf(item: unknown): string | null {
  const id = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : undefined;
  return text.safeParse(id).success ? (id as string) : null;
}
