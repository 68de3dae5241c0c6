import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { loadConfig } from '@streamplane/config';
import { DelayedError } from 'bullmq';
import { runJobInSpan } from './job-span';
import { startTracing, type Tracing } from './start-tracing';
import { injectTraceContext, withExtractedContext } from './trace-context';

const config = loadConfig({
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/streamplane',
  AUTH_SECRET: 'x'.repeat(32),
  CREDENTIALS_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
  NODE_ENV: 'test',
});
const tracer = () => trace.getTracer('test');

describe('trace context across a queue', () => {
  // A new one per test: shutting the provider down stops its exporter.
  let exporter: InMemorySpanExporter;
  let tracing: Tracing;

  beforeEach(() => {
    exporter = new InMemorySpanExporter();
    tracing = startTracing({ serviceName: 'streamplane-test', config, exporter });
  });
  afterEach(() => tracing.shutdown());

  it('injects the active span as a W3C traceparent and continues it where the carrier is extracted', () => {
    const carrier = tracer().startActiveSpan('enqueue', (span) => {
      const injected = injectTraceContext();
      span.end();
      return injected;
    });
    const [parent] = exporter.getFinishedSpans();
    const { traceId, spanId } = parent.spanContext();
    expect(carrier).toEqual({ traceparent: `00-${traceId}-${spanId}-01` });

    // As the worker does: the carrier went through Redis as JSON, then the job's span is started under it.
    const child = withExtractedContext(JSON.parse(JSON.stringify(carrier)), () => {
      const span = tracer().startSpan('process');
      span.end();
      return span;
    });
    expect(child.spanContext().traceId).toBe(traceId);
    expect(exporter.getFinishedSpans()[1].parentSpanContext).toMatchObject({
      traceId,
      spanId,
      isRemote: true,
    });
  });

  it('injects nothing when there is no span to continue', () => {
    expect(injectTraceContext()).toEqual({});
  });

  it('starts a trace of its own from a missing or malformed carrier', () => {
    for (const carrier of [
      undefined,
      'traceparent',
      { traceparent: 'not-a-traceparent' },
      { traceparent: 7 },
    ]) {
      const span = withExtractedContext(carrier, () => tracer().startSpan('process'));
      span.end();
    }
    const spans = exporter.getFinishedSpans();
    expect(spans).toHaveLength(4);
    expect(new Set(spans.map((span) => span.spanContext().traceId)).size).toBe(4);
    expect(spans.every((span) => span.parentSpanContext === undefined)).toBe(true);
  });

  it('keeps the tracestate along with the traceparent', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const carrier = withExtractedContext({ traceparent, tracestate: 'vendor=abc' }, () =>
      injectTraceContext(),
    );
    expect(carrier).toEqual({ traceparent, tracestate: 'vendor=abc' });
  });
});

describe('runJobInSpan', () => {
  // A new one per test: shutting the provider down stops its exporter.
  let exporter: InMemorySpanExporter;
  let tracing: Tracing;
  const job = (data: unknown) => ({
    id: 'operation-1',
    name: 'operation.run',
    queueName: 'provisioning',
    attemptsMade: 1,
    data,
  });

  beforeEach(() => {
    exporter = new InMemorySpanExporter();
    tracing = startTracing({ serviceName: 'streamplane-test', config, exporter });
  });
  afterEach(() => tracing.shutdown());

  it('runs the job in a CONSUMER span under the enqueuer, with the queue, job and attempt', async () => {
    const carrier = tracer().startActiveSpan('mutation', (span) => {
      span.end();
      return injectTraceContext();
    });
    await expect(
      runJobInSpan(job({ trace: carrier }), { 'streamplane.operation.id': 'op-1' }, () =>
        Promise.resolve(42),
      ),
    ).resolves.toBe(42);
    const [enqueuer, consumer] = exporter.getFinishedSpans();
    expect(consumer).toMatchObject({
      name: 'process provisioning operation.run',
      kind: SpanKind.CONSUMER,
      parentSpanContext: { spanId: enqueuer.spanContext().spanId },
      attributes: {
        'messaging.system': 'bullmq',
        'messaging.destination.name': 'provisioning',
        'messaging.operation.type': 'process',
        'messaging.message.id': 'operation-1',
        'streamplane.job.name': 'operation.run',
        'streamplane.job.attempt': 2,
        'streamplane.job.outcome': 'completed',
        'streamplane.operation.id': 'op-1',
      },
    });
    expect(consumer.spanContext().traceId).toBe(enqueuer.spanContext().traceId);
    expect(consumer.resource.attributes).toMatchObject({
      'service.name': 'streamplane-test',
      'service.namespace': 'streamplane',
      'deployment.environment.name': 'test',
    });
  });

  it('marks a failed job ERROR and a job moved back to delayed not', async () => {
    await expect(runJobInSpan(job({}), {}, () => Promise.reject(new Error('cloud timeout')))).rejects.toThrow(
      'cloud timeout',
    );
    await expect(
      runJobInSpan(job({}), {}, () => Promise.reject(new DelayedError('deployment locked'))),
    ).rejects.toThrow(DelayedError);
    const [failed, delayed] = exporter.getFinishedSpans();
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'cloud timeout' });
    expect(failed.attributes).toMatchObject({ 'streamplane.job.outcome': 'failed', 'error.type': 'Error' });
    expect(failed.events.map((event) => event.name)).toEqual(['exception']);
    expect(delayed.status.code).toBe(SpanStatusCode.UNSET);
    expect(delayed.attributes['streamplane.job.outcome']).toBe('delayed');
    // Without a carrier, a job's span starts a trace of its own.
    expect(failed.parentSpanContext).toBeUndefined();
  });
});

describe('startTracing', () => {
  it('registers nothing when no OTLP endpoint is configured: spans are no-ops and nothing is injected', async () => {
    const tracing = startTracing({ serviceName: 'streamplane-test', config });
    expect(tracing.enabled).toBe(false);
    const span = tracer().startSpan('nothing');
    expect(span.isRecording()).toBe(false);
    span.end();
    expect(trace.getTracerProvider().getTracer('x').startSpan('y').isRecording()).toBe(false);
    expect(context.with(trace.setSpan(context.active(), span), () => injectTraceContext())).toEqual({});
    await tracing.shutdown();
  });
});
