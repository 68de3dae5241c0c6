import { trace } from '@opentelemetry/api';
import { loadConfig } from '@streamplane/config';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTracing } from './start-tracing';

interface Received {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A stand-in OpenTelemetry collector: records each request and answers 200, as OTLP/HTTP expects. */
async function startCollector(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

describe('startTracing with an OTLP endpoint', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;

  beforeAll(async () => {
    collector = await startCollector();
  });
  afterAll(() => new Promise((resolve) => collector.server.close(resolve)));

  it('sends the spans to <endpoint>/v1/traces with the configured headers when it shuts down', async () => {
    const config = loadConfig({
      ...process.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-collector-key=k3y',
      OTEL_SERVICE_NAME: 'streamplane-api-eu',
    });
    const tracing = startTracing({ serviceName: 'streamplane-api', config });
    expect(tracing.enabled).toBe(true);
    trace.getTracer('test').startSpan('exported over otlp').end();
    // Batched: nothing is sent until the batch is due or the process shuts down, which flushes.
    await tracing.shutdown();

    expect(collector.received).toHaveLength(1);
    const [request] = collector.received;
    expect(request).toMatchObject({
      method: 'POST',
      url: '/v1/traces',
      headers: { 'content-type': 'application/json', 'x-collector-key': 'k3y' },
    });
    // OTLP/HTTP in its JSON encoding: the span under its resource (the process) and scope (the tracer).
    const body = JSON.parse(request.body.toString('utf8'));
    const [resourceSpans] = body.resourceSpans;
    expect(resourceSpans.resource.attributes).toEqual(
      expect.arrayContaining([
        { key: 'service.name', value: { stringValue: 'streamplane-api-eu' } },
        { key: 'service.namespace', value: { stringValue: 'streamplane' } },
      ]),
    );
    expect(resourceSpans.scopeSpans[0].scope.name).toBe('test');
    expect(resourceSpans.scopeSpans[0].spans.map((span: { name: string }) => span.name)).toEqual([
      'exported over otlp',
    ]);
  });
});
