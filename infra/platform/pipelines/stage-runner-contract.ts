/**
 * The contract between the infra program and the pipeline stage runner image: where it finds its settings and
 * credentials, and what it serves. Kept in one place, like the agent's (`../agent.ts`).
 *
 * Environment of every runner:
 * - STREAMPLANE_PIPELINE_ID, STREAMPLANE_PIPELINE_NAME, STREAMPLANE_STAGE_NAME, STREAMPLANE_STAGE_KIND
 * - STREAMPLANE_STAGE_CONFIG_FILE: the stage's settings as JSON (a file, not a variable: an enrich stage's
 *   static data may be up to 1 MB, far beyond what one environment variable can hold)
 * - STREAMPLANE_HTTP_PORT: serves /healthz (live), /readyz (connected to Kafka) and /metrics
 * - KAFKA_BOOTSTRAP_SERVERS, KAFKA_SECURITY_PROTOCOL (SASL_SSL or SSL), KAFKA_SSL_CA_FILE (cluster CA)
 * - KAFKA_CLIENT_ID; KAFKA_INPUT_TOPIC, KAFKA_CONSUMER_GROUP, KAFKA_AUTO_OFFSET_RESET when it consumes;
 *   KAFKA_OUTPUT_TOPIC when it produces
 * - SCRAM-SHA-512: KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD (from the KafkaUser's Secret)
 * - mTLS: KAFKA_SSL_CERT_FILE, KAFKA_SSL_KEY_FILE (the KafkaUser's Secret mounted, so a renewed certificate
 *   reaches the running pod)
 * - the stage's secret settings (`secretEnv`), each under its own name
 */
export const STAGE_HTTP_PORT = 8080;

/** Non-root identity that exists in distroless `nonroot` images (as for the agent). */
export const STAGE_RUNNER_UID = 65532;

export const STAGE_PATHS = {
  configDir: '/etc/streamplane/stage',
  configFile: 'stage.json',
  kafkaUserDir: '/var/run/secrets/kafka/user',
  kafkaClusterCaDir: '/var/run/secrets/kafka/cluster-ca',
} as const;

/** Where a consumer group without committed offsets starts: nothing written before it joined is skipped. */
export const AUTO_OFFSET_RESET = 'earliest';
