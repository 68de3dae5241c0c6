import type { ClientAuthentication } from '../generated/graphql';

/**
 * Client configuration for a deployment, as text to copy. Every listener is TLS with the cluster's own CA
 * (Strimzi's `streamplane-cluster-ca-cert` Secret in the `kafka` namespace); clients authenticate as a
 * KafkaUser — SCRAM-SHA-512 (its Secret holds the password) or mutual TLS (its Secret holds the
 * certificate and key). Names match infra/platform/names.ts.
 */
export const KAFKA_NAMESPACE = 'kafka';
export const CLUSTER_CA_SECRET = 'streamplane-cluster-ca-cert';

export interface ClientTarget {
  bootstrap: string;
  authentication: ClientAuthentication;
  /** The KafkaUser the application connects as. */
  user?: string;
}

const DEFAULT_USER = 'my-app';

/** Shell commands that fetch the CA and the user's credentials from the cluster. */
export function credentialCommands(target: ClientTarget): string {
  const user = target.user ?? DEFAULT_USER;
  const lines = [
    `# The cluster's CA certificate (every listener is TLS)`,
    `kubectl get secret ${CLUSTER_CA_SECRET} -n ${KAFKA_NAMESPACE} -o jsonpath='{.data.ca\\.crt}' | base64 -d > ca.crt`,
  ];
  if (target.authentication === 'SCRAM_SHA_512') {
    lines.push(
      `# The password of KafkaUser "${user}" (SCRAM-SHA-512)`,
      `kubectl get secret ${user} -n ${KAFKA_NAMESPACE} -o jsonpath='{.data.password}' | base64 -d > ${user}.password`,
    );
  } else {
    lines.push(
      `# The client certificate and key of KafkaUser "${user}" (mutual TLS)`,
      `kubectl get secret ${user} -n ${KAFKA_NAMESPACE} -o jsonpath='{.data.user\\.crt}' | base64 -d > ${user}.crt`,
      `kubectl get secret ${user} -n ${KAFKA_NAMESPACE} -o jsonpath='{.data.user\\.key}' | base64 -d > ${user}.key`,
    );
  }
  return lines.join('\n');
}

export function kafkajsConfig(target: ClientTarget): string {
  const user = target.user ?? DEFAULT_USER;
  const auth =
    target.authentication === 'SCRAM_SHA_512'
      ? [
          `  ssl: { ca: [readFileSync('ca.crt', 'utf-8')] },`,
          `  sasl: {`,
          `    mechanism: 'scram-sha-512',`,
          `    username: '${user}',`,
          `    password: readFileSync('${user}.password', 'utf-8').trim(),`,
          `  },`,
        ]
      : [
          `  ssl: {`,
          `    ca: [readFileSync('ca.crt', 'utf-8')],`,
          `    cert: readFileSync('${user}.crt', 'utf-8'),`,
          `    key: readFileSync('${user}.key', 'utf-8'),`,
          `  },`,
        ];
  return [
    `import { readFileSync } from 'node:fs';`,
    `import { Kafka } from 'kafkajs';`,
    ``,
    `const kafka = new Kafka({`,
    `  clientId: '${user}',`,
    `  brokers: ['${target.bootstrap}'],`,
    ...auth,
    `});`,
    ``,
    `const producer = kafka.producer();`,
    `await producer.connect();`,
    `await producer.send({ topic: 'orders', messages: [{ key: 'order-1', value: 'hello' }] });`,
  ].join('\n');
}

export function javaProperties(target: ClientTarget): string {
  const user = target.user ?? DEFAULT_USER;
  const common = [
    `bootstrap.servers=${target.bootstrap}`,
    `ssl.truststore.type=PEM`,
    `ssl.truststore.location=ca.crt`,
  ];
  if (target.authentication === 'SCRAM_SHA_512') {
    return [
      ...common,
      `security.protocol=SASL_SSL`,
      `sasl.mechanism=SCRAM-SHA-512`,
      `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required \\`,
      `  username="${user}" \\`,
      `  password="<contents of ${user}.password>";`,
    ].join('\n');
  }
  return [
    ...common,
    `security.protocol=SSL`,
    `ssl.keystore.type=PEM`,
    `# PEM keystore: the certificate followed by the private key, in one file`,
    `ssl.keystore.location=${user}.pem`,
  ].join('\n');
}
