/**
 * What a customer orders: one Kafka deployment in their own cloud. This type is the contract between the
 * api (which validates it with `parseDeploymentSpec`), the infra program (which builds it) and the cost
 * model (which prices it). It holds no secrets and nothing Streamplane-internal.
 */
export type Cloud = 'azure' | 'aws';

export type ClientAuthentication = 'scram-sha-512' | 'mtls';

// Records over the unions: adding a member without listing it here does not compile.
const CLOUD_SET: Record<Cloud, true> = { azure: true, aws: true };
const CLIENT_AUTHENTICATION_SET: Record<ClientAuthentication, true> = { 'scram-sha-512': true, mtls: true };

export const CLOUDS = Object.keys(CLOUD_SET) as readonly Cloud[];
export const CLIENT_AUTHENTICATIONS = Object.keys(
  CLIENT_AUTHENTICATION_SET,
) as readonly ClientAuthentication[];

export interface ListenerSpec {
  /** TLS listener inside the cluster (always on). */
  internal: true;
  /** TLS listener exposed through a cloud load balancer, one address per broker plus a bootstrap. */
  external: boolean;
}

export interface DeploymentSpec {
  /** DNS-1123 label (lower-case letters, digits, '-'; 3..40 chars): used in cloud resource names. */
  name: string;
  cloud: Cloud;
  /** A region from the catalog of `cloud`, e.g. `westeurope` or `eu-west-1`. */
  region: string;
  /** Exactly three distinct availability zones of `region` (Azure: '1' | '2' | '3'; AWS: 'eu-west-1a', …). */
  zones: [string, string, string];
  /** One of the versions Strimzi 1.2 supports (../shared/schemas/strimzi/supported-kafka-versions.json). */
  kafkaVersion: string;
  /** KRaft controller quorum size; fixed at creation (changing a quorum is disruptive). */
  controllers: 3 | 5;
  /** Broker count, at least 3 (replication factor 3 with min.insync.replicas 2). */
  brokers: number;
  /** A node size from the catalog of `cloud` (Azure VM size or EC2 instance type). */
  nodeSize: string;
  /** Persistent storage per broker, GiB (bounded by the catalog). */
  storagePerBrokerGiB: number;
  listeners: ListenerSpec;
  clientAuthentication: ClientAuthentication;
  /** Tags/labels applied to every cloud resource (keys and values validated for both clouds). */
  tags: Record<string, string>;
}
