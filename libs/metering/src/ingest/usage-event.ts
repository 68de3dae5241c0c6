import type { MeterAggregation } from '../meters/meters.service';

/** The CloudEvents `type` of a usage event (contract shared with the agent). */
export const USAGE_EVENT_TYPE = 'io.streamplane.usage.v1';
export const CLOUDEVENTS_SPEC_VERSION = '1.0';
/** Larger values are surely an agent's bug (10^15 bytes in one event is a petabyte). */
export const MAX_EVENT_VALUE = 1e15;
/** usage_events columns are varchar(255). */
export const MAX_TEXT_LENGTH = 255;

/** Why an event of a batch was not accepted; the rest of the batch is unaffected. */
export type RejectionReason =
  | 'MISSING_ATTRIBUTE'
  | 'INVALID_ATTRIBUTE'
  | 'UNKNOWN_TYPE'
  | 'SUBJECT_NOT_ALLOWED'
  | 'UNKNOWN_DIMENSION'
  | 'INVALID_VALUE'
  | 'MISSING_KEY'
  | 'INVALID_KEY'
  | 'TOO_OLD'
  | 'IN_FUTURE'
  | 'DUPLICATE_IN_BATCH'
  /** Telemetry (libs/telemetry): `data` does not match the schema of the event's type. */
  | 'INVALID_DATA'
  /** Telemetry: a pipeline checkpoint for a pipeline (or stage) that is not the deployment's. */
  | 'UNKNOWN_PIPELINE'
  | 'UNKNOWN_LINK';

export interface RejectedEvent {
  /** The event's `id` when it had a usable one. */
  id: string | null;
  /** Its position in the batch (0 for a single event). */
  index: number;
  reason: RejectionReason;
  message: string;
}

/** An event that passed validation, in the form it is stored and counted. */
export interface ValidUsageEvent {
  index: number;
  id: string;
  source: string;
  /** `source` + newline + `id`: what deduplicates (a newline is in neither). */
  identity: string;
  dimension: string;
  aggregation: MeterAggregation;
  /** The value in nanounits (exact). */
  nanos: bigint;
  /** The same value as canonical decimal text, which is what PostgreSQL is given. */
  value: string;
  /** UNIQUE_COUNT meters: what is counted; null for the others. */
  key: string | null;
  timeMs: number;
}

/** The response body of POST /v1/ingest/events. */
export interface IngestResult {
  /** Committed now, in batch order. */
  accepted: string[];
  /** Valid, but an event with the same source and id was committed before: acknowledged, not counted again. */
  duplicates: string[];
  rejected: RejectedEvent[];
}
