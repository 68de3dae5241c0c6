import { Injectable } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import type { AgentPrincipal } from '../agent-tokens/agent-tokens.service';
import { UsageCounters } from '../counters/usage-counters';
import { MeteringError, MeteringErrorCode } from '../metering.errors';
import { MetersService } from '../meters/meters.service';
import { mergeIngestOutcomes, type BatchPart, type IngestOutcome } from './ingest-batch';
import { IngestRateLimiter } from './ingest-rate-limiter';
import type { IngestResult } from './usage-event';
import { UsageEventStore } from './usage-event.store';
import { validateUsageEvents } from './usage-event-validation';

/** `application/cloudevents+json` (one event) or `application/cloudevents-batch+json` (a JSON array). */
export type IngestFormat = 'single' | 'batch';

export const CLOUDEVENTS_CONTENT_TYPES: Record<IngestFormat, string> = {
  single: 'application/cloudevents+json',
  batch: 'application/cloudevents-batch+json',
};

/** The format a Content-Type header announces, or UNSUPPORTED_MEDIA_TYPE naming the accepted ones. */
export function ingestFormatOf(contentType: string | undefined): IngestFormat {
  const mediaType = contentType?.split(';', 1)[0].trim().toLowerCase();
  if (mediaType === CLOUDEVENTS_CONTENT_TYPES.batch) return 'batch';
  if (mediaType === CLOUDEVENTS_CONTENT_TYPES.single) return 'single';
  throw new MeteringError(
    MeteringErrorCode.UNSUPPORTED_MEDIA_TYPE,
    `Send usage as CloudEvents in structured JSON: Content-Type ${CLOUDEVENTS_CONTENT_TYPES.batch} ` +
      `(a JSON array of events) or ${CLOUDEVENTS_CONTENT_TYPES.single} (one event)` +
      (mediaType ? `, not ${mediaType.slice(0, 100)}.` : '.'),
  );
}

/**
 * Usage ingest: a deployment's agent sends CloudEvents; each is validated on its own, the valid ones are
 * committed exactly once (deduplicated on source + id for good), and only then counted in Redis and
 * acknowledged. An event that got a 2xx (accepted or duplicate) is in PostgreSQL.
 */
@Injectable()
export class UsageIngestService {
  constructor(
    private readonly meters: MetersService,
    private readonly store: UsageEventStore,
    private readonly counters: UsageCounters,
    private readonly rateLimiter: IngestRateLimiter,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** `body` is the raw request body; the agent has been authenticated by its token. */
  async ingest(agent: AgentPrincipal, format: IngestFormat, body: string): Promise<IngestResult> {
    await this.admit(agent);
    const items = this.parse(format, body);
    return mergeIngestOutcomes(
      await this.ingestPart(agent, { items: [...items], indices: items.map((_, i) => i) }),
    );
  }

  /** Spends one request of the deployment's budget (RATE_LIMITED once it is gone): once per request. */
  admit(agent: AgentPrincipal): Promise<void> {
    return this.rateLimiter.consume(agent.deploymentId);
  }

  /**
   * Validates, commits and counts the usage part of a batch (a mixed batch's other events go elsewhere);
   * positions in the outcome are the whole batch's. Any event here that is not a usage event is rejected
   * (UNKNOWN_TYPE, or INVALID_ATTRIBUTE when it is not an event at all).
   */
  async ingestPart(agent: AgentPrincipal, part: BatchPart): Promise<IngestOutcome> {
    if (part.items.length === 0) return { accepted: [], duplicates: [], rejected: [] };
    const meters = await this.meters.byDimension();
    const now = Date.now();
    const { events, rejected } = validateUsageEvents(part.items, {
      deploymentId: agent.deploymentId,
      meters,
      oldestMs: now - this.config.ingest.lateGraceHours * 3_600_000,
      latestMs: now + this.config.ingest.maxFutureSkewSeconds * 1000,
    });
    const stored = await this.store.insert(agent.orgId, agent.deploymentId, events);
    if (stored.xid !== null) {
      await this.counters.add(agent.orgId, agent.deploymentId, stored.xid, stored.inserted);
    }
    const at = (event: { index: number; id: string }) => ({ index: part.indices[event.index], id: event.id });
    return {
      accepted: stored.inserted.map(at),
      duplicates: stored.duplicates.map(at),
      rejected: rejected.map((rejection) => ({ ...rejection, index: part.indices[rejection.index] })),
    };
  }

  /** The request body as a list of (not yet validated) events: one parse for every ingest path. */
  parse(format: IngestFormat, body: string): readonly unknown[] {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      throw new MeteringError(MeteringErrorCode.MALFORMED_JSON, 'The body is not valid JSON.');
    }
    if (format === 'single') {
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new MeteringError(
          MeteringErrorCode.INVALID_BATCH,
          `A single event (${CLOUDEVENTS_CONTENT_TYPES.single}) must be a JSON object; send arrays as ` +
            `${CLOUDEVENTS_CONTENT_TYPES.batch}.`,
        );
      }
      return [parsed];
    }
    if (!Array.isArray(parsed)) {
      throw new MeteringError(
        MeteringErrorCode.INVALID_BATCH,
        `A batch (${CLOUDEVENTS_CONTENT_TYPES.batch}) must be a JSON array of events.`,
      );
    }
    const max = this.config.ingest.maxBatchEvents;
    if (parsed.length > max) {
      throw new MeteringError(
        MeteringErrorCode.TOO_MANY_EVENTS,
        `A batch holds at most ${max} events; this one has ${parsed.length}. Split it.`,
      );
    }
    return parsed;
  }
}
