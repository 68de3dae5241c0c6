import { context, propagation, type Context } from '@opentelemetry/api';

/**
 * The W3C trace context (`traceparent`, and `tracestate` when there is one) as it travels in a queue job's
 * data: the job's span continues the trace of the request that enqueued it.
 */
export type TraceCarrier = Record<string, string>;

/**
 * The current trace context as a carrier, for a job's data. Empty when there is no span to continue or
 * tracing is not started (no propagator is registered): callers then leave the field out.
 */
export function injectTraceContext(from: Context = context.active()): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(from, carrier);
  return carrier;
}

/**
 * Runs `fn` with the trace context of `carrier` active, so the spans it starts are children of the span
 * that injected it. Anything else in the carrier is ignored, and a missing or malformed one leaves the
 * current context as it is (the spans start a trace of their own).
 */
export function withExtractedContext<T>(carrier: unknown, fn: () => T): T {
  return context.with(propagation.extract(context.active(), stringEntries(carrier)), fn);
}

// Job data comes back from Redis as plain JSON: keep only string values, whatever was stored.
function stringEntries(carrier: unknown): TraceCarrier {
  if (typeof carrier !== 'object' || carrier === null) return {};
  return Object.fromEntries(
    Object.entries(carrier).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
