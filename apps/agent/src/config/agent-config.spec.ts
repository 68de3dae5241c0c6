import { agentTokenReader, AgentConfigError, loadAgentConfig } from './agent-config';

const DEPLOYMENT = '0b7c9a52-5a55-4a55-8a55-1f2e3d4c5b6a';
const files: Record<string, string> = {
  '/run/token': 'sp_agt_abc_def\n',
  '/kafka/user/password': 's3cret\n',
  '/kafka/user/user.crt': 'CERT',
  '/kafka/user/user.key': 'KEY',
};
const readFile = (path: string) => {
  if (!(path in files)) throw new Error('ENOENT: no such file');
  return files[path];
};

/** What infra/platform/agent.ts gives the agent's container (SCRAM). */
const infraEnv = {
  STREAMPLANE_DEPLOYMENT_ID: DEPLOYMENT,
  STREAMPLANE_CONTROL_PLANE_URL: 'https://api.streamplane.example/',
  STREAMPLANE_AGENT_TOKEN_FILE: '/run/token',
  STREAMPLANE_SPOOL_DIR: '/var/spool/agent',
  STREAMPLANE_HTTP_PORT: '8080',
  KAFKA_BOOTSTRAP_SERVERS: 'kafka-bootstrap.kafka.svc:9093',
  KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
  KAFKA_SSL_CA_FILE: '/kafka/ca.crt',
  KAFKA_CREDENTIALS_DIR: '/kafka/user',
  KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
  KAFKA_SASL_USERNAME: 'streamplane-agent',
  PROMETHEUS_URL: 'http://prometheus.monitoring.svc:9090',
};

describe('agent configuration', () => {
  it('reads what the infra program sets, password from the credentials directory', () => {
    const config = loadAgentConfig(infraEnv, readFile);
    expect(config).toEqual({
      deploymentId: DEPLOYMENT,
      controlPlaneUrl: 'https://api.streamplane.example',
      token: { file: '/run/token' },
      kafka: {
        brokers: ['kafka-bootstrap.kafka.svc:9093'],
        ssl: true,
        sslCaFile: '/kafka/ca.crt',
        sasl: { mechanism: 'scram-sha-512', username: 'streamplane-agent', password: 's3cret' },
      },
      prometheusUrl: 'http://prometheus.monitoring.svc:9090',
      spool: { dir: '/var/spool/agent', maxBytes: 256 * 1_048_576 },
      intervalSeconds: 60,
      httpPort: 8080,
    });
    expect(agentTokenReader(config.token, readFile)()).toBe('sp_agt_abc_def');
  });

  it('takes the short names for running it by hand, and mTLS client certificates', () => {
    const config = loadAgentConfig(
      {
        DEPLOYMENT_ID: DEPLOYMENT,
        CONTROL_PLANE_URL: 'http://localhost:3000',
        AGENT_TOKEN: 'sp_agt_x_y',
        KAFKA_BROKERS: 'localhost:9092, broker-2:9092',
        KAFKA_SECURITY_PROTOCOL: 'SSL',
        KAFKA_CREDENTIALS_DIR: '/kafka/user',
        SPOOL_DIR: '/tmp/spool',
        AGENT_INTERVAL_SECONDS: '30',
      },
      readFile,
    );
    expect(config.kafka).toEqual({
      brokers: ['localhost:9092', 'broker-2:9092'],
      ssl: true,
      mtls: { cert: 'CERT', key: 'KEY' },
    });
    expect(config.token).toEqual({ value: 'sp_agt_x_y' });
    expect(config.prometheusUrl).toBeUndefined();
    expect(config.intervalSeconds).toBe(30);
  });

  it('names every missing or malformed variable at once', () => {
    let error: unknown;
    try {
      loadAgentConfig(
        {
          STREAMPLANE_DEPLOYMENT_ID: 'not-a-uuid',
          CONTROL_PLANE_URL: 'ftp://x',
          KAFKA_BROKERS: 'no-port',
          KAFKA_SASL_MECHANISM: 'GSSAPI',
          PROMETHEUS_URL: 'nope',
          AGENT_INTERVAL_SECONDS: '7',
        },
        readFile,
      );
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AgentConfigError);
    const problems = (error as AgentConfigError).problems.join('\n');
    for (const name of [
      'STREAMPLANE_DEPLOYMENT_ID',
      'CONTROL_PLANE_URL',
      'AGENT_TOKEN',
      'KAFKA_BROKERS: "no-port"',
      'KAFKA_SASL_MECHANISM',
      'KAFKA_SASL_USERNAME',
      'KAFKA_SASL_PASSWORD',
      'PROMETHEUS_URL',
      'AGENT_INTERVAL_SECONDS',
    ]) {
      expect(problems).toContain(name);
    }
  });

  it('says which credentials file it could not read', () => {
    expect(() => loadAgentConfig({ ...infraEnv, KAFKA_CREDENTIALS_DIR: '/missing' }, readFile)).toThrow(
      /KAFKA_CREDENTIALS_DIR: cannot read \/missing\/password/,
    );
  });
});
