import type { IngestResult, RejectedEvent } from './usage-event';

/** Part of a batch handed to one ingest path, with each item's position in the whole batch. */
export interface BatchPart {
  items: unknown[];
  /** `indices[i]` is the position of `items[i]` in the request's batch. */
  indices: number[];
}

/** An event acknowledged by an ingest path, at its position in the request's batch. */
export interface IndexedEventId {
  index: number;
  id: string;
}

/** What one ingest path (usage, telemetry) made of its part of a batch; positions are the batch's. */
export interface IngestOutcome {
  accepted: IndexedEventId[];
  duplicates: IndexedEventId[];
  rejected: RejectedEvent[];
}

/**
 * Splits a parsed batch in two by `belongsToSecond(item)`, keeping positions: a mixed batch (usage and
 * telemetry) is parsed once and each path validates only its own events.
 */
export function splitBatch(
  items: readonly unknown[],
  belongsToSecond: (item: unknown) => boolean,
): [BatchPart, BatchPart] {
  const first: BatchPart = { items: [], indices: [] };
  const second: BatchPart = { items: [], indices: [] };
  for (let index = 0; index < items.length; index++) {
    const part = belongsToSecond(items[index]) ? second : first;
    part.items.push(items[index]);
    part.indices.push(index);
  }
  return [first, second];
}

/** The paths' outcomes as one response body, every list in batch order (as a single path answers). */
export function mergeIngestOutcomes(...outcomes: readonly IngestOutcome[]): IngestResult {
  const inOrder = <T extends { index: number }>(lists: T[][]): T[] => {
    const all = lists.flat();
    // Each path's list is already in batch order: only a mixed batch needs sorting.
    return lists.filter((list) => list.length > 0).length > 1 ? all.sort((a, b) => a.index - b.index) : all;
  };
  return {
    accepted: inOrder(outcomes.map((o) => o.accepted)).map((e) => e.id),
    duplicates: inOrder(outcomes.map((o) => o.duplicates)).map((e) => e.id),
    rejected: inOrder(outcomes.map((o) => o.rejected)),
  };
}
