import { SpanKind, SpanStatusCode, trace, type Attributes, type Span } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { DelayedError, RateLimitError, WaitingChildrenError, WaitingError } from 'bullmq';
import {
  ATTR_JOB_ATTEMPT,
  ATTR_JOB_NAME,
  ATTR_JOB_OUTCOME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
} from './semconv';
import { withExtractedContext } from './trace-context';

/** What a job span needs of a BullMQ job (any queue). */
export interface TracedJob {
  id?: string;
  name: string;
  queueName: string;
  /** Failed attempts so far: this run is attempt `attemptsMade + 1`. */
  attemptsMade: number;
  /** `data.trace`, when present, is the trace context of whoever enqueued the job (injectTraceContext). */
  data: unknown;
}

// Looked up at each use, not once at import: a process (a test) may register its provider after importing this.
const tracer = () => trace.getTracer('streamplane.jobs');

/**
 * Runs a queue job's handler in a CONSUMER span: `process <queue> <job name>`, a child of the span that
 * enqueued the job when its data carries a trace context, a trace of its own otherwise (scheduled jobs).
 * Every span the handler starts is its child. The handler's result and errors pass through unchanged;
 * BullMQ's control-flow errors (a job moved back to delayed or waiting) are outcomes, not failures.
 */
export function runJobInSpan<T>(
  job: TracedJob,
  attributes: Attributes,
  handler: () => Promise<T>,
): Promise<T> {
  return withExtractedContext(traceOf(job.data), () =>
    tracer().startActiveSpan(
      `process ${job.queueName} ${job.name}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          [ATTR_MESSAGING_SYSTEM]: 'bullmq',
          [ATTR_MESSAGING_DESTINATION_NAME]: job.queueName,
          [ATTR_MESSAGING_OPERATION_TYPE]: 'process',
          [ATTR_MESSAGING_MESSAGE_ID]: job.id,
          [ATTR_JOB_NAME]: job.name,
          [ATTR_JOB_ATTEMPT]: job.attemptsMade + 1,
          ...attributes,
        },
      },
      async (span) => {
        try {
          const result = await handler();
          span.setAttribute(ATTR_JOB_OUTCOME, 'completed');
          return result;
        } catch (error) {
          const outcome = controlFlowOutcome(error);
          if (outcome) {
            span.setAttribute(ATTR_JOB_OUTCOME, outcome);
          } else {
            span.setAttribute(ATTR_JOB_OUTCOME, 'failed');
            markFailed(span, error);
          }
          throw error;
        } finally {
          span.end();
        }
      },
    ),
  );
}

/** Records `error` on `span` and sets its status to ERROR (with `error.type`: a domain code when it has one). */
export function markFailed(span: Span, error: unknown): void {
  const err = error instanceof Error ? error : new Error(String(error));
  const code = (err as { code?: unknown }).code;
  span.recordException(err);
  span.setAttribute(ATTR_ERROR_TYPE, typeof code === 'string' ? code : err.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
}

function traceOf(data: unknown): unknown {
  return typeof data === 'object' && data !== null ? (data as { trace?: unknown }).trace : undefined;
}

function controlFlowOutcome(error: unknown): string | undefined {
  if (error instanceof DelayedError) return 'delayed';
  if (error instanceof WaitingError) return 'waiting';
  if (error instanceof WaitingChildrenError) return 'waiting-children';
  if (error instanceof RateLimitError) return 'rate-limited';
  return undefined;
}
