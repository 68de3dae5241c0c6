import type * as pulumi from '@pulumi/pulumi';
import type { DeploymentSpec } from '@streamplane/deployment-spec';

/** Everything the infra program needs for one deployment. Secrets arrive as Pulumi secrets. */
export interface ProgramInput {
  /** Streamplane's deployment id (uuid); used in names and tags so resources can be traced back. */
  deploymentId: string;
  spec: DeploymentSpec;
  agent: {
    /** Container image of the Streamplane agent, pinned by digest or tag. */
    image: string;
    /** Where the agent reports (the api's public URL). */
    controlPlaneUrl: string;
    /** The deployment's agent token (secret). */
    token: pulumi.Input<string>;
  };
  /**
   * Pins the Kafka's KRaft `metadataVersion` instead of the one Strimzi pairs with `spec.kafkaVersion`. A Kafka
   * upgrade runs in two phases: first the brokers roll to the new version while the cluster keeps the old
   * version's metadata version (until then a rollback is still possible), then the pin is dropped and the
   * metadata version moves forward. It must be the metadata version of a supported Kafka version no newer than
   * `spec.kafkaVersion`.
   */
  kafkaMetadataVersion?: string;
  /**
   * The deployment's pipelines, as last applied (or as the running operation applies them). Every run of
   * the stack carries all of them, so a run for another reason (scale, upgrade) never removes one.
   */
  pipelines?: PipelineWorkload[];
  /**
   * This deployment's part of its replication links (libs/replication decides it): mirroring users it
   * serves as a source, MirrorMaker 2 clusters it runs as a target. Every run carries all of it, like pipelines.
   */
  replication?: ReplicationWorkload;
}

/** What a cloud component (AKS or EKS) hands to the Kubernetes side. */
export interface ClusterOutputs {
  clusterName: pulumi.Output<string>;
  /** Kubeconfig for the cluster (secret output). */
  kubeconfig: pulumi.Output<string>;
  /**
   * How Kafka volumes are provisioned on this cloud: the platform creates a StorageClass from it
   * (encrypted at rest, WaitForFirstConsumer so a volume lands in its broker's zone, expansion allowed).
   */
  kafkaStorage: { provisioner: string; parameters: Record<string, string> };
  /** Node label and taint that mark the Kafka pool; Kafka pods select and tolerate them. */
  kafkaNodeLabel: { key: string; value: string };
  kafkaNodeTaint: { key: string; value: string; effect: 'NoSchedule' };
  /**
   * Brokers and controllers get separate nodes (controllers on the catalog's smaller controller size): this
   * label says which role a Kafka node is for, so broker pods select `brokers` and controller pods
   * `controllers`. Set by both cloud components.
   */
  kafkaNodeRoleLabel?: { key: string; brokers: string; controllers: string };
  /** The label whose values are the zones (rack awareness): `topology.kubernetes.io/zone`. */
  zoneLabel: string;
}

/** The program's stack outputs. */
export interface ProgramOutputs {
  clusterName: string;
  bootstrapInternal: string;
  /** Null when the external listener is off. */
  bootstrapExternal: string | null;
  grafanaUrl: string;
  kubeconfig: string;
  /** The KRaft metadata version the Kafka resource was given (an upgrade's first phase pins the old one). */
  kafkaMetadataVersion: string;
  /**
   * The CA certificate (PEM) the external listener's broker certificates are signed with, as Strimzi reports
   * it; what a replication link's MirrorMaker 2 on another deployment trusts. Null when the listener is off
   * (or Strimzi has not reported it).
   */
  kafkaExternalCaCert?: string | null;
}

/**
 * Component names, fixed so the pieces can be built in parallel:
 * - infra/azure/cluster.ts  `AzureKafkaCluster` (ComponentResource), args `CloudClusterArgs`, field `outputs: ClusterOutputs`
 * - infra/aws/cluster.ts    `AwsKafkaCluster`   (ComponentResource), args `CloudClusterArgs`, field `outputs: ClusterOutputs`
 * - infra/platform/platform.ts `KafkaPlatform` (ComponentResource), args `PlatformArgs`, given a Kubernetes provider
 * - infra/program.ts        `deploymentProgram(input: ProgramInput)`: the inline program (returns ProgramOutputs)
 */
export interface CloudClusterArgs {
  deploymentId: string;
  spec: DeploymentSpec;
  /** spec.tags plus Streamplane's own (deployment id, managed-by). */
  tags: Record<string, string>;
  /**
   * CIDRs allowed to reach the cluster's public Kubernetes API endpoint (Streamplane's provisioner egress).
   * Unset: reachable from anywhere, still authenticated (IAM / Entra ID). Access from inside the cluster's
   * network is always on.
   */
  apiServerAllowedCidrs?: string[];
  /**
   * Azure only: deploy into this existing resource group (where the customer granted Streamplane's role)
   * instead of creating one.
   */
  azureResourceGroupName?: string;
}

export interface PlatformArgs {
  deploymentId: string;
  spec: DeploymentSpec;
  cluster: ClusterOutputs;
  agent: ProgramInput['agent'];
  kafkaMetadataVersion?: ProgramInput['kafkaMetadataVersion'];
  pipelines?: ProgramInput['pipelines'];
  replication?: ProgramInput['replication'];
}

/**
 * A pipeline as the Kubernetes side deploys it (infra/platform/pipelines): libs/pipelines turns a
 * customer's pipeline spec into this, deciding topic names, consumer groups and what each stage may read
 * and write; the platform only renders it (KafkaTopic, KafkaUser, a Deployment per stage, KEDA autoscaling).
 */
export interface PipelineWorkload {
  /** Streamplane's pipeline id (uuid), in labels. */
  id: string;
  /** DNS-1123 label, unique in the deployment: resource names derive from it. */
  name: string;
  /** Paused: every stage runner at 0 replicas and its autoscaling paused; topics and users stay. */
  paused: boolean;
  topics: PipelineTopic[];
  stages: PipelineStageWorkload[];
}

export interface PipelineTopic {
  /** The Kafka topic name (may hold '.' and '_', which Kubernetes names cannot). */
  topicName: string;
  partitions: number;
  replicas: number;
  retentionMs: number;
  cleanupPolicy: 'delete' | 'compact';
  /** Kept in the cluster when the pipeline (or this topic) is removed: Pulumi `retainOnDelete`. */
  retainOnDelete: boolean;
}

export interface PipelineStageWorkload {
  /** DNS-1123 label, unique in the pipeline. */
  name: string;
  /** e.g. `source.mqtt`, `transform.filter`, `sink.postgres` (libs/pipelines' catalog). */
  kind: string;
  /** Container image of the stage runner. */
  image: string;
  /** The stage's non-secret settings, handed to the runner as JSON (a ConfigMap). */
  config: Record<string, unknown>;
  /** Secret settings (connection strings, webhook auth): a Kubernetes Secret, env vars of the runner. */
  secretEnv?: Record<string, pulumi.Input<string>>;
  /** The topic the stage consumes (absent for MQTT/HTTP sources). */
  inputTopic?: string;
  /** The topic the stage produces to (absent for sinks that leave Kafka). */
  outputTopic?: string;
  /** The stage's consumer group (present when it consumes). */
  consumerGroup?: string;
  /** Everything the stage's KafkaUser may read / write: its ACLs grant exactly these and nothing else. */
  readTopics: string[];
  writeTopics: string[];
  /** Lag-based autoscaling of a consuming stage (KEDA ScaledObject on consumer-group lag). */
  scaling: { minReplicas: number; maxReplicas: number; lagThreshold: number };
  /**
   * TCP ports the stage reaches outside the cluster (its NetworkPolicy's egress), e.g. 6432 for a PostgreSQL
   * behind PgBouncer. Absent: the usual ports of its kind (see infra/platform/pipelines/stage-egress.ts).
   */
  egressPorts?: number[];
}

/**
 * A deployment's part of its replication links (infra/platform/replication renders it). libs/replication
 * decides names, patterns and credentials; the platform only renders them.
 */
export interface ReplicationWorkload {
  /** Links for which this deployment is a source: one read-only SCRAM-SHA-512 KafkaUser each. */
  sourceUsers: ReplicationSourceUser[];
  /** Links for which this deployment receives records: one KafkaMirrorMaker2 each, pulling from the source. */
  mirrors: ReplicationMirror[];
}

/** A topic or consumer-group selection: an exact name, or every name starting with `name`. */
export interface ReplicationPattern {
  name: string;
  patternType: 'literal' | 'prefix';
}

export interface ReplicationSourceUser {
  /** Streamplane's link id (uuid), in labels. */
  linkId: string;
  /** The KafkaUser (and its password Secret's) name; the principal the other side's MirrorMaker 2 uses. */
  userName: string;
  /** Generated by Streamplane, sealed at rest; the other side's MirrorMaker 2 gets the same one. */
  password: pulumi.Input<string>;
  /** What the user may read (and describe): exactly the mirrored topics and groups, nothing else. */
  topics: ReplicationPattern[];
  consumerGroups: ReplicationPattern[];
}

export interface ReplicationMirror {
  linkId: string;
  /** The KafkaMirrorMaker2's name (DNS-1123, short: Strimzi appends suffixes); its users and topics derive from it. */
  name: string;
  /** MirrorMaker 2 cluster aliases: the deployments' names. Remote topics are `<sourceAlias>.<topic>` when prefixed. */
  sourceAlias: string;
  targetAlias: string;
  source: {
    /** The source deployment's external listener (`host:port`). */
    bootstrapServers: string;
    /** PEM of the source cluster's CA, which MirrorMaker 2 trusts for that connection only. */
    caCertificate: string;
    /** The source side's mirroring user (see ReplicationSourceUser) and its password. */
    userName: string;
    password: pulumi.Input<string>;
  };
  topics: ReplicationPattern[];
  consumerGroups: ReplicationPattern[];
  /** prefixed: MM2's DefaultReplicationPolicy (cannot loop); identity: IdentityReplicationPolicy (one-way only). */
  topicNaming: 'prefixed' | 'identity';
  /** Paused (a failover stopped mirroring into this side): the connectors stop, config and offsets stay. */
  paused: boolean;
  /** Alert thresholds of the link (PrometheusRule on this side). */
  alerts: { replicationLatencySeconds: number; checkpointAgeSeconds: number };
}
