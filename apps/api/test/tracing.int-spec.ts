import { SpanKind, SpanStatusCode, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { withStackEngineTracing } from '@streamplane/deployments';
import { createTracerProvider, registerTracing } from '@streamplane/observability';
import { LocalStackEngine } from '@streamplane/provisioning';
/* eslint-disable @nx/enforce-module-boundaries --
 * The provisioner is another app, and the small stand-in program a test fixture of libs/provisioning: like
 * test-provisioner.ts, this runs them beside the api. */
import { startProvisioner, type Provisioner } from '../../provisioner/src/create-provisioner';
import { fixtureProgram } from '../../../libs/provisioning/src/testing/fixture-program';
/* eslint-enable @nx/enforce-module-boundaries */
import { awsSpec, connectAwsAccount, specInput, verifyCloudAccount } from './fixtures';
import { expectOk, startTestApi, type TestApi } from './harness';

/** How long the provisioner may take to run the CREATE, on a busy 2-core machine. */
const OPERATION_TIMEOUT_MS = 60_000;

/**
 * TEST PLUMBING: the api and the provisioner run in this one process, which has one global tracer provider,
 * while in production each process has its own (startTracing in each main.ts), with its own service.name.
 * So each gets its own provider here too, both exporting to the same in-memory exporter, and the global one
 * hands out the api's tracer ('streamplane.api', graphql-tracing.ts) from the api's provider and every
 * other tracer (the job and StackEngine spans) from the provisioner's.
 */
class TwoProcesses implements TracerProvider {
  constructor(
    private readonly api: TracerProvider,
    private readonly provisioner: TracerProvider,
  ) {}

  getTracer(name: string, version?: string, options?: { schemaUrl?: string }): Tracer {
    return (name === 'streamplane.api' ? this.api : this.provisioner).getTracer(name, version, options);
  }
}

describe('one trace from a GraphQL mutation through the queue into the provisioner and its StackEngine', () => {
  const exporter = new InMemorySpanExporter();
  const providers: { shutdown(): Promise<void> }[] = [];
  let unregister: () => void;
  let api: TestApi;
  let provisioner: Provisioner;
  const provisionerLogs: string[] = [];

  beforeAll(async () => {
    api = await startTestApi();
    const [apiProvider, provisionerProvider] = ['streamplane-api', 'streamplane-provisioner'].map(
      (serviceName) => createTracerProvider({ serviceName, config: api.config, exporter })!,
    );
    providers.push(apiProvider, provisionerProvider);
    unregister = registerTracing(new TwoProcesses(apiProvider, provisionerProvider));
    // The engine the configuration gives (stackEngineFor) is traced the same way (tracing-stack-engine.spec.ts);
    // this one is the local engine with libs/provisioning's small stand-in for the infra program, at zero
    // latency: a trace about the path through the processes, not about the program.
    provisioner = await startProvisioner(api.config, {
      engine: withStackEngineTracing(new LocalStackEngine({ program: fixtureProgram, latency: 0 })),
      logDestination: { write: (line: string) => void provisionerLogs.push(line) },
    });
  }, 60_000);

  afterAll(async () => {
    await provisioner?.close();
    await api?.close();
    await Promise.all(providers.map((provider) => provider.shutdown()));
    unregister?.();
  });

  it(
    'links the api span, the job span and the StackEngine span as parent and child, each with its service',
    async () => {
      const client = api.client();
      await client.signup();
      const account = await connectAwsAccount(client);
      await verifyCloudAccount(client, account.id);

      // A named operation, as a program would send it: its span is named after it.
      const ordered = expectOk(
        await client.gql(
          `mutation CreateDeployment($input: CreateDeploymentInput!) {
            createDeployment(input: $input) { deployment { id } operation { id } }
          }`,
          { input: { cloudAccountId: account.id, spec: specInput(awsSpec()) } },
        ),
        'ordering a deployment',
      );
      const deployment = {
        id: ordered.createDeployment.deployment.id as string,
        operationId: ordered.createDeployment.operation.id as string,
      };
      const operation = await eventually('the CREATE operation to finish', async () => {
        const row = await api.prisma.operation.findUnique({ where: { id: deployment.operationId } });
        return row && ['SUCCEEDED', 'FAILED'].includes(row.status) ? row : undefined;
      });
      expect({ status: operation.status, error: operation.errorMessage }).toEqual({
        status: 'SUCCEEDED',
        error: null,
      });

      // The mutation's span, ended when its response was sent.
      const mutation = await eventually('the CreateDeployment span', () =>
        Promise.resolve(finished().find((span) => span.name === 'mutation CreateDeployment')),
      );
      const traceId = mutation.spanContext().traceId;
      expect(mutation).toMatchObject({
        kind: SpanKind.SERVER,
        parentSpanContext: undefined,
        attributes: {
          'graphql.operation.type': 'mutation',
          'graphql.operation.name': 'CreateDeployment',
          'streamplane.graphql.root_fields': ['createDeployment'],
          'http.request.method': 'POST',
          'http.route': '/graphql',
          'http.response.status_code': 200,
        },
        status: { code: SpanStatusCode.UNSET },
      });

      // The provisioner's run of the job, in the same trace, a child of the mutation's span.
      const job = await eventually('the job span', () =>
        Promise.resolve(
          finished().find(
            (span) =>
              span.kind === SpanKind.CONSUMER &&
              span.attributes['streamplane.operation.id'] === deployment.operationId,
          ),
        ),
      );
      expect(job).toMatchObject({
        name: 'process provisioning operation.run',
        parentSpanContext: { traceId, spanId: mutation.spanContext().spanId, isRemote: true },
        attributes: {
          'messaging.system': 'bullmq',
          'messaging.destination.name': 'provisioning',
          'messaging.operation.type': 'process',
          'messaging.message.id': `operation-${deployment.operationId}`,
          'streamplane.job.name': 'operation.run',
          'streamplane.job.attempt': 1,
          'streamplane.job.outcome': 'completed',
          'streamplane.deployment.id': deployment.id,
        },
      });
      expect(job.spanContext().traceId).toBe(traceId);

      // The engine's run, a child of the job's span, with what it changed.
      // (This worker's queue may also hold jobs other test files left: pick the run of this deployment.)
      const stackUp = finished().find(
        (span) => span.name === 'stack up' && span.attributes['streamplane.deployment.id'] === deployment.id,
      );
      expect(stackUp).toMatchObject({
        parentSpanContext: { traceId, spanId: job.spanContext().spanId },
        attributes: {
          'streamplane.stack.engine': 'local',
          'streamplane.stack.simulated': true,
          'streamplane.stack.operation': 'up',
          'streamplane.deployment.id': deployment.id,
          'streamplane.stack.summary.deleted': 0,
        },
        status: { code: SpanStatusCode.UNSET },
      });
      expect(stackUp!.spanContext().traceId).toBe(traceId);
      expect(stackUp!.attributes['streamplane.stack.summary.created']).toBeGreaterThan(0);
      expect(stackUp!.attributes['streamplane.stack.resource_events']).toBeGreaterThan(0);
      expect(stackUp!.attributes['streamplane.stack.name']).toEqual(expect.any(String));
      // Every engine call of the operation is a child of the job's span.
      const engineCalls = finished().filter((span) => span.name.startsWith('stack '));
      for (const call of engineCalls.filter((span) => span.spanContext().traceId === traceId)) {
        expect(call.parentSpanContext?.spanId).toBe(job.spanContext().spanId);
      }

      // Each span says which process it came from.
      for (const [span, service] of [
        [mutation, 'streamplane-api'],
        [job, 'streamplane-provisioner'],
        [stackUp!, 'streamplane-provisioner'],
      ] as const) {
        expect(span.resource.attributes).toMatchObject({
          'service.name': service,
          'service.namespace': 'streamplane',
          'service.instance.id': expect.any(String),
          'deployment.environment.name': 'test',
        });
      }
    },
    OPERATION_TIMEOUT_MS + 30_000,
  );

  it('continues the trace of a caller that sends a traceparent', async () => {
    const client = api.client();
    await client.signup();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const response = await client.post(
      '/graphql',
      { query: 'query Me { me { principalType } }' },
      { traceparent },
    );
    expect(response.status).toBe(200);
    const span = await eventually('the query span', () =>
      Promise.resolve(finished().find((s) => s.name === 'query Me')),
    );
    expect(span.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span.parentSpanContext).toMatchObject({ spanId: '00f067aa0ba902b7', isRemote: true });
  });

  function finished(): ReadableSpan[] {
    return exporter.getFinishedSpans();
  }

  /** Polls `probe` until it returns something, or fails naming what it waited for (with the provisioner's last logs). */
  async function eventually<T>(what: string, probe: () => Promise<T | undefined | null>): Promise<T> {
    const deadline = Date.now() + OPERATION_TIMEOUT_MS;
    for (;;) {
      const value = await probe();
      if (value !== undefined && value !== null) return value;
      if (Date.now() > deadline) {
        throw new Error(
          `gave up waiting for ${what}; spans: ${finished()
            .map((s) => s.name)
            .join(', ')}\n${provisionerLogs.slice(-10).join('')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
});
