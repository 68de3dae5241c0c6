import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type Admin, type SASLOptions } from 'kafkajs';
import type { AgentConfig } from '../config/agent-config';

/** A kafkajs admin client for the cluster in the agent's configuration (TLS and SASL/mTLS as configured). */
export function createKafkaAdmin(config: AgentConfig['kafka']): Admin {
  const ca = config.sslCaFile ? [readFileSync(config.sslCaFile, 'utf8')] : undefined;
  const ssl = config.ssl ? { ca, ...config.mtls } : false;
  const sasl: SASLOptions | undefined = config.sasl
    ? { mechanism: config.sasl.mechanism, username: config.sasl.username, password: config.sasl.password }
    : undefined;
  const kafka = new Kafka({
    clientId: 'streamplane-agent',
    brokers: config.brokers,
    ssl,
    sasl,
    connectionTimeout: 5_000,
    requestTimeout: 15_000,
    // The agent logs through its own logger; kafkajs' console lines would be noise in the JSON log.
    logLevel: logLevel.NOTHING,
    retry: { retries: 2 },
  });
  return kafka.admin();
}
