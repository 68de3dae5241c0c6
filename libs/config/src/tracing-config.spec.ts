import { ConfigError, loadConfig } from './config';

const valid = {
  DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/streamplane',
  AUTH_SECRET: 'x'.repeat(32),
  CREDENTIALS_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}`,
};

describe('tracing configuration (OTEL_*)', () => {
  it('exports nothing by default and samples every trace once one is exported', () => {
    expect(loadConfig(valid).tracing).toEqual({
      otlpTracesUrl: undefined,
      otlpHeaders: {},
      serviceName: undefined,
      sampler: 'parentbased_traceidratio',
      samplerRatio: 1,
    });
  });

  it('sends traces to <OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces, or to OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given', () => {
    const base = { ...valid, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector:4318/' };
    expect(loadConfig(base).tracing.otlpTracesUrl).toBe('http://otel-collector:4318/v1/traces');
    expect(
      loadConfig({ ...base, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example.com/ingest' }).tracing
        .otlpTracesUrl,
    ).toBe('https://traces.example.com/ingest');
  });

  it('reads the headers, the service name and the sampler under their standard names', () => {
    const tracing = loadConfig({
      ...valid,
      OTEL_EXPORTER_OTLP_HEADERS: 'api-key=abc%3D%3D, x-team=ops',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-team=platform',
      OTEL_SERVICE_NAME: 'streamplane-api-eu',
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    }).tracing;
    expect(tracing).toMatchObject({
      otlpHeaders: { 'api-key': 'abc==', 'x-team': 'platform' },
      serviceName: 'streamplane-api-eu',
      sampler: 'traceidratio',
      samplerRatio: 0.25,
    });
  });

  it('names each malformed variable without echoing a header value', () => {
    const attempt = () =>
      loadConfig({
        ...valid,
        OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317',
        OTEL_EXPORTER_OTLP_HEADERS: 'secret-value-without-a-name',
        OTEL_TRACES_SAMPLER: 'jaeger_remote',
        OTEL_TRACES_SAMPLER_ARG: '2',
      });
    expect(attempt).toThrow(ConfigError);
    const message = (() => {
      try {
        attempt();
      } catch (error) {
        return (error as ConfigError).message;
      }
    })();
    for (const name of [
      'OTEL_EXPORTER_OTLP_ENDPOINT',
      'OTEL_EXPORTER_OTLP_HEADERS',
      'OTEL_TRACES_SAMPLER',
      'OTEL_TRACES_SAMPLER_ARG',
    ]) {
      expect(message).toContain(name);
    }
    expect(message).not.toContain('secret-value');
  });
});
