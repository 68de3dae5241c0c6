import { SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { loadConfig } from '@streamplane/config';
import { defaultSpec } from '@streamplane/deployment-spec';
import { startTracing, type Tracing } from '@streamplane/observability';
import {
  emptySummary,
  ProvisioningError,
  ProvisioningErrorCode,
  type PreviewResult,
  type ResourceEvent,
  type StackEngine,
  type StackRequest,
  type StackRunResult,
} from '@streamplane/provisioning';
import { stackEngineFor } from './stack-engine.provider';
import { withStackEngineTracing } from './tracing-stack-engine';

const config = loadConfig({
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/streamplane',
  AUTH_SECRET: 'x'.repeat(32),
  CREDENTIALS_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
});

function request(onEvent: (event: ResourceEvent) => void = () => undefined): StackRequest {
  return {
    stackName: 'dep-1',
    input: {
      deploymentId: '6d1f3c2a-8e4b-4f7a-9c21-5b0e7d9a1f34',
      spec: defaultSpec('aws'),
      agent: {
        image: 'agent:1',
        controlPlaneUrl: 'http://localhost:3000',
        token: 'spa_test_token_0123456789',
      },
    },
    onEvent,
  };
}

const failedEvent: ResourceEvent = {
  sequence: 2,
  time: '2026-11-22T00:00:00.000Z',
  urn: 'urn:pulumi:dep-1::streamplane::aws:eks/nodeGroup:NodeGroup::kafka-a',
  type: 'aws:eks/nodeGroup:NodeGroup',
  name: 'kafka-a',
  operation: 'create',
  state: 'failed',
  error: 'capacity',
};

/** An engine that reports two events and succeeds, or fails with `failure`. */
class ScriptedEngine implements StackEngine {
  readonly kind = 'local' as const;
  readonly simulated = true;
  failure?: Error;

  preview(req: StackRequest): Promise<PreviewResult> {
    return this.finish(req, { plan: [{ urn: 'u', type: 't', name: 'n', operation: 'create' }] });
  }
  up(req: StackRequest): Promise<StackRunResult> {
    return this.finish(req, { outputs: {} });
  }
  destroy(req: StackRequest): Promise<StackRunResult> {
    return this.finish(req, { outputs: {} });
  }
  refresh(req: StackRequest): Promise<StackRunResult> {
    return this.finish(req, { outputs: {} });
  }
  /** Not part of StackEngine: an engine's own helper, reached through the decorator. */
  ownHelper(): string {
    return this.kind;
  }

  private finish<T extends object>(req: StackRequest, rest: T) {
    req.onEvent({ ...failedEvent, sequence: 1, state: 'in_progress', error: undefined });
    req.onEvent(failedEvent);
    if (this.failure) return Promise.reject(this.failure);
    const summary = { ...emptySummary(), created: 3, same: 1 };
    return Promise.resolve({ engine: this.kind, simulated: this.simulated, summary, durationMs: 5, ...rest });
  }
}

describe('withStackEngineTracing', () => {
  let exporter: InMemorySpanExporter;
  let tracing: Tracing;

  beforeEach(() => {
    exporter = new InMemorySpanExporter();
    tracing = startTracing({ serviceName: 'streamplane-provisioner', config, exporter });
  });
  afterEach(() => tracing.shutdown());

  it("puts each run in a child span of the active one, with the engine, the stack and the result's counts", async () => {
    const events: ResourceEvent[] = [];
    const engine = withStackEngineTracing(new ScriptedEngine());
    const result = await trace.getTracer('test').startActiveSpan('job', async (job) => {
      const preview = await engine.preview(request((event) => events.push(event)));
      job.end();
      return preview;
    });
    expect(result.summary.created).toBe(3);
    // The caller still gets every event.
    expect(events.map((event) => event.state)).toEqual(['in_progress', 'failed']);

    const [span, job] = exporter.getFinishedSpans();
    expect(span).toMatchObject({
      name: 'stack preview',
      parentSpanContext: { spanId: job.spanContext().spanId },
      status: { code: SpanStatusCode.UNSET },
      attributes: {
        'streamplane.stack.engine': 'local',
        'streamplane.stack.simulated': true,
        'streamplane.stack.name': 'dep-1',
        'streamplane.stack.operation': 'preview',
        'streamplane.deployment.id': '6d1f3c2a-8e4b-4f7a-9c21-5b0e7d9a1f34',
        'streamplane.stack.summary.created': 3,
        'streamplane.stack.summary.same': 1,
        'streamplane.stack.summary.deleted': 0,
        'streamplane.stack.plan_steps': 1,
        'streamplane.stack.resource_events': 2,
      },
    });
    expect(span.events).toMatchObject([
      {
        name: 'resource failed',
        attributes: { 'streamplane.resource.urn': failedEvent.urn, 'streamplane.resource.error': 'capacity' },
      },
    ]);
  });

  it('marks a failed run ERROR with its code, and passes the error on', async () => {
    const scripted = new ScriptedEngine();
    scripted.failure = new ProvisioningError(ProvisioningErrorCode.STACK_LOCKED, 'the stack is locked');
    await expect(withStackEngineTracing(scripted).up(request())).rejects.toBe(scripted.failure);
    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('stack up');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'the stack is locked' });
    expect(span.attributes['error.type']).toBe('STACK_LOCKED');
    expect(span.events.map((event) => event.name)).toContain('exception');
  });

  it('leaves what is not a run to the engine itself', () => {
    const scripted = new ScriptedEngine();
    const engine = withStackEngineTracing(scripted);
    expect(engine).toBeInstanceOf(ScriptedEngine);
    expect(engine).toMatchObject({ kind: 'local', simulated: true });
    expect(engine.ownHelper()).toBe('local');
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('is applied to the engine the configuration gives', async () => {
    // An invalid stack name is refused before any program runs: enough to see the run's span.
    await expect(stackEngineFor(config).preview({ ...request(), stackName: '../etc' })).rejects.toThrow(
      'Invalid stack name',
    );
    const [span] = exporter.getFinishedSpans();
    expect(span).toMatchObject({
      name: 'stack preview',
      status: { code: SpanStatusCode.ERROR },
      attributes: { 'streamplane.stack.engine': 'local', 'error.type': 'INVALID_REQUEST' },
    });
  });
});
