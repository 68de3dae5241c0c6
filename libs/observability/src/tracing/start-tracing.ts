import { Logger } from '@nestjs/common';
import {
  context,
  diag,
  DiagLogLevel,
  propagation,
  trace,
  type DiagLogger,
  type TracerProvider as ApiTracerProvider,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  SimpleSpanProcessor,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import {
  ATTR_DEPLOYMENT_ENVIRONMENT_NAME,
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_NAMESPACE,
} from '@opentelemetry/semantic-conventions';
import type { AppConfig, TracingConfig } from '@streamplane/config';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { inspect } from 'node:util';
import { ATTR_HOST_NAME, ATTR_PROCESS_PID } from './semconv';

export interface TracingOptions {
  /** The process's own name (streamplane-api, streamplane-provisioner, streamplane-billing); OTEL_SERVICE_NAME wins. */
  serviceName: string;
  config: Pick<AppConfig, 'env' | 'tracing'>;
  /**
   * Where spans go instead of OTLP (tests: an InMemorySpanExporter). Each span is exported as it ends, so
   * a test sees it without waiting for a batch.
   */
  exporter?: SpanExporter;
}

export interface Tracing {
  /** False when nothing exports: no tracer provider was registered, and spans cost nothing. */
  readonly enabled: boolean;
  /** Exports the spans that ended and are still buffered. */
  forceFlush(): Promise<void>;
  /** Flushes, then stops exporting. Call it last on shutdown (after the app closed: its spans end first). */
  shutdown(): Promise<void>;
}

const DISABLED: Tracing = {
  enabled: false,
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/**
 * Tracing for this process, before anything else is built: a tracer provider for `serviceName`, the
 * AsyncLocalStorage context manager (a span started while another is active becomes its child, across
 * awaits) and the W3C trace-context propagator (how the api's trace reaches the provisioner in job data).
 * Spans are exported over OTLP/HTTP when OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT is set; when it is not,
 * nothing is registered and every span the code starts is the API's no-op span.
 */
export function startTracing(options: TracingOptions): Tracing {
  const provider = createTracerProvider(options);
  if (!provider) return DISABLED;
  const unregister = registerTracing(provider);
  return {
    enabled: true,
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {
      await provider.shutdown();
      unregister();
    },
  };
}

/** The process's tracer provider, or undefined when nothing would export its spans. */
export function createTracerProvider(options: TracingOptions): TracerProvider | undefined {
  const { tracing } = options.config;
  const exporter = options.exporter ?? otlpExporter(tracing);
  if (!exporter) return undefined;
  return new TracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: tracing.serviceName ?? options.serviceName,
        [ATTR_SERVICE_NAMESPACE]: 'streamplane',
        // One per process: replicas of a service tell apart by it (and by host.name, the pod's name).
        [ATTR_SERVICE_INSTANCE_ID]: randomUUID(),
        [ATTR_DEPLOYMENT_ENVIRONMENT_NAME]: options.config.env,
        [ATTR_HOST_NAME]: hostname(),
        [ATTR_PROCESS_PID]: process.pid,
      }),
    ),
    sampler: samplerOf(tracing),
    spanProcessors: [
      options.exporter ? new SimpleSpanProcessor({ exporter }) : new BatchSpanProcessor({ exporter }),
    ],
  });
}

/**
 * Makes `provider`, the AsyncLocalStorage context manager and the W3C trace-context propagator the global
 * ones of the OpenTelemetry API. Returns what undoes it (tests that register more than once in a process).
 */
export function registerTracing(provider: ApiTracerProvider): () => void {
  // The SDK reports its own trouble (an export the collector refused or never answered) to a diag logger,
  // silent unless one is set: warnings and errors go to the process's log.
  diag.setLogger(diagLogger(new Logger('Tracing')), DiagLogLevel.WARN);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  return () => {
    trace.disable();
    propagation.disable();
    context.disable();
    diag.disable();
  };
}

function diagLogger(logger: Logger): DiagLogger {
  const text = (message: string, args: unknown[]) =>
    [message, ...args.map((arg) => (arg instanceof Error ? arg.message : inspect(arg, { depth: 2 })))].join(
      ' ',
    );
  const ignore = () => undefined;
  return {
    error: (message, ...args) => logger.error(text(message, args)),
    warn: (message, ...args) => logger.warn(text(message, args)),
    info: ignore,
    debug: ignore,
    verbose: ignore,
  };
}

function otlpExporter(tracing: TracingConfig): SpanExporter | undefined {
  if (!tracing.otlpTracesUrl) return undefined;
  return new OTLPTraceExporter({ url: tracing.otlpTracesUrl, headers: tracing.otlpHeaders });
}

function samplerOf(tracing: TracingConfig): Sampler {
  const ratio = new TraceIdRatioBasedSampler(tracing.samplerRatio);
  switch (tracing.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_on':
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
  }
}
